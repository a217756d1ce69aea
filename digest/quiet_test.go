package digest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// Gone quiet comes from activity (contract: no call, meeting, email or
// note for 14 days, configurable), from created when there is none; a
// stage change or edit does not count, a snoozed deal is not listed.
func TestGoneQuietCoaching(t *testing.T) {
	ctx := context.Background()
	now := digesttest.FixedNow
	clock := digesttest.NewClock(now)
	db := storagetest.MustOpenWith(t, storage.Options{Clock: clock})
	in := storage.Import{People: []sales.Person{{Name: "Rep", SlackID: "U1"}}}
	deal := func(account string) {
		in.Deals = append(in.Deals, sales.Deal{Account: account, Amount: 1_000_000, Owner: storage.PersonRef(0), Stage: 2,
			CreatedAt: now.AddDate(0, 0, -30), UpdatedAt: now.AddDate(0, 0, -1), StageEnteredAt: now.AddDate(0, 0, -1)})
	}
	deal("Silent")  // D-1: no activity for 30 days
	deal("Busy")    // D-2: a call 3 days ago
	deal("Snoozed") // D-3: quiet but snoozed
	deal("Fading")  // D-4: a note 20 days ago
	in.Deals[2].SnoozedUntil = now.AddDate(0, 0, 3)
	res, err := db.Import(ctx, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep := res.PersonIDs[0]
	for _, a := range []sales.Activity{
		{Deal: res.DealIDs[1], Who: rep, Type: "call", At: now.AddDate(0, 0, -3)},
		{Deal: res.DealIDs[3], Who: rep, Type: "note", At: now.AddDate(0, 0, -20), Text: "waiting on legal"},
	} {
		if _, err := db.LogActivity(ctx, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	quiet := func() map[string]string {
		t.Helper()
		s, err := digest.New(digest.Config{Store: db, Locale: sales.Locale{Clock: clock}})
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.Build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, c := range d.Coaching {
			if c.Kind == digest.CoachGoneQuiet {
				out[c.Deal.String()] = c.Problem
			}
		}
		return out
	}
	got := quiet()
	if len(got) != 2 || !strings.Contains(got["D-1"], "Silent (D-1, Qualified, $10k) has had no call, meeting, email or note for 30 days") ||
		!strings.Contains(got["D-4"], "for 20 days") {
		t.Fatalf("gone quiet = %v, want D-1 (30 days) and D-4 (20 days)", got)
	}
	if _, err := db.ModifyActivityConfig(ctx, func(c *sales.ActivityConfig) error { c.QuietDays = 21; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := quiet(); len(got) != 1 || got["D-1"] == "" {
		t.Fatalf("with 21 quiet days: %v, want D-1 only", got)
	}
}
