package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// Buckets. Keys are big-endian so cursor order is numeric order.
var (
	bMeta = []byte("meta") // "version" u32, "stages", "deal_count" u64

	bPeople      = []byte("people")       // person id → person
	bPeopleSlack = []byte("people_slack") // slack id → person id
	bTerritories = []byte("territories")  // territory id → territory
	bTerrNames   = []byte("territory_names")

	bDeals     = []byte("deals")        // deal id → record (facts header first)
	bIdxOwner  = []byte("idx_owner")    // owner|deal id → facts header (covering)
	bIdxOpen   = []byte("idx_open")     // owner|deal id → nil, open deals only
	bIdxStage  = []byte("idx_stage")    // stage|deal id → nil
	bIdxClosed = []byte("idx_closed")   // closed secs (sortable)|deal id → nil
	bIdxExt    = []byte("idx_external") // external id → deal id
	bIdxAcct   = []byte("idx_account")  // account key (accountKey) → nil

	bEvents      = []byte("events")       // at nanos (sortable)|event id → event: the time index
	bIdxDealEvts = []byte("idx_deal_evt") // deal id|event key → nil

	bQuotas   = []byte("quotas")    // year|first month|kind|scope|subject → quota
	bIdem     = []byte("idem")      // scoped idempotency key → result id|at
	bIdemTime = []byte("idem_time") // at|key → nil, for pruning
	bEnv      = []byte("envelopes") // envelope id → at
	bEnvTime  = []byte("envelope_time")
	bOutbox   = []byte("outbox")      // item id → pending item
	bOutKeys  = []byte("outbox_keys") // dedupe key → item id (kept after Done)
	bSlots    = []byte("slots")       // job|0|slot nanos (sortable) → nil
	bSettings = []byte("settings")    // key → value
	bJournal  = []byte("journal")     // request key → unanswered request (sales.Journal)
)

var allBuckets = [][]byte{
	bMeta, bPeople, bPeopleSlack, bTerritories, bTerrNames,
	bDeals, bIdxOwner, bIdxOpen, bIdxStage, bIdxClosed, bIdxExt, bIdxAcct,
	bEvents, bIdxDealEvts, bQuotas, bIdem, bIdemTime, bEnv, bEnvTime,
	bOutbox, bOutKeys, bSlots, bSettings, bJournal,
	bActs, bActTime, bActDeal, bActLast, bActKey, bActGoals,
}

// Deal index buckets, rebuilt together.
var dealIndexes = [][]byte{bIdxOwner, bIdxOpen, bIdxStage, bIdxClosed, bIdxExt, bIdxAcct}

var (
	kVersion   = []byte("version")
	kStages    = []byte("stages")
	kDealCount = []byte("deal_count")
)

// SchemaVersion is the layout this binary reads and writes.
//
// Version 0 is the layout written before versioning: buckets "deals",
// "people" and "territories" holding JSON (v0Deal, v0Person, v0Territory)
// under 8-byte big-endian ids; no meta bucket, no indexes, no events, the
// default stages (deals name their stage).
const SchemaVersion = 4

// migration moves a file from version to-1 to version to, inside one write
// transaction that also records the new version, so a crash leaves the
// file at one version or the next, never between.
type migration struct {
	to   uint32
	name string
	fn   func(tx *bolt.Tx, env migrationEnv) error
}

// migrationEnv is what a migration may need beyond the file.
type migrationEnv struct {
	now time.Time
	// zone is the zone the previous release ran in (Options.Zone): it
	// stored imported close dates as midnight there.
	zone *time.Location
}

// migrations run in order; append, never edit.
var migrations = []migration{
	{1, "binary records (deals, people, territories were JSON)", migrateBinaryRecords},
	{2, "indexes, events and counters", rebuildAll},
	{3, "account-name index", rebuildAccountIndex},
	{4, "civil close dates; imported deals take their owner's territory", migrateCivilDates},
}

func (db *DB) migrate() error {
	var version uint32
	var fresh bool
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		switch {
		case m != nil:
			v := m.Get(kVersion)
			if len(v) != 4 {
				return fmt.Errorf("meta bucket without a version: %w", errCorrupt)
			}
			version = binary.BigEndian.Uint32(v)
		case tx.Bucket(bDeals) != nil || tx.Bucket(bPeople) != nil || tx.Bucket(bTerritories) != nil:
			version = 0
		default:
			fresh = true
			version = SchemaVersion
			if err := createBuckets(tx); err != nil {
				return err
			}
			if err := tx.Bucket(bMeta).Put(kStages, encodeStages(sales.DefaultStages())); err != nil {
				return err
			}
			if err := tx.Bucket(bMeta).Put(kDealCount, u64key(0)); err != nil {
				return err
			}
			return putVersion(tx, SchemaVersion)
		}
		return nil
	})
	if err != nil {
		return wrap("open "+db.Path, err)
	}
	if version > SchemaVersion {
		return sales.Errorf(sales.EINVALID,
			"database %s has schema version %d, newer than this salesbot understands (%d): upgrade salesbot",
			db.Path, version, SchemaVersion)
	}
	for _, m := range migrations {
		if m.to <= version {
			continue
		}
		start := time.Now()
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			if err := m.fn(tx, migrationEnv{now: db.Now(), zone: db.zone}); err != nil {
				return err
			}
			return putVersion(tx, m.to)
		})
		if err != nil {
			// Not wrap: the context matters even when the cause is a
			// user-level error such as an unknown stage in old data.
			return fmt.Errorf("storage: migrate %s to version %d (%s): %w", db.Path, m.to, m.name, err)
		}
		db.log.Info("storage: migrated", sales.LogKeyPath, db.Path, "version", m.to, "migration", m.name,
			sales.LogKeyDuration, time.Since(start))
	}
	if fresh {
		return nil
	}
	// Buckets added since the file was made appear without a migration.
	return wrap("open "+db.Path, db.bolt.Update(createBuckets))
}

// checkVersion is the read-only counterpart of migrate.
func (db *DB) checkVersion() error {
	return wrap("open "+db.Path, db.bolt.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		var v uint32
		if m != nil && len(m.Get(kVersion)) == 4 {
			v = binary.BigEndian.Uint32(m.Get(kVersion))
		}
		switch {
		case v > SchemaVersion:
			return sales.Errorf(sales.EINVALID,
				"database %s has schema version %d, newer than this salesbot understands (%d): upgrade salesbot",
				db.Path, v, SchemaVersion)
		case v != SchemaVersion:
			return sales.Errorf(sales.EINVALID,
				"database %s has schema version %d and this salesbot needs %d: open it once read-write to migrate",
				db.Path, v, SchemaVersion)
		}
		return nil
	}))
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

func putVersion(tx *bolt.Tx, v uint32) error {
	m, err := tx.CreateBucketIfNotExists(bMeta)
	if err != nil {
		return err
	}
	return m.Put(kVersion, binary.BigEndian.AppendUint32(nil, v))
}

// ---- version 0 ----

type v0Deal struct {
	ID         uint64    `json:"id"`
	ExternalID string    `json:"external_id,omitempty"`
	Account    string    `json:"account"`
	Amount     int64     `json:"amount"`
	Stage      string    `json:"stage"`
	Owner      uint64    `json:"owner"`
	Territory  uint64    `json:"territory,omitempty"`
	Product    string    `json:"product,omitempty"`
	CloseDate  time.Time `json:"close_date"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	ClosedAt   time.Time `json:"closed_at"`
	LostReason string    `json:"lost_reason,omitempty"`
	Notes      string    `json:"notes,omitempty"`
}

type v0Person struct {
	ID        uint64 `json:"id"`
	SlackID   string `json:"slack_id,omitempty"`
	Name      string `json:"name"`
	RealName  string `json:"real_name,omitempty"`
	Email     string `json:"email,omitempty"`
	Role      string `json:"role"`
	Manager   uint64 `json:"manager,omitempty"`
	Territory uint64 `json:"territory,omitempty"`
	TZ        string `json:"tz,omitempty"`
}

type v0Territory struct {
	ID      uint64 `json:"id"`
	Name    string `json:"name"`
	Channel string `json:"channel,omitempty"`
}

// migrateBinaryRecords rewrites the JSON records of version 0 in the binary
// encoding and stores the default stages.
func migrateBinaryRecords(tx *bolt.Tx, env migrationEnv) error {
	now := env.now
	stages := sales.DefaultStages()
	if err := createBuckets(tx); err != nil {
		return err
	}
	if err := tx.Bucket(bMeta).Put(kStages, encodeStages(stages)); err != nil {
		return err
	}
	err := rewriteBucket(tx.Bucket(bPeople), func(k, v []byte) ([]byte, error) {
		var o v0Person
		if err := json.Unmarshal(v, &o); err != nil {
			return nil, fmt.Errorf("person %x: %w", k, err)
		}
		role := sales.RoleRep
		if o.Role != "" {
			r, err := sales.ParseRole(o.Role)
			if err != nil {
				return nil, fmt.Errorf("person %d: %w", o.ID, err)
			}
			role = r
		}
		p := sales.Person{ID: sales.PersonID(binary.BigEndian.Uint64(k)), SlackID: o.SlackID, Name: o.Name,
			RealName: o.RealName, Email: o.Email, Role: role, Manager: sales.PersonID(o.Manager),
			Territory: sales.TerritoryID(o.Territory), TZ: o.TZ}
		return encodePerson(&p), nil
	})
	if err != nil {
		return err
	}
	err = rewriteBucket(tx.Bucket(bTerritories), func(k, v []byte) ([]byte, error) {
		var o v0Territory
		if err := json.Unmarshal(v, &o); err != nil {
			return nil, fmt.Errorf("territory %x: %w", k, err)
		}
		t := sales.Territory{ID: sales.TerritoryID(binary.BigEndian.Uint64(k)), Name: o.Name, Channel: o.Channel}
		return encodeTerritory(&t), nil
	})
	if err != nil {
		return err
	}
	return rewriteBucket(tx.Bucket(bDeals), func(k, v []byte) ([]byte, error) {
		var o v0Deal
		if err := json.Unmarshal(v, &o); err != nil {
			return nil, fmt.Errorf("deal %x: %w", k, err)
		}
		st, err := stages.Lookup(o.Stage)
		if err != nil {
			return nil, fmt.Errorf("deal %d: %w", binary.BigEndian.Uint64(k), err)
		}
		d := sales.Deal{ID: sales.DealID(binary.BigEndian.Uint64(k)), ExternalID: o.ExternalID, Account: o.Account,
			Amount: sales.Money(o.Amount), Stage: st.ID, Owner: sales.PersonID(o.Owner),
			Territory: sales.TerritoryID(o.Territory), Product: o.Product, CloseDate: o.CloseDate,
			CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, ClosedAt: o.ClosedAt,
			LostReason: o.LostReason, Notes: o.Notes}
		normalizeNew(&d, &stages, now)
		// v0 had no stage-entered time; the best known is when it closed or
		// was last touched.
		d.StageEnteredAt = d.UpdatedAt
		if !d.ClosedAt.IsZero() {
			d.StageEnteredAt = d.ClosedAt
		}
		return encodeDeal(&d), nil
	})
}

// rewriteBucket replaces every value of b with fn's result, in chunks: a
// bucket must not be modified under a live cursor, so each chunk is read,
// then written, then the cursor seeks past it. The bucket's sequence is set
// to its highest id so NextSequence continues after existing records.
func rewriteBucket(b *bolt.Bucket, fn func(k, v []byte) ([]byte, error)) error {
	if b == nil {
		return nil
	}
	type kv struct{ k, v []byte }
	var next []byte
	var maxID uint64
	for {
		var chunk []kv
		c := b.Cursor()
		k, v := c.First()
		if next != nil {
			k, v = c.Seek(next)
		}
		for ; k != nil && len(chunk) < 1024; k, v = c.Next() {
			nv, err := fn(k, v)
			if err != nil {
				return err
			}
			chunk = append(chunk, kv{append([]byte(nil), k...), nv})
		}
		if len(chunk) == 0 {
			break
		}
		for _, e := range chunk {
			if err := b.Put(e.k, e.v); err != nil {
				return err
			}
			if len(e.k) == 8 {
				maxID = max(maxID, binary.BigEndian.Uint64(e.k))
			}
		}
		last := chunk[len(chunk)-1].k
		next = append(append([]byte(nil), last...), 0) // the smallest key after last
	}
	if maxID > b.Sequence() {
		return b.SetSequence(maxID)
	}
	return nil
}

// rebuildAll recreates every derived bucket from the records: the deal
// indexes, the people and territory name indexes, the deal count, and a
// "created" event for any deal without history.
func rebuildAll(tx *bolt.Tx, _ migrationEnv) error {
	if err := createBuckets(tx); err != nil {
		return err
	}
	if err := rebuildNameIndexes(tx); err != nil {
		return err
	}
	st, err := loadStages(tx)
	if err != nil {
		return err
	}
	if err := rebuildDealIndexes(tx, &st); err != nil {
		return err
	}
	// Events for deals that have none, collected first: the deals bucket is
	// only read, but events are written while its cursor is live.
	evts := tx.Bucket(bIdxDealEvts)
	var missing []sales.Deal
	c := tx.Bucket(bDeals).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if ek, _ := evts.Cursor().Seek(k); len(ek) >= 8 && string(ek[:8]) == string(k) {
			continue
		}
		d, err := decodeDeal(v)
		if err != nil {
			return fmt.Errorf("deal %x: %w", k, err)
		}
		missing = append(missing, d)
	}
	stages := st
	w := sortedWriter(tx) // events by creation time arrive out of key order
	for i := range missing {
		d := &missing[i]
		e := sales.Event{DealID: d.ID, At: d.CreatedAt, Actor: d.Owner, Field: sales.FieldCreated, To: stages.Name(d.Stage)}
		if err := putEvent(w, &e); err != nil {
			return err
		}
	}
	return w.flush()
}

func rebuildNameIndexes(tx *bolt.Tx) error {
	for _, name := range [][]byte{bPeopleSlack, bTerrNames} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	slack := tx.Bucket(bPeopleSlack)
	err := tx.Bucket(bPeople).ForEach(func(k, v []byte) error {
		p, err := decodePerson(v)
		if err != nil {
			return fmt.Errorf("person %x: %w", k, err)
		}
		if p.SlackID != "" {
			return slack.Put([]byte(p.SlackID), u64key(uint64(p.ID)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	names := tx.Bucket(bTerrNames)
	return tx.Bucket(bTerritories).ForEach(func(k, v []byte) error {
		t, err := decodeTerritory(v)
		if err != nil {
			return fmt.Errorf("territory %x: %w", k, err)
		}
		return names.Put(nameKey(t.Name), u64key(uint64(t.ID)))
	})
}

// rebuildDealIndexes drops and refills the deal indexes and the count.
func rebuildDealIndexes(tx *bolt.Tx, st *sales.StageSet) error {
	for _, name := range dealIndexes {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	ix := openIndexes(tx)
	var n uint64
	c := tx.Bucket(bDeals).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		d, err := decodeDeal(v)
		if err != nil {
			return fmt.Errorf("deal %x: %w", k, err)
		}
		rec := append([]byte(nil), v...)
		if err := ix.add(&d, rec, st); err != nil {
			return err
		}
		n++
	}
	return tx.Bucket(bMeta).Put(kDealCount, u64key(n))
}

// ---- version 4 ----

// migrateCivilDates makes every close date the civil date it meant, stored
// at UTC midnight (the contract: "dates are civil dates"). Releases before
// it stored Slack-entered dates at UTC midnight but imported ones at
// midnight of the zone the import ran in, so changing SALESBOT_TIMEZONE
// moved those deals a day, and a quarter, over. It also gives deals
// imported without a territory their owner's, as /deal add always did.
func migrateCivilDates(tx *bolt.Tx, env migrationEnv) error {
	owners := map[sales.PersonID]sales.TerritoryID{}
	err := tx.Bucket(bPeople).ForEach(func(k, v []byte) error {
		p, err := decodePerson(v)
		if err != nil {
			return fmt.Errorf("person %x: %w", k, err)
		}
		owners[p.ID] = p.Territory
		return nil
	})
	if err != nil {
		return err
	}
	changed := false
	err = rewriteBucket(tx.Bucket(bDeals), func(k, v []byte) ([]byte, error) {
		d, err := decodeDeal(v)
		if err != nil {
			return nil, fmt.Errorf("deal %x: %w", k, err)
		}
		before := d
		if !d.CloseDate.IsZero() {
			d.CloseDate = sales.LegacyDate(d.CloseDate, env.zone).Start(time.UTC)
		}
		if d.Territory == 0 {
			d.Territory = owners[d.Owner]
		}
		if d.CloseDate.Equal(before.CloseDate) && d.Territory == before.Territory {
			return append([]byte(nil), v...), nil
		}
		changed = true
		return encodeDeal(&d), nil
	})
	if err != nil || !changed {
		return err
	}
	// The owner index covers the facts header, close date and territory
	// included.
	st, err := loadStages(tx)
	if err != nil {
		return err
	}
	return rebuildDealIndexes(tx, &st)
}
