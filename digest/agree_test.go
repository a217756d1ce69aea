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
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
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
	if testing.Short() {
		runs = 8
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
	start := time.Date(2025, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 0, loc)
	clock := digesttest.NewClock(start)
	db := storagetest.MustOpenWith(t, storage.Options{Clock: clock})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	stages, err := db.Stages(ctx)
	must(err)

	// Teams: a random reporting tree (nested managers), territories.
	var terrs []sales.Territory
	for k := 0; k < 1+r.IntN(3); k++ {
		tr, err := db.CreateTerritory(ctx, sales.Territory{Name: fmt.Sprintf("T%d", k)})
		must(err)
		terrs = append(terrs, tr)
	}
	var people []sales.Person
	for k := 0; k < 3+r.IntN(8); k++ {
		p := sales.Person{Name: fmt.Sprintf("p%d", k), SlackID: fmt.Sprintf("U%d", k), Role: sales.RoleRep}
		if k > 0 && r.IntN(4) > 0 {
			p.Manager = people[r.IntN(len(people))].ID
		}
		if r.IntN(3) == 0 {
			p.Role = sales.RoleManager
		}
		if r.IntN(2) == 0 {
			p.Territory = terrs[r.IntN(len(terrs))].ID
		}
		p, err := db.CreatePerson(ctx, p)
		must(err)
		people = append(people, p)
	}
	// Quotas for random people and periods around the timeline.
	for k := 0; k < r.IntN(6); k++ {
		kinds := []sales.PeriodKind{sales.Month, sales.Quarter, sales.Year}
		at := start.AddDate(0, r.IntN(15), 0)
		q := sales.Quota{Scope: sales.ScopeRep, Subject: uint64(people[r.IntN(len(people))].ID),
			Period: sales.PeriodOf(kinds[r.IntN(3)], at, loc), Amount: sales.Money(1+r.IntN(50)) * 10_000_00}
		must(db.SetQuota(ctx, q))
	}

	// Histories: deals created in Slack and moved over about a year, and
	// imported ones with no stage history (some without a close date).
	open := stages.Open()
	pick := func() sales.Person { return people[r.IntN(len(people))] }
	var ids []sales.DealID
	at := start
	for k := 0; k < 30+r.IntN(50); k++ {
		at = at.Add(time.Duration(r.IntN(5*24*3600)) * time.Second)
		clock.Set(at)
		owner := pick()
		d := sales.Deal{Account: fmt.Sprintf("A%d", k), Owner: owner.ID, Amount: sales.Money(r.IntN(200)) * 500_00,
			Stage: open[r.IntN(len(open))].ID}
		if r.IntN(3) == 0 {
			d.Territory = terrs[r.IntN(len(terrs))].ID
		}
		if r.IntN(4) > 0 {
			c := sales.DateIn(at, loc).AddDays(r.IntN(120) - 30)
			d.CloseDate = time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
		}
		if r.IntN(5) == 0 { // imported: created in the past, maybe closed on a date
			d.CreatedAt = at.AddDate(0, 0, -r.IntN(200))
			if r.IntN(2) == 0 && !d.CloseDate.IsZero() {
				d.Stage = stages.Won().ID
				if r.IntN(3) == 0 {
					d.Stage = stages.Lost().ID
				}
				d.Amount += 100_00
				cd := sales.DateIn(d.CloseDate, time.UTC)
				d.ClosedAt = cd.Start(loc)
				if d.ClosedAt.Before(d.CreatedAt) {
					d.CreatedAt = d.ClosedAt.Add(-time.Hour)
				}
			}
		}
		nd, err := db.CreateDeal(ctx, d, owner.ID)
		must(err)
		ids = append(ids, nd.ID)
	}
	for k := 0; k < 60+r.IntN(120); k++ {
		at = at.Add(time.Duration(r.IntN(3*24*3600)) * time.Second)
		clock.Set(at)
		id := ids[r.IntN(len(ids))]
		_, err := db.UpdateDeal(ctx, id, 0, func(x *sales.Deal) error {
			old := *x
			switch r.IntN(6) {
			case 0, 1: // stage change: forward, back, won, lost or reopened
				all := stages.Stages
				x.Stage = all[r.IntN(len(all))].ID
			case 2:
				x.Amount = sales.Money(1+r.IntN(200)) * 500_00
			case 3:
				x.Notes += "."
			case 4:
				x.SnoozedUntil = at.Add(time.Duration(r.IntN(10*24)) * time.Hour)
			default:
				x.CloseDate = x.CloseDate.AddDate(0, 0, 7)
			}
			if stages.Kind(x.Stage) == sales.StageWon && x.Amount == 0 {
				x.Amount = 100_00
			}
			// What the commands do on every stage change.
			return sales.ApplyStageChange(&old, x, stages, at, loc)
		})
		must(err)
	}
	now := at.Add(time.Duration(r.IntN(10*24*3600)) * time.Second)
	clock.Set(now)

	// Routes: a territory and a manager with reports.
	terrs[0].Channel = "CTERR"
	must(db.UpdateTerritory(ctx, terrs[0]))
	var mgr sales.PersonID
	for _, p := range people {
		if p.Manager != 0 {
			mgr = p.Manager
			break
		}
	}
	if mgr != 0 {
		must(db.SetManagerDigestChannel(ctx, mgr, "CTEAM"))
	}
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
