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

// The weekly forecast call goes out on Monday at 09:00 in each rep's own
// zone, to reps with a quota only, once a slot even across restarts of the
// scheduler; the team-zone slot also sends the manager the roll-up with
// the calls made, who is missing, and what changed since last week.
func TestForecastCallSchedule(t *testing.T) {
	p := digesttest.NewPoster()
	fx := digesttest.Fixture{Name: "calls", Now: digesttest.FixedNow, Opts: digesttest.Options{Reps: 3, DealsPerRep: 10, Seed: 1, NoQuota: 1}}
	s, db, clock := digesttest.Setup(t, fx, func(c *digest.Config) { c.Poster, c.ForecastSpec = p, "0 9 * * 1" })
	ctx := context.Background()
	people, err := db.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bob, carol, dan := person(t, people, "Bob"), person(t, people, "Carol"), person(t, people, "Dan")
	if dan.TZ != "America/New_York" || bob.TZ != "" {
		t.Fatalf("fixture zones changed: %q %q", bob.TZ, dan.TZ)
	}
	nov := sales.PeriodOf(sales.Month, fx.Now, time.UTC)
	if err := db.RecordForecastCall(ctx, sales.ForecastCall{Person: bob.ID, Period: nov, Commit: 40_000_00, Best: 55_000_00, At: fx.Now.Unix()}); err != nil {
		t.Fatal(err)
	}
	r := start(t, s, clock)
	at := func(day, hour int) {
		t.Helper()
		idle(t, clock)
		clock.Set(time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC))
		idle(t, clock)
	}
	at(20, 9) // a Friday: nothing
	if n := len(p.Posts()); n != 0 {
		t.Fatalf("posts on a Friday: %v", keysOf(p.Posts(), "forecast"))
	}
	at(23, 9) // Monday 09:00 UTC: Bob and Carol (Dan is in New York, with no quota)
	calls := keysOf(p.Posts(), "forecast")
	if len(calls) != 2 || !strings.Contains(calls[0], "/"+strings.TrimPrefix(bob.ID.String(), "P-")+"/") {
		t.Fatalf("Monday 09:00 UTC calls %v", calls)
	}
	var rollup *digest.ForecastRollup
	for _, post := range p.Posts() {
		switch post.Kind {
		case "forecast":
			c := post.Forecast
			if c.Person.ID == bob.ID && (c.Last == nil || c.Last.Commit != 40_000_00) {
				t.Errorf("Bob's call does not show his last call: %+v", c.Last)
			}
			if !c.Quota.Has || c.Period != nov {
				t.Errorf("%s's call: quota %+v period %v", c.Person.Name, c.Quota, c.Period)
			}
		case "rollup":
			rollup = post.Rollup
		}
	}
	if rollup == nil || rollup.Manager.SlackID != "U0ALICE" {
		t.Fatalf("no roll-up for Alice: %v", keysOf(p.Posts(), "rollup"))
	}
	if len(rollup.Calls) != 2 || rollup.Missing != 1 || rollup.CalledCommit != 40_000_00 {
		t.Errorf("roll-up calls %+v missing %d commit %v", rollup.Calls, rollup.Missing, rollup.CalledCommit)
	}
	for _, c := range rollup.Calls {
		if c.Name == carol.Label() && c.Called {
			t.Errorf("Carol has not called: %+v", c)
		}
	}
	if rollup.ChangesTotal == 0 {
		t.Errorf("the fixture moves deals every day; the roll-up found no change since %v", rollup.Since)
	}
	at(23, 14) // 09:00 in New York: Dan has no quota, so nothing more
	if n := len(keysOf(p.Posts(), "forecast")); n != 2 {
		t.Errorf("Dan without a quota got a call: %v", keysOf(p.Posts(), "forecast"))
	}
	// A restart re-reads the claimed slots and sends nothing twice.
	r.stop()
	start(t, s, clock)
	at(23, 15)
	if p.Dups != 0 || len(keysOf(p.Posts(), "forecast")) != 2 || len(keysOf(p.Posts(), "rollup")) != 1 {
		t.Errorf("after a restart: %d repeated keys, calls %v", p.Dups, keysOf(p.Posts(), "forecast"))
	}
}
