package digest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/sales"
)

// A deal whose close date has been pushed three times is a coaching item
// (issue 10, item 7); pulling a date in, or setting one, is not a push.
func TestSlippingDealIsCoached(t *testing.T) {
	s, db, clock := digesttest.Setup(t, fx3(), nil)
	ctx := context.Background()
	deals, err := db.FindDeals(ctx, sales.DealFilter{OpenOnly: true})
	if err != nil || len(deals) < 2 {
		t.Fatal(len(deals), err)
	}
	slipper, steady := deals[0], deals[1]
	move := func(id sales.DealID, days int) {
		t.Helper()
		clock.Advance(time.Hour)
		if _, err := db.UpdateDeal(ctx, id, 0, func(d *sales.Deal) error {
			if d.CloseDate.IsZero() {
				d.CloseDate = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			}
			d.CloseDate = d.CloseDate.AddDate(0, 0, days)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		move(slipper.ID, 14)
	}
	move(steady.ID, 14)
	move(steady.ID, -7) // pulled in: not a push
	move(steady.ID, 7)
	d, err := s.Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var found []sales.DealID
	for _, c := range d.Coaching {
		if c.Kind == digest.CoachSlipping {
			found = append(found, c.Deal)
			if c.Deal == slipper.ID && (!strings.Contains(c.Problem, "pushed 3 times") || !strings.Contains(c.Next, "forecast:best")) {
				t.Errorf("coaching %+v", c)
			}
		}
	}
	if len(found) != 1 || found[0] != slipper.ID {
		t.Fatalf("slipping deals coached: %v, want only %s", found, slipper.ID)
	}
}
