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
		if old := b.Get([]byte(j.Key)); old != nil && (j.Pending || !isPending(old)) {
			return nil // a write's entry stays; a pending one gives way to it
		}
		v := j.Entry
		if j.Pending {
			v = append([]byte{pendingMark}, j.Entry...)
		}
		return b.Put([]byte(j.Key), v)
	}
}

// pendingMark starts a pending entry's value. Entries are the caller's
// JSON, which never starts with a NUL byte.
const pendingMark = 0x00

func isPending(v []byte) bool { return len(v) > 0 && v[0] == pendingMark }

// Journal lists the requests whose answers were not yet cleared, in key
// order: those whose writes committed, and those still Pending.
func (db *DB) Journal(ctx context.Context) ([]sales.Journal, error) {
	var out []sales.Journal
	err := db.view(ctx, "list journal", func(tx *bolt.Tx) error {
		out = nil
		return tx.Bucket(bJournal).ForEach(func(k, v []byte) error {
			j := sales.Journal{Key: string(k), Entry: bytes.Clone(v)}
			if isPending(v) {
				j.Pending, j.Entry = true, j.Entry[1:]
			}
			out = append(out, j)
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
