package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// Check verifies the file: bbolt's own page check, then that every index
// agrees with the records it indexes (each deal has exactly its owner,
// open, stage, closed-at, external-id and account-name entries, counts
// match, every event is indexed under its deal, name indexes match people
// and territories). It reads everything, so it is for tests and `doctor`-style
// tooling, not for the request path. nil means consistent.
func (db *DB) Check(ctx context.Context) error {
	// bbolt's own check (and any cursor) trusts the page tree: a wild
	// offset faults in a goroutine nobody can recover, and a page that
	// points back at itself loops forever. Walk the tree from the file
	// first, bounded, so such a file is reported as damaged.
	if err := db.view(ctx, "check", func(*bolt.Tx) error { return nil }); err != nil {
		return err // closed
	}
	if err := walkPages(db.Path); err != nil {
		return err
	}
	var errs []error
	fail := func(format string, args ...any) {
		if len(errs) < 20 {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	err := db.view(ctx, "check", func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			fail("bbolt: %v", err)
		}
		if len(errs) > 0 {
			// The walk below trusts the page tree; on a broken one it
			// could loop or fault.
			return nil
		}
		st, err := loadStages(tx)
		if err != nil {
			return err
		}
		ix := openIndexes(tx)
		var n, nOpen, nClosed, nExt int
		err = tx.Bucket(bDeals).ForEach(func(k, v []byte) error {
			d, err := decodeDeal(v)
			if err != nil {
				fail("deal %x: %v", k, err)
				return nil
			}
			n++
			if binary.BigEndian.Uint64(k) != uint64(d.ID) {
				fail("deal key %x holds %s", k, d.ID)
			}
			if _, ok := st.ByID(d.Stage); !ok {
				fail("%s: stage #%d is not configured", d.ID, d.Stage)
			}
			if got := ix.owner.Get(ownerKey(d.Owner, d.ID)); !bytes.Equal(got, v[:headerSize]) {
				fail("%s: owner index entry is missing or stale", d.ID)
			}
			open := st.Kind(d.Stage) == sales.StageOpen
			if open {
				nOpen++
			}
			if (ix.open.Get(ownerKey(d.Owner, d.ID)) != nil) != open {
				fail("%s: open index disagrees (open=%v)", d.ID, open)
			}
			if open && !d.ClosedAt.IsZero() { // a closed deal may have no close time: imported without one
				fail("%s: closed at %v in a stage of kind %d", d.ID, d.ClosedAt, st.Kind(d.Stage))
			}
			if ix.stage.Get(stageKey(d.Stage, d.ID)) == nil {
				fail("%s: stage index entry missing", d.ID)
			}
			if !d.ClosedAt.IsZero() {
				nClosed++
				if ix.closed.Get(closedKey(d.ClosedAt, d.ID)) == nil {
					fail("%s: closed-at index entry missing", d.ID)
				}
			}
			if ix.acct.Get(accountKey(d.Account, d.ID)) == nil {
				fail("%s: account index entry missing for %q", d.ID, d.Account)
			}
			if d.ExternalID != "" {
				nExt++
				if got := ix.ext.Get([]byte(d.ExternalID)); !bytes.Equal(got, k) {
					fail("%s: external id index entry missing", d.ID)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		count := func(b []byte) int { return tx.Bucket(b).Stats().KeyN }
		for _, c := range []struct {
			name []byte
			want int
		}{{bIdxOwner, n}, {bIdxStage, n}, {bIdxOpen, nOpen}, {bIdxClosed, nClosed}, {bIdxExt, nExt}, {bIdxAcct, n}} {
			if got := count(c.name); got != c.want {
				fail("index %s has %d entries, want %d", c.name, got, c.want)
			}
		}
		if v := tx.Bucket(bMeta).Get(kDealCount); len(v) != 8 || binary.BigEndian.Uint64(v) != uint64(n) {
			fail("deal count %x, want %d", v, n)
		}

		// Events: each indexed once, under its own deal, which exists.
		evts, byDeal := tx.Bucket(bEvents), tx.Bucket(bIdxDealEvts)
		err = evts.ForEach(func(k, v []byte) error {
			e, err := decodeEvent(v)
			if err != nil {
				fail("event %x: %v", k, err)
				return nil
			}
			if !bytes.Equal(k, eventKey(e.At, e.ID)) {
				fail("event %d stored under key %x", e.ID, k)
			}
			if byDeal.Get(cat(u64key(uint64(e.DealID)), k)) == nil {
				fail("event %d is not indexed under %s", e.ID, e.DealID)
			}
			if tx.Bucket(bDeals).Get(u64key(uint64(e.DealID))) == nil {
				fail("event %d names missing deal %s", e.ID, e.DealID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if a, b := count(bEvents), count(bIdxDealEvts); a != b {
			fail("%d events but %d deal-event index entries", a, b)
		}

		// Name indexes.
		slack := 0
		err = eachPerson(tx, func(p sales.Person) error {
			if p.SlackID != "" {
				slack++
				if slackLookup(tx, p.SlackID) != p.ID {
					fail("%s: Slack id index entry missing", p.ID)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if got := count(bPeopleSlack); got != slack {
			fail("Slack id index has %d entries, want %d", got, slack)
		}
		terr := 0
		err = tx.Bucket(bTerritories).ForEach(func(k, v []byte) error {
			t, err := decodeTerritory(v)
			if err != nil {
				fail("territory %x: %v", k, err)
				return nil
			}
			terr++
			if got := tx.Bucket(bTerrNames).Get(nameKey(t.Name)); !bytes.Equal(got, k) {
				fail("territory %q: name index entry missing", t.Name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if got := count(bTerrNames); got != terr {
			fail("territory name index has %d entries, want %d", got, terr)
		}
		if a, b := count(bEnv), count(bEnvTime); a != b {
			fail("%d envelopes but %d envelope time entries", a, b)
		}
		if a, b := count(bIdem), count(bIdemTime); a != b {
			fail("%d idempotency keys but %d time entries", a, b)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}
