package forecast_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

// openDeal is known from created, in stage, with amount and close dates.
func openDeal(id sales.DealID, created time.Time, stage sales.StageID, amount sales.Money, closes ...forecast.CloseDateChange) forecast.Deal {
	return forecast.Deal{ID: id, Created: created, Stages: []forecast.StageChange{{At: created, Stage: stage}},
		Amounts: []forecast.AmountChange{{At: created, Amount: amount}}, CloseDates: closes}
}

func closeDeal(d forecast.Deal, won bool, when time.Time) forecast.Deal {
	d.Outcome, d.ClosedAt = forecast.Lost, when
	st := sales.StageID(6)
	if won {
		d.Outcome, st = forecast.Won, 5
	}
	d.Stages = append(d.Stages, forecast.StageChange{At: when, Stage: st})
	return d
}

func TestProjectFallbackTerms(t *testing.T) {
	q2 := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 2}
	asOf := at(2026, 4, 15, 0)
	h := []forecast.Deal{
		closeDeal(openDeal(1, at(2026, 3, 1, 0), 4, 1000), true, at(2026, 4, 10, 0)),
		openDeal(2, at(2026, 3, 1, 0), 4, 2000, forecast.CloseDateChange{At: at(2026, 3, 1, 0), Date: at(2026, 5, 1, 0)}),
		openDeal(3, at(2026, 3, 1, 0), 3, 1000, forecast.CloseDateChange{At: at(2026, 3, 1, 0), Date: at(2026, 6, 30, 0)}),
		openDeal(4, at(2026, 3, 1, 0), 1, 4000,
			forecast.CloseDateChange{At: at(2026, 3, 1, 0), Date: at(2026, 5, 20, 0)},
			forecast.CloseDateChange{At: at(2026, 4, 10, 0), Date: at(2026, 7, 15, 0)}),
		openDeal(5, at(2026, 3, 1, 0), 2, 800), // no close date
		openDeal(6, at(2026, 4, 20, 0), 4, 9999, forecast.CloseDateChange{At: at(2026, 4, 20, 0), Date: at(2026, 5, 1, 0)}), // created after as-of: unseen
	}
	pr := forecast.Project(h, q2, asOf, forecast.Options{Stages: sales.DefaultStages(), Quota: 5000, HasQuota: true})
	// By hand: won 1000; open: 2000×75% + 1000×50% = 2000; deal 4 slipped to
	// July, deal 5 has no date, deal 6 did not exist yet.
	if !pr.Fallback || !strings.Contains(pr.Reason, "only 1 closed deals") || !strings.Contains(pr.Reason, "stage probabilities") {
		t.Errorf("fallback %v reason %q", pr.Fallback, pr.Reason)
	}
	if pr.WonToDate != 1000 || pr.FromOpen != 2000 || pr.FromNew != 0 || pr.Predicted != 3000 {
		t.Errorf("terms: won %d open %d new %d predicted %d, want 1000 2000 0 3000", pr.WonToDate, pr.FromOpen, pr.FromNew, pr.Predicted)
	}
	if pr.ByCategory[forecast.Commit] != 1500 || pr.ByCategory[forecast.BestCase] != 500 {
		t.Errorf("by category %v", pr.ByCategory)
	}
	if pr.Totals.Commit() != 3000 || pr.Totals.BestCase() != 4000 {
		t.Errorf("commit %d best case %d, want 3000 4000", pr.Totals.Commit(), pr.Totals.BestCase())
	}
	if pr.Low != 1000 || pr.High != 4000 || pr.Chance.OK {
		t.Errorf("range %d..%d chance %v, want 1000..4000 n/a", pr.Low, pr.High, pr.Chance)
	}
	if pr.MoreNeeded != 2000 || pr.CommitGap != 2000 {
		t.Errorf("more needed %d commit gap %d, want 2000 2000", pr.MoreNeeded, pr.CommitGap)
	}
	if len(pr.Slipped) != 1 || pr.Slipped[0].ID != 4 || !pr.Slipped[0].To.Equal(at(2026, 7, 15, 0)) {
		t.Errorf("slipped %+v", pr.Slipped)
	}
}

func TestProjectHistoryTerms(t *testing.T) {
	// Two batches of ten deals, each half won and half lost at age 10 days,
	// amount 2000; one open deal X created the day before the as-of.
	var h []forecast.Deal
	id := sales.DealID(0)
	for _, born := range []time.Time{at(2026, 2, 1, 0), at(2026, 3, 1, 0)} {
		for i := 0; i < 10; i++ {
			id++
			h = append(h, closeDeal(openDeal(id, born, 1, 2000), i < 5, born.AddDate(0, 0, 10)))
		}
	}
	h = append(h, openDeal(99, at(2026, 3, 31, 12), 1, 1000))
	q2 := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 2}
	pr := forecast.Project(h, q2, at(2026, 4, 1, 0), forecast.Options{Stages: sales.DefaultStages(), MinUnits: 1, MinClosed: 1, Quota: 20000, HasQuota: true})
	// By hand. Age curve: the first close is Feb 11, so the February batch
	// enters the risk set at age 10 (delayed entry); at age 0 the March
	// batch and X are at risk (11), X is censored there; at age 10 the
	// February batch joins: 20 at risk, 10 won. P(win by age j) = 0.5 for
	// j > 10, else 0. X (age 0, 91 days left): 0.5 × 1000 = 500.
	// New deals: the run-rate window starts at the first close (Feb 11):
	// 11 created in the 49 days to Apr 1 × mean won 2000 × Σ_{j=1..91}
	// P(win by j) = 81 × 0.5 → 11/49 × 2000 × 40.5.
	// The one past unit, March: actual 5 × 2000 = 10000; expected: the
	// March batch open at Mar 1, 10 × 0.5 × 2000 = 10000, plus no deals
	// created between Feb 11 and Mar 1; ratio 1.
	calib := 1.0
	open, fresh := 500.0, 11.0/49*2000*40.5
	if pr.Fallback || pr.Units != 1 || pr.Unit != "month" || math.Abs(pr.Calibration-calib) > 1e-9 {
		t.Fatalf("fallback %v (%s) units %d %s calibration %v, want 1 month %v", pr.Fallback, pr.Reason, pr.Units, pr.Unit, pr.Calibration, calib)
	}
	wantOpen, wantNew := sales.Money(math.Round(open*calib)), sales.Money(math.Round(fresh*calib))
	if pr.FromOpen != wantOpen || pr.FromNew != wantNew || pr.Predicted != wantOpen+wantNew {
		t.Errorf("open %d new %d predicted %d, want %d %d %d", pr.FromOpen, pr.FromNew, pr.Predicted, wantOpen, wantNew, wantOpen+wantNew)
	}
	band := sales.Money(math.Round((open + fresh) * calib))
	if pr.Low != band || pr.High != band {
		t.Errorf("range %d..%d, want %d (one unit: no spread)", pr.Low, pr.High, band)
	}
	if !pr.Chance.OK || pr.Chance.V != 0 || pr.MoreNeeded != 20000-pr.Predicted {
		t.Errorf("chance %v more needed %d", pr.Chance, pr.MoreNeeded)
	}
	if len(pr.ByStage) != 1 || pr.ByStage[0].Stage != 1 || pr.ByStage[0].Expected != wantOpen {
		t.Errorf("by stage %+v", pr.ByStage)
	}
}

func TestDealTimelines(t *testing.T) {
	d := openDeal(1, at(2026, 1, 1, 0), 1, 100, forecast.CloseDateChange{At: at(2026, 1, 1, 0), Date: at(2026, 3, 1, 0)})
	d.Stages = append(d.Stages, forecast.StageChange{At: at(2026, 1, 5, 0), Stage: 3})
	d.Amounts = append(d.Amounts, forecast.AmountChange{At: at(2026, 1, 6, 0), Amount: 250})
	d = closeDeal(d, true, at(2026, 2, 1, 0))
	if _, ok := d.StageAt(at(2025, 12, 31, 0)); ok || d.KnownAt(at(2025, 12, 31, 0)) {
		t.Error("deal visible before it existed")
	}
	if s, _ := d.StageAt(at(2026, 1, 5, 0)); s != 3 || d.AmountAt(at(2026, 1, 5, 23)) != 100 || d.AmountAt(at(2026, 1, 6, 0)) != 250 {
		t.Error("stage or amount as of a day is wrong")
	}
	if !d.OpenAt(at(2026, 1, 31, 0)) || d.OpenAt(at(2026, 2, 1, 0)) || d.WonAmount() != 250 || !d.CloseDateAt(at(2026, 1, 2, 0)).Equal(at(2026, 3, 1, 0)) {
		t.Error("open, won amount or close date as of is wrong")
	}
}

func TestProjectByMatchesProject(t *testing.T) {
	c := genConfig{Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Days: 2 * 365, PerYear: 3000, WinRate: 0.4, CycleDays: 40, Seed: 4}
	h := generate(c)
	q := sales.Period{Kind: sales.Quarter, Year: 2025, Index: 3}
	asOf := at(2025, 8, 12, 0)
	o := forecast.Options{Stages: sales.DefaultStages(), Quota: 1_000_000_00, HasQuota: true}
	m := forecast.Learn(h, q, asOf, o)
	by := forecast.ProjectBy(m, func(d *forecast.Deal) sales.PersonID { return d.Owner })
	if len(by) != 20 {
		t.Fatalf("%d reps, want 20", len(by))
	}
	var won, open sales.Money
	for rep, got := range by {
		want := m.Project(func(d *forecast.Deal) bool { return d.Owner == rep })
		if got.Predicted != want.Predicted || got.Low != want.Low || got.High != want.High || len(got.Slipped) != len(want.Slipped) {
			t.Errorf("rep %d: ProjectBy %d [%d,%d], Project %d [%d,%d]", rep, got.Predicted, got.Low, got.High, want.Predicted, want.Low, want.High)
		}
		won += got.WonToDate
		open += got.Totals.OpenCommit
	}
	team := forecast.Project(h, q, asOf, o)
	if team.Fallback || won != team.WonToDate || open != team.Totals.OpenCommit {
		t.Errorf("team won %d commit %d slipped %d (fallback %v), reps sum to %d %d", team.WonToDate, team.Totals.OpenCommit, len(team.Slipped), team.Fallback, won, open)
	}
}
