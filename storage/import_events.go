package storage

import (
	"bytes"
	"context"
	"encoding/binary"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// EventsResult says what ImportEvents did.
type EventsResult struct {
	Created, Replaced, Unchanged int
}

// ImportEvents restores deal history (the file `export events` writes) in
// one transaction. Each event names a stored deal. An event is the same as
// a stored one of its deal when field, from, to and time (to the second,
// as exports write it) agree; a deal's "created" event is the same as its
// stored "created" event whatever it says, since a deal has one. The same
// event with the same id and actor is unchanged; with another id or actor
// it is replaced; a new one is added. An event keeps its ID when it
// gives one that no other event holds, so export → import → export gives
// the same bytes; else (ID 0 or taken) it is numbered as usual. Importing
// the same file again changes nothing. dryRun rolls everything back.
func (db *DB) ImportEvents(ctx context.Context, evs []sales.Event, dryRun bool) (EventsResult, error) {
	var res EventsResult
	for i, e := range evs {
		if e.DealID == 0 || e.Field == "" || e.At.IsZero() {
			return res, importErr("event", i, sales.Errorf(sales.EINVALID, "it needs a deal, a time and a field"))
		}
		if e.ID&refBit != 0 {
			return res, importErr("event", i, sales.Errorf(sales.EINVALID, "id %d is out of range", e.ID))
		}
	}
	run := db.update
	if dryRun {
		run = func(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
			err := db.bolt.Update(func(tx *bolt.Tx) error {
				if err := fn(tx); err != nil {
					return err
				}
				return errDryRun
			})
			if err == errDryRun {
				return nil
			}
			return wrap(op, err)
		}
	}
	err := run(ctx, "import events", func(tx *bolt.Tx) error {
		res = EventsResult{}
		evb, idx := tx.Bucket(bEvents), tx.Bucket(bIdxDealEvts)
		// Event ids are the second half of the time-index key; collect the
		// ones in use so a file's ids are kept only when free.
		used := map[uint64]bool{}
		c := evb.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			used[binary.BigEndian.Uint64(k[8:])] = true
		}
		stored := map[sales.DealID][]sales.Event{}
		history := func(id sales.DealID) ([]sales.Event, error) {
			if h, ok := stored[id]; ok {
				return h, nil
			}
			if tx.Bucket(bDeals).Get(u64key(uint64(id))) == nil {
				return nil, sales.Errorf(sales.ENOTFOUND, "deal %s does not exist: import the deals first", id)
			}
			var h []sales.Event
			prefix := u64key(uint64(id))
			c := idx.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				e, err := decodeEvent(evb.Get(k[8:]))
				if err != nil {
					return nil, err
				}
				h = append(h, e)
			}
			stored[id] = h
			return h, nil
		}
		// First every match is settled and the events being replaced are
		// deleted, so their ids are free for the file's events however the
		// file orders them; then the new and replacing events are written.
		todo := make([]bool, len(evs))
		for i := range evs {
			if i&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			e := &evs[i]
			e.At = truncSecs(e.At)
			h, err := history(e.DealID)
			if err != nil {
				return importErr("event", i, err)
			}
			match := -1
			for j, o := range h {
				if o.Field == e.Field && (e.Field == sales.FieldCreated || o.From == e.From && o.To == e.To && truncSecs(o.At).Equal(e.At)) {
					match = j
					break
				}
			}
			todo[i] = true
			if match < 0 {
				res.Created++
				continue
			}
			o := h[match]
			stored[e.DealID] = append(h[:match:match], h[match+1:]...) // matched once
			if (e.ID == 0 || e.ID == o.ID) && o.Actor == e.Actor && o.At.Equal(e.At) && o.From == e.From && o.To == e.To {
				res.Unchanged++
				todo[i] = false
				continue
			}
			k := eventKey(o.At, o.ID)
			if err := evb.Delete(k); err != nil {
				return err
			}
			if err := idx.Delete(cat(u64key(uint64(o.DealID)), k)); err != nil {
				return err
			}
			delete(used, o.ID)
			res.Replaced++
		}
		// A file's id is kept when no remaining event holds it (the first
		// row giving it wins); the others are numbered after every kept id.
		maxID := evb.Sequence()
		keep := make([]bool, len(evs))
		for i, e := range evs {
			if todo[i] && e.ID != 0 && !used[e.ID] {
				keep[i], used[e.ID] = true, true
				maxID = max(maxID, e.ID)
			}
		}
		if err := evb.SetSequence(maxID); err != nil {
			return err
		}
		for i := range evs {
			if !todo[i] {
				continue
			}
			e := evs[i]
			if !keep[i] {
				seq, err := evb.NextSequence()
				if err != nil {
					return err
				}
				e.ID = seq
			}
			k := eventKey(e.At, e.ID)
			if err := evb.Put(k, encodeEvent(&e)); err != nil {
				return err
			}
			if err := idx.Put(cat(u64key(uint64(e.DealID)), k), empty); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return EventsResult{}, err
	}
	return res, nil
}
