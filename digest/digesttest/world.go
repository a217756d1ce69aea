package digesttest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// World is a random team with a year of history, for the property tests
// that check every view shows the same numbers (issue 9).
type World struct {
	DB          *storage.DB
	Clock       *Clock
	Loc         *time.Location
	Now         time.Time
	Stages      sales.StageSet
	People      []sales.Person
	Territories []sales.Territory
	// TeamManager has a team digest route (CTEAM), 0 when nobody has
	// reports; Territories[0] is routed to CTERR.
	TeamManager sales.PersonID
}

// RandomWorld builds, from r, a reporting tree with nested managers,
// territories, quotas for random people and periods, deals created in
// Slack and moved (stage, amount, close date, notes, snoozes) over about
// a year, and imported ones with no stage history, some without a close
// date. The clock ends at a random "now" after the last change.
func RandomWorld(tb testing.TB, r *rand.Rand, loc *time.Location) World {
	tb.Helper()
	ctx := context.Background()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	start := time.Date(2025, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 0, loc)
	clock := NewClock(start)
	db := storagetest.MustOpenWith(tb, storage.Options{Clock: clock})
	stages, err := db.Stages(ctx)
	must(err)
	w := World{DB: db, Clock: clock, Loc: loc, Stages: stages}

	for k := 0; k < 1+r.IntN(3); k++ {
		tr, err := db.CreateTerritory(ctx, sales.Territory{Name: fmt.Sprintf("T%d", k)})
		must(err)
		w.Territories = append(w.Territories, tr)
	}
	for k := 0; k < 3+r.IntN(8); k++ {
		p := sales.Person{Name: fmt.Sprintf("p%d", k), SlackID: fmt.Sprintf("U%d", k), Role: sales.RoleRep}
		if k > 0 && r.IntN(4) > 0 {
			p.Manager = w.People[r.IntN(len(w.People))].ID
		}
		if r.IntN(3) == 0 {
			p.Role = sales.RoleManager
		}
		if r.IntN(2) == 0 {
			p.Territory = w.Territories[r.IntN(len(w.Territories))].ID
		}
		p, err := db.CreatePerson(ctx, p)
		must(err)
		w.People = append(w.People, p)
	}
	for k := 0; k < r.IntN(6); k++ {
		kinds := []sales.PeriodKind{sales.Month, sales.Quarter, sales.Year}
		at := start.AddDate(0, r.IntN(15), 0)
		q := sales.Quota{Scope: sales.ScopeRep, Subject: uint64(w.People[r.IntN(len(w.People))].ID),
			Period: sales.PeriodOf(kinds[r.IntN(3)], at, loc), Amount: sales.Money(1+r.IntN(50)) * 10_000_00}
		must(db.SetQuota(ctx, q))
	}

	open := stages.Open()
	pick := func() sales.Person { return w.People[r.IntN(len(w.People))] }
	var ids []sales.DealID
	at := start
	for k := 0; k < 30+r.IntN(50); k++ {
		at = at.Add(time.Duration(r.IntN(5*24*3600)) * time.Second)
		clock.Set(at)
		owner := pick()
		d := sales.Deal{Account: fmt.Sprintf("A%d", k), Owner: owner.ID, Amount: sales.Money(r.IntN(200)) * 500_00,
			Stage: open[r.IntN(len(open))].ID}
		if r.IntN(3) == 0 {
			d.Territory = w.Territories[r.IntN(len(w.Territories))].ID
		}
		if r.IntN(4) > 0 {
			d.CloseDate = sales.DateIn(at, loc).AddDays(r.IntN(120) - 30).Start(time.UTC)
		}
		if r.IntN(5) == 0 { // imported: created in the past, maybe closed on a date
			d.CreatedAt = at.AddDate(0, 0, -r.IntN(200))
			if r.IntN(2) == 0 && !d.CloseDate.IsZero() {
				d.Stage = stages.Won().ID
				if r.IntN(3) == 0 {
					d.Stage = stages.Lost().ID
				}
				d.Amount += 100_00
				d.ClosedAt = sales.DateIn(d.CloseDate, time.UTC).Start(loc)
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
	w.Now = at.Add(time.Duration(r.IntN(10*24*3600)) * time.Second)
	clock.Set(w.Now)

	w.Territories[0].Channel = "CTERR"
	must(db.UpdateTerritory(ctx, w.Territories[0]))
	for _, p := range w.People {
		if p.Manager != 0 {
			w.TeamManager = p.Manager
			break
		}
	}
	if w.TeamManager != 0 {
		must(db.SetManagerDigestChannel(ctx, w.TeamManager, "CTEAM"))
	}
	return w
}
