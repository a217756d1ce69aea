package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// The typed records survive a close and reopen of the file, and clearing
// one removes only it.
func TestTypedRecordsRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/sb.db"
	db := storagetest.MustOpenPath(t, path, storage.Options{})

	if err := db.SetCompanyDigestChannel(ctx, " C0MAIN "); err != nil {
		t.Fatal(err)
	}
	if err := db.SetManagerDigestChannel(ctx, 7, "C0TEAM"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetManagerDigestChannel(ctx, 0, "C0X"); sales.ErrorCode(err) != sales.EINVALID {
		t.Errorf("route for no manager: %v", err)
	}
	slot := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rec := sales.NudgeRecord{Person: 3, Slot: slot, At: slot.Unix() + 5, Stale: []sales.DealID{4, 9}, Behind: true, Streak: 2}
	if err := db.RecordNudge(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := db.SetOutboxProgress(ctx, 12, sales.OutboxProgress{Next: 2, TS: "1.2", Channel: "C0MAIN"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = storagetest.MustOpenPath(t, path, storage.Options{})
	routes, err := db.DigestChannels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := sales.DigestChannels{Company: "C0MAIN", Managers: map[sales.PersonID]string{7: "C0TEAM"}, Territories: map[sales.TerritoryID]string{}}
	if !reflect.DeepEqual(routes, want) {
		t.Errorf("routes %+v, want %+v", routes, want)
	}
	recs, err := db.NudgeRecords(ctx)
	if err != nil || len(recs) != 1 || !recs[0].Slot.Equal(slot) || recs[0].Person != 3 || !reflect.DeepEqual(recs[0].Stale, rec.Stale) || !recs[0].Behind || recs[0].Streak != 2 {
		t.Errorf("nudge records %+v, %v", recs, err)
	}
	p, err := db.OutboxProgress(ctx, 12)
	if err != nil || p != (sales.OutboxProgress{Next: 2, TS: "1.2", Channel: "C0MAIN"}) {
		t.Errorf("outbox progress %+v, %v", p, err)
	}

	if err := db.DropNudgeRecord(ctx, recs[0]); err != nil {
		t.Fatal(err)
	}
	if err := db.SetOutboxProgress(ctx, 12, sales.OutboxProgress{}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetManagerDigestChannel(ctx, 7, ""); err != nil {
		t.Fatal(err)
	}
	if recs, _ := db.NudgeRecords(ctx); len(recs) != 0 {
		t.Errorf("dropped nudge record still there: %+v", recs)
	}
	if p, _ := db.OutboxProgress(ctx, 12); p != (sales.OutboxProgress{}) {
		t.Errorf("cleared progress still there: %+v", p)
	}
	if r, _ := db.DigestChannels(ctx); len(r.Managers) != 0 || r.Company != "C0MAIN" {
		t.Errorf("after clearing the team route: %+v", r)
	}
}
