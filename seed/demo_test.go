package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/seed"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

func TestDemoTeam(t *testing.T) {
	for _, at := range []time.Time{
		now,
		time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC), // first second of a month
		time.Date(2027, 3, 31, 23, 59, 0, 0, time.FixedZone("PST", -8*3600)),
	} {
		t.Run(at.String(), func(t *testing.T) { checkDemo(t, at) })
	}
}

func checkDemo(t *testing.T, at time.Time) {
	ctx := context.Background()
	in := seed.DemoTeam(at)
	loc := at.Location()
	stages := sales.DefaultStages()

	if len(in.People) != len(seed.DemoSlackIDs) {
		t.Fatalf("%d people", len(in.People))
	}
	for i, id := range seed.DemoSlackIDs {
		if in.People[i].SlackID != id {
			t.Errorf("person %d has Slack id %q, want %q", i, in.People[i].SlackID, id)
		}
	}
	if in.People[seed.DemoAlice].Role != sales.RoleManager || in.People[seed.DemoErin].Role != sales.RoleAdmin {
		t.Error("alice must be a manager and erin an admin")
	}
	for _, i := range []int{seed.DemoBob, seed.DemoCarol, seed.DemoDan} {
		if in.People[i].Role != sales.RoleRep || in.People[i].Manager == 0 {
			t.Errorf("%s must be a rep reporting to alice", in.People[i].Name)
		}
	}
	if n := len(in.Deals); n < 35 || n > 45 {
		t.Errorf("%d demo deals, want about 40", n)
	}

	month := sales.PeriodOf(sales.Month, at, loc)
	today := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	var wonThisMonth, stale, overdue int
	for _, d := range in.Deals {
		s, _ := stages.ByID(d.Stage)
		switch {
		case s.Kind == sales.StageWon && month.Contains(d.ClosedAt, loc):
			wonThisMonth++
		case s.Kind == sales.StageOpen:
			if at.Sub(d.StageEnteredAt) > time.Duration(s.StaleAfterDays())*24*time.Hour {
				stale++
			}
			if d.CloseDate.Before(today) {
				overdue++
			}
		}
		if d.ClosedAt.After(at) || d.CreatedAt.After(at) || d.StageEnteredAt.Before(d.CreatedAt) {
			t.Errorf("%s: dates out of order", d.Account)
		}
	}
	if wonThisMonth < 3 || stale < 3 || overdue < 3 {
		t.Errorf("won this month %d, stale %d, overdue %d: want a few of each", wonThisMonth, stale, overdue)
	}

	// It loads, and the numbers read back: quotas for this month and
	// quarter, bob ahead of dan.
	db := openDB(t)
	res, err := db.Import(ctx, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	measure := func(i int, k sales.PeriodKind) report.Measure {
		m, err := report.MeasureSubject(ctx, db, report.Subject{Scope: sales.ScopeRep, Person: res.PersonIDs[i]},
			sales.PeriodOf(k, at, loc), report.Env{Now: at, Loc: loc, Cur: sales.DefaultCurrency})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, k := range []sales.PeriodKind{sales.Month, sales.Quarter} {
		if !measure(seed.DemoBob, k).Progress.HasQuota || !measure(seed.DemoDan, k).Progress.HasQuota {
			t.Errorf("no quota for period kind %d", k)
		}
	}
	bob, dan := measure(seed.DemoBob, sales.Month), measure(seed.DemoDan, sales.Month)
	if bob.Progress.Won <= dan.Progress.Won || bob.Funnel.Open == 0 {
		t.Errorf("bob should be ahead of dan this month: bob %+v dan %+v", bob.Progress, dan.Progress)
	}
	hist, err := db.DealHistory(ctx, res.DealIDs[0])
	if err != nil || len(hist) < 2 {
		t.Errorf("first demo deal history: %v, %v", hist, err)
	}
}

// The demo's activities import cleanly, and dan's open deals older than
// the quiet days have gone quiet while the others' have not.
func TestDemoActivities(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	db := storagetest.MustOpen(t)
	in := seed.DemoTeam(now)
	res, err := db.Import(ctx, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	acts := seed.DemoActivities(in, res, now)
	got, err := db.ImportActivities(ctx, acts)
	if err != nil || got.Created != len(acts) || len(acts) < 40 {
		t.Fatalf("imported %+v of %d: %v", got, len(acts), err)
	}
	last, err := db.LastActivities(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range in.Deals {
		if !d.ClosedAt.IsZero() {
			continue
		}
		quiet := sales.GoneQuiet(sales.StageOpen, last[res.DealIDs[i]], d.CreatedAt, now, time.UTC, 0)
		old := now.Sub(d.CreatedAt) >= sales.DefaultQuietDays*24*time.Hour
		if quiet != (d.Owner == storage.PersonRef(seed.DemoDan) && old) {
			t.Errorf("deal %d (%s): gone quiet %v", i, d.Account, quiet)
		}
	}
}
