package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// countingStore counts the weekly reads: a streak reads one week at a
// time, and only while someone's streak goes on; one person's, only their
// own activities.
type countingStore struct {
	*storage.DB
	reads []string
}

func (c *countingStore) ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error) {
	c.reads = append(c.reads, from.Format("01-02"))
	return c.DB.ActivityCounts(ctx, from, to)
}

func (c *countingStore) PersonActivities(ctx context.Context, who sales.PersonID, from, to time.Time) ([]sales.Activity, error) {
	c.reads = append(c.reads, fmt.Sprintf("P%d:%s", who, from.Format("01-02")))
	return c.DB.PersonActivities(ctx, who, from, to)
}

// streakFixture is newFixture plus weekly goals and activities in New
// York: bob 3 calls a week since W40, cat 1 activity a week since W46.
// As of Monday 30 Nov 2026 09:00 New York the last completed week is W48
// (23–29 Nov).
//
//	week  bob calls  cat
//	W49   5          —       (in progress: not counted)
//	W48   3 *        meeting
//	W47   3          email
//	W46   2          note
//	W45   3          call    (cat had no goal yet)
//
// * one of them on Sunday 29 Nov 23:30 New York, Monday in UTC.
// So bob's streak is 2 (W46 short), cat's 3 (no goal before W46).
func streakFixture(t *testing.T) (fixture, *time.Location, time.Time) {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	f := newFixture(t)
	ctx := context.Background()
	wk := func(i int) sales.Period { return sales.Period{Kind: sales.Week, Year: 2026, Index: i} }
	for _, g := range []sales.ActivityGoal{
		{Person: f.bob.ID, Type: "call", Kind: sales.Week, From: wk(40), Recurs: true, Target: 3},
		{Person: f.cat.ID, Kind: sales.Week, From: wk(46), Recurs: true, Target: 1},
		{Person: f.ann.ID, Team: true, Kind: sales.Week, From: wk(40), Recurs: true, Target: 1}, // a team goal: no streak for ann
	} {
		if err := f.db.SetActivityGoal(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	at := func(m, d, h, min int) time.Time { return time.Date(2026, time.Month(m), d, h, min, 0, 0, ny) }
	var acts []sales.Activity
	add := func(who sales.PersonID, typ string, n int, t time.Time) {
		for i := range n {
			acts = append(acts, sales.Activity{Who: who, Account: "acct", Type: typ, At: t.Add(time.Duration(i) * time.Minute), Text: fmt.Sprint(i)})
		}
	}
	add(f.bob.ID, "call", 5, at(11, 30, 8, 0))
	add(f.bob.ID, "call", 2, at(11, 24, 10, 0))
	add(f.bob.ID, "call", 1, at(11, 29, 23, 30))
	add(f.bob.ID, "call", 3, at(11, 17, 10, 0))
	add(f.bob.ID, "call", 2, at(11, 10, 10, 0))
	add(f.bob.ID, "call", 3, at(11, 3, 10, 0))
	add(f.cat.ID, "meeting", 1, at(11, 27, 10, 0))
	add(f.cat.ID, "email", 1, at(11, 16, 10, 0)) // Monday of W47
	add(f.cat.ID, "note", 1, at(11, 15, 23, 0))  // Sunday of W46
	add(f.cat.ID, "call", 1, at(11, 4, 10, 0))
	if _, err := f.db.ImportActivities(ctx, acts); err != nil {
		t.Fatal(err)
	}
	return f, ny, at(11, 30, 9, 0)
}

// countsOnly hides PersonActivities.
type countsOnly struct{ db *storage.DB }

func (c countsOnly) ActivityGoals(ctx context.Context, person sales.PersonID, team bool, kind sales.PeriodKind) ([]sales.ActivityGoal, error) {
	return c.db.ActivityGoals(ctx, person, team, kind)
}

func (c countsOnly) ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error) {
	return c.db.ActivityCounts(ctx, from, to)
}

func TestStreaks(t *testing.T) {
	f, ny, at := streakFixture(t)
	ctx := context.Background()
	src := &countingStore{DB: f.db}
	got, err := report.Streaks(ctx, src, at, ny)
	if err != nil {
		t.Fatal(err)
	}
	w48 := sales.Period{Kind: sales.Week, Year: 2026, Index: 48}
	want := map[sales.PersonID]sales.Streak{f.bob.ID: {Weeks: 2, Through: w48}, f.cat.ID: {Weeks: 3, Through: w48}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("streaks %v, want %v", got, want)
	}
	// W48 to W45: cat's streak is known once W45 (no goal) is read.
	if r := strings.Join(src.reads, " "); r != "11-23 11-16 11-09 11-02" {
		t.Errorf("read weeks from %s, want 11-23 11-16 11-09 11-02", r)
	}

	// One person: only as far back as their streak needs.
	src.reads = nil
	bob, err := report.StreakOf(ctx, src, f.bob.ID, at, ny)
	wantReads := fmt.Sprintf("P%d:11-23 P%[1]d:11-16 P%[1]d:11-09", f.bob.ID)
	if r := strings.Join(src.reads, " "); err != nil || bob != want[f.bob.ID] || r != wantReads {
		t.Errorf("bob %+v, %v after %s, want %+v after %s", bob, err, r, want[f.bob.ID], wantReads)
	}
	// Without the per-person read: the week's counts of everyone.
	if bob, err := report.StreakOf(ctx, countsOnly{f.db}, f.bob.ID, at, ny); err != nil || bob != want[f.bob.ID] {
		t.Errorf("bob from counts %+v, %v", bob, err)
	}
	src.reads = nil
	ann, err := report.StreakOf(ctx, src, f.ann.ID, at, ny)
	if err != nil || ann.Weeks != 0 || len(src.reads) != 0 {
		t.Errorf("ann %+v, %v after %v: no goal of her own, nothing read", ann, err, src.reads)
	}

	// In UTC bob's Sunday-night call falls in W49: W48 is one short.
	utc, err := report.Streaks(ctx, f.db, at, time.UTC)
	if err != nil || utc[f.bob.ID].Weeks != 0 {
		t.Errorf("UTC: bob %+v, %v; want no streak", utc[f.bob.ID], err)
	}
	// A week later W49 has ended: bob's 5 calls make it 3 weeks.
	next, err := report.Streaks(ctx, f.db, at.AddDate(0, 0, 7), ny)
	if err != nil || next[f.bob.ID].Weeks != 3 || next[f.cat.ID].Weeks != 0 {
		t.Errorf("a week later: %v, %v; want bob 3, cat 0 (nothing in W49)", next, err)
	}
}

func TestStreakMilestones(t *testing.T) {
	f, ny, at := streakFixture(t)
	ctx := context.Background()
	nov := sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
	env := report.Env{Now: at, Loc: ny, Cur: sales.DefaultCurrency}
	streaks, err := report.Streaks(ctx, f.db, at, ny)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		from     time.Time
		catMuted bool
		catWin   bool
		want     string
	}{
		{"cat's third week on goal", at.AddDate(0, 0, -7), false, false, "streak cat 3"},
		{"the week ended before the window", at.Add(-time.Hour), false, false, ""},
		{"muted people get none", at.AddDate(0, 0, -7), true, false, ""},
		{"a win's milestone outranks the streak", at.AddDate(0, 0, -7), false, true, "personal best cat"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.catMuted || tt.catWin {
				f, _, _ = streakFixture(t)
			}
			if tt.catMuted {
				if _, err := f.db.ModifyPerson(ctx, f.cat.ID, func(p *sales.Person) error { p.CelebrationsOff = true; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			if tt.catWin {
				if _, err := f.db.CreateDeal(ctx, sales.Deal{Account: "acct", Owner: f.cat.ID, Stage: 5, Amount: 9_000_00,
					CreatedAt: time.Date(2026, 11, 2, 0, 0, 0, 0, ny), ClosedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, ny)}, f.cat.ID); err != nil {
					t.Fatal(err)
				}
			}
			cs, err := report.Contenders(ctx, f.db, nov, env, nil)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := report.Milestones(ctx, f.db, nov, tt.from, at, env, cs, streaks)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				switch m.Kind {
				case sales.MilestoneStreak:
					got = append(got, fmt.Sprintf("streak %s %d", m.Name, m.Weeks))
				case sales.MilestonePersonalBest:
					got = append(got, "personal best "+m.Name)
				default:
					got = append(got, fmt.Sprintf("%d %s", m.Kind, m.Name))
				}
			}
			if g := strings.Join(got, ", "); g != tt.want {
				t.Errorf("milestones %q, want %q", g, tt.want)
			}
		})
	}
}
