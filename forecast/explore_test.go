package forecast_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

func TestExplore(t *testing.T) {
	for _, maven := range []bool{false, true} {
		for seed := uint64(1); seed <= 3; seed++ {
			c := genConfig{Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Days: 3 * 365, PerYear: 3000, WinRate: 0.4, CycleDays: 40, Season: 0.15, Noise: 0.1, Maven: maven, Seed: seed}
			ss := sales.DefaultStages()
			if maven {
				c.PerYear, c.WinRate, c.Days, c.Start = 8800, 0.5, 365, time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
				ss = mavenStages()
			}
			h := generate(c)
			var ps []sales.Period
			for y := c.Start.Year(); y < c.Start.Year()+c.Days/365; y++ {
				for q := 1; q <= 4; q++ {
					ps = append(ps, sales.Period{Kind: sales.Quarter, Year: y, Index: q})
				}
			}
			rows, err := forecast.Backtest(h, ps, 1, forecast.Options{Stages: ss})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				fmt.Printf("%v %s pred=%d [%d,%d] act=%d fb=%v %s\n", maven, r.Period, r.Predicted/100, r.Low/100, r.High/100, r.Actual/100, r.Fallback, r.Reason)
			}
			fmt.Println("MAPE", forecast.MedianAPE(rows).Percent(), "cov", forecast.Coverage(rows).Percent())
		}
	}
}
