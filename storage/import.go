package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// refBit marks an id field that refers to a record of the same Import
// rather than to a stored one.
const refBit = 1 << 63

// PersonRef returns a PersonID meaning "Import.People[i], once created",
// for Deal.Owner, Person.Manager and rep/team Quota.Subject in the same
// Import (or Bulk).
func PersonRef(i int) sales.PersonID { return sales.PersonID(refBit | uint64(i)) }

// TerritoryRef returns a TerritoryID meaning "Import.Territories[i]", for
// Deal.Territory, Person.Territory and territory Quota.Subject.
func TerritoryRef(i int) sales.TerritoryID { return sales.TerritoryID(refBit | uint64(i)) }

// ImportError says which record of an Import failed. It unwraps to the
// *sales.Error (whose message names the record too), so sales.ErrorCode
// and sales.UserText work on it.
type ImportError struct {
	Kind  string // "person", "territory", "deal", "event", "quota"
	Index int    // into the Import slice of that kind
	Err   error
}

func (e *ImportError) Error() string { return e.Err.Error() }
func (e *ImportError) Unwrap() error { return e.Err }

func importErr(kind string, i int, err error) error {
	var se *sales.Error
	if errors.As(err, &se) {
		return &ImportError{Kind: kind, Index: i, Err: sales.Errorf(se.Code, "%s %d of the import: %s", kind, i+1, se.Message)}
	}
	return err
}

// Import writes everything in one transaction: either all of it lands or
// none does. Deals with an ExternalID already stored update that deal
// instead of duplicating it.
//
// Details:
//   - Territories: ID 0 creates, unless a territory of that name exists,
//     which is then updated (a re-imported team file duplicates nothing).
//   - People: ID 0 creates, unless the SlackID is linked or exactly one
//     person has that Name (people are imported by name); that person is
//     updated instead. A non-zero ID updates that person, or creates it
//     with that ID when missing (export → import keeps ids).
//   - Deals: a non-zero ID updates or creates that deal likewise; ID 0
//     with a stored ExternalID updates it; otherwise a deal is created with
//     a "created" event at its CreatedAt (the import instant when it has
//     none, which it then keeps: see deal), naming the stage its imported
//     history starts from (the From of its earliest stage event) or, with
//     no stage events, its stage. Updates record events like UpdateDeal.
//   - Each bucket's writes are applied in key order when the deals are
//     done (sortedWrites): one transaction of 70k deals stays near-linear.
//   - On every update, empty fields of the imported record keep the stored
//     value, so a file with fewer columns never blanks data.
//   - Events (extra history) are written only for deals this import
//     created, so importing a file twice does not repeat history.
//   - Ids of records created by the same Import: PersonRef, TerritoryRef.
//   - The same ExternalID twice in one Import is ECONFLICT.
//
// Errors are *ImportError naming the record.
func (db *DB) Import(ctx context.Context, in Import, actor sales.PersonID) (ImportResult, error) {
	if err := precheck(&in); err != nil {
		return ImportResult{}, err
	}
	if err := db.reserve(ctx, &in); err != nil {
		return ImportResult{}, err
	}
	now := db.Now()
	var res ImportResult
	err := db.update(ctx, "import", func(tx *bolt.Tx) error {
		im := newImporter(tx, &in, actor, now, db.cur)
		if err := im.head(); err != nil {
			return err
		}
		if err := im.deals(ctx, 0, len(in.Deals)); err != nil {
			return err
		}
		res = *im.res
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// reserveBucket holds, between two small transactions, the free space a
// large import is about to fill (reserve).
var reserveBucket = []byte("import_reserve")

// bytesPerDeal is a little over what one imported deal takes in the file:
// its record, six index entries, its created and stage events and their
// index entries, at bbolt's page fill (a 100k-row HubSpot export, 40% of
// its deals with a stage change, makes a 138 MB file: 1,380 bytes a deal).
// Too little costs more than too much: the import then outgrows the
// memory map and bbolt re-copies everything it has dirtied.
const bytesPerDeal = 1500

// reserve grows the file ahead of a large import, unless the database was
// opened with a memory map the import fits in (Options.MmapSize, as
// `salesbot import` opens it), which is cheaper. bbolt grows its memory
// map while committing, and every growth re-copies all the pages the
// transaction has dirtied: an import of n deals paid that about log2(n)
// times over (40% of a 100k-row import's CPU, most of a 1M-row one). So a
// small transaction first writes one value as large as the import will
// need and a second deletes it: the map is grown while almost nothing is
// dirty, and the import then fills the freed pages. The file ends the size
// the import makes it anyway. A reserve left by a crash between the two
// is dropped by the next import.
func (db *DB) reserve(ctx context.Context, in *Import) error {
	const minBytes = 20_000 * bytesPerDeal // below this the growths are cheap
	// Only new deals grow the file: a re-imported file mostly matches.
	fresh, leftover := 0, false
	err := db.view(ctx, "import reserve", func(tx *bolt.Tx) error {
		fresh, leftover = 0, tx.Bucket(reserveBucket) != nil
		if len(in.Deals)*bytesPerDeal < minBytes {
			return nil
		}
		ext, deals := tx.Bucket(bIdxExt), tx.Bucket(bDeals)
		for _, d := range in.Deals {
			switch {
			case d.ID != 0 && deals.Get(u64key(uint64(d.ID))) != nil:
			case d.ID == 0 && d.ExternalID != "" && ext.Get([]byte(d.ExternalID)) != nil:
			default:
				fresh++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	drop := func(tx *bolt.Tx) error { return tx.DeleteBucket(reserveBucket) }
	size := fresh*bytesPerDeal - db.bolt.Stats().FreePageN*db.bolt.Info().PageSize
	if fi, err := os.Stat(db.Path); err == nil && db.mmapSize >= int(fi.Size())+fresh*bytesPerDeal {
		size = 0 // opened with a map the import fits in (Options.MmapSize): nothing to grow
	}
	if size < minBytes {
		if leftover {
			return db.update(ctx, "import reserve", drop)
		}
		return nil
	}
	err = db.update(ctx, "import reserve", func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(reserveBucket)
		if err != nil {
			return err
		}
		// 1 MB values sharing one buffer: bbolt keeps the slices until it
		// writes them, so the reserve costs 1 MB of memory, not its size.
		zeros := make([]byte, 1<<20)
		for i := 0; i*len(zeros) < size; i++ {
			if err := b.Put(binary.BigEndian.AppendUint32(nil, uint32(i)), zeros); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return db.update(ctx, "import reserve", drop)
}

// errDryRun rolls back ImportDryRun's transaction.
var errDryRun = errors.New("dry run")

// ImportDryRun does everything Import does, in the same transaction, and
// then rolls it back: the result says what Import would create, update and
// leave unchanged, and nothing is written (import --dry-run).
func (db *DB) ImportDryRun(ctx context.Context, in Import, actor sales.PersonID) (ImportResult, error) {
	if err := precheck(&in); err != nil {
		return ImportResult{}, err
	}
	now := db.Now()
	var res ImportResult
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		im := newImporter(tx, &in, actor, now, db.cur)
		if err := im.head(); err != nil {
			return err
		}
		if err := im.deals(ctx, 0, len(in.Deals)); err != nil {
			return err
		}
		res = *im.res
		return errDryRun
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	return ImportResult{}, wrap("import dry run", err)
}

// bulkChunk (a var for tests) is the number of deals per Bulk transaction: big enough that
// commits are rare, small enough that one transaction's dirty pages stay
// well inside memory.
var bulkChunk = 20000

// Bulk loads a large generated data set (seed) in chunked transactions with
// NoSync-style speed, then syncs once. progress, if non-nil, is called with
// the number of deals written so far.
//
// Semantics per record are Import's, but each chunk of 20k deals commits on
// its own: after an error the chunks before it stay. Other writers must not
// run during Bulk (it turns off fsync for the whole file until it ends);
// it is for `seed` and one-off loads.
func (db *DB) Bulk(ctx context.Context, in Import, progress func(done int)) (ImportResult, error) {
	if err := precheck(&in); err != nil {
		return ImportResult{}, err
	}
	if !db.bulkBusy.CompareAndSwap(false, true) {
		return ImportResult{}, sales.Errorf(sales.ECONFLICT, "another bulk load is running on %s", db.Path)
	}
	defer db.bulkBusy.Store(false)
	db.bolt.NoSync = true
	defer func() { db.bolt.NoSync = false }()

	now := db.Now()
	res := &ImportResult{}
	var im *importer
	for lo := 0; lo == 0 || lo < len(in.Deals); lo += bulkChunk {
		if err := ctx.Err(); err != nil {
			return *res, err
		}
		hi := min(lo+bulkChunk, len(in.Deals))
		err := db.update(ctx, "bulk load", func(tx *bolt.Tx) error {
			if im == nil {
				im = newImporter(tx, &in, 0, now, db.cur)
				if err := im.head(); err != nil {
					im = nil
					return err
				}
			} else {
				im.tx = tx
			}
			return im.deals(ctx, lo, hi)
		})
		if err != nil {
			if im != nil {
				*res = im.committed
			}
			return *res, err
		}
		im.committed = cloneResult(im.res)
		*res = im.committed
		if progress != nil {
			progress(hi)
		}
	}
	if err := db.bolt.Sync(); err != nil {
		return *res, fmt.Errorf("storage: bulk load: sync %s: %w", db.Path, err)
	}
	return *res, nil
}

func cloneResult(r *ImportResult) ImportResult {
	c := *r
	c.DealIDs = slices.Clone(r.DealIDs)
	c.PersonIDs = slices.Clone(r.PersonIDs)
	c.TerritoryIDs = slices.Clone(r.TerritoryIDs)
	return c
}

// precheck validates what needs no database, before any transaction.
func precheck(in *Import) error {
	for i, e := range in.Events {
		if e.DealID == 0 || int(e.DealID) > len(in.Deals) {
			return importErr("event", i, sales.Errorf(sales.EINVALID,
				"it names deal %d, but the import has %d deals", e.DealID, len(in.Deals)))
		}
	}
	seen := make(map[string]int, len(in.Deals)) // sized: growing it rehashed a million keys
	for i, d := range in.Deals {
		if d.Amount < 0 {
			return importErr("deal", i, errNegativeAmount(d.Amount))
		}
		if d.ExternalID == "" {
			continue
		}
		if j, dup := seen[d.ExternalID]; dup {
			return importErr("deal", i, sales.Errorf(sales.ECONFLICT,
				"external id %q is also used by deal %d of the import", d.ExternalID, j+1))
		}
		seen[d.ExternalID] = i
	}
	for i := range in.Quotas {
		if err := validQuota(&in.Quotas[i]); err != nil {
			return importErr("quota", i, err)
		}
	}
	return nil
}

// importer carries one Import (or Bulk) across its transactions.
type importer struct {
	tx        *bolt.Tx
	in        *Import
	actor     sales.PersonID
	now       time.Time
	cur       sales.Currency
	st        sales.StageSet
	res       *ImportResult
	committed ImportResult
	created   []bool // per deal: created by this import
	events    []int  // indexes of in.Events ordered by deal
	nextEvent int
	first     []string                             // per deal: the stage its history starts in, "" = its own
	ownerTerr map[sales.PersonID]sales.TerritoryID // stored owners' territories, read once each
	w         dealWriter                           // the deals phase's writes, flushed in key order
	people    map[sales.PersonID]bool              // known to exist
	terrs     map[sales.TerritoryID]bool
}

func newImporter(tx *bolt.Tx, in *Import, actor sales.PersonID, now time.Time, cur sales.Currency) *importer {
	// Whole seconds, as exports write times: events this import makes at
	// "now" then sort the same after export → import (by time, then id).
	now = truncSecs(now)
	im := &importer{tx: tx, in: in, actor: actor, now: now, cur: cur,
		res:     &ImportResult{DealIDs: make([]sales.DealID, len(in.Deals))},
		created: make([]bool, len(in.Deals)),
		people:  map[sales.PersonID]bool{}, terrs: map[sales.TerritoryID]bool{},
	}
	im.events = make([]int, len(in.Events))
	for i := range im.events {
		im.events[i] = i
	}
	slices.SortStableFunc(im.events, func(a, b int) int {
		return int(in.Events[a].DealID) - int(in.Events[b].DealID)
	})
	im.first = firstStages(in.Events, len(in.Deals), now)
	return im
}

// firstStages finds, per deal index, the From of its earliest stage event
// (the first listed among equal times): a deal imported with its history
// was created in that stage, not in the one it has reached. Events without
// a time are written at now.
func firstStages(evs []sales.Event, deals int, now time.Time) []string {
	first := make([]string, deals)
	at := map[int]time.Time{}
	for _, e := range evs {
		if e.Field != sales.FieldStage || e.From == "" {
			continue
		}
		di, t := int(e.DealID)-1, e.At
		if t.IsZero() {
			t = now
		}
		if prev, ok := at[di]; !ok || t.Before(prev) {
			first[di], at[di] = e.From, t
		}
	}
	return first
}

// head writes territories, people and quotas.
func (im *importer) head() error {
	st, err := loadStages(im.tx)
	if err != nil {
		return err
	}
	im.st = st
	if err := im.territories(); err != nil {
		return err
	}
	if err := im.peopleAll(); err != nil {
		return err
	}
	for i, q := range im.in.Quotas {
		var err error
		switch q.Scope {
		case sales.ScopeRep, sales.ScopeTeam:
			var p sales.PersonID
			p, err = im.person(sales.PersonID(q.Subject))
			q.Subject = uint64(p)
		case sales.ScopeTerritory:
			var t sales.TerritoryID
			t, err = im.territory(sales.TerritoryID(q.Subject))
			q.Subject = uint64(t)
		}
		if err == nil && q.SetBy == 0 {
			q.SetBy = im.actor
		}
		if err == nil {
			err = im.tx.Bucket(bQuotas).Put(quotaKey(q.Scope, q.Subject, q.Period), encodeQuota(&q))
		}
		if err != nil {
			return importErr("quota", i, err)
		}
	}
	return nil
}

func (im *importer) territories() error {
	b := im.tx.Bucket(bTerritories)
	im.res.TerritoryIDs = make([]sales.TerritoryID, len(im.in.Territories))
	for i, t := range im.in.Territories {
		t.Name = strings.TrimSpace(t.Name)
		var old *sales.Territory
		id := t.ID
		if id == 0 {
			if v := im.tx.Bucket(bTerrNames).Get(nameKey(t.Name)); len(v) == 8 {
				id = sales.TerritoryID(binary.BigEndian.Uint64(v))
			}
		}
		if id != 0 {
			if o, err := getTerritory(im.tx, id); err == nil {
				old = &o
				if t.Name == "" {
					t.Name = o.Name
				}
				if t.Channel == "" {
					t.Channel = o.Channel
				}
			} else if err := bumpSequence(b, uint64(id)); err != nil {
				return err
			}
		} else {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			id = sales.TerritoryID(seq)
		}
		t.ID = id
		if old == nil || *old != t {
			if err := putTerritory(im.tx, old, &t); err != nil {
				return importErr("territory", i, err)
			}
		}
		im.res.TerritoryIDs[i] = id
		im.terrs[id] = true
	}
	return nil
}

// peopleAll numbers every person first, so Manager refs may point forward.
func (im *importer) peopleAll() error {
	b := im.tx.Bucket(bPeople)
	in := im.in.People
	ids := make([]sales.PersonID, len(in))
	olds := make([]*sales.Person, len(in))
	nameOnly := make([]bool, len(in))      // matched by name, not by id or Slack id
	var byName map[string][]sales.PersonID // stored people by lower-case name, built on first need
	for i, p := range in {
		id := p.ID
		if id == 0 && p.SlackID != "" {
			id = slackLookup(im.tx, p.SlackID)
		}
		if id == 0 && p.Name != "" {
			if byName == nil {
				byName = map[string][]sales.PersonID{}
				err := eachPerson(im.tx, func(q sales.Person) error {
					k := strings.ToLower(q.Name)
					byName[k] = append(byName[k], q.ID)
					return nil
				})
				if err != nil {
					return err
				}
			}
			if match := byName[strings.ToLower(p.Name)]; len(match) == 1 && !slices.Contains(ids, match[0]) {
				id = match[0]
				nameOnly[i] = true
			}
		}
		if id != 0 {
			if o, err := getPerson(im.tx, id); err == nil {
				olds[i] = &o
			} else if err := bumpSequence(b, uint64(id)); err != nil {
				return err
			}
		} else {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			id = sales.PersonID(seq)
		}
		ids[i] = id
		im.people[id] = true
	}
	im.res.PersonIDs = ids
	for i, p := range in {
		p.ID = ids[i]
		var err error
		if p.Manager, err = im.person(p.Manager); err != nil {
			return importErr("person", i, err)
		}
		if p.Territory, err = im.territory(p.Territory); err != nil {
			return importErr("person", i, err)
		}
		old := olds[i]
		if old != nil && nameOnly[i] && old.SlackID != "" && p.Role > old.Role {
			// Whoever renamed herself to this name in Slack is not
			// proven to be this row's person: hold the role for an admin.
			if p.Role > old.PendingRole {
				p.PendingRole = p.Role
			}
			p.Role = old.Role
			im.res.RolesPending = append(im.res.RolesPending, old.ID)
		}
		if old != nil {
			p = mergePerson(*old, p)
			if p == *old {
				continue
			}
		} else {
			im.res.PeopleCreated++
		}
		if err := putPerson(im.tx, old, &p); err != nil {
			return importErr("person", i, err)
		}
	}
	return nil
}

func mergePerson(old, in sales.Person) sales.Person {
	p := old
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	str(&p.SlackID, in.SlackID)
	str(&p.Name, in.Name)
	str(&p.RealName, in.RealName)
	str(&p.Email, in.Email)
	str(&p.TZ, in.TZ)
	if in.Role != sales.RoleRep {
		p.Role = in.Role
	}
	if in.PendingRole > p.PendingRole {
		p.PendingRole = in.PendingRole
	}
	if p.PendingRole <= p.Role {
		p.PendingRole = sales.RoleRep // an explicit role at or above it settles it
	}
	if in.Manager != 0 {
		p.Manager = in.Manager
	}
	if in.Territory != 0 {
		p.Territory = in.Territory
	}
	p.NudgesOff = p.NudgesOff || in.NudgesOff
	return p
}

// person resolves a possibly-referring person id and checks it exists.
func (im *importer) person(id sales.PersonID) (sales.PersonID, error) {
	return resolveRef(im.tx, id, "person", im.res.PersonIDs, im.people, bPeople, sales.PersonID.String)
}

func (im *importer) territory(id sales.TerritoryID) (sales.TerritoryID, error) {
	return resolveRef(im.tx, id, "territory", im.res.TerritoryIDs, im.terrs, bTerritories,
		func(id sales.TerritoryID) string { return fmt.Sprintf("#%d", id) })
}

// resolveRef maps an id that refers to a record of the import (refBit) to
// the id it was created with (created), or checks a stored id exists in
// bucket, remembering the ones found in known. label names a missing id.
func resolveRef[ID ~uint64](tx *bolt.Tx, id ID, kind string, created []ID, known map[ID]bool, bucket []byte, label func(ID) string) (ID, error) {
	if id == 0 {
		return 0, nil
	}
	if id&refBit != 0 {
		i := int(id &^ refBit)
		if i >= len(created) {
			return 0, sales.Errorf(sales.EINVALID, "it refers to %s %d of the import, which has %d", kind, i+1, len(created))
		}
		return created[i], nil
	}
	if !known[id] {
		if tx.Bucket(bucket).Get(u64key(uint64(id))) == nil {
			return 0, sales.Errorf(sales.EINVALID, "%s %s does not exist", kind, label(id))
		}
		known[id] = true
	}
	return id, nil
}

// deals writes in.Deals[lo:hi] and the extra events of the ones created,
// in key order per bucket (sortedWriter) when the transaction's work is done.
func (im *importer) deals(ctx context.Context, lo, hi int) error {
	// Every bucket's writes reach bbolt in key order (sortedWrites), so
	// pack its pages full instead of bbolt's default half-empty splits: the
	// file, the pages the commit writes and their memory halve. A later
	// insert into a full page splits it, as it would any page.
	for _, name := range importBuckets {
		im.tx.Bucket(name).FillPercent = 0.95
	}
	im.w = sortedWriterFor(im.tx, hi-lo)
	im.w.async, im.w.at = newIndexWorker(im.w.ix, &im.st), new(int)
	// The worker's failure on an earlier deal comes first, as it would
	// have without the worker.
	fail := func(i int, err error) error {
		if at, werr := im.w.async.wait(); werr != nil && at <= i {
			return importErr("deal", at, werr)
		}
		return err
	}
	for i := lo; i < hi; i++ {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return fail(i, err)
			}
		}
		*im.w.at = i
		if err := im.deal(i); err != nil {
			return fail(i, importErr("deal", i, err))
		}
	}
	if at, err := im.w.async.wait(); err != nil {
		return importErr("deal", at, err)
	}
	for ; im.nextEvent < len(im.events); im.nextEvent++ {
		ei := im.events[im.nextEvent]
		e := im.in.Events[ei]
		di := int(e.DealID) - 1
		if di >= hi {
			break
		}
		if !im.created[di] {
			continue
		}
		e.DealID = im.res.DealIDs[di]
		if e.At.IsZero() {
			e.At = im.now
		}
		if e.Actor == 0 {
			e.Actor = im.actor
		} else if e.Actor&refBit != 0 {
			a, err := im.person(e.Actor)
			if err != nil {
				return importErr("event", ei, err)
			}
			e.Actor = a
		}
		if e.Field == "" {
			return importErr("event", ei, sales.Errorf(sales.EINVALID, "it has no field name"))
		}
		if err := putEvent(im.w, &e); err != nil {
			return err
		}
	}
	return im.w.flush()
}

// importBuckets are the buckets the deals phase writes (sortedWriterFor).
var importBuckets = [][]byte{bDeals, bEvents, bIdxDealEvts, bIdxOwner, bIdxOpen, bIdxStage, bIdxClosed, bIdxExt, bIdxAcct}

func (im *importer) deal(i int) error {
	tx := im.tx
	d := im.in.Deals[i]
	var err error
	if d.Owner, err = im.person(d.Owner); err != nil {
		return err
	}
	if d.Territory, err = im.territory(d.Territory); err != nil {
		return err
	}
	target := d.ID
	if target == 0 {
		target = extIn(im.w.ix.ext, d.ExternalID)
	}
	if target != 0 {
		if old, err := dealIn(im.w.deals, target); err == nil {
			return im.updateDeal(i, &old, d)
		}
	}
	if d.Territory == 0 && d.Owner != 0 {
		// As /deal add does: a new deal without a territory takes its
		// owner's at import (sales.DealTerritory).
		if t, ok := im.ownerTerritory(d.Owner); ok {
			d.Territory = sales.DealTerritory(d.Territory, t)
		}
	}
	// A record without a created date was created before, in the system
	// it comes from, at a time nobody knows: it keeps no created date, so
	// the digest never lists it as new (interface.md "new"). Its stage
	// entry, closing and "created" event are at the import instant, the
	// earliest time salesbot knows it existed.
	undated := d.CreatedAt.IsZero()
	// Likewise a won or lost record with nothing saying when it closed (no
	// closed time, close date or stage entry): it keeps no close time, so
	// it is closed but counts in no period (sales.CloseDay is zero).
	closeUnknown := d.Stage != 0 && im.st.Kind(d.Stage) != sales.StageOpen &&
		d.ClosedAt.IsZero() && d.CloseDate.IsZero() && d.StageEnteredAt.IsZero()
	normalizeNew(&d, &im.st, im.now)
	at := d.CreatedAt
	if undated {
		d.CreatedAt = time.Time{}
	}
	if closeUnknown {
		d.ClosedAt, d.StageEnteredAt = time.Time{}, time.Time{}
	}
	if err := validateDeal(tx, &d, &im.st); err != nil {
		return err
	}
	b := tx.Bucket(bDeals)
	if target != 0 {
		if err := bumpSequence(b, uint64(target)); err != nil {
			return err
		}
		d.ID = target
	} else {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		d.ID = sales.DealID(seq)
	}
	if err := insertDeal(im.w, &d, &im.st, im.actor, at, im.first[i]); err != nil {
		return err
	}
	im.res.DealIDs[i] = d.ID
	im.res.DealsCreated++
	im.created[i] = true
	return nil
}

// ownerTerritory is a stored owner's territory; ok is false when the
// owner is not stored. People are written before the deals and not
// changed by them, so each owner is read once per import, not per deal.
func (im *importer) ownerTerritory(id sales.PersonID) (sales.TerritoryID, bool) {
	if t, ok := im.ownerTerr[id]; ok {
		return t, true
	}
	p, err := getPerson(im.tx, id)
	if err != nil {
		return 0, false
	}
	if im.ownerTerr == nil {
		im.ownerTerr = map[sales.PersonID]sales.TerritoryID{}
	}
	im.ownerTerr[id] = p.Territory
	return p.Territory, true
}

func (im *importer) updateDeal(i int, old *sales.Deal, in sales.Deal) error {
	nd := mergeDeal(*old, in)
	normalizeChange(old, &nd, &im.st, im.now)
	if err := validateDeal(im.tx, &nd, &im.st); err != nil {
		return err
	}
	im.res.DealIDs[i] = old.ID
	if string(encodeDeal(old)) == string(encodeDeal(&nd)) {
		im.res.DealsUnchanged++
		return nil
	}
	nd.UpdatedAt = truncSecs(im.now)
	if err := storeChange(im.w, old, &nd, &im.st, im.actor, im.now, im.cur); err != nil {
		return err
	}
	im.res.DealsUpdated++
	return nil
}

// mergeDeal overlays the non-empty fields of an imported deal on a stored one.
func mergeDeal(old, in sales.Deal) sales.Deal {
	d := old
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	tm := func(dst *time.Time, v time.Time) {
		if !v.IsZero() {
			*dst = v
		}
	}
	str(&d.ExternalID, in.ExternalID)
	str(&d.Account, in.Account)
	str(&d.Product, in.Product)
	str(&d.LostReason, in.LostReason)
	str(&d.Notes, in.Notes)
	str(&d.NextStep, in.NextStep)
	if !in.NextDue.IsZero() {
		d.NextDue = in.NextDue
	}
	if in.Forecast != 0 {
		d.Forecast = in.Forecast
	}
	if in.Amount != 0 {
		d.Amount = in.Amount
	}
	if in.Stage != 0 {
		d.Stage = in.Stage
	}
	if in.Owner != 0 {
		d.Owner = in.Owner
	}
	if in.Territory != 0 {
		d.Territory = in.Territory
	}
	tm(&d.CloseDate, in.CloseDate)
	tm(&d.CreatedAt, in.CreatedAt)
	tm(&d.ClosedAt, in.ClosedAt)
	tm(&d.StageEnteredAt, in.StageEnteredAt)
	tm(&d.SnoozedUntil, in.SnoozedUntil)
	return d
}

// bumpSequence makes NextSequence continue after an explicitly given id.
func bumpSequence(b *bolt.Bucket, id uint64) error {
	if id&refBit != 0 {
		return sales.Errorf(sales.EINVALID, "id %d is out of range", id)
	}
	if b.Sequence() < id {
		return b.SetSequence(id)
	}
	return nil
}
