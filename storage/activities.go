package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// Activities live in their own buckets, keyed by NextSequence ids, with
// indexes kept in step by every write:
//
//	activities     id → record
//	idx_act_time   at secs (sortable)|id → who(8)|type: counts of a period
//	               read the index alone, and a person's activities of a
//	               period are a filtered range of it (a per-person index
//	               cost more at write, 64 in flight, than it saved)
//	idx_act_deal   deal|at|id → nil: a deal's activities in order
//	act_last       deal → at secs (sortable) of its latest activity
//	idx_act_key    at|content hash → id: the same activity (who, when, deal or
//	               account, type, outcome, text) is stored once, so a
//	               re-imported export changes nothing
var (
	bActs     = []byte("activities")
	bActTime  = []byte("idx_act_time")
	bActDeal  = []byte("idx_act_deal")
	bActLast  = []byte("act_last")
	bActKey   = []byte("idx_act_key")
	kActivity = []byte("activity_config") // in bMeta
)

// LogActivity stores a new activity and returns it as stored (ID set, At
// now unless given, kept to the second; Type the configured name; Account
// the deal's). It returns after the commit is on disk; concurrent calls
// share transactions (bbolt Batch). With an idempotency key in ctx a
// repeated call returns the activity the first call stored and writes
// nothing; an activity identical in every field to a stored one (a
// double tap within the second) is that one.
//
// edit, when set, is called on a copy of the activity's deal inside the
// transaction, before anything is written: an error aborts the whole log
// (a permission check against the deal as stored), and a change it makes
// is stored with its events in the same transaction (a note also kept on
// the deal). Like UpdateDeal's fn it may run more than once.
//
// EINVALID for an unknown type or bad text, ENOTFOUND for an unknown deal.
func (db *DB) LogActivity(ctx context.Context, a sales.Activity, edit func(*sales.Deal) error) (sales.Activity, error) {
	if err := sales.ValidateActivity(a); err != nil {
		return sales.Activity{}, err
	}
	key := sales.IdempotencyKey(ctx)
	now := db.Now()
	var out sales.Activity
	var fnErr error
	err := db.write(ctx, "log activity", func(tx *bolt.Tx) error {
		out, fnErr = sales.Activity{}, nil
		var ik []byte
		if key != "" {
			ik = idemKey("activity", uint64(a.Deal), key)
			if id, ok := idemGet(tx, ik); ok {
				prev, err := getActivity(tx, sales.ActivityID(id))
				out = prev
				return err
			}
		}
		na, err := normalizeActivity(tx, a, now)
		if err != nil {
			return err
		}
		ck := activityKey(&na)
		if prev, ok, err := sameActivity(tx, ck); ok || err != nil {
			out = prev // a double tap: its edit is done already
			return err
		}
		switch {
		case na.Deal != 0 && edit == nil:
			// Only the account is needed: no decoding of the whole deal
			// (notes and all) inside the shared transaction.
			v := tx.Bucket(bDeals).Get(u64key(uint64(na.Deal)))
			if v == nil {
				return sales.Errorf(sales.ENOTFOUND, "deal %s not found", na.Deal)
			}
			na.Account = string(dealAccount(v))
		case na.Deal != 0:
			d, err := getDeal(tx, na.Deal)
			if err != nil {
				return err
			}
			nd := d
			if err := edit(&nd); err != nil {
				fnErr = err
				return err
			}
			if err := storeDealEdit(tx, &d, &nd, na.Who, now, db.cur); err != nil {
				return err
			}
			na.Account = nd.Account
		}
		stored, err := putActivity(tx, &na, ck)
		if err != nil {
			return err
		}
		if ik != nil {
			if err := idemPut(tx, ik, uint64(stored.ID), now); err != nil {
				return err
			}
		}
		out = stored
		return nil
	})
	if fnErr != nil && err != nil {
		return sales.Activity{}, fnErr
	}
	if err != nil {
		return sales.Activity{}, err
	}
	return out, nil
}

// ActivityImport says what ImportActivities did.
type ActivityImport struct {
	Created, Unchanged int
	IDs                []sales.ActivityID // per input activity
}

// ImportActivities stores activities in one all-or-nothing transaction.
// An activity identical to a stored one (the same who, time to the
// second, deal or account, type, outcome and text) is not stored again,
// so importing an export, or the same file twice, changes nothing. Each
// must name an existing deal or an account; its type must be configured.
func (db *DB) ImportActivities(ctx context.Context, acts []sales.Activity) (ActivityImport, error) {
	var res ActivityImport
	for i, a := range acts {
		if err := sales.ValidateActivity(a); err != nil {
			return res, sales.Errorf(sales.EINVALID, "activity %d: %s", i+1, sales.ErrorMessage(err))
		}
	}
	now := db.Now()
	err := db.update(ctx, "import activities", func(tx *bolt.Tx) error {
		res = ActivityImport{IDs: make([]sales.ActivityID, len(acts))}
		for i, a := range acts {
			na, err := normalizeActivity(tx, a, now)
			if err != nil {
				return sales.Errorf(sales.EINVALID, "activity %d: %s", i+1, sales.ErrorMessage(err))
			}
			if na.Deal != 0 {
				d, err := getDeal(tx, na.Deal)
				if err != nil {
					return sales.Errorf(sales.ENOTFOUND, "activity %d: %s", i+1, sales.ErrorMessage(err))
				}
				na.Account = d.Account
			}
			if tx.Bucket(bPeople).Get(u64key(uint64(na.Who))) == nil {
				return sales.Errorf(sales.EINVALID, "activity %d: person %s is not known", i+1, na.Who)
			}
			ck := activityKey(&na)
			prev, same, err := sameActivity(tx, ck)
			if err != nil {
				return err
			}
			if same {
				res.IDs[i] = prev.ID
				res.Unchanged++
				continue
			}
			stored, err := putActivity(tx, &na, ck)
			if err != nil {
				return err
			}
			res.IDs[i] = stored.ID
			res.Created++
		}
		return nil
	})
	return res, err
}

// Activity returns one activity. ENOTFOUND.
func (db *DB) Activity(ctx context.Context, id sales.ActivityID) (sales.Activity, error) {
	return viewValue(ctx, db, "get activity", func(tx *bolt.Tx) (sales.Activity, error) {
		return getActivity(tx, id)
	})
}

// DealActivities returns a deal's activities, oldest first: the last
// limit of them when limit > 0, with the total count.
func (db *DB) DealActivities(ctx context.Context, deal sales.DealID, limit int) (acts []sales.Activity, total int, err error) {
	err = db.view(ctx, "deal activities", func(tx *bolt.Tx) error {
		acts, total = nil, 0
		if tx.Bucket(bActDeal) == nil {
			return nil // a file from before activities, opened read-only
		}
		prefix := u64key(uint64(deal))
		c := tx.Bucket(bActDeal).Cursor()
		var ids []uint64
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) == 24 {
				ids = append(ids, binary.BigEndian.Uint64(k[16:]))
			}
		}
		total = len(ids)
		if limit > 0 && len(ids) > limit {
			ids = ids[len(ids)-limit:]
		}
		for _, id := range ids {
			a, err := getActivity(tx, sales.ActivityID(id))
			if err != nil {
				return err
			}
			acts = append(acts, a)
		}
		return nil
	})
	return acts, total, err
}

// ActivityCounts counts the activities logged in [from, to) by person and
// type, from the time index alone (no record is decoded). A zero from or
// to leaves that end open. This is the one count behind reports,
// leaderboards and activity goals.
func (db *DB) ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error) {
	out := sales.ActivityCounts{}
	err := db.view(ctx, "activity counts", func(tx *bolt.Tx) error {
		clear(out)
		// A million entries name a thousand people and a handful of types:
		// each type gets a slot (looked up without allocating: m[string(b)]
		// does not copy) and each person a fixed row of slots.
		const slots = 32
		var names []string
		// Person ids are small and dense (NextSequence): rows by index,
		// with a map for any id too large to index.
		const dense = 1 << 20
		var rows []*[slots]int
		far := map[uint64]*[slots]int{}
		type key struct {
			who uint64
			typ string
		}
		spill := map[key]int{} // beyond the slots: more types than ever configured at once
		err := scanActTime(tx, from, to, func(k, v []byte) error {
			if len(v) < 8 {
				return errCorrupt
			}
			who := binary.BigEndian.Uint64(v)
			ti := slices.IndexFunc(names, func(n string) bool { return n == string(v[8:]) })
			if ti < 0 {
				ti = len(names)
				names = append(names, string(v[8:]))
			}
			if ti >= slots {
				spill[key{who, names[ti]}]++
				return nil
			}
			var row *[slots]int
			if who < dense {
				if int(who) >= len(rows) {
					rows = append(rows, make([]*[slots]int, int(who)+1-len(rows))...)
				}
				if row = rows[who]; row == nil {
					row = new([slots]int)
					rows[who] = row
				}
			} else if row = far[who]; row == nil {
				row = new([slots]int)
				far[who] = row
			}
			row[ti]++
			return nil
		})
		for who, row := range rows {
			if row != nil {
				far[uint64(who)] = row
			}
		}
		for who, row := range far {
			for ti, c := range row {
				if c > 0 {
					out.Add(sales.PersonID(who), names[ti], c)
				}
			}
		}
		for k, c := range spill {
			out.Add(sales.PersonID(k.who), k.typ, c)
		}
		return err
	})
	return out, err
}

// PersonActivities returns one person's activities in [from, to), oldest
// first (zero times leave that end open).
func (db *DB) PersonActivities(ctx context.Context, who sales.PersonID, from, to time.Time) ([]sales.Activity, error) {
	var out []sales.Activity
	err := db.view(ctx, "person activities", func(tx *bolt.Tx) error {
		out = nil
		acts := tx.Bucket(bActs)
		return scanActTime(tx, from, to, func(k, v []byte) error {
			if len(v) < 8 || binary.BigEndian.Uint64(v) != uint64(who) {
				return nil
			}
			a, err := decodeActivity(acts.Get(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// ScanActivities calls fn for each activity logged in [from, to), oldest
// first (zero times leave that end open): exports.
func (db *DB) ScanActivities(ctx context.Context, from, to time.Time, fn func(sales.Activity) error) error {
	return db.view(ctx, "scan activities", func(tx *bolt.Tx) error {
		acts := tx.Bucket(bActs)
		return scanActTime(tx, from, to, func(k, _ []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			v := acts.Get(k[8:])
			if v == nil {
				return errCorrupt
			}
			a, err := decodeActivity(v)
			if err != nil {
				return err
			}
			return fn(a)
		})
	})
}

// LastActivities returns the time of each deal's latest activity, for the
// deals given (every deal with one when deals is nil); a deal without an
// activity is absent. Gone quiet (sales.GoneQuiet) is measured from it.
func (db *DB) LastActivities(ctx context.Context, deals []sales.DealID) (map[sales.DealID]time.Time, error) {
	out := map[sales.DealID]time.Time{}
	err := db.view(ctx, "last activities", func(tx *bolt.Tx) error {
		clear(out)
		b := tx.Bucket(bActLast)
		if b == nil {
			return nil
		}
		if deals == nil {
			return b.ForEach(func(k, v []byte) error {
				if len(k) == 8 && len(v) == 8 {
					out[sales.DealID(binary.BigEndian.Uint64(k))] = fromSecs(unsortable(binary.BigEndian.Uint64(v)))
				}
				return nil
			})
		}
		for _, id := range deals {
			if v := b.Get(u64key(uint64(id))); len(v) == 8 {
				out[id] = fromSecs(unsortable(binary.BigEndian.Uint64(v)))
			}
		}
		return nil
	})
	return out, err
}

// ActivityConfig returns the configured activity types and quiet days
// (sales.DefaultActivityConfig on a new file).
func (db *DB) ActivityConfig(ctx context.Context) (sales.ActivityConfig, error) {
	return viewValue(ctx, db, "activity config", loadActivityConfig)
}

// ModifyActivityConfig changes the activity configuration in one
// transaction: fn edits the stored one, which is then validated. Types
// already used by stored activities may be removed: those activities keep
// their type and still count. It returns the stored configuration.
func (db *DB) ModifyActivityConfig(ctx context.Context, fn func(*sales.ActivityConfig) error) (sales.ActivityConfig, error) {
	var out sales.ActivityConfig
	err := db.update(ctx, "set activity config", func(tx *bolt.Tx) error {
		cfg, err := loadActivityConfig(tx)
		if err != nil {
			return err
		}
		cfg.Types = append([]string(nil), cfg.Types...)
		if err := fn(&cfg); err != nil {
			return err
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
		if err := tx.Bucket(bMeta).Put(kActivity, encodeActivityConfig(cfg)); err != nil {
			return err
		}
		out = cfg
		return nil
	})
	return out, err
}

// ---- inside transactions ----

// normalizeActivity checks a's type against the stored configuration and
// fills its time.
func normalizeActivity(tx *bolt.Tx, a sales.Activity, now time.Time) (sales.Activity, error) {
	cfg, err := loadActivityConfig(tx)
	if err != nil {
		return a, err
	}
	typ, err := cfg.LookupType(a.Type)
	if err != nil {
		return a, err
	}
	a.ID, a.Type = 0, typ
	if a.At.IsZero() {
		a.At = now
	}
	a.At = truncSecs(a.At)
	return a, nil
}

// storeDealEdit stores the change edit made to a deal, as UpdateDeal does;
// no change writes nothing.
func storeDealEdit(tx *bolt.Tx, old, nd *sales.Deal, actor sales.PersonID, now time.Time, cur sales.Currency) error {
	nd.ID = old.ID
	if bytes.Equal(encodeDeal(old), encodeDeal(nd)) {
		return nil
	}
	st, err := loadStages(tx)
	if err != nil {
		return err
	}
	normalizeChange(old, nd, &st, now)
	if err := validateDeal(tx, nd, &st); err != nil {
		return err
	}
	nd.UpdatedAt = truncSecs(now)
	return storeChange(directWriter(tx), old, nd, &st, actor, now, cur)
}

// putActivity numbers and stores a normalized activity, whose content
// key ck is not stored yet (sameActivity), with its indexes.
func putActivity(tx *bolt.Tx, a *sales.Activity, ck []byte) (sales.Activity, error) {
	b := tx.Bucket(bActs)
	seq, err := b.NextSequence()
	if err != nil {
		return sales.Activity{}, err
	}
	a.ID = sales.ActivityID(seq)
	id := u64key(seq)
	at := u64key(sortable(secs(a.At)))
	who := u64key(uint64(a.Who))
	puts := []struct {
		b    []byte
		k, v []byte
	}{
		{bActs, id, encodeActivity(a)},
		{bActTime, cat(at, id), cat(who, []byte(a.Type))},
		{bActKey, ck, id},
	}
	for _, p := range puts {
		if err := tx.Bucket(p.b).Put(p.k, p.v); err != nil {
			return sales.Activity{}, err
		}
	}
	if a.Deal != 0 {
		dk := u64key(uint64(a.Deal))
		if err := tx.Bucket(bActDeal).Put(cat(dk, at, id), empty); err != nil {
			return sales.Activity{}, err
		}
		last := tx.Bucket(bActLast)
		if v := last.Get(dk); len(v) != 8 || bytes.Compare(v, at) < 0 {
			if err := last.Put(dk, at); err != nil {
				return sales.Activity{}, err
			}
		}
	}
	return *a, nil
}

// sameActivity finds the stored activity with content key ck.
func sameActivity(tx *bolt.Tx, ck []byte) (sales.Activity, bool, error) {
	v := tx.Bucket(bActKey).Get(ck)
	if len(v) != 8 {
		return sales.Activity{}, false, nil
	}
	prev, err := getActivity(tx, sales.ActivityID(binary.BigEndian.Uint64(v)))
	return prev, err == nil, err
}

func getActivity(tx *bolt.Tx, id sales.ActivityID) (sales.Activity, error) {
	var v []byte
	if b := tx.Bucket(bActs); b != nil {
		v = b.Get(u64key(uint64(id)))
	}
	if v == nil {
		return sales.Activity{}, sales.Errorf(sales.ENOTFOUND, "activity %s not found", id)
	}
	return decodeActivity(v)
}

// scanActTime walks the time index over [from, to).
func scanActTime(tx *bolt.Tx, from, to time.Time, fn func(k, v []byte) error) error {
	if tx.Bucket(bActTime) == nil {
		return nil // a file from before activities, opened read-only
	}
	lo, hi := timeBounds(from, to)
	c := tx.Bucket(bActTime).Cursor()
	for k, v := c.Seek(lo); k != nil; k, v = c.Next() {
		if len(k) != 16 {
			return errCorrupt
		}
		if bytes.Compare(k[:8], hi) >= 0 {
			break
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// timeBounds are the sortable second keys of [from, to); zero is open.
func timeBounds(from, to time.Time) (lo, hi []byte) {
	lo, hi = u64key(0), u64key(^uint64(0))
	if !from.IsZero() {
		lo = u64key(sortable(secs(from)))
	}
	if !to.IsZero() {
		// [from, to) on seconds: an instant within to's second but after
		// it is still before to only when to is not on a whole second.
		s := secs(to)
		if !to.Equal(fromSecs(s)) {
			s++
		}
		hi = u64key(sortable(s))
	}
	return lo, hi
}

// activityKey makes an activity unique: its time, then a hash of the
// rest. The time first keeps new keys at the end of the index, so a batch
// of live logs dirties a page or two instead of one per random hash.
func activityKey(a *sales.Activity) []byte {
	h := sha256.New()
	w := writer(nil).u64(uint64(a.Deal)).u64(uint64(a.Who)).str(a.Type).str(a.Outcome).str(a.Text)
	if a.Deal == 0 {
		w = w.str(normAccount(a.Account))
	}
	h.Write(w)
	return h.Sum(u64key(sortable(secs(a.At))))[:24]
}

func encodeActivity(a *sales.Activity) []byte {
	w := writer(make([]byte, 0, 40+len(a.Type)+len(a.Account)+len(a.Outcome)+len(a.Text)))
	w = w.u8(recV1).u64(uint64(a.ID)).u64(uint64(a.Deal)).u64(uint64(a.Who)).i64(secs(a.At))
	return w.str(a.Type).str(a.Account).str(a.Outcome).str(a.Text)
}

func decodeActivity(v []byte) (sales.Activity, error) {
	r := reader{b: v}
	r.version(recV1)
	a := sales.Activity{ID: sales.ActivityID(r.u64()), Deal: sales.DealID(r.u64()), Who: sales.PersonID(r.u64()), At: fromSecs(r.i64())}
	a.Type = r.str()
	a.Account = r.str()
	a.Outcome = r.str()
	a.Text = r.str()
	return a, r.err
}

func loadActivityConfig(tx *bolt.Tx) (sales.ActivityConfig, error) {
	v := tx.Bucket(bMeta).Get(kActivity)
	if v == nil {
		return sales.DefaultActivityConfig(), nil
	}
	r := reader{b: v}
	r.version(recV1)
	cfg := sales.ActivityConfig{QuietDays: int(r.u32())}
	n := int(r.u8())
	for i := 0; i < n && r.err == nil; i++ {
		cfg.Types = append(cfg.Types, r.str())
	}
	return cfg, r.err
}

func encodeActivityConfig(c sales.ActivityConfig) []byte {
	w := writer(nil).u8(recV1).u32(uint32(c.QuietDays)).u8(uint8(len(c.Types)))
	for _, t := range c.Types {
		w = w.str(t)
	}
	return w
}
