package commands_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// A win names the owner's streak on their weekly activity goals when it
// is a milestone length, on their first win of the week, if no bigger
// milestone applies; never for a muted owner.
func TestWinStreak(t *testing.T) {
	e := newEnv(t)
	e.team()
	// now is Thursday 26 Nov 2026 (W48). Each rep: 2 calls a week from
	// W44 on; alice and bob met it in W45–W47 (a 3-week streak, W44
	// empty), carol in W44–W47 (4 weeks: not a milestone length).
	wk := func(i int) sales.Period { return sales.Period{Kind: sales.Week, Year: 2026, Index: i} }
	var acts []sales.Activity
	for _, who := range []string{alice, bob, carol} {
		p := e.person(who)
		if err := e.db.SetActivityGoal(e.ctx, sales.ActivityGoal{Person: p.ID, Type: "call", Kind: sales.Week, From: wk(44), Recurs: true, Target: 2}); err != nil {
			t.Fatal(err)
		}
		first := 45
		if who == carol {
			first = 44
		}
		for w := first; w <= 47; w++ {
			for i := range 2 {
				acts = append(acts, sales.Activity{Who: p.ID, Account: "acct", Type: "call", At: wk(w).Start(time.UTC).Add(time.Duration(10+i) * time.Hour), Text: fmt.Sprint(who, w, i)})
			}
		}
	}
	if _, err := e.db.ImportActivities(e.ctx, acts); err != nil {
		t.Fatal(err)
	}
	// Each rep's first win of November, on the 3rd, is bigger than the
	// ones below: no first win, no personal best now.
	early := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	e.clock.Add(early.Sub(now))
	for _, who := range []string{alice, bob, carol} {
		e.add(who, "Early 5k stage:won")
	}
	e.clock.Add(now.Sub(early))
	e.must(bob, "/salesbot", "celebrations off")

	win := func(who, account string) (int, sales.MilestoneKind) {
		t.Helper()
		id := e.add(who, account+" 1k")
		res := e.must(who, "/deal", "won "+id.String())
		if res.Win == nil {
			t.Fatalf("%s %s: no win notice", who, account)
		}
		return res.Win.Streak, res.Win.Milestone()
	}
	if n, m := win(alice, "A1"); n != 3 || m != sales.MilestoneStreak {
		t.Errorf("alice's first win of the week: streak %d, milestone %v; want 3, streak", n, m)
	}
	if n, m := win(alice, "A2"); n != 0 || m != sales.MilestoneNone {
		t.Errorf("alice's second win of the week: streak %d, milestone %v; want none", n, m)
	}
	if n, m := win(bob, "B1"); n != 0 || m != sales.MilestoneNone {
		t.Errorf("bob (muted): streak %d, milestone %v; want none", n, m)
	}
	if n, m := win(carol, "C1"); n != 0 || m != sales.MilestoneNone {
		t.Errorf("carol (4 weeks): streak %d, milestone %v; want none", n, m)
	}

	// /goal says it under the activity lines, from 2 weeks on.
	for _, c := range []struct{ user, text, want string }{
		{alice, "", "3-week streak on your weekly activity goals (through the week of 16 Nov 2026)"},
		{manager, "<@UCAROL|carol>", "4-week streak on their weekly activity goals (through the week of 16 Nov 2026)"},
	} {
		res := e.must(c.user, "/goal", c.text)
		if len(res.Goals) == 0 || res.Goals[0].Streak != c.want {
			t.Errorf("%s /goal %s: %+v, want streak %q", c.user, c.text, res.Goals, c.want)
		}
	}
	// A week with one call short ends it: no line.
	if err := e.db.SetActivityGoal(e.ctx, sales.ActivityGoal{Person: e.person(alice).ID, Type: "call", Kind: sales.Week, From: wk(47), Recurs: true, Target: 3}); err != nil {
		t.Fatal(err)
	}
	if res := e.must(alice, "/goal", ""); res.Goals[0].Streak != "" {
		t.Errorf("alice after W47 fell short: %q", res.Goals[0].Streak)
	}
}
