package forecast

import (
	"math"
	"sort"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// BacktestRow is how the method did on one past period: predicted as of
// day N of the period from what was known then, against the actual won.
type BacktestRow struct {
	Period                       sales.Period
	AsOf                         time.Time
	Predicted, Low, High, Actual sales.Money
	Fallback                     bool
	Reason                       string
	// Empty: no deal was known by the period's end, so there was
	// nothing to forecast and nothing to check; Coverage leaves it out
	// rather than count an empty $0–$0 range as a hit.
	Empty bool
}

// Backtest replays Project on each period as of the start of its day
// asOfDay (1 = the first day) in o.Loc, seeing only what was known then,
// and compares with what was won in the period. asOfDay must fall inside
// every period.
func Backtest(h []Deal, periods []sales.Period, asOfDay int, o Options) ([]BacktestRow, error) {
	loc := o.Loc
	if loc == nil {
		loc = time.UTC
	}
	rows := make([]BacktestRow, 0, len(periods))
	for _, p := range periods {
		start, end := p.Start(loc), p.End(loc)
		civStart, civEnd := p.Start(time.UTC), p.End(time.UTC)
		asOf := start.AddDate(0, 0, asOfDay-1)
		if asOfDay < 1 || !asOf.Before(end) {
			return nil, sales.Errorf(sales.EINVALID, "as-of day %d is not inside %s: use a day from 1 to %d", asOfDay, p.Label(), int(end.Sub(start)/day))
		}
		pr := Project(h, p, asOf, o)
		row := BacktestRow{Period: p, AsOf: asOf, Predicted: pr.Predicted, Low: pr.Low, High: pr.High,
			Fallback: pr.Fallback, Reason: pr.Reason}
		row.Empty = true
		for i := range h {
			d := &h[i]
			if row.Empty && d.KnownAt(end) && (o.Select == nil || o.Select(d)) {
				row.Empty = false
			}
			// Actual: won on a day of the period at its final amount, what
			// report --period shows as won_value.
			if day := d.CloseDay(loc); d.Outcome == Won && !day.Before(civStart) && day.Before(civEnd) && (o.Select == nil || o.Select(d)) {
				row.Actual += d.FinalAmount()
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// MedianAPE is the median of |predicted − actual| / actual over the rows
// with a positive actual; n/a when there are none.
func MedianAPE(rows []BacktestRow) sales.Num {
	var e []float64
	for _, r := range rows {
		if r.Actual > 0 {
			e = append(e, math.Abs(float64(r.Predicted-r.Actual))/float64(r.Actual))
		}
	}
	if len(e) == 0 {
		return sales.Num{}
	}
	sort.Float64s(e)
	if len(e)%2 == 1 {
		return sales.Some(e[len(e)/2])
	}
	return sales.Some((e[len(e)/2-1] + e[len(e)/2]) / 2)
}

// Coverage is the share of rows whose range [low, high] holds the
// actual, over the rows that are not Empty.
func Coverage(rows []BacktestRow) sales.Num {
	in, n := 0, 0
	for _, r := range rows {
		if r.Empty {
			continue
		}
		n++
		if r.Low <= r.Actual && r.Actual <= r.High {
			in++
		}
	}
	return sales.Div(float64(in), float64(n))
}

// Checked counts the rows that are not Empty.
func Checked(rows []BacktestRow) int {
	n := 0
	for _, r := range rows {
		if !r.Empty {
			n++
		}
	}
	return n
}
