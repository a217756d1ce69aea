package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// FindDeals returns deals matching f, newest first, using indexes (owner,
// open-by-owner, stage, closed-at) so no full scan is needed when Owner,
// Stage or Closed* is set.
//
// "Newest first" is by id, highest first (ids follow creation order).
// Index choice: Owner+OpenOnly → open-by-owner; Owner → the owner index,
// filtered on its facts before any record is decoded; Closed* → the
// closed-at index; Stage → the stage index; OpenOnly → the stage index of
// each open stage. Only an Account-only (or empty) filter scans the deals,
// and then decodes just the account of non-matching ones.
func (db *DB) FindDeals(ctx context.Context, f sales.DealFilter) ([]sales.Deal, error) {
	var out []sales.Deal
	err := db.view(ctx, "find deals", func(tx *bolt.Tx) error {
		out = nil
		st, err := loadStages(tx)
		if err != nil {
			return err
		}
		q := finder{f: f, st: st.Table(), deals: tx.Bucket(bDeals), acct: []byte(strings.ToLower(f.Account))}
		err = q.run(ctx, tx, &st)
		out = q.out
		return err
	})
	return out, err
}

type finder struct {
	f     sales.DealFilter
	st    *sales.StageTable
	deals *bolt.Bucket
	acct  []byte
	out   []sales.Deal
	n     int
}

func (q *finder) full() bool { return q.f.Limit > 0 && len(q.out) >= q.f.Limit }

// factsMatch applies every filter the facts can answer.
func (q *finder) factsMatch(fa *sales.Facts) bool {
	f := &q.f
	if f.Owner != 0 && fa.Owner != f.Owner || f.Territory != 0 && fa.Territory != f.Territory ||
		f.Stage != 0 && fa.Stage != f.Stage {
		return false
	}
	if f.OpenOnly && q.st[fa.Stage].Kind != sales.StageOpen {
		return false
	}
	if !f.ClosedFrom.IsZero() || !f.ClosedTo.IsZero() {
		if fa.Closed == 0 || !f.ClosedFrom.IsZero() && fa.Closed < f.ClosedFrom.Unix() ||
			!f.ClosedTo.IsZero() && fa.Closed >= f.ClosedTo.Unix() {
			return false
		}
	}
	return true
}

// consider checks one deal record against the filter and keeps it.
func (q *finder) consider(ctx context.Context, v []byte) error {
	if q.n++; q.n&4095 == 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	var fa sales.Facts
	if err := decodeFacts(v, &fa); err != nil {
		return err
	}
	if !q.factsMatch(&fa) {
		return nil
	}
	if len(q.acct) > 0 && !containsFold(dealAccount(v), q.acct) {
		return nil
	}
	d, err := decodeDeal(v)
	if err != nil {
		return fmt.Errorf("deal %d: %w", fa.ID, err)
	}
	q.out = append(q.out, d)
	return nil
}

func (q *finder) byID(ctx context.Context, id []byte) error {
	v := q.deals.Get(id)
	if v == nil {
		return fmt.Errorf("index names missing deal %x: %w", id, errCorrupt)
	}
	return q.consider(ctx, v)
}

func (q *finder) run(ctx context.Context, tx *bolt.Tx, st *sales.StageSet) error {
	f := &q.f
	closed := !f.ClosedFrom.IsZero() || !f.ClosedTo.IsZero()
	switch {
	case f.Owner != 0 && f.OpenOnly:
		return q.prefixDesc(tx.Bucket(bIdxOpen), u64key(uint64(f.Owner)), func(k, _ []byte) error {
			return q.byID(ctx, k[8:])
		})
	case f.Owner != 0:
		return q.prefixDesc(tx.Bucket(bIdxOwner), u64key(uint64(f.Owner)), func(k, v []byte) error {
			var fa sales.Facts
			if err := decodeFacts(v, &fa); err != nil {
				return err
			}
			if !q.factsMatch(&fa) {
				return nil
			}
			return q.byID(ctx, k[8:])
		})
	case closed:
		var ids []uint64
		c := tx.Bucket(bIdxClosed).Cursor()
		k, _ := c.First()
		if !f.ClosedFrom.IsZero() {
			k, _ = c.Seek(u64key(sortable(f.ClosedFrom.Unix())))
		}
		for ; k != nil; k, _ = c.Next() {
			if !f.ClosedTo.IsZero() && unsortable(binary.BigEndian.Uint64(k)) >= f.ClosedTo.Unix() {
				break
			}
			ids = append(ids, binary.BigEndian.Uint64(k[8:]))
		}
		return q.idsDesc(ctx, ids)
	case f.Stage != 0:
		return q.prefixDesc(tx.Bucket(bIdxStage), []byte{byte(f.Stage)}, func(k, _ []byte) error {
			return q.byID(ctx, k[1:])
		})
	case f.OpenOnly:
		var ids []uint64
		c := tx.Bucket(bIdxStage).Cursor()
		for _, s := range st.Open() {
			p := []byte{byte(s.ID)}
			for k, _ := c.Seek(p); k != nil && k[0] == p[0]; k, _ = c.Next() {
				ids = append(ids, binary.BigEndian.Uint64(k[1:]))
			}
		}
		return q.idsDesc(ctx, ids)
	}
	c := q.deals.Cursor()
	for k, v := c.Last(); k != nil && !q.full(); k, v = c.Prev() {
		if err := q.consider(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// prefixDesc visits the keys starting with prefix, last first, until the
// limit is reached.
func (q *finder) prefixDesc(b *bolt.Bucket, prefix []byte, fn func(k, v []byte) error) error {
	c := b.Cursor()
	end := prefixEnd(prefix)
	var k, v []byte
	if end != nil {
		k, _ = c.Seek(end)
	}
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && !q.full(); k, v = c.Prev() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (q *finder) idsDesc(ctx context.Context, ids []uint64) error {
	slices.Sort(ids)
	for i := len(ids) - 1; i >= 0 && !q.full(); i-- {
		if err := q.byID(ctx, u64key(ids[i])); err != nil {
			return err
		}
	}
	return nil
}

// prefixEnd is the smallest key greater than every key with prefix; nil
// when there is none (all 0xff).
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// containsFold reports whether lower-cased s contains sub (already lower).
func containsFold(s, sub []byte) bool {
	if len(sub) > len(s) {
		return false
	}
	return bytes.Contains(bytes.ToLower(s), sub)
}

// DealHistory returns a deal's events in time order (ties by event id).
// ENOTFOUND when the deal does not exist.
func (db *DB) DealHistory(ctx context.Context, id sales.DealID) ([]sales.Event, error) {
	var out []sales.Event
	err := db.view(ctx, "deal history", func(tx *bolt.Tx) error {
		out = nil
		if tx.Bucket(bDeals).Get(u64key(uint64(id))) == nil {
			return sales.Errorf(sales.ENOTFOUND, "deal %s not found", id)
		}
		evts := tx.Bucket(bEvents)
		prefix := u64key(uint64(id))
		c := tx.Bucket(bIdxDealEvts).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			v := evts.Get(k[8:])
			if v == nil {
				return fmt.Errorf("deal %s: history names a missing event: %w", id, errCorrupt)
			}
			e, err := decodeEvent(v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// EventsBetween returns all events with from <= At < to, in time order,
// through a time index (no scan of all events). A zero from or to leaves
// that end open.
func (db *DB) EventsBetween(ctx context.Context, from, to time.Time) ([]sales.Event, error) {
	var out []sales.Event
	err := db.view(ctx, "events between", func(tx *bolt.Tx) error {
		out = nil
		c := tx.Bucket(bEvents).Cursor()
		k, v := c.First()
		if !from.IsZero() {
			k, v = c.Seek(u64key(sortable(from.UnixNano())))
		}
		for n := 0; k != nil; k, v = c.Next() {
			if !to.IsZero() && unsortable(binary.BigEndian.Uint64(k)) >= to.UnixNano() {
				break
			}
			if n++; n&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			e, err := decodeEvent(v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// ScanFacts calls fn for every deal's facts in ID order, decoding only the
// fixed-size facts header. The *Facts is reused between calls. An error
// from fn stops the scan and is returned as is.
func (db *DB) ScanFacts(ctx context.Context, fn func(*sales.Facts) error) error {
	var fnErr error
	err := db.view(ctx, "scan deals", func(tx *bolt.Tx) error {
		var f sales.Facts
		c := tx.Bucket(bDeals).Cursor()
		n := 0
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if n++; n&8191 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := decodeFacts(v, &f); err != nil {
				return fmt.Errorf("deal %x: %w", k, err)
			}
			if err := fn(&f); err != nil {
				fnErr = err
				return err
			}
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

// OwnerFacts returns the facts of every deal owned by owner through the
// owner index (for one rep's /pipeline and /goal without a scan). The
// index holds each deal's facts header, so no deal record is read.
func (db *DB) OwnerFacts(ctx context.Context, owner sales.PersonID) ([]sales.Facts, error) {
	var out []sales.Facts
	err := db.view(ctx, "owner facts", func(tx *bolt.Tx) error {
		out = nil
		prefix := u64key(uint64(owner))
		c := tx.Bucket(bIdxOwner).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			out = append(out, sales.Facts{})
			if err := decodeFacts(v, &out[len(out)-1]); err != nil {
				return fmt.Errorf("owner index %x: %w", k, err)
			}
		}
		return nil
	})
	return out, err
}

// ChangeMark is the deals' and events' sequences: every deal created
// advances the first and every change to a deal writes an event, which
// advances the second. A cache of derived data (the forecast's histories)
// is current while the mark is unchanged.
func (db *DB) ChangeMark(ctx context.Context) (sales.ChangeMark, error) {
	var m sales.ChangeMark
	err := db.view(ctx, "change mark", func(tx *bolt.Tx) error {
		m = sales.ChangeMark{Deals: tx.Bucket(bDeals).Sequence(), Events: tx.Bucket(bEvents).Sequence()}
		return nil
	})
	return m, err
}
