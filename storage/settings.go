package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// slotKeep is how far back claimed slots are remembered; a scheduler never
// claims a slot that old, and pruning keeps @every jobs from growing the
// file forever.
const slotKeep = 35 * 24 * time.Hour

// ClaimSlot records that job's occurrence at slot was taken. It returns
// false when that slot was already claimed (before or after a restart).
func (db *DB) ClaimSlot(ctx context.Context, job string, slot time.Time) (bool, error) {
	if job == "" || strings.IndexByte(job, 0) >= 0 {
		return false, sales.Errorf(sales.EINVALID, "job name %q is not valid", job)
	}
	var claimed bool
	err := db.write(ctx, "claim slot", func(tx *bolt.Tx) error {
		claimed = false
		b := tx.Bucket(bSlots)
		k := slotKey(job, slot.UnixNano())
		if b.Get(k) != nil {
			return nil
		}
		if err := b.Put(k, empty); err != nil {
			return err
		}
		claimed = true
		// Forget this job's slots from long before this one.
		prefix := slotPrefix(job)
		cutoff := slotKey(job, slot.Add(-slotKeep).UnixNano())
		var old [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.Compare(k, cutoff) < 0 && len(old) < pruneBatch; k, _ = c.Next() {
			old = append(old, append([]byte(nil), k...))
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return claimed, err
}

// LastSlot returns the latest claimed slot of job (in UTC), zero when none.
func (db *DB) LastSlot(ctx context.Context, job string) (time.Time, error) {
	var last time.Time
	err := db.view(ctx, "last slot", func(tx *bolt.Tx) error {
		last = time.Time{}
		prefix := slotPrefix(job)
		c := tx.Bucket(bSlots).Cursor()
		k, _ := c.Seek(prefixEnd(prefix))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		if k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8 {
			last = time.Unix(0, unsortable(binary.BigEndian.Uint64(k[len(prefix):]))).UTC()
		}
		return nil
	})
	return last, err
}

func slotPrefix(job string) []byte { return append([]byte(job), 0) }

func slotKey(job string, ns int64) []byte {
	return binary.BigEndian.AppendUint64(slotPrefix(job), sortable(ns))
}

// Setting returns a stored setting ("" when unset).
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.view(ctx, "get setting", func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bSettings).Get([]byte(key)))
		return nil
	})
	return v, err
}

// SetSetting stores a setting; an empty value deletes it.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return sales.Errorf(sales.EINVALID, "a setting needs a name")
	}
	return db.write(ctx, "set setting", func(tx *bolt.Tx) error {
		b := tx.Bucket(bSettings)
		if value == "" {
			return b.Delete([]byte(key))
		}
		return b.Put([]byte(key), []byte(value))
	})
}

// Settings lists settings whose key starts with prefix.
func (db *DB) Settings(ctx context.Context, prefix string) (map[string]string, error) {
	out := map[string]string{}
	err := db.view(ctx, "list settings", func(tx *bolt.Tx) error {
		clear(out)
		p := []byte(prefix)
		c := tx.Bucket(bSettings).Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			out[string(k)] = string(v)
		}
		return nil
	})
	return out, err
}
