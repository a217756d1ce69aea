package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// A deal imported won with no date of its close keeps no close time
// through edits that leave its stage and close date, so it never counts
// as won in the period of the edit; a stage change or a close date places
// it.
func TestApplyStageChangeCloseUnknown(t *testing.T) {
	ss := sales.DefaultStages()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	old := sales.Deal{ID: 7, Stage: ss.Won().ID, Amount: 500000}
	tests := []struct {
		name       string
		edit       func(*sales.Deal)
		wantClosed time.Time
	}{
		{"amount edit", func(d *sales.Deal) { d.Amount = 600000 }, time.Time{}},
		{"note", func(d *sales.Deal) { d.Notes = "renewal" }, time.Time{}},
		{"lost now", func(d *sales.Deal) { d.Stage = ss.Lost().ID }, now},
		{"close date given", func(d *sales.Deal) { d.CloseDate = day }, now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nd := old
			tt.edit(&nd)
			if err := sales.ApplyStageChange(&old, &nd, ss, now, time.UTC); err != nil {
				t.Fatal(err)
			}
			if !nd.ClosedAt.Equal(tt.wantClosed) {
				t.Errorf("ClosedAt %v, want %v", nd.ClosedAt, tt.wantClosed)
			}
		})
	}
	// A new deal created closed is closed now, as before.
	nd := sales.Deal{Stage: ss.Won().ID, Amount: 100}
	if err := sales.ApplyStageChange(&sales.Deal{}, &nd, ss, now, time.UTC); err != nil || !nd.ClosedAt.Equal(now) {
		t.Errorf("new won deal: ClosedAt %v, err %v", nd.ClosedAt, err)
	}
}
