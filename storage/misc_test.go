package storage_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage/storagetest"
)

func TestQuotas(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, _, mia := team(t, db)
	mar := sales.Period{Kind: sales.Month, Year: 2026, Index: 3}
	q1 := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 1}
	y := sales.Period{Kind: sales.Year, Year: 2026}
	feb := sales.Period{Kind: sales.Month, Year: 2026, Index: 2}
	set := []sales.Quota{
		{Scope: sales.ScopeRep, Subject: uint64(alice.ID), Period: mar, Amount: 100, SetBy: mia.ID},
		{Scope: sales.ScopeTeam, Subject: uint64(mia.ID), Period: q1, Amount: 900, SetBy: mia.ID},
		{Scope: sales.ScopeTeam, Subject: 0, Period: y, Amount: 5000, SetBy: mia.ID},
		{Scope: sales.ScopeTerritory, Subject: 4, Period: feb, Amount: 70},
		{Scope: sales.ScopeRep, Subject: uint64(alice.ID), Period: mar, Amount: 150, SetBy: mia.ID}, // replaces
	}
	for _, q := range set {
		if err := db.SetQuota(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	q, ok, err := db.Quota(ctx, sales.ScopeRep, uint64(alice.ID), mar)
	if err != nil || !ok || q != set[4] {
		t.Fatalf("Quota = %+v %v %v", q, ok, err)
	}
	if _, ok, err := db.Quota(ctx, sales.ScopeRep, uint64(alice.ID), feb); ok || err != nil {
		t.Fatalf("missing quota: ok=%v err=%v", ok, err)
	}
	// By period (Feb, then Jan-starting quarter/year... in key order), scope, subject.
	got := must[[]sales.Quota](t)(db.Quotas(ctx))
	want := []sales.Quota{set[1], set[2], set[3], set[4]}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Quotas =\n %+v\nwant\n %+v", got, want)
	}
	bad := []sales.Quota{
		{Scope: 9, Period: mar},
		{Scope: sales.ScopeRep, Period: sales.Period{Kind: sales.Month, Year: 2026, Index: 13}},
		{Scope: sales.ScopeRep, Period: mar, Amount: -1},
	}
	for _, b := range bad {
		wantCode(t, db.SetQuota(ctx, b), sales.EINVALID, "")
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	enq := func(key string) bool {
		t.Helper()
		added, err := db.Enqueue(ctx, sales.OutboxItem{Key: key, Kind: "post", Payload: []byte(`{"k":"` + key + `"}`)})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
		return added
	}
	if !enq("win:D-1") || !enq("digest:2026-03-02") || enq("win:D-1") {
		t.Fatal("dedupe by key failed")
	}
	p := must[[]sales.OutboxItem](t)(db.Pending(ctx))
	if len(p) != 2 || p[0].Key != "win:D-1" || p[1].Key != "digest:2026-03-02" || string(p[0].Payload) != `{"k":"win:D-1"}` {
		t.Fatalf("Pending = %+v", p)
	}
	if !p[0].Created.Equal(newClock().Now()) {
		t.Fatalf("Created = %v", p[0].Created)
	}
	if err := db.Retry(ctx, p[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Retry(ctx, p[0].ID); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db, clk)
	p = must[[]sales.OutboxItem](t)(db.Pending(ctx))
	if len(p) != 2 || p[0].Tries != 2 {
		t.Fatalf("after restart Pending = %+v", p)
	}
	if err := db.Done(ctx, p[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Done(ctx, p[0].ID); err != nil {
		t.Fatalf("Done twice: %v", err)
	}
	wantCode(t, db.Retry(ctx, p[0].ID), sales.ENOTFOUND, "")
	if enq("win:D-1") {
		t.Fatal("a done item's key was forgotten")
	}
	if p := must[[]sales.OutboxItem](t)(db.Pending(ctx)); len(p) != 1 || p[0].Key != "digest:2026-03-02" {
		t.Fatalf("Pending after Done = %+v", p)
	}
}

func TestSlots(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	slot := time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	if last := must[time.Time](t)(db.LastSlot(ctx, "digest")); !last.IsZero() {
		t.Fatalf("LastSlot of a new job = %v", last)
	}
	if !must[bool](t)(db.ClaimSlot(ctx, "digest", slot)) {
		t.Fatal("first claim refused")
	}
	if must[bool](t)(db.ClaimSlot(ctx, "digest", slot.UTC())) {
		t.Fatal("same instant claimed twice")
	}
	if !must[bool](t)(db.ClaimSlot(ctx, "digestx", slot)) {
		t.Fatal("a job whose name extends another's shares its slots")
	}
	db = reopen(t, db, clk)
	if must[bool](t)(db.ClaimSlot(ctx, "digest", slot)) {
		t.Fatal("claimed again after restart")
	}
	next := slot.Add(24 * time.Hour)
	if !must[bool](t)(db.ClaimSlot(ctx, "digest", next)) {
		t.Fatal("next slot refused")
	}
	if last := must[time.Time](t)(db.LastSlot(ctx, "digest")); !last.Equal(next) {
		t.Fatalf("LastSlot = %v, want %v", last, next)
	}
	if last := must[time.Time](t)(db.LastSlot(ctx, "nudge")); !last.IsZero() {
		t.Fatalf("LastSlot(nudge) = %v", last)
	}
	// Slots from long ago are forgotten as new ones are claimed.
	if !must[bool](t)(db.ClaimSlot(ctx, "digest", slot.Add(60*24*time.Hour))) {
		t.Fatal("late slot refused")
	}
	if !must[bool](t)(db.ClaimSlot(ctx, "digest", slot)) {
		t.Fatal("a 60-day-old slot was not pruned")
	}
	_, err := db.ClaimSlot(ctx, "", slot)
	wantCode(t, err, sales.EINVALID, "")
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	for k, v := range map[string]string{"route.west": "C1", "route.east": "C2", "admin.U1": "1", "routex": "no"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if v := must[string](t)(db.Setting(ctx, "route.west")); v != "C1" {
		t.Fatalf("Setting = %q", v)
	}
	if v := must[string](t)(db.Setting(ctx, "nope")); v != "" {
		t.Fatalf("unset Setting = %q", v)
	}
	got := must[map[string]string](t)(db.Settings(ctx, "route."))
	if !reflect.DeepEqual(got, map[string]string{"route.west": "C1", "route.east": "C2"}) {
		t.Fatalf("Settings(route.) = %v", got)
	}
	if err := db.SetSetting(ctx, "route.west", ""); err != nil {
		t.Fatal(err)
	}
	if got := must[map[string]string](t)(db.Settings(ctx, "route.")); len(got) != 1 {
		t.Fatalf("after delete: %v", got)
	}
	if got := must[map[string]string](t)(db.Settings(ctx, "")); len(got) != 3 {
		t.Fatalf("all settings: %v", got)
	}
	wantCode(t, db.SetSetting(ctx, "", "x"), sales.EINVALID, "")
}

func TestMarkEnvelope(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	if !must[bool](t)(db.MarkEnvelope(ctx, "env-1")) {
		t.Fatal("first mark not first")
	}
	if must[bool](t)(db.MarkEnvelope(ctx, "env-1")) {
		t.Fatal("second mark reported first")
	}
	db = reopen(t, db, clk)
	if must[bool](t)(db.MarkEnvelope(ctx, "env-1")) {
		t.Fatal("mark forgotten across restart")
	}
	clk.Advance(6 * 24 * time.Hour)
	if !must[bool](t)(db.MarkEnvelope(ctx, "env-2")) {
		t.Fatal("env-2 not first")
	}
	if must[bool](t)(db.MarkEnvelope(ctx, "env-1")) {
		t.Fatal("a 6-day-old mark was pruned")
	}
	// After a week, marking anything prunes the old ids.
	clk.Advance(2 * 24 * time.Hour)
	if !must[bool](t)(db.MarkEnvelope(ctx, "env-3")) {
		t.Fatal("env-3 not first")
	}
	if !must[bool](t)(db.MarkEnvelope(ctx, "env-1")) {
		t.Fatal("an 8-day-old mark was not pruned")
	}
	if must[bool](t)(db.MarkEnvelope(ctx, "env-2")) {
		t.Fatal("a 2-day-old mark was pruned")
	}
}

// Concurrent changes to different fields of one person all land: each is
// applied to the stored record, not to a copy read earlier.
func TestModifyPersonKeepsConcurrentChanges(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpen(t)
	p, err := db.EnsurePerson(ctx, "U1", "ann", "Ann Archer", "")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := db.CreateTerritory(ctx, sales.Territory{Name: "EMEA"})
	if err != nil {
		t.Fatal(err)
	}
	edits := []func(*sales.Person) error{
		func(q *sales.Person) error { q.Role = sales.RoleManager; return nil },
		func(q *sales.Person) error { q.TZ = "Europe/Paris"; return nil },
		func(q *sales.Person) error { q.NudgesOff = true; return nil },
		func(q *sales.Person) error { q.Territory = tr.ID; return nil },
		func(q *sales.Person) error { q.ID = 999; q.Name = "ann b"; return nil }, // the id stays
	}
	var wg sync.WaitGroup
	for _, fn := range edits {
		wg.Go(func() {
			if _, err := db.ModifyPerson(ctx, p.ID, fn); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := db.Person(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Role != sales.RoleManager || got.TZ != "Europe/Paris" || !got.NudgesOff || got.Territory != tr.ID || got.Name != "ann b" || got.SlackID != "U1" {
		t.Fatalf("after concurrent edits: %+v", got)
	}
	if _, err := db.ModifyPerson(ctx, p.ID, func(q *sales.Person) error {
		q.Role = sales.RoleRep
		return sales.Errorf(sales.EINVALID, "refused")
	}); sales.ErrorCode(err) != sales.EINVALID {
		t.Fatalf("refused edit: %v", err)
	}
	if again, _ := db.Person(ctx, p.ID); again.Role != sales.RoleManager {
		t.Fatalf("a refused edit wrote: %+v", again)
	}
	if _, err := db.ModifyPerson(ctx, 12345, func(*sales.Person) error { return nil }); sales.ErrorCode(err) != sales.ENOTFOUND {
		t.Fatalf("unknown person: %v", err)
	}
}
