package forecast_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// The week's changes a manager's roll-up lists: into and out of commit,
// close dates out of and into the period, amounts, wins and losses.
func TestChanges(t *testing.T) {
	ss := sales.DefaultStages()
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	civil := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	q4 := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 4}
	created := at(10, 1)
	deals := []sales.Deal{
		{ID: 1, Stage: 4, Amount: 10_00, CreatedAt: created, CloseDate: civil(12, 10)},                                   // moved to Negotiation this week: commit
		{ID: 2, Stage: 3, Amount: 20_00, CreatedAt: created, CloseDate: civil(12, 11), Forecast: sales.ForecastBestCase}, // overridden out of commit
		{ID: 3, Stage: 4, Amount: 30_00, CreatedAt: created, CloseDate: civil(1, 15).AddDate(1, 0, 0)},                   // pushed into 2027
		{ID: 4, Stage: 2, Amount: 45_00, CreatedAt: created, CloseDate: civil(12, 1)},                                    // amount raised
		{ID: 5, Stage: 5, Amount: 50_00, CreatedAt: created, CloseDate: civil(11, 25), ClosedAt: at(11, 25)},             // won this week
		{ID: 6, Stage: 2, Amount: 60_00, CreatedAt: created, CloseDate: civil(12, 1)},                                    // untouched
		{ID: 7, Stage: 4, Amount: 70_00, CreatedAt: at(11, 24), CloseDate: civil(12, 20)},                                // new this week, in commit
	}
	ev := func(id sales.DealID, t time.Time, field, from, to string) sales.Event {
		return sales.Event{DealID: id, At: t, Field: field, From: from, To: to}
	}
	events := []sales.Event{
		ev(1, at(11, 24), sales.FieldStage, "Proposal", "Negotiation"),
		ev(2, at(11, 24), sales.FieldStage, "Negotiation", "Proposal"),
		ev(2, at(11, 24), sales.FieldForecast, "", "best case"),
		ev(3, at(11, 24), sales.FieldClose, "2026-12-15", "2027-01-15"),
		ev(4, at(11, 24), sales.FieldAmount, "40.00", "45.00"),
		ev(5, at(11, 25), sales.FieldStage, "Negotiation", "Won"),
	}
	h := forecast.Histories(deals, events, ss, sales.DefaultCurrency)
	got := forecast.Changes(h, forecast.NewCategorizer(ss), q4, at(11, 23), at(11, 30), nil)
	want := map[sales.DealID][]forecast.ChangeKind{
		1: {forecast.AddedToCommit}, 2: {forecast.DroppedFromCommit}, 3: {forecast.PushedOut},
		4: {forecast.AmountChanged}, 5: {forecast.WonDeal}, 7: {forecast.AddedToCommit},
	}
	byDeal := map[sales.DealID][]forecast.ChangeKind{}
	for _, c := range got {
		byDeal[c.ID] = append(byDeal[c.ID], c.Kind)
		if c.Kind == forecast.AmountChanged && (c.From != 40_00 || c.To != 45_00) {
			t.Errorf("amount change %+v", c)
		}
		if c.Kind == forecast.PushedOut && c.CloseTo.Format(time.DateOnly) != "2027-01-15" {
			t.Errorf("push %+v", c)
		}
	}
	for id, kinds := range want {
		if len(byDeal[id]) != len(kinds) || byDeal[id][0] != kinds[0] {
			t.Errorf("deal %d: %v, want %v", id, byDeal[id], kinds)
		}
	}
	if len(byDeal) != len(want) {
		t.Errorf("changes %v", byDeal)
	}
}
