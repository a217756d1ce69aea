package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// Property: a projection through the HistoryCache, after any sequence of
// creates and changes, is exactly the projection read from scratch.
func TestHistoryCacheMatchesAFreshRead(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 4; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		w := digesttest.RandomWorld(t, r, time.UTC)
		cache := &report.HistoryCache{}
		stages := w.Stages
		for step := 0; step < 25; step++ {
			now := w.Clock.Now().Add(time.Duration(1+r.IntN(3600)) * time.Second)
			w.Clock.Set(now)
			switch r.IntN(4) {
			case 0:
				owner := w.People[r.IntN(len(w.People))]
				if _, err := w.DB.CreateDeal(ctx, sales.Deal{Account: fmt.Sprintf("N%d", step), Owner: owner.ID, Amount: 1000_00,
					Stage: stages.Open()[0].ID, CloseDate: sales.DateIn(now, time.UTC).AddDays(10).Start(time.UTC)}, owner.ID); err != nil {
					t.Fatal(err)
				}
			case 1, 2:
				deals, err := w.DB.FindDeals(ctx, sales.DealFilter{OpenOnly: true})
				if err != nil || len(deals) == 0 {
					continue
				}
				d := deals[r.IntN(len(deals))]
				if _, err := w.DB.UpdateDeal(ctx, d.ID, 0, func(x *sales.Deal) error {
					old := *x
					switch r.IntN(3) {
					case 0:
						x.Stage = stages.Stages[r.IntN(len(stages.Stages))].ID
						if stages.Kind(x.Stage) == sales.StageWon && x.Amount == 0 {
							x.Amount = 100_00
						}
					case 1:
						x.CloseDate = x.CloseDate.AddDate(0, 0, 9)
					default:
						x.Forecast = sales.ForecastCommit
					}
					return sales.ApplyStageChange(&old, x, stages, now, time.UTC)
				}); err != nil {
					t.Fatal(err)
				}
			default: // nothing changed: the cache answers as it is
			}
			env := report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency}
			cached, err := report.NewForecasterCached(ctx, w.DB, env, cache)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := report.NewForecaster(ctx, w.DB, env)
			if err != nil {
				t.Fatal(err)
			}
			p := sales.PeriodOf(sales.Month, now, time.UTC)
			for _, sub := range []report.Subject{{Scope: sales.ScopeTeam}, {Scope: sales.ScopeRep, Person: w.People[0].ID}} {
				a, _, err := cached.Project(ctx, sub, p)
				if err != nil {
					t.Fatal(err)
				}
				b, _, err := fresh.Project(ctx, sub, p)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("seed %d step %d %+v: cached %+v\nfresh %+v", seed, step, sub, a, b)
				}
			}
			if !reflect.DeepEqual(cached.Accounts, fresh.Accounts) {
				t.Fatalf("seed %d step %d: accounts differ", seed, step)
			}
		}
		if full, partial := cache.Reads(); full != 1 || partial == 0 {
			t.Errorf("seed %d: %d full reads, %d partial: the cache should read everything once", seed, full, partial)
		}
	}
}

// ProjectReps gives each rep exactly what Project gives them one by one.
func TestProjectRepsMatchesProject(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 4; seed++ {
		w := digesttest.RandomWorld(t, rand.New(rand.NewPCG(seed, 13)), time.UTC)
		fc, err := report.NewForecaster(ctx, w.DB, report.Env{Now: w.Now, Loc: time.UTC, Cur: sales.DefaultCurrency})
		if err != nil {
			t.Fatal(err)
		}
		var ids []sales.PersonID
		for _, p := range w.People {
			ids = append(ids, p.ID)
		}
		for _, p := range []sales.Period{sales.PeriodOf(sales.Month, w.Now, time.UTC), sales.PeriodOf(sales.Quarter, w.Now, time.UTC)} {
			all, err := fc.ProjectReps(ctx, ids, p, w.Now)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				one, basis, err := fc.ProjectAt(ctx, report.Subject{Scope: sales.ScopeRep, Person: id}, p, w.Now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(all[id].Projection, one) || !reflect.DeepEqual(all[id].Basis, basis) {
					t.Fatalf("seed %d %s rep %d: together %+v\nalone %+v", seed, p, id, all[id].Projection, one)
				}
			}
		}
	}
}

// Warm reads everything once; the projection after it reads nothing again.
func TestHistoryCacheWarm(t *testing.T) {
	ctx := context.Background()
	w := digesttest.RandomWorld(t, rand.New(rand.NewPCG(7, 11)), time.UTC)
	db := w.DB
	cache := &report.HistoryCache{}
	if err := cache.Warm(ctx, db, sales.DefaultCurrency); err != nil {
		t.Fatal(err)
	}
	if full, partial := cache.Reads(); full != 1 || partial != 0 {
		t.Fatalf("after Warm: %d full reads, %d partial", full, partial)
	}
	fc, err := report.NewForecasterCached(ctx, db, report.Env{Now: w.Clock.Now(), Loc: time.UTC, Cur: sales.DefaultCurrency}, cache)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fc.Project(ctx, report.Subject{Scope: sales.ScopeTeam}, sales.PeriodOf(sales.Month, w.Clock.Now(), time.UTC)); err != nil {
		t.Fatal(err)
	}
	if full, partial := cache.Reads(); full != 1 || partial != 0 {
		t.Fatalf("projection after Warm read again: %d full, %d partial", full, partial)
	}
}
