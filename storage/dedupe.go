package storage

import (
	"context"
	"encoding/binary"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Envelope ids and idempotency keys are remembered for dedupeTTL: Slack
// redelivers within minutes, so a week is generous, and pruning keeps the
// buckets small without a background job.
const dedupeTTL = 7 * 24 * time.Hour

// pruneBatch bounds the work one write does to expire old entries.
const pruneBatch = 256

// MarkEnvelope records a Slack envelope id (or event id) as handled. first
// is false when it was already recorded, before or after a restart.
// Entries older than 7 days are pruned as new ones are marked.
func (db *DB) MarkEnvelope(ctx context.Context, id string) (first bool, err error) {
	now := db.Now()
	err = db.write(ctx, "mark envelope", func(tx *bolt.Tx) error {
		first = false
		ok, err := ttlPut(tx, bEnv, bEnvTime, []byte(id), nil, now)
		first = ok
		return err
	})
	return first, err
}

// EnvelopeSeen reports whether an envelope id was marked, without
// marking it: a read, so it can decide an ack without waiting for a
// commit.
func (db *DB) EnvelopeSeen(ctx context.Context, id string) (bool, error) {
	seen := false
	err := db.view(ctx, "envelope seen", func(tx *bolt.Tx) error {
		seen = tx.Bucket(bEnv).Get([]byte(id)) != nil
		return nil
	})
	return seen, err
}

// idemKey scopes a request's key to one kind of write (and deal), so the
// several writes one request makes each apply once.
func idemKey(kind string, id uint64, key string) []byte {
	return []byte(kind + "\x00" + strconv.FormatUint(id, 10) + "\x00" + key)
}

// idemGet returns the id recorded with an applied key.
func idemGet(tx *bolt.Tx, k []byte) (uint64, bool) {
	v := tx.Bucket(bIdem).Get(k)
	if len(v) < 16 {
		return 0, false
	}
	return binary.BigEndian.Uint64(v[8:]), true
}

func idemPut(tx *bolt.Tx, k []byte, id uint64, now time.Time) error {
	_, err := ttlPut(tx, bIdem, bIdemTime, k, u64key(id), now)
	return err
}

// ttlPut stores key (value: at|extra) in data unless present, with an
// at|key entry in byTime, then prunes up to pruneBatch expired entries.
// added is false when the key was already there.
func ttlPut(tx *bolt.Tx, data, byTime []byte, key, extra []byte, now time.Time) (added bool, err error) {
	db, tb := tx.Bucket(data), tx.Bucket(byTime)
	if db.Get(key) != nil {
		return false, nil
	}
	at := u64key(sortable(now.UnixNano()))
	if err := db.Put(key, cat(at, extra)); err != nil {
		return false, err
	}
	if err := tb.Put(cat(at, key), empty); err != nil {
		return false, err
	}
	cutoff := sortable(now.Add(-dedupeTTL).UnixNano())
	var old [][]byte
	c := tb.Cursor()
	for k, _ := c.First(); k != nil && len(old) < pruneBatch && binary.BigEndian.Uint64(k) < cutoff; k, _ = c.Next() {
		old = append(old, append([]byte(nil), k...))
	}
	for _, k := range old {
		if err := tb.Delete(k); err != nil {
			return false, err
		}
		// Only drop the entry if it still belongs to this time key.
		if v := db.Get(k[8:]); len(v) >= 8 && string(v[:8]) == string(k[:8]) {
			if err := db.Delete(k[8:]); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}
