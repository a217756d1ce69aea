package forecast_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

func quarters(from, years int) []sales.Period {
	var ps []sales.Period
	for y := from; y < from+years; y++ {
		for q := 1; q <= 4; q++ {
			ps = append(ps, sales.Period{Kind: sales.Quarter, Year: y, Index: q})
		}
	}
	return ps[1:] // the first quarter has no history at all
}

// TestBacktestBands replays day 1 of each quarter on seeded histories with
// known rates. Bands, measured over seeds 1-3 and widened for other seeds:
// three years of 3,000 deals a year (40% won, 43-day mean cycle, so about
// half a quarter's wins come from deals created in it): median error
// 8.5-14.1%, range coverage 54.5-81.8% of 11 quarters; the Maven-like year
// (8,800 deals, no open close dates, amounts only when won): median error
// 5.7-10.9%, coverage 66.7% (2 of 3 quarters). The range is narrower than a
// true 80% range: its spread is the spread of past months in-sample.
func TestBacktestBands(t *testing.T) {
	for _, tc := range []struct {
		name           string
		maven          bool
		maxAPE, minCov float64
	}{
		{"three years", false, 0.20, 0.40},
		{"maven-like year", true, 0.16, 0.20},
	} {
		for seed := uint64(1); seed <= 3; seed++ {
			c := genConfig{Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Days: 3 * 365, PerYear: 3000, WinRate: 0.4, CycleDays: 40, Season: 0.15, Noise: 0.1, Seed: seed}
			ss := sales.DefaultStages()
			if tc.maven {
				c.PerYear, c.WinRate, c.Days, c.Start, c.Maven = 8800, 0.5, 365, time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), true
				ss = mavenStages()
			}
			rows, err := forecast.Backtest(generate(c), quarters(c.Start.Year(), c.Days/365), 1, forecast.Options{Stages: ss})
			if err != nil {
				t.Fatal(err)
			}
			ape, cov := forecast.MedianAPE(rows), forecast.Coverage(rows)
			t.Logf("%s seed %d: median error %s, coverage %s", tc.name, seed, ape.Percent(), cov.Percent())
			if !ape.OK || ape.V > tc.maxAPE || cov.V < tc.minCov {
				t.Errorf("%s seed %d: median error %s (max %.0f%%), coverage %s (min %.0f%%)", tc.name, seed, ape.Percent(), tc.maxAPE*100, cov.Percent(), tc.minCov*100)
			}
		}
	}
}

func TestBacktestBadDay(t *testing.T) {
	_, err := forecast.Backtest(nil, quarters(2026, 1), 95, forecast.Options{Stages: sales.DefaultStages()})
	if sales.ErrorCode(err) != sales.EINVALID {
		t.Fatalf("got %v, want EINVALID", err)
	}
}
