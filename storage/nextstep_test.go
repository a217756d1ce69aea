package storage_test

import (
	"context"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// A next step is stored after the older optional fields, survives a
// reopen of the file, and each change (set, re-date, done) is an event.
func TestNextStepStoredWithHistory(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, _, _ := team(t, db)
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Amount: 500, Owner: alice.ID}, alice.ID))
	due := sales.MakeDate(2026, 12, 4)
	for _, step := range []struct {
		text string
		due  sales.Date
	}{{"send proposal", due}, {"send proposal", due.AddDays(7)}, {"", sales.Date{}}} {
		got := must[sales.Deal](t)(db.UpdateDeal(ctx, d.ID, alice.ID, func(x *sales.Deal) error {
			x.NextStep, x.NextDue = step.text, step.due
			return nil
		}))
		if got.NextStep != step.text || got.NextDue != step.due {
			t.Fatalf("after update: %q %v, want %q %v", got.NextStep, got.NextDue, step.text, step.due)
		}
		if back := must[sales.Deal](t)(db.Deal(ctx, d.ID)); back.NextStep != step.text || back.NextDue != step.due || back.Account != "Acme" {
			t.Fatalf("read back: %+v", back)
		}
	}
	var got []string
	for _, e := range must[[]sales.Event](t)(db.DealHistory(ctx, d.ID)) {
		if e.Field == sales.FieldNextStep || e.Field == sales.FieldNextDue {
			got = append(got, e.Field+":"+e.From+"→"+e.To)
		}
	}
	want := []string{"next_step:→send proposal", "next_due:→2026-12-04", "next_due:2026-12-04→2026-12-11",
		"next_step:send proposal→", "next_due:2026-12-11→"}
	if len(got) != len(want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %q, want %q", got, want)
		}
	}
}
