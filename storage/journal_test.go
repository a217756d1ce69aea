package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

func TestJournalCommitsWithTheWrite(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/j.db"
	db := storagetest.MustOpenPath(t, path, storage.Options{})

	jctx := sales.WithJournal(ctx, sales.Journal{Key: "E1", Entry: []byte("answer me")})
	if _, err := db.CreateDeal(jctx, sales.Deal{Account: "Acme", Amount: 100}, 0); err != nil {
		t.Fatal(err)
	}
	// A failed write leaves no entry: nothing committed, nothing to answer.
	bad := sales.WithJournal(ctx, sales.Journal{Key: "E2", Entry: []byte("no")})
	if _, err := db.CreateDeal(bad, sales.Deal{Account: "Bad", Amount: -1}, 0); sales.ErrorCode(err) != sales.EINVALID {
		t.Fatalf("negative amount: %v", err)
	}
	_, err := db.UpdateDeal(bad, 1, 0, func(*sales.Deal) error { return errors.New("refused") })
	if err == nil {
		t.Fatal("update error lost")
	}
	// A second write of the same request keeps the first entry.
	again := sales.WithJournal(ctx, sales.Journal{Key: "E1", Entry: []byte("other")})
	if err := db.SetSetting(again, "x", "y"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(sales.WithJournal(ctx, sales.Journal{Key: "E3", Entry: []byte("three")}), "x", "z"); err != nil {
		t.Fatal(err)
	}

	// The entries survive a reopen, as a restarted bot would see them.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = storagetest.MustOpenPath(t, path, storage.Options{})
	got, err := db.Journal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []sales.Journal{{Key: "E1", Entry: []byte("answer me")}, {Key: "E3", Entry: []byte("three")}}
	if len(got) != len(want) {
		t.Fatalf("journal = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Key != want[i].Key || string(got[i].Entry) != string(want[i].Entry) {
			t.Fatalf("journal = %+v, want %+v", got, want)
		}
	}
	// Clearing under the request's own ctx does not put it back; unknown
	// keys and repeats are fine.
	if err := db.ClearJournal(jctx, "E1", "nope"); err != nil {
		t.Fatal(err)
	}
	if err := db.ClearJournal(ctx, "E1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Journal(ctx); len(got) != 1 || got[0].Key != "E3" {
		t.Fatalf("after clear: %+v", got)
	}
}

// A pending entry is kept where nothing was recorded yet, gives way to
// the request's committed write whichever commits first, and is listed
// as pending while no write replaced it.
func TestJournalPendingGivesWayToTheWrite(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpenPath(t, t.TempDir()+"/p.db", storage.Options{})
	pending := func(key string) context.Context {
		return sales.WithJournal(ctx, sales.Journal{Key: key, Entry: []byte(`{"p":1}`), Pending: true})
	}
	done := func(key string) context.Context {
		return sales.WithJournal(ctx, sales.Journal{Key: key, Entry: []byte(`{"done":1}`)})
	}
	steps := []struct {
		ctx context.Context
	}{
		{pending("A")}, {done("A")}, // the usual order
		{done("B")}, {pending("B")}, // the mark's batch committed after the write
		{pending("C")}, {pending("C")}, // acknowledged, never written
	}
	for i, s := range steps {
		if _, err := db.MarkEnvelope(s.ctx, fmt.Sprintf("env%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// The marks themselves can be read back without a write.
	for id, want := range map[string]bool{"env0": true, "env5": true, "env9": false} {
		if seen, err := db.EnvelopeSeen(ctx, id); err != nil || seen != want {
			t.Fatalf("EnvelopeSeen(%s) = %v %v, want %v", id, seen, err, want)
		}
	}
	got, err := db.Journal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []sales.Journal{{Key: "A", Entry: []byte(`{"done":1}`)}, {Key: "B", Entry: []byte(`{"done":1}`)},
		{Key: "C", Entry: []byte(`{"p":1}`), Pending: true}}
	if len(got) != len(want) {
		t.Fatalf("journal = %+v", got)
	}
	for i := range want {
		if got[i].Key != want[i].Key || string(got[i].Entry) != string(want[i].Entry) || got[i].Pending != want[i].Pending {
			t.Fatalf("journal[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}
