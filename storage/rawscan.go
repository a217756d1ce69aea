package storage

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// RawScan is the benchmark baseline for reads: a bare bbolt cursor over
// every deal record of the file at path, touching each value, with no
// decoding. Only storage may import bbolt, so benchmarks elsewhere (the
// digest's) call this. The file is opened read-only, which shares the lock
// with another read-only handle.
func RawScan(path string) (n int, err error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: DefaultTimeout})
	if err != nil {
		return 0, fmt.Errorf("raw scan: open %s: %w", path, err)
	}
	defer func() {
		if cerr := b.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	var bytes int
	err = b.View(func(tx *bolt.Tx) error {
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
