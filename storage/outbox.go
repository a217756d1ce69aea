package storage

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// Enqueue adds an item unless one with the same Key was ever enqueued.
// ID is assigned; a zero Created becomes db.Now(). The item is on disk
// when Enqueue returns. An empty Key never dedupes.
func (db *DB) Enqueue(ctx context.Context, it sales.OutboxItem) (added bool, err error) {
	now := db.Now()
	err = db.write(ctx, "enqueue", func(tx *bolt.Tx) error {
		added = false
		keys := tx.Bucket(bOutKeys)
		if it.Key != "" && keys.Get([]byte(it.Key)) != nil {
			return nil
		}
		out := tx.Bucket(bOutbox)
		seq, err := out.NextSequence()
		if err != nil {
			return err
		}
		n := it
		n.ID = seq
		if n.Created.IsZero() {
			n.Created = now
		}
		if err := out.Put(u64key(seq), encodeOutbox(&n)); err != nil {
			return err
		}
		if n.Key != "" {
			if err := keys.Put([]byte(n.Key), u64key(seq)); err != nil {
				return err
			}
		}
		added = true
		return nil
	})
	return added, err
}

// Pending lists items not yet done, oldest first.
func (db *DB) Pending(ctx context.Context) ([]sales.OutboxItem, error) {
	var out []sales.OutboxItem
	err := db.view(ctx, "list outbox", func(tx *bolt.Tx) error {
		out = nil
		return tx.Bucket(bOutbox).ForEach(func(k, v []byte) error {
			it, err := decodeOutbox(v)
			if err != nil {
				return fmt.Errorf("outbox item %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, it)
			return nil
		})
	})
	return out, err
}

// Done marks an item posted (its Key stays remembered). Done on an item
// already done is a no-op, so a poster may repeat it after a crash.
func (db *DB) Done(ctx context.Context, id uint64) error {
	return db.write(ctx, "outbox done", func(tx *bolt.Tx) error {
		return tx.Bucket(bOutbox).Delete(u64key(id))
	})
}

// Retry records a failed attempt. ENOTFOUND when the item is not pending.
func (db *DB) Retry(ctx context.Context, id uint64) error {
	return db.write(ctx, "outbox retry", func(tx *bolt.Tx) error {
		b := tx.Bucket(bOutbox)
		v := b.Get(u64key(id))
		if v == nil {
			return sales.Errorf(sales.ENOTFOUND, "outbox item %d is not pending", id)
		}
		it, err := decodeOutbox(v)
		if err != nil {
			return err
		}
		it.Tries++
		return b.Put(u64key(id), encodeOutbox(&it))
	})
}
