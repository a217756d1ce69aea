package storage

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BatchBaseline is the load tool's write baseline: raw bbolt Batch writes
// with the same options Open uses, each committed (fsynced) before the
// writer goes on. Only storage may import bbolt, so cmd/loadtest calls
// this.
type BatchBaseline struct {
	Writes   int
	Writers  int
	Elapsed  time.Duration
	PerWrite []time.Duration // latency of each write, in completion order
}

// PerSecond is durable writes per second.
func (b BatchBaseline) PerSecond() float64 {
	if b.Elapsed <= 0 {
		return 0
	}
	return float64(b.Writes) / b.Elapsed.Seconds()
}

// RunBatchBaseline creates a bbolt file at path (which must not exist) and
// performs n writes from writers goroutines, each a db.Batch that puts one
// record of recordSize bytes under a NextSequence key: the shape of a
// CreateDeal without its indexes and events.
func RunBatchBaseline(ctx context.Context, path string, n, writers, recordSize int) (BatchBaseline, error) {
	res := BatchBaseline{Writes: n, Writers: writers}
	if writers < 1 || n < 1 {
		return res, fmt.Errorf("batch baseline: need at least one writer and one write")
	}
	b, err := bolt.Open(path, 0o600, boltOptions(Options{Timeout: DefaultTimeout}))
	if err != nil {
		return res, fmt.Errorf("batch baseline: open %s: %w", path, err)
	}
	defer b.Close()
	bucket := []byte("baseline")
	if err := b.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		return res, err
	}
	value := make([]byte, recordSize)
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	lat := make([]time.Duration, 0, n)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				t0 := time.Now()
				err := b.Batch(func(tx *bolt.Tx) error {
					bk := tx.Bucket(bucket)
					seq, err := bk.NextSequence()
					if err != nil {
						return err
					}
					var k [8]byte
					binary.BigEndian.PutUint64(k[:], seq)
					return bk.Put(k[:], value)
				})
				d := time.Since(t0)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.PerWrite = lat
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return res, firstErr
}
