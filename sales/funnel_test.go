package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Weighted is rounded once on the total: three 1-cent deals at 50% weigh
// 1.5 cents, shown as 2, not 3 (per-deal rounding).
func TestWeightedRoundedOnce(t *testing.T) {
	var p sales.PipelineSum
	for i := 0; i < 3; i++ {
		p.Add(1, 5000)
	}
	if p.Weighted() != 2 || p.Open != 3 || p.Value != 3 {
		t.Fatalf("weighted %d", p.Weighted())
	}
	tests := []struct {
		amounts []sales.Money
		bp      int64
		want    sales.Money
	}{
		{[]sales.Money{10_000_00, 20_000_00}, 2500, 7_500_00},
		{[]sales.Money{3, 3}, 1000, 1}, // 0.6 → 1
		{[]sales.Money{5}, 1000, 1},    // 0.5 → 1: half away from zero
		{[]sales.Money{-5}, 1000, -1},  // -0.5 → -1
		{[]sales.Money{-5, 20}, 1000, 2},
		{nil, 1000, 0},
	}
	for _, tt := range tests {
		var a, b sales.PipelineSum
		for i, m := range tt.amounts {
			if i%2 == 0 {
				a.Add(m, tt.bp)
			} else {
				b.Add(m, tt.bp)
			}
		}
		a.Merge(b)
		if a.Weighted() != tt.want {
			t.Errorf("%v at %d bp: %d, want %d", tt.amounts, tt.bp, a.Weighted(), tt.want)
		}
	}
}

// A million $1bn deals at 75% overflow int64 before the one rounding
// unless the sum is wide enough.
func TestWeightedDoesNotOverflow(t *testing.T) {
	var p sales.PipelineSum
	for i := 0; i < 1_000_000; i++ {
		p.Add(100_000_000_000, 7500)
	}
	if want := sales.Money(75_000_000_000_000_000); p.Weighted() != want {
		t.Fatalf("weighted %d, want %d", p.Weighted(), want)
	}
}

func TestFunnelSum(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	var s sales.FunnelSum
	s.AddOpen(10_000_00, 1000)
	s.AddOpen(20_000_00, 5000)
	// Won: 10 and 20 calendar days, one with no created date.
	s.AddClosed(sales.StageWon, 30_000_00, date(t, "2026-11-01"), date(t, "2026-11-11"))
	s.AddClosed(sales.StageWon, 10_000_00, date(t, "2026-11-03"), date(t, "2026-11-23"))
	s.AddClosed(sales.StageWon, 20_000_00, sales.Date{}, date(t, "2026-11-20"))
	s.AddClosed(sales.StageLost, 5_000_00, date(t, "2026-11-02"), date(t, "2026-11-12"))
	f := s.Funnel()
	if f.Open != 2 || f.PipelineValue != 30_000_00 || f.Weighted != 11_000_00 || f.Won != 3 || f.Lost != 1 || f.WonValue != 60_000_00 {
		t.Fatalf("funnel %+v", f)
	}
	near(t, "win rate", f.WinRate, 0.75)
	near(t, "avg size", f.AvgDealSize, 20_000_00)
	near(t, "cycle", f.AvgCycleDays, 15) // the undated deal is left out, not 0
	if f.AvgCycleDays.Why != "no created date on 1 deal" {
		t.Fatalf("cycle why %q", f.AvgCycleDays.Why)
	}
	near(t, "velocity", f.Velocity, 2*20_000_00*0.75/15)

	// Only undated wins: no cycle and no velocity, and they say why.
	var u sales.FunnelSum
	for i := 0; i < 12; i++ {
		u.AddClosed(sales.StageWon, 1_000_00, sales.Date{}, date(t, "2026-11-20"))
	}
	f = u.Funnel()
	if f.AvgCycleDays.OK || f.AvgCycleDays.Explain(1) != "n/a (no created date on 12 deals)" || f.Velocity.Why != "no created date on 12 deals" {
		t.Fatalf("undated: %+v %+v", f.AvgCycleDays, f.Velocity)
	}
	if e := (sales.FunnelSum{}).Funnel(); e.WinRate.Explain(2) != "n/a (no deals closed in the window)" || e.AvgDealSize.OK {
		t.Fatalf("empty: %+v", e)
	}
	// Same-day win: cycle 0, velocity n/a with the reason, never Inf.
	var z sales.FunnelSum
	z.AddOpen(1, 0)
	z.AddClosed(sales.StageWon, 5, date(t, "2026-11-20"), date(t, "2026-11-20"))
	if f := z.Funnel(); f.Velocity.OK || f.Velocity.Why != "sales cycle is 0 days" {
		t.Fatalf("zero cycle: %+v", f.Velocity)
	}
	// Whole calendar days in the zone: created late on 1 Mar (LA), closed
	// early on 15 Mar after the DST change is 14 days.
	created := sales.DateIn(time.Date(2026, 3, 1, 23, 0, 0, 0, la), la)
	closed := sales.CloseDay(sales.StageWon, sales.Date{}, time.Date(2026, 3, 15, 1, 0, 0, 0, la), la)
	if created.DaysUntil(closed) != 14 {
		t.Fatalf("cycle days %d", created.DaysUntil(closed))
	}
	if got := sales.CloseDay(sales.StageWon, date(t, "2017-03-31"), time.Date(2017, 4, 1, 7, 0, 0, 0, time.UTC), la); got.String() != "2017-03-31" {
		t.Fatalf("close day %v", got)
	}
	if !sales.CloseDay(sales.StageOpen, date(t, "2017-03-31"), time.Time{}, la).IsZero() {
		t.Fatal("open deals have no close day")
	}
}

// Date-only data gives the same per-quarter figures in every zone.
func TestCloseDatesSameQuarterInEveryZone(t *testing.T) {
	days := []string{"2017-03-31", "2017-04-01", "2017-06-30", "2017-07-01", "2017-12-31", "2018-01-01"}
	for _, name := range []string{"UTC", "America/Los_Angeles", "Asia/Kolkata"} {
		loc := mustLoad(t, name)
		var got []string
		for _, d := range days {
			cd := sales.CloseDay(sales.StageWon, date(t, d), time.Time{}, loc)
			q := sales.PeriodOfDate(sales.Quarter, cd)
			if !sales.WindowOf(q, loc).ContainsDate(cd, loc) {
				t.Fatalf("%s: %s not in the window of %s", name, d, q)
			}
			got = append(got, q.Key())
		}
		want := []string{"2017-Q1", "2017-Q2", "2017-Q2", "2017-Q3", "2017-Q4", "2018-Q1"}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: %s is in %s", name, days[i], got[i])
			}
		}
	}
}
