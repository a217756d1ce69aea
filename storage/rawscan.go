package storage

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RawScan is the benchmark baseline for reads: a bare bbolt cursor over
// every deal record of the file at path, touching each value, with no
// decoding. Only storage may import bbolt, so benchmarks elsewhere (the
// digest's) call this. The file is opened read-only, which shares the lock
// with another read-only handle.
// rawView runs fn in one read transaction of a bare bbolt handle on path.
func rawView(path string, fn func(tx *bolt.Tx) error) (err error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: DefaultTimeout})
	if err != nil {
		return fmt.Errorf("raw scan: open %s: %w", path, err)
	}
	defer func() {
		if cerr := b.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	return b.View(fn)
}

func RawScan(path string) (n int, err error) {
	var bytes int
	err = rawView(path, func(tx *bolt.Tx) error {
		bk := tx.Bucket(bDeals)
		if bk == nil {
			return nil
		}
		c := bk.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			n++
			bytes += len(v)
		}
		return nil
	})
	if bytes < 0 { // keeps the value reads from being optimised away
		return 0, fmt.Errorf("raw scan: impossible size")
	}
	return n, err
}

// RawScanActivityTimes is the baseline for activity counts: a bare bbolt
// cursor over the activity time index of the file at path for [from, to),
// touching each value, with no decoding or counting.
func RawScanActivityTimes(path string, from, to time.Time) (n int, err error) {
	var size int
	err = rawView(path, func(tx *bolt.Tx) error {
		if tx.Bucket(bActTime) == nil {
			return nil
		}
		return scanActTime(tx, from, to, func(k, v []byte) error {
			n++
			size += len(v)
			return nil
		})
	})
	if size < 0 {
		return 0, fmt.Errorf("raw scan: impossible size")
	}
	return n, err
}
