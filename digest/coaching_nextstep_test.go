package digest_test

import (
	"context"
	"testing"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/sales"
)

// Every open deal in Proposal or later without a next step is a coaching
// item; one with a next step, an earlier stage or a closed deal is not
// (stage order itself: sales.TestLateStage).
func TestCoachingNoNextStep(t *testing.T) {
	s, db, _ := digesttest.Setup(t, fx3(), nil)
	ctx := context.Background()
	items := func() map[sales.DealID]bool {
		t.Helper()
		d, err := s.Build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[sales.DealID]bool{}
		for _, c := range d.Coaching {
			if c.Kind == digest.CoachNoNextStep {
				out[c.Deal] = true
			}
		}
		return out
	}
	deals, err := db.FindDeals(ctx, sales.DealFilter{OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	stages, err := db.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := items()
	var late sales.Deal
	for _, d := range deals {
		want := stages.LateStage(d.Stage) && d.NextStep == ""
		if want && (late.ID == 0 || d.Amount > late.Amount) {
			late = d // biggest first: always among those shown
		}
		if !want && got[d.ID] {
			t.Errorf("%s in %s is a no-next-step item", d.ID, stages.Name(d.Stage))
		}
	}
	if late.ID == 0 || !got[late.ID] {
		t.Fatalf("no item for %v (items %v)", late.ID, got)
	}
	if _, err := db.UpdateDeal(ctx, late.ID, 0, func(d *sales.Deal) error { d.NextStep = "send contract"; return nil }); err != nil {
		t.Fatal(err)
	}
	if items()[late.ID] {
		t.Fatalf("%s has a next step and is still an item", late.ID)
	}
}
