package digest_test

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// The weekly standings go to the wins channel at each slot, once across
// restarts, with /leaderboard won's board for the month and the week's
// milestones, leaving out whoever muted celebrations.
func TestStandingsSchedule(t *testing.T) {
	p := digesttest.NewPoster()
	s, db, clock := digesttest.Setup(t, fx3(), func(c *digest.Config) {
		c.Poster, c.StandingsSpec, c.WinsChannel = p, "0 16 * * 5", "C0WINS"
	})
	ctx := context.Background()
	people, err := db.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	carol := person(t, people, "Carol")
	if _, err := db.ModifyPerson(ctx, carol.ID, func(p *sales.Person) error { p.CelebrationsOff = true; return nil }); err != nil {
		t.Fatal(err)
	}
	r := start(t, s, clock)
	at := func(day, hour int) {
		t.Helper()
		idle(t, clock)
		clock.Set(time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC))
		idle(t, clock)
	}
	at(19, 16) // Thursday: nothing
	if n := len(p.Posts()); n != 0 {
		t.Fatalf("posts on a Thursday: %v", keysOf(p.Posts(), ""))
	}
	at(20, 16) // Friday 16:00
	posts, err := p.Await(ctx, "standings", 1)
	if err != nil {
		t.Fatal(err)
	}
	st := posts[0].Standing
	nov := sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
	if posts[0].Channel != "C0WINS" || st.Board.Period != nov || st.Final || st.Title != "Weekly standings · November 2026" {
		t.Fatalf("standings %q in %s for %v (final %v)", st.Title, posts[0].Channel, st.Board.Period, st.Final)
	}
	want, _, err := report.Leaderboard(ctx, db, nov, sales.BoardWon, report.Env{Now: clock.Now(), Loc: time.UTC, Cur: sales.DefaultCurrency}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Ranked) == 0 || len(st.Board.Ranked) != len(want.Ranked) {
		t.Fatalf("standings rank %d, /leaderboard won %d", len(st.Board.Ranked), len(want.Ranked))
	}
	for i := range want.Ranked {
		if st.Board.Ranked[i].Person != want.Ranked[i].Person || st.Board.Ranked[i].Rank != want.Ranked[i].Rank {
			t.Errorf("#%d: standings %+v, /leaderboard %+v", i, st.Board.Ranked[i], want.Ranked[i])
		}
	}
	for _, m := range st.Milestones {
		if m.Person == carol.ID {
			t.Errorf("a milestone for Carol, who muted celebrations: %+v", m)
		}
		if _, ok := st.Board.Find(m.Person); !ok {
			t.Errorf("a milestone for someone not on the board: %+v", m)
		}
	}
	// A restart re-reads the claimed slot: nothing twice.
	r.stop()
	start(t, s, clock)
	at(20, 17)
	if n := len(keysOf(p.Posts(), "standings")); n != 1 || p.Dups != 0 {
		t.Errorf("after a restart: %d standings, %d repeated keys", n, p.Dups)
	}
	at(27, 16)
	if n := len(keysOf(p.Posts(), "standings")); n != 2 {
		t.Errorf("the next Friday: %d standings, want 2", n)
	}
}

// A slot on the 1st posts the month just ended, as its final standings.
func TestStandingsOnTheFirstAreFinal(t *testing.T) {
	s, _, _ := digesttest.Setup(t, fx3(), nil)
	st, err := s.StandingsAt(context.Background(), time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Final || st.Board.Period != (sales.Period{Kind: sales.Month, Year: 2026, Index: 11}) || st.Title != "Final standings · November 2026" {
		t.Errorf("standings on 1 Dec: %q, period %v, final %v", st.Title, st.Board.Period, st.Final)
	}
}

// The standings name a rep whose streak on weekly activity goals reached
// a milestone length in their week, even without a win that week.
func TestStandingsStreak(t *testing.T) {
	s, db, _ := digesttest.Setup(t, fx3(), nil)
	ctx := context.Background()
	people, err := db.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	carol := person(t, people, "Carol")
	// 1 call a week from W45: met in W45, W46, W47 (16–22 Nov).
	wk := func(i int) sales.Period { return sales.Period{Kind: sales.Week, Year: 2026, Index: i} }
	if err := db.SetActivityGoal(ctx, sales.ActivityGoal{Person: carol.ID, Type: "call", Kind: sales.Week, From: wk(45), Recurs: true, Target: 1}); err != nil {
		t.Fatal(err)
	}
	var acts []sales.Activity
	for w := 45; w <= 47; w++ {
		acts = append(acts, sales.Activity{Who: carol.ID, Account: "acct", Type: "call", At: wk(w).Start(time.UTC).Add(10 * time.Hour)})
	}
	if _, err := db.ImportActivities(ctx, acts); err != nil {
		t.Fatal(err)
	}
	streakOf := func(at time.Time) int {
		t.Helper()
		st, err := s.StandingsAt(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range st.Milestones {
			if m.Kind == sales.MilestoneStreak {
				if m.Person != carol.ID {
					t.Errorf("streak for %s", m.Name)
				}
				return m.Weeks
			}
		}
		return 0
	}
	if n := streakOf(time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)); n != 3 {
		t.Errorf("Friday 27 Nov: streak %d, want 3 (W47 ended in the week)", n)
	}
	if n := streakOf(time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)); n != 0 {
		t.Errorf("Friday 20 Nov: streak %d, want none (2 weeks)", n)
	}
}
