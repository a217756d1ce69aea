package storage_test

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// TestMigrateToCivilDates opens a version-3 file as the previous release
// left it after `import deals` under America/Los_Angeles: close dates at
// midnight of that zone, imported deals without a territory.
func TestMigrateToCivilDates(t *testing.T) {
	ctx := context.Background()
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v3.db")
	db := storagetest.MustOpenPath(t, path, storage.Options{})
	west := must[sales.Territory](t)(db.CreateTerritory(ctx, sales.Territory{Name: "West"}))
	east := must[sales.Territory](t)(db.CreateTerritory(ctx, sales.Territory{Name: "East"}))
	alice := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U1", Name: "alice", Territory: west.ID}))
	created := time.Date(2017, 1, 2, 9, 0, 0, 0, time.UTC)
	deals := []struct {
		stage      sales.StageID
		territory  sales.TerritoryID
		storedAs   time.Time // what the previous release wrote
		wantDate   string
		wantTerrID sales.TerritoryID
	}{
		// Quarter's last day at LA midnight: 07:00 UTC that day.
		{2, 0, time.Date(2017, 3, 31, 0, 0, 0, 0, la), "2017-03-31", west.ID},
		// A quarter's first day: read in Kolkata it was 2017-04-01 12:30,
		// in UTC 07:00; either way the civil date is the 1st.
		{5, 0, time.Date(2017, 4, 1, 0, 0, 0, 0, la), "2017-04-01", west.ID},
		// Written in another zone than the one configured now: the nearest
		// UTC midnight (18:30 UTC the day before is Kolkata's midnight).
		{2, east.ID, time.Date(2017, 1, 1, 0, 0, 0, 0, kolkata), "2017-01-01", east.ID},
		// Entered in Slack: already UTC midnight, left alone.
		{2, east.ID, time.Date(2017, 6, 30, 0, 0, 0, 0, time.UTC), "2017-06-30", east.ID},
		// No close date stays none.
		{2, 0, time.Time{}, "", west.ID},
	}
	ids := make([]sales.DealID, len(deals))
	for i, d := range deals {
		nd := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Amount: 1000, Stage: d.stage,
			Owner: alice.ID, Territory: d.territory, CreatedAt: created, CloseDate: d.storedAs}, alice.ID))
		ids[i] = nd.ID
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Rewrite the records as the previous release held them and mark the
	// file version 3.
	raw, err := bolt.Open(path, 0o600, storage.RawOptions())
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bolt.Tx) error {
		for i, d := range deals {
			v := tx.Bucket(storage.BucketDeals).Get(key(uint64(ids[i])))
			rec := append([]byte(nil), v...)
			binary.BigEndian.PutUint64(rec[17:], uint64(d.territory))
			secs := int64(0)
			if !d.storedAs.IsZero() {
				secs = d.storedAs.Unix()
			}
			binary.BigEndian.PutUint64(rec[66:], uint64(secs))
			if err := tx.Bucket(storage.BucketDeals).Put(key(uint64(ids[i])), rec); err != nil {
				return err
			}
		}
		return tx.Bucket(storage.BucketMeta).Put([]byte("version"), binary.BigEndian.AppendUint32(nil, 3))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db = storagetest.MustOpenPath(t, path, storage.Options{Zone: la})
	check := func(db *storage.DB) {
		t.Helper()
		for i, d := range deals {
			got := must[sales.Deal](t)(db.Deal(ctx, ids[i]))
			date := ""
			if !got.CloseDate.IsZero() {
				date = sales.CloseDateOf(got).String()
				if !got.CloseDate.Equal(sales.CloseDateOf(got).Start(time.UTC)) {
					t.Errorf("deal %d close date %v is not at UTC midnight", got.ID, got.CloseDate)
				}
			}
			if date != d.wantDate || got.Territory != d.wantTerrID {
				t.Errorf("deal %d: close %q territory %d, want %q %d", got.ID, date, got.Territory, d.wantDate, d.wantTerrID)
			}
		}
		// The indexes cover close date and territory; they agree with the records.
		if err := db.Check(ctx); err != nil {
			t.Fatalf("check after migration: %v", err)
		}
	}
	check(db)
	// Opening again under another zone moves nothing: the dates are civil now.
	db = storagetest.Reopen(t, db, storage.Options{Zone: kolkata})
	check(db)
}
