package storage_test

import (
	"context"
	"errors"
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

func TestLogActivity(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, bob, _ := team(t, db)
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	now := clk.Now().Truncate(time.Second)

	a := must[sales.Activity](t)(db.LogActivity(ctx, sales.Activity{Deal: d.ID, Who: alice.ID, Type: "Call", Text: "pricing <agreed>"}, nil))
	want := sales.Activity{ID: 1, Deal: d.ID, Account: "Acme", Who: alice.ID, At: now, Type: "call", Text: "pricing <agreed>"}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("LogActivity = %+v\nwant %+v", a, want)
	}
	if got := must[sales.Activity](t)(db.Activity(ctx, 1)); !reflect.DeepEqual(got, want) {
		t.Fatalf("Activity(1) = %+v", got)
	}

	// The same request (idempotency key) never writes twice, nor does a
	// double tap within the second.
	kctx := sales.WithIdempotencyKey(ctx, "env-1")
	first := must[sales.Activity](t)(db.LogActivity(kctx, sales.Activity{Deal: d.ID, Who: alice.ID, Type: "meeting"}, nil))
	clk.Advance(time.Minute)
	again := must[sales.Activity](t)(db.LogActivity(kctx, sales.Activity{Deal: d.ID, Who: alice.ID, Type: "meeting"}, nil))
	if again != first {
		t.Fatalf("replayed key stored %+v, want %+v", again, first)
	}
	tap := must[sales.Activity](t)(db.LogActivity(ctx, sales.Activity{Deal: d.ID, Who: bob.ID, Type: "email"}, nil))
	if dup := must[sales.Activity](t)(db.LogActivity(ctx, sales.Activity{Deal: d.ID, Who: bob.ID, Type: "email"}, nil)); dup != tap {
		t.Fatalf("double tap stored %+v, want %+v", dup, tap)
	}

	// An account without a deal.
	acc := must[sales.Activity](t)(db.LogActivity(ctx, sales.Activity{Account: "Initech", Who: bob.ID, Type: "note", Outcome: "intro", Text: "met at a fair"}, nil))
	if acc.Deal != 0 || acc.Account != "Initech" {
		t.Fatalf("account activity %+v", acc)
	}

	// Bad input writes nothing.
	bad := []struct {
		name string
		a    sales.Activity
		code string
		msg  string
	}{
		{"unknown type", sales.Activity{Deal: d.ID, Who: alice.ID, Type: "fax"}, sales.EINVALID, "unknown activity type"},
		{"near type", sales.Activity{Deal: d.ID, Who: alice.ID, Type: "cal"}, sales.EINVALID, "did you mean call"},
		{"unknown deal", sales.Activity{Deal: 99, Who: alice.ID, Type: "call"}, sales.ENOTFOUND, "D-99 not found"},
		{"no deal or account", sales.Activity{Who: alice.ID, Type: "call"}, sales.EINVALID, "deal or an account"},
		{"nobody", sales.Activity{Deal: d.ID, Type: "call"}, sales.EINVALID, "person"},
		{"control char", sales.Activity{Deal: d.ID, Who: alice.ID, Type: "call", Text: "a\x00b"}, sales.EINVALID, "control character"},
		{"too long", sales.Activity{Deal: d.ID, Who: alice.ID, Type: "call", Text: strings.Repeat("x", sales.MaxText+1)}, sales.EINVALID, "too long"},
	}
	before := must[sales.ActivityCounts](t)(db.ActivityCounts(ctx, time.Time{}, time.Time{}))
	for _, tt := range bad {
		_, err := db.LogActivity(ctx, tt.a, nil)
		wantCode(t, err, tt.code, tt.msg)
	}
	// A refusing edit (a permission check) aborts the log.
	refuse := sales.Errorf(sales.EFORBIDDEN, "no")
	_, err := db.LogActivity(ctx, sales.Activity{Deal: d.ID, Who: bob.ID, Type: "call"}, func(*sales.Deal) error { return refuse })
	if !errors.Is(err, refuse) {
		t.Fatalf("refused edit: %v", err)
	}
	if after := must[sales.ActivityCounts](t)(db.ActivityCounts(ctx, time.Time{}, time.Time{})); !reflect.DeepEqual(after, before) {
		t.Fatalf("bad input wrote: %v, was %v", after, before)
	}

	// A note kept on the deal too, in the same transaction, with its event.
	clk.Advance(time.Minute)
	n := must[sales.Activity](t)(db.LogActivity(ctx, sales.Activity{Deal: d.ID, Who: alice.ID, Type: "note", Text: "CFO wants 3 years"},
		func(x *sales.Deal) error { x.Notes = "CFO wants 3 years"; return nil }))
	if got := must[sales.Deal](t)(db.Deal(ctx, d.ID)); got.Notes != "CFO wants 3 years" {
		t.Fatalf("deal notes %q", got.Notes)
	}
	hist := must[[]sales.Event](t)(db.DealHistory(ctx, d.ID))
	if last := hist[len(hist)-1]; last.Field != sales.FieldNotes || last.Actor != alice.ID {
		t.Fatalf("last event %+v", last)
	}

	acts, total, err := db.DealActivities(ctx, d.ID, 2)
	if err != nil || total != 4 || len(acts) != 2 || acts[1].ID != n.ID {
		t.Fatalf("DealActivities = %+v, %d, %v", acts, total, err)
	}
	last := must[map[sales.DealID]time.Time](t)(db.LastActivities(ctx, nil))
	if len(last) != 1 || !last[d.ID].Equal(n.At) {
		t.Fatalf("LastActivities = %v, want %v", last, n.At)
	}
	if got := must[map[sales.DealID]time.Time](t)(db.LastActivities(ctx, []sales.DealID{d.ID, 42})); len(got) != 1 {
		t.Fatalf("LastActivities(some) = %v", got)
	}
}

func TestActivityCounts(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, bob, _ := team(t, db)
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	start := clk.Now().Truncate(time.Second)
	log := func(who sales.PersonID, typ string, at time.Time) {
		t.Helper()
		must[sales.Activity](t)(db.LogActivity(ctx, sales.Activity{Deal: d.ID, Who: who, Type: typ, At: at}, nil))
	}
	log(alice.ID, "call", start)
	log(alice.ID, "call", start.Add(time.Hour))
	log(alice.ID, "email", start.Add(2*time.Hour))
	log(bob.ID, "call", start.Add(24*time.Hour))
	log(bob.ID, "meeting", start.Add(-time.Second))

	tests := []struct {
		name     string
		from, to time.Time
		want     sales.ActivityCounts
	}{
		{"all", time.Time{}, time.Time{}, sales.ActivityCounts{alice.ID: {"call": 2, "email": 1}, bob.ID: {"call": 1, "meeting": 1}}},
		{"first day", start, start.Add(24 * time.Hour), sales.ActivityCounts{alice.ID: {"call": 2, "email": 1}}},
		{"to is exclusive", start, start.Add(time.Hour), sales.ActivityCounts{alice.ID: {"call": 1}}},
		{"to within a second", start, start.Add(time.Hour + 500*time.Millisecond), sales.ActivityCounts{alice.ID: {"call": 2}}},
		{"empty", start.Add(48 * time.Hour), time.Time{}, sales.ActivityCounts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := must[sales.ActivityCounts](t)(db.ActivityCounts(ctx, tt.from, tt.to))
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ActivityCounts = %v, want %v", got, tt.want)
			}
		})
	}
	if got := must[sales.ActivityCounts](t)(db.ActivityCounts(ctx, time.Time{}, time.Time{})); got.Of(alice.ID, "") != 3 || got.Of(bob.ID, "call") != 1 {
		t.Fatalf("Of: %v", got)
	}
	mine := must[[]sales.Activity](t)(db.PersonActivities(ctx, alice.ID, start.Add(time.Minute), time.Time{}))
	if len(mine) != 2 || mine[0].Type != "call" || mine[1].Type != "email" {
		t.Fatalf("PersonActivities = %+v", mine)
	}
	var n int
	if err := db.ScanActivities(ctx, time.Time{}, time.Time{}, func(sales.Activity) error { n++; return nil }); err != nil || n != 5 {
		t.Fatalf("ScanActivities: %d, %v", n, err)
	}
}

// Concurrent logs share transactions and each is on disk when it returns.
func TestLogActivityConcurrentDurable(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/a.db"
	db := storagetest.MustOpenPath(t, path, storage.Options{})
	alice := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U1", Name: "alice"}))
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kctx := sales.WithIdempotencyKey(ctx, "k"+string(rune('A'+i%32))) // each key twice
			if _, err := db.LogActivity(kctx, sales.Activity{Deal: d.ID, Who: alice.ID, Type: "call", Text: string(rune('A' + i%32))}, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	db = storagetest.Reopen(t, db, storage.Options{})
	if got := must[sales.ActivityCounts](t)(db.ActivityCounts(ctx, time.Time{}, time.Time{})); got.Of(alice.ID, "call") != 32 {
		t.Fatalf("after reopen: %v, want 32 calls", got)
	}
}

func TestImportActivities(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, bob, _ := team(t, db)
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	at := clk.Now().Add(-48 * time.Hour)
	rows := []sales.Activity{
		{Deal: d.ID, Who: alice.ID, Type: "call", At: at, Outcome: "connected", Text: "intro"},
		{Account: "Initech", Who: bob.ID, Type: "Email", At: at.Add(time.Hour)},
	}
	res := must[storage.ActivityImport](t)(db.ImportActivities(ctx, rows))
	if res.Created != 2 || res.Unchanged != 0 {
		t.Fatalf("first import %+v", res)
	}
	again := must[storage.ActivityImport](t)(db.ImportActivities(ctx, rows))
	if again.Created != 0 || again.Unchanged != 2 || !reflect.DeepEqual(again.IDs, res.IDs) {
		t.Fatalf("second import %+v, first %+v", again, res)
	}
	// All or nothing.
	_, err := db.ImportActivities(ctx, []sales.Activity{{Deal: d.ID, Who: alice.ID, Type: "call", At: at.Add(5 * time.Hour)}, {Deal: d.ID, Who: alice.ID, Type: "fax"}})
	wantCode(t, err, sales.EINVALID, "activity 2: unknown activity type")
	if got := must[sales.ActivityCounts](t)(db.ActivityCounts(ctx, time.Time{}, time.Time{})); got.Of(alice.ID, "") != 1 {
		t.Fatalf("failed import wrote: %v", got)
	}
}

func TestActivityConfig(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	if got := must[sales.ActivityConfig](t)(db.ActivityConfig(ctx)); !reflect.DeepEqual(got, sales.DefaultActivityConfig()) {
		t.Fatalf("default config %+v", got)
	}
	cfg := must[sales.ActivityConfig](t)(db.ModifyActivityConfig(ctx, func(c *sales.ActivityConfig) error {
		c.Types = append(c.Types, "demo")
		c.QuietDays = 21
		return nil
	}))
	if cfg.TypeList() != "call, meeting, email, note, demo" || cfg.Quiet() != 21 {
		t.Fatalf("config %+v", cfg)
	}
	_, err := db.ModifyActivityConfig(ctx, func(c *sales.ActivityConfig) error { c.Types = append(c.Types, "Bad Name"); return nil })
	wantCode(t, err, sales.EINVALID, "not valid")
	if got := must[sales.ActivityConfig](t)(db.ActivityConfig(ctx)); !reflect.DeepEqual(got, cfg) {
		t.Fatalf("refused change stored: %+v", got)
	}
}

// A file written before activities existed, opened read-only (report,
// export), reads as having none.
func TestActivitiesReadOnlyOldFile(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/old.db"
	db := storagetest.MustOpenPath(t, path, storage.Options{})
	err := storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		for _, b := range []string{"activities", "idx_act_time", "idx_act_deal", "act_last", "idx_act_key"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db = storagetest.Reopen(t, db, storage.Options{ReadOnly: true})
	if c, err := db.ActivityCounts(ctx, time.Time{}, time.Time{}); err != nil || len(c) != 0 {
		t.Fatalf("ActivityCounts = %v, %v", c, err)
	}
	if l, err := db.LastActivities(ctx, nil); err != nil || len(l) != 0 {
		t.Fatalf("LastActivities = %v, %v", l, err)
	}
	if a, n, err := db.DealActivities(ctx, 1, 0); err != nil || n != 0 || len(a) != 0 {
		t.Fatalf("DealActivities = %v %d %v", a, n, err)
	}
	if err := db.ScanActivities(ctx, time.Time{}, time.Time{}, func(sales.Activity) error { return nil }); err != nil {
		t.Fatal(err)
	}
}
