package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func TestApplyStageChange(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	ss := sales.DefaultStages()
	created := time.Date(2026, 10, 1, 9, 0, 0, 0, la)
	entered := time.Date(2026, 10, 5, 9, 0, 0, 0, la)
	now := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC) // 30 Nov 21:00 in LA
	expected := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	base := sales.Deal{ID: 1, Stage: 2, Amount: 5_000_00, CreatedAt: created, StageEnteredAt: entered, CloseDate: expected}
	tests := []struct {
		name    string
		edit    func(*sales.Deal)
		err     bool
		entered time.Time
		closed  time.Time
		close   string
	}{
		{"note only: stage clock untouched", func(d *sales.Deal) { d.Notes = "x"; d.CloseDate = d.CloseDate.AddDate(0, 0, 7) }, false, entered, time.Time{}, "2027-01-22"},
		{"next stage", func(d *sales.Deal) { d.Stage = 3 }, false, now, time.Time{}, "2027-01-15"},
		{"won: closes today in LA", func(d *sales.Deal) { d.Stage = 5 }, false, now, now, "2026-11-30"},
		{"won at $0 is refused", func(d *sales.Deal) { d.Stage = 5; d.Amount = 0 }, true, time.Time{}, time.Time{}, ""},
		{"lost", func(d *sales.Deal) { d.Stage = 6 }, false, now, now, "2026-11-30"},
		{"import with its own times", func(d *sales.Deal) {
			d.Stage = 5
			d.StageEnteredAt = time.Date(2017, 3, 2, 0, 0, 0, 0, time.UTC)
			d.ClosedAt = d.StageEnteredAt
			d.CloseDate = time.Date(2017, 3, 2, 0, 0, 0, 0, time.UTC)
		}, false, time.Date(2017, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2017, 3, 2, 0, 0, 0, 0, time.UTC), "2017-03-02"},
	}
	for _, tt := range tests {
		old, nd := base, base
		tt.edit(&nd)
		err := sales.ApplyStageChange(&old, &nd, ss, now, la)
		if tt.err {
			if sales.ErrorCode(err) != sales.EINVALID {
				t.Errorf("%s: err %v", tt.name, err)
			}
			continue
		}
		if err != nil || !nd.StageEnteredAt.Equal(tt.entered) || !nd.ClosedAt.Equal(tt.closed) || sales.CloseDateOf(nd).String() != tt.close {
			t.Errorf("%s: %v entered %v closed %v close %v", tt.name, err, nd.StageEnteredAt, nd.ClosedAt, sales.CloseDateOf(nd))
		}
	}
	// Reopening a won deal clears its close time.
	won := base
	won.Stage, won.ClosedAt = 5, now
	reopened := won
	reopened.Stage = 4
	if err := sales.ApplyStageChange(&won, &reopened, ss, now.Add(time.Hour), la); err != nil || !reopened.ClosedAt.IsZero() {
		t.Fatalf("reopen: %v %v", err, reopened.ClosedAt)
	}
}
