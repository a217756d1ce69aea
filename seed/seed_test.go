package seed_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/seed"
	"github.com/salesbot/salesbot/storage"
)

var now = time.Date(2026, 11, 26, 15, 4, 5, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	o := seed.Options{Deals: 500, Reps: 7, Now: now, Seed: 42}
	a, b := seed.Generate(o), seed.Generate(o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same options gave different data")
	}
	o.Seed = 43
	if c := seed.Generate(o); reflect.DeepEqual(a.Deals, c.Deals) {
		t.Fatal("a different seed gave the same deals")
	}
}

func TestGenerateIsRealistic(t *testing.T) {
	const deals, reps = 4000, 12
	in := seed.Generate(seed.Options{Deals: deals, Reps: reps, Now: now, Seed: 7})
	stages := sales.DefaultStages()
	if len(in.Deals) != deals {
		t.Fatalf("got %d deals, want %d", len(in.Deals), deals)
	}

	var managers, repCount, admins int
	for _, p := range in.People {
		switch p.Role {
		case sales.RoleManager:
			managers++
		case sales.RoleAdmin:
			admins++
		default:
			repCount++
			if p.Manager == 0 || p.Territory == 0 {
				t.Errorf("rep %s has no manager or territory", p.Name)
			}
		}
	}
	if repCount != reps || managers < 2 || admins != 1 {
		t.Errorf("people: %d reps, %d managers, %d admins", repCount, managers, admins)
	}
	if len(in.Territories) < 2 {
		t.Errorf("only %d territories", len(in.Territories))
	}

	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var open, won, lost, stale, overdue, noAmount int
	var amounts []int64
	for _, d := range in.Deals {
		if d.CreatedAt.After(now) || d.CreatedAt.Before(now.Add(-seed.History)) {
			t.Fatalf("deal created at %v, outside the history window", d.CreatedAt)
		}
		switch stages.Kind(d.Stage) {
		case sales.StageOpen:
			open++
			if now.Sub(d.StageEnteredAt) > 14*24*time.Hour {
				stale++
			}
			if !d.CloseDate.IsZero() && d.CloseDate.Before(today) {
				overdue++
			}
			if !d.ClosedAt.IsZero() {
				t.Fatalf("open deal with ClosedAt %v", d.ClosedAt)
			}
		case sales.StageWon:
			won++
		case sales.StageLost:
			lost++
			if d.LostReason == "" {
				t.Error("lost deal without a reason")
			}
		}
		if d.Amount == 0 {
			noAmount++
		} else {
			amounts = append(amounts, int64(d.Amount))
		}
		if d.Amount < 0 {
			t.Fatalf("negative amount %d", d.Amount)
		}
	}
	share := func(n int) float64 { return float64(n) / deals }
	for name, n := range map[string]int{"open": open, "won": won, "lost": lost} {
		if share(n) < 0.1 {
			t.Errorf("only %d %s deals of %d", n, name, deals)
		}
	}
	if stale == 0 || overdue == 0 || noAmount == 0 {
		t.Errorf("want some stale (%d), overdue (%d) and amount-less (%d) open deals", stale, overdue, noAmount)
	}
	slices.Sort(amounts)
	p10, p50, p90 := amounts[len(amounts)/10], amounts[len(amounts)/2], amounts[len(amounts)*9/10]
	if p90 < 5*p10 || p50 < 500_00 || p50 > 100_000_00 {
		t.Errorf("amounts not spread like real deals: p10 %d p50 %d p90 %d", p10, p50, p90)
	}

	// Histories: each deal's stage events are in time order, chain from
	// stage to stage, and end in the deal's stage at StageEnteredAt.
	byDeal := map[sales.DealID][]sales.Event{}
	for _, e := range in.Events {
		if e.Field != sales.FieldStage || e.DealID == 0 || int(e.DealID) > len(in.Deals) {
			t.Fatalf("bad event %+v", e)
		}
		byDeal[e.DealID] = append(byDeal[e.DealID], e)
	}
	for i, d := range in.Deals {
		evs := byDeal[sales.DealID(i+1)]
		name := stages.Name(d.Stage)
		if len(evs) == 0 {
			if name != "Prospecting" || !d.StageEnteredAt.Equal(d.CreatedAt) {
				t.Fatalf("deal %d in %s without history", i, name)
			}
			continue
		}
		prev, at := "Prospecting", d.CreatedAt
		for _, e := range evs {
			if e.From != prev || e.At.Before(at) || e.At.After(now) {
				t.Fatalf("deal %d: history out of order: %+v after %s at %v", i, e, prev, at)
			}
			prev, at = e.To, e.At
		}
		if prev != name || !at.Equal(d.StageEnteredAt) {
			t.Fatalf("deal %d: history ends in %s at %v, deal is %s since %v", i, prev, at, name, d.StageEnteredAt)
		}
		if stages.Kind(d.Stage) != sales.StageOpen && !d.ClosedAt.Equal(at) {
			t.Fatalf("deal %d: closed %v, last change %v", i, d.ClosedAt, at)
		}
	}

	// Quotas for the current month, quarter and year for every rep.
	want := map[sales.PeriodKind]int{}
	for _, q := range in.Quotas {
		if q.Scope == sales.ScopeRep {
			if !q.Period.Contains(now, time.UTC) || q.Amount <= 0 {
				t.Errorf("quota %+v is not for now or not positive", q)
			}
			want[q.Period.Kind]++
		}
	}
	for _, k := range []sales.PeriodKind{sales.Month, sales.Quarter, sales.Year} {
		if want[k] != reps {
			t.Errorf("%d rep quotas of kind %d, want %d", want[k], k, reps)
		}
	}
}

func openDB(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "seed.db"), storage.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestGenerateLoadsAndReports(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	in := seed.Generate(seed.Options{Deals: 3000, Reps: 9, Now: now, Seed: 1})
	var calls []int
	res, err := db.Bulk(ctx, in, func(done int) { calls = append(calls, done) })
	if err != nil {
		t.Fatal(err)
	}
	if res.DealsCreated != 3000 || len(calls) == 0 || calls[len(calls)-1] != 3000 {
		t.Fatalf("created %d deals, progress %v", res.DealsCreated, calls)
	}
	tb, err := report.Rollup(ctx, db, report.ByOwner, sales.Window{}, report.Env{Now: time.Now(), Loc: time.UTC, Cur: sales.DefaultCurrency})
	if err != nil {
		t.Fatal(err)
	}
	var total sales.FunnelSum
	for _, r := range tb.Rows {
		total.Merge(r.Sum)
	}
	var wantOpen int64
	for _, d := range in.Deals {
		if sales.DefaultStages().Kind(d.Stage) == sales.StageOpen {
			wantOpen++
		}
	}
	if total.Pipeline.Open != wantOpen || total.Won+total.Lost+total.Pipeline.Open != 3000 {
		t.Fatalf("report counts %+v, want %d open of 3000", total, wantOpen)
	}
	f := total.Funnel()
	if !f.WinRate.OK || !f.AvgCycleDays.OK || !f.Velocity.OK {
		t.Fatalf("funnel has n/a metrics: %+v", f)
	}
	if f.AvgCycleDays.V < 10 || f.AvgCycleDays.V > 200 {
		t.Errorf("average cycle %.1f days is not plausible", f.AvgCycleDays.V)
	}
}
