package storage

import (
	"bytes"
	"context"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// journaled adds ctx's journal entry (sales.WithJournal) to a write that
// succeeds, inside its transaction: a crash can then never leave a
// committed effect whose request nobody remembers having to answer.
func journaled(ctx context.Context, fn func(tx *bolt.Tx) error) func(tx *bolt.Tx) error {
	j, ok := sales.JournalOf(ctx)
	if !ok {
		return fn
	}
	return func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		b := tx.Bucket(bJournal)
		if b.Get([]byte(j.Key)) != nil {
			return nil
		}
		return b.Put([]byte(j.Key), j.Entry)
	}
}

// Journal lists the requests whose writes committed and whose answers
// were not yet cleared, in key order.
func (db *DB) Journal(ctx context.Context) ([]sales.Journal, error) {
	var out []sales.Journal
	err := db.view(ctx, "list journal", func(tx *bolt.Tx) error {
		out = nil
		return tx.Bucket(bJournal).ForEach(func(k, v []byte) error {
			out = append(out, sales.Journal{Key: string(k), Entry: bytes.Clone(v)})
			return nil
		})
	})
	return out, err
}

// ClearJournal forgets answered requests; unknown keys are ignored, so a
// clear may be repeated.
func (db *DB) ClearJournal(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	// A clear made under a request's own ctx must not re-record it.
	ctx = sales.WithJournal(ctx, sales.Journal{})
	return db.write(ctx, "clear journal", func(tx *bolt.Tx) error {
		b := tx.Bucket(bJournal)
		for _, k := range keys {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
}
