package sales_test

import (
	"math"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// The funnel by hand: open deals weighted by stage, closed deals by their
// civil created and close days (sales.FunnelSum, what every view counts).
func TestFunnelHandComputed(t *testing.T) {
	nov := func(d int) sales.Date { return sales.MakeDate(2026, 11, d) }
	var s sales.FunnelSum
	s.AddOpen(10_000_00, 1000) // Prospecting
	s.AddOpen(20_000_00, 5000) // Proposal
	s.AddClosed(sales.StageWon, 30_000_00, nov(1), nov(11))
	s.AddClosed(sales.StageWon, 10_000_00, nov(3), nov(23))
	s.AddClosed(sales.StageLost, 5_000_00, nov(2), nov(12))
	f := s.Funnel()
	if f.Open != 2 || f.PipelineValue != 30_000_00 {
		t.Fatalf("open %d value %d", f.Open, f.PipelineValue)
	}
	if want := sales.Money(1_000_00 + 10_000_00); f.Weighted != want {
		t.Fatalf("weighted = %d, want %d", f.Weighted, want)
	}
	if f.Won != 2 || f.Lost != 1 || f.WonValue != 40_000_00 {
		t.Fatalf("won %d lost %d value %d", f.Won, f.Lost, f.WonValue)
	}
	near(t, "win rate", f.WinRate, 2.0/3)
	near(t, "avg deal size", f.AvgDealSize, 20_000_00)
	near(t, "cycle", f.AvgCycleDays, 15)
	// velocity = open × avg × win rate / cycle = 2 × 2,000,000 × 2/3 / 15
	near(t, "velocity", f.Velocity, 2*20_000_00*(2.0/3)/15)
}

func TestFunnelEmptyIsNA(t *testing.T) {
	f := sales.FunnelSum{}.Funnel()
	for name, n := range map[string]sales.Num{"win": f.WinRate, "avg": f.AvgDealSize, "cycle": f.AvgCycleDays, "velocity": f.Velocity} {
		if n.OK || n.Percent() != "n/a" || n.Fixed(2) != "n/a" || n.Full() != "" || n.Why == "" {
			t.Errorf("%s: %+v should be n/a with a reason", name, n)
		}
	}
	// Only lost deals: win rate 0, average size undefined.
	var s sales.FunnelSum
	s.AddClosed(sales.StageLost, 5, sales.MakeDate(2026, 11, 1), sales.MakeDate(2026, 11, 2))
	f = s.Funnel()
	near(t, "win rate", f.WinRate, 0)
	if f.AvgDealSize.OK || f.Velocity.OK {
		t.Fatalf("avg/velocity should be n/a: %+v", f)
	}
	// Won the day it was created: cycle 0 days, velocity n/a, never Inf.
	s = sales.FunnelSum{}
	s.AddClosed(sales.StageWon, 5, sales.MakeDate(2026, 11, 1), sales.MakeDate(2026, 11, 1))
	s.AddOpen(5, 1000)
	f = s.Funnel()
	if f.Velocity.OK || math.IsInf(f.Velocity.V, 0) || f.Velocity.Why != "sales cycle is 0 days" {
		t.Fatalf("velocity with zero cycle should be n/a: %+v", f.Velocity)
	}
}

func TestProgress(t *testing.T) {
	loc := time.UTC
	p := sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
	now := time.Date(2026, 11, 16, 0, 0, 0, 0, loc) // 10 of November's 21 working days have ended
	tests := []struct {
		name             string
		has              bool
		quota, won, open sales.Money
		att, pace, cov   string
		behind           bool
	}{
		{"on pace", true, 1000, 500, 1000, "50%", "105%", "200%", false},
		{"behind", true, 1000, 200, 400, "20%", "42%", "50%", true},
		{"quota met", true, 1000, 1500, 100, "150%", "315%", "n/a", false},
		{"no quota", false, 0, 500, 100, "n/a", "n/a", "n/a", false},
		{"zero quota", true, 0, 500, 100, "n/a", "n/a", "n/a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := sales.NewProgress(sales.ComposeQuota(p, tt.quota, tt.has, nil, nil), sales.WinSplit{Inside: tt.won}, sales.PipelineByClose{ByEnd: tt.open}, now, loc)
			if got := pr.Attainment.Percent(); got != tt.att {
				t.Errorf("attainment %s, want %s", got, tt.att)
			}
			if got := pr.Pace.Percent(); got != tt.pace {
				t.Errorf("pace %s, want %s", got, tt.pace)
			}
			if got := pr.Coverage.Percent(); got != tt.cov {
				t.Errorf("coverage %s, want %s", got, tt.cov)
			}
			if pr.Behind() != tt.behind {
				t.Errorf("behind %v", pr.Behind())
			}
		})
	}
	// A period that has just started: pace is n/a, not infinite.
	start := sales.NewProgress(sales.ComposeQuota(p, 1000, true, nil, nil), sales.WinSplit{Inside: 10}, sales.PipelineByClose{}, p.Start(loc), loc)
	if start.Pace.OK {
		t.Fatalf("pace at period start should be n/a, got %v", start.Pace)
	}
	if start.WorkingDays != 21 {
		t.Fatalf("working days in November 2026 = %d, want 21", start.WorkingDays)
	}
}

func near(t *testing.T, name string, n sales.Num, want float64) {
	t.Helper()
	if !n.OK || math.Abs(n.V-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Fatalf("%s = %+v, want %v", name, n, want)
	}
}

func TestBar(t *testing.T) {
	for _, tt := range []struct {
		share float64
		want  string
	}{{0, "░░░░░"}, {0.5, "▓▓▓░░"}, {0.95, "▓▓▓▓░"}, {0.999, "▓▓▓▓░"}, {1, "▓▓▓▓▓"}, {7, "▓▓▓▓▓"}, {math.NaN(), "░░░░░"}, {-1, "░░░░░"}} {
		if got := sales.Bar(tt.share, 5); got != tt.want {
			t.Errorf("Bar(%v) = %q, want %q", tt.share, got, tt.want)
		}
	}
}
