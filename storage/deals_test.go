package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCreateDeal(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, _, _ := team(t, db)
	now := clk.Now().Truncate(time.Second)

	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Amount: 1_200_000, Owner: alice.ID,
		CloseDate: day("2026-04-30"), Notes: "café ☕"}, alice.ID))
	want := sales.Deal{ID: 1, Account: "Acme", Amount: 1_200_000, Stage: 1, Owner: alice.ID, CloseDate: day("2026-04-30"),
		CreatedAt: now, UpdatedAt: now, StageEnteredAt: now, Notes: "café ☕"}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("CreateDeal = %+v\nwant %+v", d, want)
	}
	if got := must[sales.Deal](t)(db.Deal(ctx, 1)); !reflect.DeepEqual(got, d) {
		t.Fatalf("Deal(1) = %+v, want %+v", got, d)
	}

	// A won deal has an amount, however it is logged (issue 9 item 11).
	_, err := db.CreateDeal(ctx, sales.Deal{Account: "Zero", Stage: 5, Owner: alice.ID}, alice.ID)
	wantCode(t, err, sales.EINVALID, "amount greater than zero")
	won := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Beta", Amount: 100, Stage: 5, Owner: alice.ID, ExternalID: "crm-1"}, alice.ID))
	if won.ID != 2 || !won.ClosedAt.Equal(now) {
		t.Fatalf("won deal %+v: want id 2, closed now", won)
	}
	if got := must[sales.Deal](t)(db.DealByExternalID(ctx, "crm-1")); got.ID != 2 {
		t.Fatalf("DealByExternalID = %v", got.ID)
	}
	if n := must[int](t)(db.CountDeals(ctx)); n != 2 {
		t.Fatalf("CountDeals = %d", n)
	}

	errs := []struct {
		name string
		deal sales.Deal
		code string
		msg  string
	}{
		{"duplicate external id", sales.Deal{Account: "C", ExternalID: "crm-1"}, sales.ECONFLICT, "D-2"},
		{"unknown owner", sales.Deal{Account: "C", Owner: 99}, sales.EINVALID, "P-99"},
		{"unknown territory", sales.Deal{Account: "C", Territory: 7}, sales.EINVALID, "territory #7"},
		{"unknown stage", sales.Deal{Account: "C", Stage: 42}, sales.EINVALID, "Prospecting"},
		{"negative amount", sales.Deal{Account: "C", Amount: -5}, sales.EINVALID, "negative"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.CreateDeal(ctx, tc.deal, alice.ID)
			wantCode(t, err, tc.code, tc.msg)
		})
	}
	if n := must[int](t)(db.CountDeals(ctx)); n != 2 {
		t.Fatalf("failed creates wrote: CountDeals = %d", n)
	}
	_, err = db.Deal(ctx, 42)
	wantCode(t, err, sales.ENOTFOUND, "deal D-42 not found")
	_, err = db.DealByExternalID(ctx, "nope")
	wantCode(t, err, sales.ENOTFOUND, "nope")
}

// reference applies a filter the slow way, for comparing with FindDeals.
func reference(all []sales.Deal, st sales.StageSet, f sales.DealFilter) []sales.DealID {
	var out []sales.DealID
	for _, d := range all {
		switch {
		case f.Owner != 0 && d.Owner != f.Owner,
			f.Territory != 0 && d.Territory != f.Territory,
			f.Stage != 0 && d.Stage != f.Stage,
			f.OpenOnly && st.Kind(d.Stage) != sales.StageOpen,
			f.Account != "" && !strings.Contains(strings.ToLower(d.Account), strings.ToLower(f.Account)),
			(!f.ClosedFrom.IsZero() || !f.ClosedTo.IsZero()) && d.ClosedAt.IsZero(),
			!f.ClosedFrom.IsZero() && d.ClosedAt.Before(f.ClosedFrom),
			!f.ClosedTo.IsZero() && !d.ClosedAt.Before(f.ClosedTo):
			continue
		}
		out = append(out, d.ID)
	}
	slices.Reverse(out)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
}

func ids(ds []sales.Deal) []sales.DealID {
	out := []sales.DealID{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func TestIndexesFollowUpdates(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, bob, mia := team(t, db)
	west := must[sales.Territory](t)(db.CreateTerritory(ctx, sales.Territory{Name: "West"}))
	owners := []sales.PersonID{alice.ID, bob.ID, mia.ID}
	for i := range 30 {
		must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{
			Account: fmt.Sprintf("Acct %d", i), Amount: sales.Money(1000 * (i + 1)),
			Owner: owners[i%3], Stage: sales.StageID(1 + i%4),
		}, alice.ID))
		clk.Advance(time.Hour)
	}
	// A day of edits that move deals between every index.
	edits := []struct {
		id sales.DealID
		fn func(*sales.Deal)
	}{
		{1, func(d *sales.Deal) { d.Owner = bob.ID }},
		{2, func(d *sales.Deal) { d.Stage = 5 }},
		{3, func(d *sales.Deal) { d.Stage = 6; d.LostReason = "budget" }},
		{2, func(d *sales.Deal) { d.Stage = 3 }}, // reopened
		{4, func(d *sales.Deal) { d.Stage = 5; d.Owner = mia.ID }},
		{5, func(d *sales.Deal) { d.Territory = west.ID }},
		{6, func(d *sales.Deal) { d.ExternalID = "x-6" }},
		{6, func(d *sales.Deal) { d.ExternalID = "x-6b" }},
		{7, func(d *sales.Deal) { d.Stage = 5 }},
		{7, func(d *sales.Deal) { d.Stage = 6 }}, // won → lost: closed again, later
		{8, func(d *sales.Deal) { d.Owner = 0 }},
	}
	for _, e := range edits {
		clk.Advance(time.Hour)
		if _, err := db.UpdateDeal(ctx, e.id, mia.ID, func(d *sales.Deal) error { e.fn(d); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.DealByExternalID(ctx, "x-6"); sales.ErrorCode(err) != sales.ENOTFOUND {
		t.Fatalf("old external id still indexed: %v", err)
	}
	if d := must[sales.Deal](t)(db.DealByExternalID(ctx, "x-6b")); d.ID != 6 {
		t.Fatalf("external id moved to %v", d.ID)
	}

	all := must[[]sales.Deal](t)(db.FindDeals(ctx, sales.DealFilter{}))
	slices.Reverse(all)
	if len(all) != 30 {
		t.Fatalf("FindDeals{} = %d deals", len(all))
	}
	st := sales.DefaultStages()
	start := newClock().Now()
	filters := []sales.DealFilter{
		{Owner: alice.ID}, {Owner: bob.ID}, {Owner: mia.ID}, {Owner: bob.ID, OpenOnly: true},
		{Owner: mia.ID, Stage: 5}, {Stage: 5}, {Stage: 3}, {Stage: 6, Limit: 1}, {OpenOnly: true},
		{OpenOnly: true, Limit: 3}, {Territory: west.ID}, {Account: "acct 1"}, {Account: "ACCT 2", Owner: alice.ID},
		{ClosedFrom: start}, {ClosedFrom: start.Add(34 * time.Hour), ClosedTo: start.Add(39 * time.Hour)},
		{ClosedTo: start.Add(36 * time.Hour), Owner: mia.ID}, {Owner: 404},
	}
	for _, f := range filters {
		got := ids(must[[]sales.Deal](t)(db.FindDeals(ctx, f)))
		want := reference(all, st, f)
		if want == nil {
			want = []sales.DealID{}
		}
		if !slices.Equal(got, want) {
			t.Errorf("FindDeals(%+v) = %v, want %v", f, got, want)
		}
	}

	// OwnerFacts agrees with the records.
	for _, o := range append(owners, 0) {
		facts := must[[]sales.Facts](t)(db.OwnerFacts(ctx, o))
		var want []sales.Facts
		for _, d := range all {
			if d.Owner == o {
				want = append(want, d.Facts())
			}
		}
		if !reflect.DeepEqual(facts, want) {
			t.Errorf("OwnerFacts(%v) = %+v\nwant %+v", o, facts, want)
		}
	}
	// ScanFacts sees every deal in id order.
	var scanned []sales.Facts
	err := db.ScanFacts(ctx, func(f *sales.Facts) error { scanned = append(scanned, *f); return nil })
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range all {
		if scanned[i] != d.Facts() {
			t.Fatalf("ScanFacts[%d] = %+v, want %+v", i, scanned[i], d.Facts())
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := db.ScanFacts(ctx, func(*sales.Facts) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("ScanFacts with fn error: %v after %d", err, n)
	}
}

func TestUpdateDealRulesAndHistory(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, bob, mia := team(t, db)
	t0 := clk.Now().Truncate(time.Second)
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Amount: 1_200_000, Owner: alice.ID}, alice.ID))

	step := func(actor sales.PersonID, fn func(*sales.Deal)) sales.Deal {
		t.Helper()
		clk.Advance(24 * time.Hour)
		d, err := db.UpdateDeal(ctx, d.ID, actor, func(d *sales.Deal) error { fn(d); return nil })
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d1 := step(alice.ID, func(d *sales.Deal) { d.Stage = 2; d.Amount = 1_500_050; d.CloseDate = day("2026-04-30") })
	if !d1.StageEnteredAt.Equal(t0.Add(24*time.Hour)) || !d1.ClosedAt.IsZero() || !d1.UpdatedAt.Equal(d1.StageEnteredAt) {
		t.Fatalf("after stage change %+v", d1)
	}
	d2 := step(mia.ID, func(d *sales.Deal) { d.Owner = bob.ID; d.Notes = "handover" })
	if !d2.StageEnteredAt.Equal(d1.StageEnteredAt) {
		t.Fatal("stage entered moved without a stage change")
	}
	d3 := step(bob.ID, func(d *sales.Deal) { d.Stage = 5 })
	if !d3.ClosedAt.Equal(t0.Add(72 * time.Hour)) {
		t.Fatalf("won deal ClosedAt = %v", d3.ClosedAt)
	}
	d4 := step(bob.ID, func(d *sales.Deal) { d.Stage = 4; d.CloseDate = time.Time{} })
	if !d4.ClosedAt.IsZero() {
		t.Fatalf("reopened deal ClosedAt = %v", d4.ClosedAt)
	}
	// No change: nothing written, no event, UpdatedAt kept.
	d5 := step(bob.ID, func(d *sales.Deal) {})
	if !reflect.DeepEqual(d5, d4) {
		t.Fatalf("no-op update changed the deal: %+v", d5)
	}

	hist := must[[]sales.Event](t)(db.DealHistory(ctx, d.ID))
	type ev struct {
		day             int
		actor           sales.PersonID
		field, from, to string
	}
	want := []ev{
		{0, alice.ID, "created", "", "Prospecting"},
		{1, alice.ID, "stage", "Prospecting", "Qualified"},
		{1, alice.ID, "amount", "12000.00", "15000.50"},
		{1, alice.ID, "close_date", "", "2026-04-30"},
		{2, mia.ID, "owner", fmt.Sprint(uint64(alice.ID)), fmt.Sprint(uint64(bob.ID))},
		{2, mia.ID, "notes", "", "handover"},
		{3, bob.ID, "stage", "Qualified", "Won"},
		{4, bob.ID, "stage", "Won", "Negotiation"},
		{4, bob.ID, "close_date", "2026-04-30", ""},
	}
	var got []ev
	for _, e := range hist {
		if e.DealID != d.ID {
			t.Fatalf("event of deal %v in history of %v", e.DealID, d.ID)
		}
		got = append(got, ev{int(e.At.Sub(t0) / (24 * time.Hour)), e.Actor, e.Field, e.From, e.To})
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("history\n got %+v\nwant %+v", got, want)
	}

	// EventsBetween is [from, to) over all deals.
	other := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Other"}, mia.ID))
	between := must[[]sales.Event](t)(db.EventsBetween(ctx, t0.Add(24*time.Hour), t0.Add(72*time.Hour)))
	if len(between) != 5 || between[0].Field != "stage" || between[4].Field != "notes" {
		t.Fatalf("EventsBetween(day1, day3) = %+v", between)
	}
	last := must[[]sales.Event](t)(db.EventsBetween(ctx, clk.Now(), time.Time{}))
	if len(last) != 1 || last[0].DealID != other.ID || last[0].Field != "created" {
		t.Fatalf("EventsBetween(now, open) = %+v", last)
	}
	if all := must[[]sales.Event](t)(db.EventsBetween(ctx, time.Time{}, time.Time{})); len(all) != len(hist)+1 {
		t.Fatalf("EventsBetween(open) = %d events", len(all))
	}
	_, err := db.DealHistory(ctx, 99)
	wantCode(t, err, sales.ENOTFOUND, "D-99")
}

func TestUpdateDealErrors(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, _, _ := team(t, db)
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Beta", ExternalID: "b"}, alice.ID))

	boom := errors.New("boom")
	_, err := db.UpdateDeal(ctx, d.ID, alice.ID, func(d *sales.Deal) error { d.Amount = 5; return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("fn error came back as %v", err)
	}
	_, err = db.UpdateDeal(ctx, 99, alice.ID, func(*sales.Deal) error { return nil })
	wantCode(t, err, sales.ENOTFOUND, "deal D-99 not found")
	cases := []struct {
		name string
		fn   func(*sales.Deal)
		code string
	}{
		{"negative amount", func(d *sales.Deal) { d.Amount = -1 }, sales.EINVALID},
		{"unknown stage", func(d *sales.Deal) { d.Stage = 99 }, sales.EINVALID},
		{"unknown owner", func(d *sales.Deal) { d.Owner = 99 }, sales.EINVALID},
		{"taken external id", func(d *sales.Deal) { d.ExternalID = "b" }, sales.ECONFLICT},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.UpdateDeal(ctx, d.ID, alice.ID, func(d *sales.Deal) error { tc.fn(d); return nil })
			wantCode(t, err, tc.code, "")
		})
	}
	// The id cannot be changed from fn.
	got := must[sales.Deal](t)(db.UpdateDeal(ctx, d.ID, alice.ID, func(d *sales.Deal) error { d.ID = 2; d.Amount = 7; return nil }))
	if got.ID != d.ID {
		t.Fatalf("fn changed the id to %v", got.ID)
	}
	if h := must[[]sales.Event](t)(db.DealHistory(ctx, d.ID)); len(h) != 2 {
		t.Fatalf("failed updates left events: %+v", h)
	}
	if b := must[sales.Deal](t)(db.Deal(ctx, 2)); b.Amount != 0 {
		t.Fatalf("deal 2 touched: %+v", b)
	}
}

func TestIdempotencyKey(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, _, _ := team(t, db)
	kctx := sales.WithIdempotencyKey(ctx, "Env-1")

	first := must[sales.Deal](t)(db.CreateDeal(kctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	clk.Advance(time.Minute)
	again := must[sales.Deal](t)(db.CreateDeal(kctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	if !reflect.DeepEqual(first, again) {
		t.Fatalf("redelivered create returned %+v, want %+v", again, first)
	}
	if n := must[int](t)(db.CountDeals(ctx)); n != 1 {
		t.Fatalf("redelivered create wrote: %d deals", n)
	}
	other := must[sales.Deal](t)(db.CreateDeal(sales.WithIdempotencyKey(ctx, "Env-2"), sales.Deal{Account: "Acme"}, alice.ID))
	if other.ID == first.ID {
		t.Fatal("a new key reused the old deal")
	}

	// The same request key also guards its update, separately.
	calls := 0
	bump := func(d *sales.Deal) error { calls++; d.Amount += 100; return nil }
	u1 := must[sales.Deal](t)(db.UpdateDeal(kctx, first.ID, alice.ID, bump))
	n1 := calls
	u2 := must[sales.Deal](t)(db.UpdateDeal(kctx, first.ID, alice.ID, bump))
	if u1.Amount != 100 || u2.Amount != 100 || calls != n1 {
		t.Fatalf("redelivered update: amounts %d, %d; fn calls %d then %d", u1.Amount, u2.Amount, n1, calls)
	}
	// The key is per deal: the same request may update another deal once.
	must[sales.Deal](t)(db.UpdateDeal(kctx, other.ID, alice.ID, bump))
	if h := must[[]sales.Event](t)(db.DealHistory(ctx, first.ID)); len(h) != 2 {
		t.Fatalf("history after redelivery: %+v", h)
	}
	// Still applied after a week's worth of other keys, and after a restart.
	db2 := reopen(t, db, clk)
	u3 := must[sales.Deal](t)(db2.UpdateDeal(kctx, first.ID, alice.ID, bump))
	if u3.Amount != 100 {
		t.Fatalf("after restart the update applied again: %d", u3.Amount)
	}
}

func TestConcurrentCreateDeal(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, _, _ := team(t, db)
	const writers, each = 64, 8
	var wg sync.WaitGroup
	got := make(chan sales.DealID, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Every 8th writer's deal collides on external id, so batches
				// include failing calls that bbolt reruns alone.
				ext := ""
				if i == 0 && w%8 == 0 {
					ext = "dup"
				}
				d, err := db.CreateDeal(ctx, sales.Deal{Account: fmt.Sprintf("w%d-%d", w, i), Owner: alice.ID, ExternalID: ext}, alice.ID)
				if err != nil {
					if sales.ErrorCode(err) != sales.ECONFLICT {
						t.Error(err)
					}
					continue
				}
				got <- d.ID
			}
		}()
	}
	wg.Wait()
	close(got)
	var list []sales.DealID
	for id := range got {
		list = append(list, id)
	}
	slices.Sort(list)
	want := writers*each - (writers/8 - 1)
	if len(list) != want {
		t.Fatalf("%d deals created, want %d", len(list), want)
	}
	for i, id := range list {
		if id != sales.DealID(i+1) {
			t.Fatalf("ids not dense and unique: %v", list)
		}
	}
	if n := must[int](t)(db.CountDeals(ctx)); n != want {
		t.Fatalf("CountDeals = %d, want %d", n, want)
	}

	// Concurrent read-modify-write on one deal loses nothing.
	var uwg sync.WaitGroup
	for range writers {
		uwg.Add(1)
		go func() {
			defer uwg.Done()
			if _, err := db.UpdateDeal(ctx, 1, alice.ID, func(d *sales.Deal) error { d.Amount++; return nil }); err != nil {
				t.Error(err)
			}
		}()
	}
	uwg.Wait()
	if d := must[sales.Deal](t)(db.Deal(ctx, 1)); d.Amount != writers {
		t.Fatalf("amount after %d concurrent increments = %d", writers, d.Amount)
	}
}

func reopen(t *testing.T, db *storage.DB, clk *clock) *storage.DB {
	t.Helper()
	return storagetestReopen(t, db, storage.Options{Clock: clk})
}
