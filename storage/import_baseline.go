package storage

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// RawLoad is the floor an import is measured against: it creates a bbolt
// file at path (which must not exist) with the options `salesbot import`
// opens with (its memory map sized to the input, as importMmap does) and
// puts each row, as it is, under a sequential key in one transaction: no
// parsing, no indexes, no history. Only storage may import bbolt, so the
// import benchmark of cmd/salesbot calls this.
func RawLoad(ctx context.Context, path string, rows [][]byte) error {
	n := 0
	for _, r := range rows {
		n += len(r) + 2 // and its line break
	}
	b, err := bolt.Open(path, 0o600, boltOptions(Options{Timeout: DefaultTimeout, MmapSize: 32 * n}))
	if err != nil {
		return fmt.Errorf("raw load: open %s: %w", path, err)
	}
	defer b.Close()
	return b.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucket([]byte("rows"))
		if err != nil {
			return err
		}
		bk.FillPercent = 0.95 // keys only grow, as Import's deal keys do
		var k [8]byte
		for i, row := range rows {
			if i&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			binary.BigEndian.PutUint64(k[:], uint64(i+1))
			if err := bk.Put(k[:], row); err != nil {
				return err
			}
		}
		return nil
	})
}
