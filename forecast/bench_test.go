package forecast_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// BenchmarkProject forecasts a quarter over 1M deals of 1,000 reps: the
// team (Project) and every rep at once (ProjectBy). The Scan sub-benchmark
// is the baseline: one plain loop over the same slice summing won amounts.
func BenchmarkProject(b *testing.B) {
	c := genConfig{Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), Days: 3 * 365, PerYear: 1_000_000.0 / 3, WinRate: 0.4, CycleDays: 40, Seed: 1}
	h := generate(c)
	for i := range h {
		h[i].Owner = sales.PersonID(1 + i%1000)
	}
	q := sales.Period{Kind: sales.Quarter, Year: 2025, Index: 4}
	asOf := q.Start(time.UTC)
	b.Run("Project", func(b *testing.B) {
		for b.Loop() {
			forecast.Project(h, q, asOf, forecast.Options{Stages: sales.DefaultStages()})
		}
	})
	b.Run("ProjectBy", func(b *testing.B) {
		for b.Loop() {
			m := forecast.Learn(h, q, asOf, forecast.Options{Stages: sales.DefaultStages()})
			if got := len(forecast.ProjectBy(m, func(d *forecast.Deal) sales.PersonID { return d.Owner })); got != 1000 {
				b.Fatalf("%d reps", got)
			}
		}
	})
	b.Run("Scan", func(b *testing.B) {
		for b.Loop() {
			var won sales.Money
			for i := range h {
				if h[i].Outcome == forecast.Won {
					won += h[i].WonAmount()
				}
			}
			_ = won
		}
	})
}
