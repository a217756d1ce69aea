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

func keysOf(posts []digesttest.Post, kind string) []string {
	var out []string
	for _, p := range posts {
		if p.Kind == kind {
			out = append(out, p.Key)
		}
	}
	return out
}

func person(t *testing.T, ps []sales.Person, name string) sales.Person {
	for _, p := range ps {
		if strings.HasPrefix(p.Name, name) {
			return p
		}
	}
	t.Fatalf("no %s", name)
	return sales.Person{}
}

// Nudges go out at 09:00 in each rep's own zone, never on their weekend,
// not to reps who turned them off, and a manager gets a weekly summary of
// what their reps were nudged about and what changed after.
func TestNudgeSchedule(t *testing.T) {
	p := digesttest.NewPoster()
	s, db, clock := digesttest.Setup(t, fx3(), func(c *digest.Config) { c.Poster, c.NudgeSpec = p, "0 9 * * *" })
	ctx := context.Background()
	people, err := db.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bob, carol, dan := person(t, people, "Bob"), person(t, people, "Carol"), person(t, people, "Dan")
	if dan.TZ != "America/New_York" || bob.TZ != "" {
		t.Fatalf("fixture zones changed: %q %q", bob.TZ, dan.TZ)
	}
	start(t, s, clock)
	at := func(day, hour int) {
		t.Helper()
		idle(t, clock)
		clock.Set(time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC))
		idle(t, clock)
	}
	key := func(p sales.Person, slot string) string {
		return "nudge/" + strings.TrimPrefix(p.ID.String(), "P-") + "/" + slot
	}

	at(17, 9) // Tuesday 09:00 UTC: the team zone's reps
	got := keysOf(p.Posts(), "nudge")
	want := []string{key(bob, "2026-11-17T09:00:00Z"), key(carol, "2026-11-17T09:00:00Z")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Tuesday 09:00 UTC nudges %v, want %v", got, want)
	}
	// Bob acts on a deal he was nudged about.
	nudged := p.Posts()[0].Nudge
	if nudged.Person.ID != bob.ID || len(nudged.Overdue)+len(nudged.Stale) == 0 {
		t.Fatalf("Bob's nudge: %+v", nudged)
	}
	moved := append(nudged.Overdue, nudged.Stale...)[0]
	clock.Set(time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC))
	if _, err := db.UpdateDeal(ctx, moved.ID, bob.ID, func(d *sales.Deal) error { d.Stage = 4; return nil }); err != nil {
		t.Fatal(err)
	}
	at(17, 14) // 09:00 in New York
	if got := keysOf(p.Posts(), "nudge"); len(got) != 3 || got[2] != key(dan, "2026-11-17T14:00:00Z") {
		t.Fatalf("Dan's 09:00 EST nudge missing: %v", got)
	}

	// Carol turns nudges off.
	carol.NudgesOff = true
	if err := db.UpdatePerson(ctx, carol); err != nil {
		t.Fatal(err)
	}
	for day := 18; day <= 23; day++ { // Wed … Mon
		at(day, 9)
		at(day, 14)
	}
	for _, k := range keysOf(p.Posts(), "nudge") {
		if strings.HasPrefix(k, key(carol, "")) && !strings.HasSuffix(k, "2026-11-17T09:00:00Z") {
			t.Errorf("Carol opted out but got %s", k)
		}
		if strings.Contains(k, "2026-11-21") || strings.Contains(k, "2026-11-22") {
			t.Errorf("nudge on a weekend: %s", k)
		}
	}
	sums := keysOf(p.Posts(), "summary")
	if len(sums) != 1 {
		t.Fatalf("summaries %v, want one on Monday", sums)
	}
	var sum *digest.NudgeSummary
	for _, post := range p.Posts() {
		if post.Kind == "summary" {
			sum = post.Summary
		}
	}
	if sum.Manager.SlackID != "U0ALICE" || !strings.HasSuffix(sums[0], "/2026-11-23T09:00:00Z") || len(sum.Reps) != 3 {
		t.Fatalf("summary %s: %+v", sums[0], sum)
	}
	var acted bool
	for _, r := range sum.Reps {
		for _, it := range r.Items {
			if it.Deal == moved.ID {
				acted = it.Acted && strings.HasPrefix(it.Outcome, "moved ") && strings.HasSuffix(it.Outcome, "→ Negotiation")
			}
		}
	}
	if !acted || sum.Acted == 0 || sum.Deals < sum.Acted {
		t.Errorf("summary does not show %s moved after the nudge: %+v", moved.ID, sum)
	}
	if !strings.Contains(digest.SummaryText(sum), "Bob") {
		t.Error(digest.SummaryText(sum))
	}
}

// With @every there is no local time: one job for everyone, and each rep's
// weekend is judged in their own zone.
func TestNudgeWeekendInRepZone(t *testing.T) {
	p := digesttest.NewPoster()
	fx := fx3()
	fx.Now = time.Date(2026, 11, 20, 19, 0, 0, 0, time.UTC) // Friday 19:00 UTC
	s, db, clock := digesttest.Setup(t, fx, func(c *digest.Config) { c.Poster, c.NudgeSpec = p, "@every 1h" })
	ctx := context.Background()
	people, _ := db.People(ctx)
	carol := person(t, people, "Carol")
	carol.TZ = "Pacific/Auckland" // Saturday 08:00 there
	if err := db.UpdatePerson(ctx, carol); err != nil {
		t.Fatal(err)
	}
	start(t, s, clock)
	idle(t, clock)
	clock.Advance(time.Hour)
	idle(t, clock)
	keys := keysOf(p.Posts(), "nudge")
	if len(keys) == 0 {
		t.Fatal("no nudges on a Friday evening in UTC")
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "nudge/"+strings.TrimPrefix(carol.ID.String(), "P-")+"/") {
			t.Errorf("Carol got %s on her Saturday", k)
		}
	}
}

func TestNudgeContent(t *testing.T) {
	s, db, clock := digesttest.Setup(t, fx3(), nil)
	ctx := context.Background()
	people, _ := db.People(ctx)
	bob := person(t, people, "Bob")
	now := clock.Now()
	n, err := s.NudgeFor(ctx, bob, now, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !n.Useful() || len(n.Overdue) == 0 {
		t.Fatalf("Bob's nudge %+v", n)
	}
	// Snoozing a deal quiets it.
	snoozed := n.Overdue[0].ID
	if _, err := db.UpdateDeal(ctx, snoozed, bob.ID, func(d *sales.Deal) error { d.SnoozedUntil = now.AddDate(0, 0, 7); return nil }); err != nil {
		t.Fatal(err)
	}
	n, err = s.NudgeFor(ctx, bob, now, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range append(n.Overdue, n.Stale...) {
		if d.ID == snoozed {
			t.Errorf("snoozed %s still nudged", snoozed)
		}
	}
	// The manager, with no deals and no quota, has nothing useful to hear.
	alice := person(t, people, "Alice")
	n, err = s.NudgeFor(ctx, alice, now, now.Add(-24*time.Hour))
	if err != nil || n.Useful() {
		t.Fatalf("Alice's nudge %+v %v", n, err)
	}
}

// Behind pace and no new pipeline: the amount per working day and the
// pipeline to add for 3x coverage.
func TestNudgeBehindPace(t *testing.T) {
	now := digesttest.FixedNow // 17 Nov: 10 working days left in November
	clock := digesttest.NewClock(now)
	db := storagetest.MustOpenWith(t, storage.Options{Clock: clock})
	month := sales.PeriodOf(sales.Month, now, time.UTC)
	in := storage.Import{
		People: []sales.Person{{Name: "Slow", SlackID: "U1"}},
		Quotas: []sales.Quota{{Scope: sales.ScopeRep, Subject: uint64(storage.PersonRef(0)), Period: month, Amount: 100_000_00}},
		Deals: []sales.Deal{
			{Account: "Won", Amount: 10_000_00, Owner: storage.PersonRef(0), Stage: 5, CreatedAt: now.AddDate(0, 0, -40), ClosedAt: now.AddDate(0, 0, -10)},
			{Account: "Open", Amount: 20_000_00, Owner: storage.PersonRef(0), Stage: 3, CreatedAt: now.AddDate(0, 0, -30), UpdatedAt: now.AddDate(0, 0, -2), StageEnteredAt: now.AddDate(0, 0, -2)},
		},
	}
	if _, err := db.Import(context.Background(), in, 0); err != nil {
		t.Fatal(err)
	}
	s, err := digest.New(digest.Config{Store: db, Locale: sales.Locale{Clock: clock}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.PersonBySlackID(context.Background(), "U1")
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.NudgeFor(context.Background(), p, now, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	pr := n.Progress
	if !n.Behind || pr.WorkingDays != 10 || pr.PerWorkingDay != sales.Some(9_000_00) {
		t.Errorf("behind=%v per working day %v over %d days", n.Behind, pr.PerWorkingDay, pr.WorkingDays)
	}
	// The open deal has no close date, so it covers nothing (contract:
	// coverage counts what closes by the period's end): 3 × $90k to add.
	if !n.NoNewPipeline || n.NeedPipeline != 270_000_00 {
		t.Errorf("no new pipeline=%v, need %d", n.NoNewPipeline, n.NeedPipeline)
	}
	txt := digest.NudgeText(n)
	if !strings.Contains(txt, "$9,000.00 per working day") || !strings.Contains(txt, "add $270k") {
		t.Error(txt)
	}
}
