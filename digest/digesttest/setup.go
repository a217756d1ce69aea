package digesttest

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// FixedNow is Tuesday 17 November 2026, 08:00 UTC: the fixtures' clock.
var FixedNow = time.Date(2026, 11, 17, 8, 0, 0, 0, time.UTC)

// Fixture is a named data set at a fixed time, for golden tests.
type Fixture struct {
	Name string
	Now  time.Time
	Opts Options
}

// Fixtures are the acceptance fixtures: empty, 3 reps, 50 reps, 500 reps,
// a rep with no quota, and a period that has just started.
var Fixtures = []Fixture{
	{"empty", FixedNow, Options{}},
	{"3reps", FixedNow, Options{Reps: 3, DealsPerRep: 10, Seed: 1, Hostile: true}},
	{"50reps", FixedNow, Options{Reps: 50, DealsPerRep: 10, Seed: 2, Territories: []string{"EMEA", "Americas"}}},
	{"500reps", FixedNow, Options{Reps: 500, DealsPerRep: 10, Seed: 3}},
	{"noquota", FixedNow, Options{Reps: 3, DealsPerRep: 10, Seed: 4, NoQuota: 1}},
	{"periodstart", time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC), Options{Reps: 3, DealsPerRep: 10, Seed: 5}},
}

// Setup opens a real store in tb.TempDir() on a manual clock at fx.Now,
// loads the fixture, and returns a Service over it (channel C0DIGEST, UTC,
// USD, no schedules unless mod sets them).
func Setup(tb testing.TB, fx Fixture, mod func(*digest.Config)) (*digest.Service, *storage.DB, *Clock) {
	tb.Helper()
	clock := NewClock(fx.Now)
	db := storagetest.MustOpenWith(tb, storage.Options{Clock: clock})
	if fx.Opts.Reps > 0 {
		o := fx.Opts
		o.Now = fx.Now
		if _, err := db.Import(context.Background(), Team(o), 0); err != nil {
			tb.Fatalf("import fixture %s: %v", fx.Name, err)
		}
	}
	cfg := digest.Config{Store: db, Locale: sales.Locale{Clock: clock, Loc: time.UTC, Currency: sales.DefaultCurrency}, Channel: "C0DIGEST"}
	if mod != nil {
		mod(&cfg)
	}
	s, err := digest.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s, db, clock
}

// Nudges builds the nudges of the fixture's first n people that have
// something useful to say (since a day before now).
func Nudges(tb testing.TB, s *digest.Service, db *storage.DB, now time.Time, n int) []*digest.Nudge {
	tb.Helper()
	ctx := context.Background()
	people, err := db.People(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var out []*digest.Nudge
	for _, p := range people {
		if len(out) == n {
			break
		}
		nd, err := s.NudgeFor(ctx, p, now, now.Add(-24*time.Hour))
		if err != nil {
			tb.Fatal(err)
		}
		if nd.Useful() {
			out = append(out, nd)
		}
	}
	return out
}
