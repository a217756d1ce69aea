package storage_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

func key(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

// writeV0 builds a file as salesbot wrote it before schema versioning:
// JSON records, no meta bucket, no indexes, no events.
func writeV0(t *testing.T, path string, deals []map[string]any) {
	t.Helper()
	raw, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	put := func(tx *bolt.Tx, bucket string, id uint64, v any) {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Put(key(id), js); err != nil {
			t.Fatal(err)
		}
	}
	err = raw.Update(func(tx *bolt.Tx) error {
		put(tx, "territories", 1, map[string]any{"id": 1, "name": "West", "channel": "C9"})
		put(tx, "people", 1, map[string]any{"id": 1, "slack_id": "U1", "name": "alice", "role": "manager", "territory": 1})
		put(tx, "people", 2, map[string]any{"id": 2, "name": "Bob Imported", "role": "rep", "manager": 1})
		for _, d := range deals {
			put(tx, "deals", uint64(d["id"].(int)), d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromVersion0(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	created := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	closed := time.Date(2025, 9, 15, 17, 30, 0, 0, time.UTC)
	writeV0(t, path, []map[string]any{
		{"id": 3, "account": "Acme", "amount": 1200000, "stage": "Qualified", "owner": 1, "territory": 1,
			"external_id": "crm-3", "created_at": created, "updated_at": created.Add(48 * time.Hour),
			"close_date": time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"id": 7, "account": "Beta", "amount": 50000, "stage": "won", "owner": 2, "created_at": created,
			"updated_at": closed, "closed_at": closed, "notes": "paid"},
		{"id": 9, "account": "Gamma", "stage": "Lost", "owner": 2, "created_at": created, "updated_at": closed,
			"closed_at": closed, "lost_reason": "price"},
	})

	clk := newClock()
	db := storagetest.MustOpenPath(t, path, storage.Options{Clock: clk})
	var version uint32
	err := storage.BoltOf(db).View(func(tx *bolt.Tx) error {
		version = binary.BigEndian.Uint32(tx.Bucket(storage.BucketMeta).Get([]byte("version")))
		return nil
	})
	if err != nil || version != storage.SchemaVersion {
		t.Fatalf("version after migration = %d (%v), want %d", version, err, storage.SchemaVersion)
	}

	acme := must[sales.Deal](t)(db.Deal(ctx, 3))
	want := sales.Deal{ID: 3, ExternalID: "crm-3", Account: "Acme", Amount: 1200000, Stage: 2, Owner: 1, Territory: 1,
		CloseDate: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), CreatedAt: created, UpdatedAt: created.Add(48 * time.Hour),
		StageEnteredAt: created.Add(48 * time.Hour)}
	if !reflect.DeepEqual(acme, want) {
		t.Fatalf("migrated deal\n got %+v\nwant %+v", acme, want)
	}
	beta := must[sales.Deal](t)(db.Deal(ctx, 7))
	if beta.Stage != 5 || !beta.ClosedAt.Equal(closed) || beta.Notes != "paid" {
		t.Fatalf("migrated won deal %+v", beta)
	}
	// Indexes exist for the old data.
	if d := must[sales.Deal](t)(db.DealByExternalID(ctx, "crm-3")); d.ID != 3 {
		t.Fatalf("external id index: %v", d.ID)
	}
	if got := ids(must[[]sales.Deal](t)(db.FindDeals(ctx, sales.DealFilter{Owner: 2}))); !reflect.DeepEqual(got, []sales.DealID{9, 7}) {
		t.Fatalf("owner index: %v", got)
	}
	if got := ids(must[[]sales.Deal](t)(db.FindDeals(ctx, sales.DealFilter{ClosedFrom: closed, ClosedTo: closed.Add(time.Second)}))); len(got) != 2 {
		t.Fatalf("closed index: %v", got)
	}
	if h := must[[]sales.Event](t)(db.DealHistory(ctx, 7)); len(h) != 1 || h[0].Field != "created" || !h[0].At.Equal(created) {
		t.Fatalf("history of migrated deal: %+v", h)
	}
	if p := must[sales.Person](t)(db.PersonBySlackID(ctx, "U1")); p.Role != sales.RoleManager || p.Territory != 1 {
		t.Fatalf("migrated person %+v", p)
	}
	if p := must[sales.Person](t)(db.Person(ctx, 2)); p.Manager != 1 || p.Name != "Bob Imported" {
		t.Fatalf("migrated person %+v", p)
	}
	if tr := must[sales.Territory](t)(db.TerritoryByName(ctx, "west")); tr.Channel != "C9" {
		t.Fatalf("migrated territory %+v", tr)
	}
	if n := must[int](t)(db.CountDeals(ctx)); n != 3 {
		t.Fatalf("CountDeals = %d", n)
	}
	// New records continue after the old ids.
	if d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "New"}, 1)); d.ID != 10 {
		t.Fatalf("first new deal id %v, want D-10", d.ID)
	}
	if p := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "new"})); p.ID != 3 {
		t.Fatalf("first new person id %v, want 3", p.ID)
	}
	// Reopening runs nothing again.
	db = storagetest.Reopen(t, db, storage.Options{Clock: clk})
	if n := must[int](t)(db.CountDeals(ctx)); n != 4 {
		t.Fatalf("CountDeals after reopen = %d", n)
	}
}

func TestMigrationFailureLeavesFileAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.db")
	writeV0(t, path, []map[string]any{{"id": 1, "account": "X", "stage": "Dreaming"}})
	_, err := storage.Open(path, storage.Options{})
	if err == nil || !strings.Contains(err.Error(), "Dreaming") || !strings.Contains(err.Error(), "version 1") {
		t.Fatalf("Open of unmigratable file: %v", err)
	}
	// Still version 0: the failed migration's transaction rolled back.
	raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_ = raw.View(func(tx *bolt.Tx) error {
		if tx.Bucket(storage.BucketMeta) != nil {
			t.Error("meta bucket written by a failed migration")
		}
		return nil
	})
}

func TestNewerVersionRefused(t *testing.T) {
	db := storagetest.MustOpen(t)
	path := db.Path
	err := storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		return tx.Bucket(storage.BucketMeta).Put([]byte("version"), binary.BigEndian.AppendUint32(nil, storage.SchemaVersion+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = storage.Open(path, storage.Options{})
	wantCode(t, err, sales.EINVALID, "newer than this salesbot")
}

func TestLockedDatabase(t *testing.T) {
	db := storagetest.MustOpen(t)
	start := time.Now()
	second, err := storage.Open(db.Path, storage.Options{Timeout: 100 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("second opener got the database")
	}
	wantCode(t, err, sales.ECONFLICT, "is in use by another salesbot process")
	if !strings.Contains(sales.ErrorMessage(err), db.Path) {
		t.Fatalf("message %q does not name the file", sales.ErrorMessage(err))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("second opener waited %v", d)
	}
	// Read-only openers are refused too while a writer holds the file.
	_, err = storage.Open(db.Path, storage.Options{Timeout: 50 * time.Millisecond, ReadOnly: true})
	wantCode(t, err, sales.ECONFLICT, "in use")

	// Once the first closes, the file opens (read-only works as well).
	db.Close()
	ro, err := storage.Open(db.Path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Stages(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := ro.CreateDeal(context.Background(), sales.Deal{Account: "x"}, 0); err == nil {
		t.Fatal("read-only database accepted a write")
	}
	_, err = storage.Open(filepath.Join(t.TempDir(), "missing.db"), storage.Options{ReadOnly: true})
	wantCode(t, err, sales.ENOTFOUND, "does not exist")
}

// snapshot is everything a restore must bring back.
type snapshot struct {
	People      []sales.Person
	Territories []sales.Territory
	Deals       []sales.Deal
	Events      []sales.Event
	Quotas      []sales.Quota
	Settings    map[string]string
	Pending     []sales.OutboxItem
	Stages      sales.StageSet
}

func snap(t *testing.T, db *storage.DB) snapshot {
	t.Helper()
	ctx := context.Background()
	return snapshot{
		People:      must[[]sales.Person](t)(db.People(ctx)),
		Territories: must[[]sales.Territory](t)(db.Territories(ctx)),
		Deals:       must[[]sales.Deal](t)(db.FindDeals(ctx, sales.DealFilter{})),
		Events:      must[[]sales.Event](t)(db.EventsBetween(ctx, time.Time{}, time.Time{})),
		Quotas:      must[[]sales.Quota](t)(db.Quotas(ctx)),
		Settings:    must[map[string]string](t)(db.Settings(ctx, "")),
		Pending:     must[[]sales.OutboxItem](t)(db.Pending(ctx)),
		Stages:      must[sales.StageSet](t)(db.Stages(ctx)),
	}
}

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, bob, mia := team(t, db)
	must[sales.Territory](t)(db.CreateTerritory(ctx, sales.Territory{Name: "West"}))
	for i := range 40 {
		d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: fmt.Sprint("A", i), Amount: sales.Money(i*100 + 100), Owner: alice.ID}, alice.ID))
		if i%3 == 0 {
			must[sales.Deal](t)(db.UpdateDeal(ctx, d.ID, mia.ID, func(d *sales.Deal) error { d.Stage = 5; d.Owner = bob.ID; return nil }))
		}
		clk.Advance(time.Minute)
	}
	if err := db.SetQuota(ctx, sales.Quota{Scope: sales.ScopeRep, Subject: uint64(alice.ID), Period: sales.Period{Kind: sales.Month, Year: 2026, Index: 3}, Amount: 5e6}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "digest.channel", "C1"); err != nil {
		t.Fatal(err)
	}
	must[bool](t)(db.Enqueue(ctx, sales.OutboxItem{Key: "k", Kind: "post", Payload: []byte(`{}`)}))
	before := snap(t, db)

	// Writers keep going while the backup runs; the copy is one commit.
	stop, started := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if i == 5 {
				close(started)
			}
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.CreateDeal(ctx, sales.Deal{Account: fmt.Sprint("during", i)}, 0); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	<-started
	var buf bytes.Buffer
	n, err := db.Backup(ctx, &buf)
	close(stop)
	wg.Wait()
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("Backup = %d, %v (buffer %d)", n, err, buf.Len())
	}
	streamed := filepath.Join(t.TempDir(), "streamed.db")
	if err := os.WriteFile(streamed, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	copyDB := storagetest.MustOpenPath(t, streamed, storage.Options{Clock: clk}) // Check runs on cleanup
	if n := must[int](t)(copyDB.CountDeals(ctx)); n < 40 {
		t.Fatalf("streamed copy has %d deals", n)
	}

	// BackupFile of a quiet database restores to identical contents.
	after := snap(t, db)
	path := filepath.Join(t.TempDir(), "backup.db")
	if _, err := db.BackupFile(ctx, path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode: %v %v", fi.Mode(), err)
	}
	restored := storagetest.MustOpenPath(t, path, storage.Options{Clock: clk})
	if got := snap(t, restored); !reflect.DeepEqual(got, after) {
		t.Fatalf("restored contents differ")
	}
	if len(after.Deals) <= len(before.Deals) {
		t.Fatal("concurrent writer wrote nothing; the test proves less than it should")
	}
	// The restored file is a working database: ids continue.
	next := must[sales.Deal](t)(restored.CreateDeal(ctx, sales.Deal{Account: "after restore"}, 0))
	if int(next.ID) != len(after.Deals)+1 {
		t.Fatalf("restored file's next id %v, want D-%d", next.ID, len(after.Deals)+1)
	}
	// Overwriting an existing backup works; backing up onto the live file does not.
	if _, err := db.BackupFile(ctx, path+"2"); err != nil {
		t.Fatal(err)
	}
	_, err = db.BackupFile(ctx, db.Path)
	wantCode(t, err, sales.EINVALID, "database itself")
}

func TestCheckFindsBrokenIndex(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(filepath.Join(t.TempDir(), "broken.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "p"}))
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "A", Owner: p.ID}, p.ID))
	if err := db.Check(ctx); err != nil {
		t.Fatalf("healthy file: %v", err)
	}
	err = storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		k := binary.BigEndian.AppendUint64(key(uint64(p.ID)), uint64(d.ID))
		return tx.Bucket(storage.BucketIdxOwner).Delete(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Check(ctx); err == nil || !strings.Contains(err.Error(), "owner index") {
		t.Fatalf("Check of a file missing an index entry: %v", err)
	}
}
