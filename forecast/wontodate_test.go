package forecast_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// Won so far and a backtest's actual count the deals won on a civil day
// of the period (the close date, as report and /goal count it), at the
// amount known then, however the close instant falls in the zone.
func TestWonToDateByCloseDay(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	oct := sales.Period{Kind: sales.Month, Year: 2026, Index: 10}
	nov := sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	won := func(id sales.DealID, amount sales.Money, closedAt, closeDate time.Time) forecast.Deal {
		d := openDeal(id, at(2026, 9, 1, 0), 4, amount, forecast.CloseDateChange{At: at(2026, 9, 1, 0), Date: closeDate})
		return closeDeal(d, true, closedAt)
	}
	// Imported under UTC+13: closes 1 Nov, at 04:00 on 31 Oct in LA.
	zoneMoved := won(1, 3500, time.Date(2026, 10, 31, 11, 0, 0, 0, time.UTC), day(11, 1))
	// Won at 22k on 1 Oct, corrected to 25k on 20 Oct.
	corrected := won(2, 22000, time.Date(2026, 10, 1, 0, 30, 0, 0, la), day(10, 1))
	corrected.Amounts = append(corrected.Amounts, forecast.AmountChange{At: time.Date(2026, 10, 20, 10, 0, 0, 0, la), Amount: 25000})
	// Won at 23:00 on 31 Oct in LA, 1 Nov in UTC.
	lateWin := won(3, 1000, time.Date(2026, 10, 31, 23, 0, 0, 0, la), day(10, 31))
	h := []forecast.Deal{zoneMoved, corrected, lateWin}
	o := forecast.Options{Stages: sales.DefaultStages(), Loc: la}
	tests := []struct {
		name string
		p    sales.Period
		asOf time.Time
		want sales.Money
	}{
		{"October: the correction counts, the 1 Nov close does not", oct, time.Date(2026, 10, 31, 23, 59, 0, 0, la), 25000 + 1000},
		{"October before the correction", oct, time.Date(2026, 10, 15, 12, 0, 0, 0, la), 22000},
		{"November holds the 1 Nov close", nov, time.Date(2026, 11, 20, 12, 0, 0, 0, la), 3500},
	}
	for _, tt := range tests {
		if pr := forecast.Project(h, tt.p, tt.asOf, o); pr.WonToDate != tt.want || pr.Totals.ClosedWon != tt.want {
			t.Errorf("%s: won to date %d, closed won %d, want %d", tt.name, pr.WonToDate, pr.Totals.ClosedWon, tt.want)
		}
	}
	rows, err := forecast.Backtest(h, []sales.Period{oct, nov}, 1, o)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Actual != 26000 || rows[1].Actual != 3500 {
		t.Errorf("backtest actuals %d, %d, want 26000, 3500", rows[0].Actual, rows[1].Actual)
	}
}

// A lost deal imported with a close date still ahead is lost from its
// import on: not open pipeline until that day.
func TestHistoryClosedByLastWrite(t *testing.T) {
	ss := sales.DefaultStages()
	imported := at(2026, 12, 3, 16)
	d := sales.Deal{ID: 1, Owner: 1, Stage: ss.Lost().ID, Amount: 4000, CreatedAt: at(2026, 7, 1, 7),
		CloseDate: at(2026, 12, 31, 0), ClosedAt: at(2026, 12, 31, 8), StageEnteredAt: at(2026, 12, 31, 8), UpdatedAt: imported}
	h := forecast.Histories([]sales.Deal{d}, nil, ss, sales.DefaultCurrency)
	if !h[0].ClosedAt.Equal(imported) || h[0].OpenAt(at(2026, 12, 4, 0)) || !h[0].OpenAt(at(2026, 11, 20, 0)) {
		t.Errorf("closed at %v; open on 4 Dec %v, on 20 Nov %v; want closed at the import, open only before it",
			h[0].ClosedAt, h[0].OpenAt(at(2026, 12, 4, 0)), h[0].OpenAt(at(2026, 11, 20, 0)))
	}
}

// A period still to come counts the open deals expected to close in it:
// a deal due before it starts (or overdue now) would close before it. A
// running period keeps its overdue deals: they can still close by its end.
func TestProjectPeriodAheadLeavesOutEarlierCloses(t *testing.T) {
	date := func(y int, m time.Month, d int) forecast.CloseDateChange {
		return forecast.CloseDateChange{At: at(2026, 9, 1, 0), Date: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	}
	h := []forecast.Deal{
		openDeal(1, at(2026, 9, 1, 0), 4, 1000, date(2026, 12, 15)), // Negotiation, due in December
		openDeal(2, at(2026, 9, 1, 0), 4, 2000, date(2026, 10, 20)), // Negotiation, overdue on 20 Nov
		openDeal(3, at(2026, 9, 1, 0), 4, 4000, date(2027, 2, 1)),   // Negotiation, due in Q1
	}
	o := forecast.Options{Stages: sales.DefaultStages()}
	asOf := at(2026, 11, 20, 12)
	tests := []struct {
		name string
		p    sales.Period
		want sales.Money
	}{
		{"Q1 2027: only the deal due in it", sales.Period{Kind: sales.Quarter, Year: 2027, Index: 1}, 4000},
		{"December: the deal due in it, not the overdue one", sales.Period{Kind: sales.Month, Year: 2026, Index: 12}, 1000},
		{"Q4 2026, running: due in it and overdue", sales.Period{Kind: sales.Quarter, Year: 2026, Index: 4}, 3000},
	}
	for _, tt := range tests {
		if pr := forecast.Project(h, tt.p, asOf, o); pr.Totals.Commit() != tt.want || pr.Totals.OpenCommit != tt.want {
			t.Errorf("%s: commit %d, want %d", tt.name, pr.Totals.Commit(), tt.want)
		}
	}
}
