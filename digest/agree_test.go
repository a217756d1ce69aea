package digest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// Property (issue 9): with random teams, quotas, deals and histories, a
// random "now" and zone, every number `salesbot report` (all --by) and
// the digest (`digest --print`, company, territory and team routes) both
// show is the same: the funnel of the digest's period ("Now") and of the
// one before ("Before"), the open pipeline by stage and in total, and the
// stale list is exactly the deals sales.IsStale names.
func TestDigestAgreesWithReportProperty(t *testing.T) {
	zones := []string{"UTC", "America/Los_Angeles", "Asia/Kolkata", "Europe/Berlin", "Australia/Sydney"}
	runs := 30
	switch {
	case testing.Short():
		runs = 8
	case raceEnabled:
		runs = 12
	}
	for i := 0; i < runs; i++ {
		seed := uint64(i + 1)
		r := rand.New(rand.NewPCG(seed, 99))
		loc, err := time.LoadLocation(zones[r.IntN(len(zones))])
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("seed%d-%s", seed, loc), func(t *testing.T) { agreeOnce(t, r, loc) })
	}
}

func agreeOnce(t *testing.T, r *rand.Rand, loc *time.Location) {
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := digesttest.RandomWorld(t, r, loc)
	db, clock, now, stages := w.DB, w.Clock, w.Now, w.Stages
	s, err := digest.New(digest.Config{Store: db, Locale: sales.Locale{Clock: clock, Loc: loc, Currency: sales.DefaultCurrency}, Channel: "CALL"})
	must(err)
	ds, err := s.BuildAll(ctx)
	must(err)

	env := report.Env{Now: now, Loc: loc, Cur: sales.DefaultCurrency}
	rowOf := func(by report.By, w sales.Window, id uint64) sales.Funnel {
		t.Helper()
		tb, err := report.Rollup(ctx, db, by, w, env)
		must(err)
		for _, row := range tb.Rows {
			if by == report.ByAll || row.ID == id {
				return row.Funnel
			}
		}
		t.Fatalf("no %s row %d", by, id)
		return sales.Funnel{}
	}
	for _, d := range ds {
		by, id := report.ByAll, uint64(0)
		switch d.Scope.Kind {
		case digest.ScopeTerritory:
			by, id = report.ByTerritory, uint64(d.Scope.Territory)
		case digest.ScopeTeam:
			by, id = report.ByManager, uint64(d.Scope.Manager)
		}
		if d.Empty {
			continue
		}
		cur := rowOf(by, sales.WindowOf(d.Period, loc), id)
		prev := rowOf(by, sales.WindowOf(d.Period.Previous(), loc), id)
		for _, m := range d.Metrics {
			var want, before sales.Num
			switch m.Name {
			case "Open deals":
				want, before = sales.Some(float64(cur.Open)), sales.Some(float64(prev.Open))
			case "Win rate":
				want, before = cur.WinRate, prev.WinRate
			case "Avg deal size":
				want, before = cur.AvgDealSize, prev.AvgDealSize
			case "Sales cycle":
				want, before = cur.AvgCycleDays, prev.AvgCycleDays
			case "Velocity":
				want, before = cur.Velocity, prev.Velocity
			default:
				t.Fatalf("metric %s", m.Name)
			}
			if m.Cur != want || m.Prev != before {
				t.Errorf("%s %s: digest %v / %v, report %v / %v", d.ScopeLabel(), m.Name, m.Cur, m.Prev, want, before)
			}
		}
		if d.Pipeline.Count != cur.Open || d.Pipeline.Value != cur.PipelineValue || d.Pipeline.Weighted != cur.Weighted {
			t.Errorf("%s pipeline: digest %+v, report %+v", d.ScopeLabel(), d.Pipeline, cur)
		}
		if d.Scope.Kind == digest.ScopeAll {
			tb, err := report.Rollup(ctx, db, report.ByStage, sales.Window{}, env)
			must(err)
			for _, st := range d.Stages {
				i := slices.IndexFunc(tb.Rows, func(row report.Row) bool { return row.Key == st.Name })
				f := tb.Rows[i].Funnel
				if st.Count != f.Open || st.Value != f.PipelineValue || st.Weighted != f.Weighted {
					t.Errorf("stage %s: digest %+v, report %+v", st.Name, st, f)
				}
			}
			// Stale: exactly the deals sales.IsStale names.
			all, err := db.FindDeals(ctx, sales.DealFilter{OpenOnly: true})
			must(err)
			n := 0
			for _, dl := range all {
				if sg, ok := stages.ByID(dl.Stage); ok && sales.IsStale(dl, sg, now, loc) {
					n++
				}
			}
			if d.Stale.Count != n {
				t.Errorf("stale: digest %d, sales.IsStale %d", d.Stale.Count, n)
			}
		}
	}
}
