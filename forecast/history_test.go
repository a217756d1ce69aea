package forecast_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// A deal's timelines come back from its events as the store writes them:
// stages by name, amounts as plain text, close dates as YYYY-MM-DD.
func TestHistoriesFromEvents(t *testing.T) {
	ss := sales.DefaultStages()
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	won := sales.Deal{ID: 1, Owner: 2, Stage: 5, Amount: 12_000_00, CreatedAt: day(1, 1), ClosedAt: day(3, 1),
		CloseDate: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	imported := sales.Deal{ID: 2, Owner: 3, Stage: 6, Amount: 5_00, CreatedAt: day(1, 5), ClosedAt: day(2, 5)}
	open := sales.Deal{ID: 3, Owner: 3, Stage: 2, Amount: 7_00, CreatedAt: day(2, 1), Forecast: sales.ForecastCommit}
	overridden := sales.Deal{ID: 4, Owner: 3, Stage: 3, Amount: 9_00, CreatedAt: day(1, 1), Forecast: sales.ForecastOmitted}
	ev := func(id sales.DealID, at time.Time, field, from, to string) sales.Event {
		return sales.Event{DealID: id, At: at, Field: field, From: from, To: to}
	}
	h := forecast.Histories([]sales.Deal{won, imported, open, overridden}, []sales.Event{
		ev(4, day(2, 1), sales.FieldForecast, "", "commit"),
		ev(4, day(3, 1), sales.FieldForecast, "commit", "omitted"),
		ev(1, day(3, 1), sales.FieldStage, "Proposal", "Won"),
		ev(1, day(2, 1), sales.FieldStage, "Prospecting", "Proposal"),
		ev(1, day(2, 10), sales.FieldAmount, "10000.00", "12000.00"),
		ev(1, day(2, 12), sales.FieldClose, "2026-04-30", "2026-03-01"),
		ev(1, day(2, 13), sales.FieldNotes, "", "called"), // not a timeline
	}, ss, sales.DefaultCurrency)

	w := h[0]
	if w.Outcome != forecast.Won || !w.ClosedAt.Equal(day(3, 1)) || !w.KnownAt(day(1, 1)) || w.KnownAt(day(1, 1).Add(-time.Second)) {
		t.Fatalf("won deal %+v", w)
	}
	if s, _ := w.StageAt(day(1, 20)); s != 1 {
		t.Errorf("stage in January %v, want Prospecting", s)
	}
	if s, _ := w.StageAt(day(2, 20)); s != 3 {
		t.Errorf("stage in February %v, want Proposal", s)
	}
	if w.AmountAt(day(2, 1)) != 10_000_00 || w.AmountAt(day(2, 11)) != 12_000_00 || w.WonAmount() != 12_000_00 {
		t.Errorf("amounts %+v", w.Amounts)
	}
	if got := w.CloseDateAt(day(2, 1)); got.Format(time.DateOnly) != "2026-04-30" {
		t.Errorf("close date before the push %v", got)
	}
	// An import without stage events was open in the first stage until it closed.
	im := h[1]
	if !im.OpenAt(day(1, 20)) || im.OpenAt(day(2, 6)) || im.Outcome != forecast.Lost {
		t.Errorf("imported lost deal %+v", im)
	}
	if s, _ := h[2].StageAt(day(2, 2)); s != 2 || !h[2].OpenAt(day(6, 1)) {
		t.Errorf("open deal %+v", h[2])
	}
	// Category overrides: the deal's own when it has no history of them,
	// else replayed from the events.
	if h[2].CategoryAt(day(2, 1)) != forecast.Commit {
		t.Errorf("override without events %+v", h[2].Categories)
	}
	o := h[3]
	if o.CategoryAt(day(1, 15)) != 0 || o.CategoryAt(day(2, 15)) != forecast.Commit || o.CategoryAt(day(3, 2)) != forecast.Omitted {
		t.Errorf("override timeline %+v", o.Categories)
	}
}
