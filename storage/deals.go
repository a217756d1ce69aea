package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"strconv"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// CreateDeal stores a new deal, assigns its ID (NextSequence) and records a
// "created" event by actor. Zero CreatedAt/UpdatedAt/StageEnteredAt become
// db.Now(). ECONFLICT when ExternalID is set and already used. Concurrent
// calls share transactions (bbolt Batch); the call returns only after the
// commit is on disk. With an idempotency key in ctx
// (sales.WithIdempotencyKey) a repeated call returns the deal the first
// call created and writes nothing.
//
// Also: d.ID is ignored; Stage 0 means the first open stage; a deal created
// Won or Lost gets ClosedAt (now unless given); times are kept to the
// second, in UTC, and the returned deal is exactly what Deal(id) returns.
// Owner and Territory, when set, must exist (EINVALID).
func (db *DB) CreateDeal(ctx context.Context, d sales.Deal, actor sales.PersonID) (sales.Deal, error) {
	if d.Amount < 0 {
		return sales.Deal{}, errNegativeAmount(d.Amount)
	}
	key := sales.IdempotencyKey(ctx)
	now := db.Now()
	var out sales.Deal
	err := db.write(ctx, "create deal", func(tx *bolt.Tx) error {
		out = sales.Deal{}
		var ik []byte
		if key != "" {
			ik = idemKey("create", 0, key)
			if id, ok := idemGet(tx, ik); ok {
				prev, err := getDeal(tx, sales.DealID(id))
				out = prev
				return err
			}
		}
		st, err := loadStages(tx)
		if err != nil {
			return err
		}
		nd := d
		at := now // the created event keeps full precision unless backdated
		if !d.CreatedAt.IsZero() {
			at = d.CreatedAt
		}
		normalizeNew(&nd, &st, now)
		if st.Kind(nd.Stage) == sales.StageWon {
			// Every way of logging a win (command, form, stage:won) ends here.
			if err := sales.ValidateWon(nd); err != nil {
				return err
			}
		}
		if err := validateDeal(tx, &nd, &st); err != nil {
			return err
		}
		seq, err := tx.Bucket(bDeals).NextSequence()
		if err != nil {
			return err
		}
		nd.ID = sales.DealID(seq)
		if err := insertDeal(directWriter(tx), &nd, &st, actor, at, ""); err != nil {
			return err
		}
		if ik != nil {
			if err := idemPut(tx, ik, seq, now); err != nil {
				return err
			}
		}
		out = nd
		return nil
	})
	if err != nil {
		return sales.Deal{}, err
	}
	return out, nil
}

// UpdateDeal loads deal id, calls fn on a copy, and stores the result in
// the same transaction, recording one event per changed field (who=actor,
// when=db.Now(), from, to; stage events carry stage names). A stage change
// sets StageEnteredAt; entering Won or Lost sets ClosedAt, reopening clears
// it. fn must be free of side effects: under Batch it may run twice. An
// error from fn aborts and writes nothing. With an idempotency key already
// applied, fn is not called and the current deal is returned.
//
// Event values: amounts as plain numbers in the Options.Currency
// ("12000.50"), dates as YYYY-MM-DD, owner and territory as decimal ids
// ("" for none). fn cannot change the ID. When fn changes nothing, nothing
// is written and no event is recorded.
func (db *DB) UpdateDeal(ctx context.Context, id sales.DealID, actor sales.PersonID, fn func(*sales.Deal) error) (sales.Deal, error) {
	key := sales.IdempotencyKey(ctx)
	now := db.Now()
	var out sales.Deal
	var fnErr error
	err := db.write(ctx, "update deal", func(tx *bolt.Tx) error {
		out, fnErr = sales.Deal{}, nil
		var ik []byte
		if key != "" {
			ik = idemKey("update", uint64(id), key)
			if _, ok := idemGet(tx, ik); ok {
				cur, err := getDeal(tx, id)
				out = cur
				return err
			}
		}
		old, err := getDeal(tx, id)
		if err != nil {
			return err
		}
		nd := old
		if err := fn(&nd); err != nil {
			fnErr = err
			return err
		}
		st, err := loadStages(tx)
		if err != nil {
			return err
		}
		nd.ID = id
		if nd.Amount < 0 {
			return errNegativeAmount(nd.Amount)
		}
		normalizeChange(&old, &nd, &st, now)
		if st.Kind(nd.Stage) == sales.StageWon && (nd.Stage != old.Stage || nd.Amount != old.Amount) {
			// Won by /deal won, stage:won, a button or the edit form: one check.
			if err := sales.ValidateWon(nd); err != nil {
				return err
			}
		}
		if err := validateDeal(tx, &nd, &st); err != nil {
			return err
		}
		if ik != nil {
			if err := idemPut(tx, ik, uint64(id), now); err != nil {
				return err
			}
		}
		if bytes.Equal(encodeDeal(&old), encodeDeal(&nd)) {
			out = old
			return nil
		}
		nd.UpdatedAt = truncSecs(now)
		if err := storeChange(directWriter(tx), &old, &nd, &st, actor, now, db.cur); err != nil {
			return err
		}
		out = nd
		return nil
	})
	if fnErr != nil && err != nil {
		return sales.Deal{}, fnErr
	}
	if err != nil {
		return sales.Deal{}, err
	}
	return out, nil
}

// Deal returns one deal. ENOTFOUND with the message "deal D-42 not found".
func (db *DB) Deal(ctx context.Context, id sales.DealID) (sales.Deal, error) {
	return viewValue(ctx, db, "get deal", func(tx *bolt.Tx) (sales.Deal, error) {
		return getDeal(tx, id)
	})
}

// DealByExternalID returns the deal imported with that external id. ENOTFOUND.
func (db *DB) DealByExternalID(ctx context.Context, ext string) (sales.Deal, error) {
	return viewValue(ctx, db, "get deal by external id", func(tx *bolt.Tx) (sales.Deal, error) {
		id := extLookup(tx, ext)
		if id == 0 {
			return sales.Deal{}, sales.Errorf(sales.ENOTFOUND, "no deal has external id %q", ext)
		}
		return getDeal(tx, id)
	})
}

// CountDeals returns the number of deals (a counter kept with the deals,
// not a scan).
func (db *DB) CountDeals(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, "count deals", func(tx *bolt.Tx) error {
		if v := tx.Bucket(bMeta).Get(kDealCount); len(v) == 8 {
			n = int(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return n, err
}

// ---- inside transactions ----

func getDeal(tx *bolt.Tx, id sales.DealID) (sales.Deal, error) {
	return dealIn(tx.Bucket(bDeals), id)
}

func dealIn(deals kv, id sales.DealID) (sales.Deal, error) {
	v := deals.Get(u64key(uint64(id)))
	if v == nil {
		return sales.Deal{}, sales.Errorf(sales.ENOTFOUND, "deal %s not found", id)
	}
	return decodeDeal(v)
}

func extLookup(tx *bolt.Tx, ext string) sales.DealID { return extIn(tx.Bucket(bIdxExt), ext) }

func extIn(idx kv, ext string) sales.DealID {
	if ext == "" {
		return 0
	}
	if v := idx.Get([]byte(ext)); len(v) == 8 {
		return sales.DealID(binary.BigEndian.Uint64(v))
	}
	return 0
}

func errNegativeAmount(m sales.Money) error {
	return sales.Errorf(sales.EINVALID, "amount %s is negative: amounts are zero or more", sales.DefaultCurrency.Plain(m))
}

func truncSecs(t time.Time) time.Time { return fromSecs(secs(t)) }

// normalizeNew fills defaults of a deal about to be created.
func normalizeNew(d *sales.Deal, st *sales.StageSet, now time.Time) {
	if d.Stage == 0 {
		d.Stage = st.First().ID
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = now
	}
	if d.UpdatedAt.IsZero() {
		d.UpdatedAt = now
	}
	if st.Kind(d.Stage) == sales.StageOpen {
		d.ClosedAt = time.Time{}
	} else if d.ClosedAt.IsZero() {
		switch {
		case !d.StageEnteredAt.IsZero():
			d.ClosedAt = d.StageEnteredAt
		case !d.CloseDate.IsZero() && !d.CloseDate.After(now):
			d.ClosedAt = d.CloseDate
		default:
			d.ClosedAt = now
		}
	}
	if d.StageEnteredAt.IsZero() {
		d.StageEnteredAt = d.CreatedAt
		if !d.ClosedAt.IsZero() {
			d.StageEnteredAt = d.ClosedAt
		}
	}
	truncTimes(d)
}

// normalizeChange applies the stage rules to an edited deal.
func normalizeChange(old, nd *sales.Deal, st *sales.StageSet, now time.Time) {
	truncTimes(nd)
	now = truncSecs(now)
	closed := st.Kind(nd.Stage) != sales.StageOpen
	if nd.Stage != old.Stage {
		if nd.StageEnteredAt.Equal(old.StageEnteredAt) {
			nd.StageEnteredAt = now
		}
		if closed && nd.ClosedAt.Equal(old.ClosedAt) {
			nd.ClosedAt = now
		}
	}
	if !closed {
		nd.ClosedAt = time.Time{}
	} else if nd.ClosedAt.IsZero() && !sales.CloseUnknown(*old, *nd) {
		nd.ClosedAt = now
	}
	if nd.CreatedAt.IsZero() {
		nd.CreatedAt = old.CreatedAt
	}
}

func truncTimes(d *sales.Deal) {
	d.CreatedAt = truncSecs(d.CreatedAt)
	d.UpdatedAt = truncSecs(d.UpdatedAt)
	d.ClosedAt = truncSecs(d.ClosedAt)
	d.StageEnteredAt = truncSecs(d.StageEnteredAt)
	d.CloseDate = truncSecs(d.CloseDate)
	d.SnoozedUntil = truncSecs(d.SnoozedUntil)
}

// validateDeal checks references; the deal's stage must be configured and
// its owner and territory must exist.
func validateDeal(tx *bolt.Tx, d *sales.Deal, st *sales.StageSet) error {
	if _, ok := st.ByID(d.Stage); !ok {
		return sales.Errorf(sales.EINVALID, "stage #%d is not configured: use one of %s", d.Stage, st.NameList())
	}
	if d.Amount < 0 {
		return errNegativeAmount(d.Amount)
	}
	if d.Owner != 0 && tx.Bucket(bPeople).Get(u64key(uint64(d.Owner))) == nil {
		return sales.Errorf(sales.EINVALID, "owner %s is not a known person", d.Owner)
	}
	if d.Territory != 0 && tx.Bucket(bTerritories).Get(u64key(uint64(d.Territory))) == nil {
		return sales.Errorf(sales.EINVALID, "territory #%d does not exist", d.Territory)
	}
	return nil
}

// insertDeal writes a new (normalized, validated, numbered) deal with its
// indexes, its "created" event (at at, naming stage first, or the deal's
// stage when first is "") and the count.
func insertDeal(w dealWriter, d *sales.Deal, st *sales.StageSet, actor sales.PersonID, at time.Time, first string) error {
	rec := encodeDeal(d)
	if err := w.deals.Put(u64key(uint64(d.ID)), rec); err != nil {
		return err
	}
	if err := w.updateIndexes(nil, d, rec, st); err != nil {
		return err
	}
	if first == "" {
		first = st.Name(d.Stage)
	}
	if actor == 0 {
		actor = d.Owner // imports and seeds act for nobody: credit the owner
	}
	e := sales.Event{DealID: d.ID, At: at, Actor: actor, Field: sales.FieldCreated, To: first}
	if err := putEvent(w, &e); err != nil {
		return err
	}
	if w.created != nil {
		*w.created++ // counted at flush: one write of the count, not one per deal
		return nil
	}
	return addCount(w.tx, 1)
}

// storeChange writes an edited deal, moves its index entries and records
// one event per changed field.
func storeChange(w dealWriter, old, nd *sales.Deal, st *sales.StageSet, actor sales.PersonID, now time.Time, cur sales.Currency) error {
	rec := encodeDeal(nd)
	if err := w.deals.Put(u64key(uint64(nd.ID)), rec); err != nil {
		return err
	}
	if err := w.updateIndexes(old, nd, rec, st); err != nil {
		return err
	}
	for _, e := range diffEvents(old, nd, st, cur) {
		e.DealID, e.At, e.Actor = nd.ID, now, actor
		if err := putEvent(w, &e); err != nil {
			return err
		}
	}
	return nil
}

func addCount(tx *bolt.Tx, n int) error {
	m := tx.Bucket(bMeta)
	var c uint64
	if v := m.Get(kDealCount); len(v) == 8 {
		c = binary.BigEndian.Uint64(v)
	}
	return m.Put(kDealCount, u64key(c+uint64(n)))
}

// diffEvents lists the user-visible field changes from old to nd.
func diffEvents(old, nd *sales.Deal, st *sales.StageSet, cur sales.Currency) []sales.Event {
	var out []sales.Event
	add := func(field, from, to string) {
		if from != to {
			out = append(out, sales.Event{Field: field, From: from, To: to})
		}
	}
	if old.Stage != nd.Stage {
		add(sales.FieldStage, st.Name(old.Stage), st.Name(nd.Stage))
	}
	if old.Amount != nd.Amount {
		add(sales.FieldAmount, cur.Plain(old.Amount), cur.Plain(nd.Amount))
	}
	add(sales.FieldAccount, old.Account, nd.Account)
	add(sales.FieldOwner, idText(uint64(old.Owner)), idText(uint64(nd.Owner)))
	add(sales.FieldTerritory, idText(uint64(old.Territory)), idText(uint64(nd.Territory)))
	add(sales.FieldProduct, old.Product, nd.Product)
	add(sales.FieldClose, dateText(old.CloseDate), dateText(nd.CloseDate))
	add(sales.FieldSnoozed, dateText(old.SnoozedUntil), dateText(nd.SnoozedUntil))
	add(sales.FieldLost, old.LostReason, nd.LostReason)
	add(sales.FieldNotes, old.Notes, nd.Notes)
	add(sales.FieldForecast, forecastText(old.Forecast), forecastText(nd.Forecast))
	add(sales.FieldNextStep, old.NextStep, nd.NextStep)
	add(sales.FieldNextDue, old.NextDue.String(), nd.NextDue.String())
	add(FieldExternalID, old.ExternalID, nd.ExternalID)
	return out
}

// FieldExternalID is the event field for a changed external id.
const FieldExternalID = "external_id"

func forecastText(c sales.ForecastCategory) string {
	if c == 0 {
		return ""
	}
	return c.String()
}

func idText(id uint64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatUint(id, 10)
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// putEvent numbers and stores an event under its time key, and indexes it
// by deal.
func putEvent(w dealWriter, e *sales.Event) error {
	seq, err := w.tx.Bucket(bEvents).NextSequence()
	if err != nil {
		return err
	}
	e.ID = seq
	k := eventKey(e.At, seq)
	if err := w.events.Put(k, encodeEvent(e)); err != nil {
		return err
	}
	return w.dealEvts.Put(cat(u64key(uint64(e.DealID)), k), []byte{})
}

// ---- deal indexes ----

type indexes struct {
	owner, open, stage, closed, ext, acct kv
}

func openIndexes(tx *bolt.Tx) indexes {
	return indexes{
		owner: tx.Bucket(bIdxOwner), open: tx.Bucket(bIdxOpen), stage: tx.Bucket(bIdxStage),
		closed: tx.Bucket(bIdxClosed), ext: tx.Bucket(bIdxExt), acct: tx.Bucket(bIdxAcct),
	}
}

func ownerKey(owner sales.PersonID, id sales.DealID) []byte {
	return binary.BigEndian.AppendUint64(u64key(uint64(owner)), uint64(id))
}

func stageKey(s sales.StageID, id sales.DealID) []byte {
	return binary.BigEndian.AppendUint64([]byte{byte(s)}, uint64(id))
}

func closedKey(closed time.Time, id sales.DealID) []byte {
	return binary.BigEndian.AppendUint64(u64key(sortable(secs(closed))), uint64(id))
}

var empty = []byte{}

// add indexes a deal read back from its record (rebuilds).
func (ix indexes) add(d *sales.Deal, rec []byte, st *sales.StageSet) error {
	return ix.update(nil, d, rec, st)
}

// update moves a deal's index entries from old (nil for a new deal) to nd.
// rec is nd's encoded record; the owner index keeps its header.
func (ix indexes) update(old, nd *sales.Deal, rec []byte, st *sales.StageSet) error {
	if err := ix.updateRest(old, nd, rec, st); err != nil {
		return err
	}
	return ix.updateExt(old, nd)
}

// updateRest is update of every index but the external-id one, which it
// never reads: an import runs it on another goroutine (indexWorker).
func (ix indexes) updateRest(old, nd *sales.Deal, rec []byte, st *sales.StageSet) error {
	id := nd.ID
	var o sales.Deal
	isNew := old == nil
	if !isNew {
		o = *old
	}
	oldOpen := !isNew && st.Kind(o.Stage) == sales.StageOpen
	newOpen := st.Kind(nd.Stage) == sales.StageOpen

	if !isNew && o.Owner != nd.Owner {
		if err := ix.owner.Delete(ownerKey(o.Owner, id)); err != nil {
			return err
		}
	}
	if err := ix.owner.Put(ownerKey(nd.Owner, id), rec[:headerSize]); err != nil {
		return err
	}
	if oldOpen && (!newOpen || o.Owner != nd.Owner) {
		if err := ix.open.Delete(ownerKey(o.Owner, id)); err != nil {
			return err
		}
	}
	if newOpen && (!oldOpen || o.Owner != nd.Owner) {
		if err := ix.open.Put(ownerKey(nd.Owner, id), empty); err != nil {
			return err
		}
	}
	if isNew || o.Stage != nd.Stage {
		if !isNew {
			if err := ix.stage.Delete(stageKey(o.Stage, id)); err != nil {
				return err
			}
		}
		if err := ix.stage.Put(stageKey(nd.Stage, id), empty); err != nil {
			return err
		}
	}
	if isNew || !o.ClosedAt.Equal(nd.ClosedAt) {
		if !isNew && !o.ClosedAt.IsZero() {
			if err := ix.closed.Delete(closedKey(o.ClosedAt, id)); err != nil {
				return err
			}
		}
		if !nd.ClosedAt.IsZero() {
			if err := ix.closed.Put(closedKey(nd.ClosedAt, id), empty); err != nil {
				return err
			}
		}
	}
	if isNew || normAccount(o.Account) != normAccount(nd.Account) {
		if !isNew {
			if err := ix.acct.Delete(accountKey(o.Account, id)); err != nil {
				return err
			}
		}
		if err := ix.acct.Put(accountKey(nd.Account, id), empty); err != nil {
			return err
		}
	}
	return nil
}

// updateExt is update of the external-id index.
func (ix indexes) updateExt(old, nd *sales.Deal) error {
	id := nd.ID
	var o sales.Deal
	isNew := old == nil
	if !isNew {
		o = *old
	}
	if isNew || o.ExternalID != nd.ExternalID {
		if nd.ExternalID != "" {
			if v := ix.ext.Get([]byte(nd.ExternalID)); len(v) == 8 && binary.BigEndian.Uint64(v) != uint64(id) {
				return sales.Errorf(sales.ECONFLICT, "external id %q is already used by deal %s",
					nd.ExternalID, sales.DealID(binary.BigEndian.Uint64(v)))
			}
		}
		if !isNew && o.ExternalID != "" {
			if err := ix.ext.Delete([]byte(o.ExternalID)); err != nil {
				return err
			}
		}
		if nd.ExternalID != "" {
			if err := ix.ext.Put([]byte(nd.ExternalID), u64key(uint64(id))); err != nil {
				return err
			}
		}
	}
	return nil
}
