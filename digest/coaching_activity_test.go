package digest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// The digest's coaching reads activity goals: a rep behind on both quota
// and calls gets one item naming both; a rep on pace for money but behind
// on calls gets an activity item; a rep on pace on calls gets neither.
func TestActivityCoaching(t *testing.T) {
	ctx := context.Background()
	now := digesttest.FixedNow
	clock := digesttest.NewClock(now)
	db := storagetest.MustOpenWith(t, storage.Options{Clock: clock})
	in := storage.Import{People: []sales.Person{{Name: "Ann", SlackID: "U1"}, {Name: "Ben", SlackID: "U2"}, {Name: "Cat", SlackID: "U3"}}}
	for i := range 3 {
		in.Deals = append(in.Deals, sales.Deal{Account: "Acct", Amount: 1_000_00, Owner: storage.PersonRef(i), Stage: 2,
			CreatedAt: now.AddDate(0, 0, -3), UpdatedAt: now.AddDate(0, 0, -1), StageEnteredAt: now.AddDate(0, 0, -1)})
	}
	res, err := db.Import(ctx, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	ann, ben, cat := res.PersonIDs[0], res.PersonIDs[1], res.PersonIDs[2]
	month := sales.PeriodOf(sales.Month, now, time.UTC)
	week := sales.PeriodOf(sales.Week, now, time.UTC)
	// Ann: a big quota she is far behind on; Ben: a quota already won
	// (nothing to chase in money); Cat: no quota.
	for _, q := range []sales.Quota{
		{Scope: sales.ScopeRep, Subject: uint64(ann), Period: month, Amount: 1_000_000_00},
	} {
		if err := db.SetQuota(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, who := range []sales.PersonID{ann, ben, cat} {
		if err := db.SetActivityGoal(ctx, sales.ActivityGoal{Person: who, Type: "call", Kind: sales.Week, From: week, Recurs: true, Target: 40}); err != nil {
			t.Fatal(err)
		}
	}
	// Cat is on pace: as many calls as the week's share of 40.
	p := sales.NewActivityProgress(sales.ActivityGoal{Target: 40, Kind: sales.Week, From: week}, week, 0, now, time.UTC)
	catCalls := int(p.Elapsed.V*40) + 1
	log := func(who sales.PersonID, deal sales.DealID, n int) {
		for i := range n {
			if _, err := db.LogActivity(ctx, sales.Activity{Deal: deal, Who: who, Type: "call", At: now.Add(-time.Duration(i+1) * time.Minute)}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	log(ann, res.DealIDs[0], 3)
	log(ben, res.DealIDs[1], 3)
	log(cat, res.DealIDs[2], catCalls)
	s, err := digest.New(digest.Config{Store: db, Locale: sales.Locale{Clock: clock}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byRep := map[string]digest.Coaching{}
	for _, c := range d.Coaching {
		if c.Kind == digest.CoachBehindPace || c.Kind == digest.CoachBehindActivity {
			byRep[c.Rep] = c
		}
	}
	if c := byRep["Ann"]; c.Kind != digest.CoachBehindPace || !strings.HasPrefix(c.Problem, "Ann is behind on calls and on pace: 3 calls this week against 40.") {
		t.Errorf("Ann: %+v", c)
	}
	if c := byRep["Ben"]; c.Kind != digest.CoachBehindActivity || !strings.Contains(c.Problem, "Ben is behind on calls: 3 calls this week against 40") {
		t.Errorf("Ben: %+v", c)
	}
	if c, ok := byRep["Cat"]; ok {
		t.Errorf("Cat is on pace with %d calls, but: %+v", catCalls, c)
	}
}
