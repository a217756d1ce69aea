package commands_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// Activity goals through the commands, on Thursday 26 Nov 2026 (three of
// the week's five working days have ended: 60%).
func TestActivityGoals(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(alice, "/deal", "add Acme 5k")
	e.must(bob, "/deal", "add Globex 7k")

	res := e.must(manager, "/goal", "set <@UALICE|alice> 10 calls week")
	if !strings.Contains(strings.Join(res.Lines, " "), "alice's goal is 10 calls a week, every week from week of 23 Nov 2026") {
		t.Fatalf("set reply: %q", res.Lines)
	}
	e.must(manager, "/goal", "set team 20 activities week")
	for i := range 3 {
		e.must(alice, "/deal", fmt.Sprintf("call D-1 attempt %d", i+1))
	}
	e.must(alice, "/deal", "email D-1 sent the proposal")
	e.must(bob, "/deal", "meeting D-2 demo")

	goal := e.must(alice, "/goal", "")
	acts := goal.Goals[0].Activity
	if len(acts) != 1 {
		t.Fatalf("alice's /goal activity: %+v", acts)
	}
	// 3 of 10 = 30% against 60% of the working days elapsed: pace 0.5.
	if a := acts[0]; a.Progress.Done != 3 || a.Progress.Verdict != sales.PaceBehind ||
		a.Text != "3 of 10 calls this week (30%) · behind pace · 3.5 a working day to go" {
		t.Fatalf("alice's call goal: %+v", a)
	}
	// The team counts everyone's activities of every type: 3 + 1 + 1.
	team := e.must(manager, "/goal", "team")
	if ta := team.Goals[0].Activity; len(ta) != 1 || ta[0].Progress.Done != 5 || ta[0].Progress.Goal.Target != 20 {
		t.Fatalf("team activity: %+v", ta)
	}
	// A goal for one named week wins over the recurring one in that week only.
	e.must(manager, "/goal", "set <@UALICE|alice> 4 calls 2026-W48")
	if a := e.must(alice, "/goal", "").Goals[0].Activity; len(a) != 1 || a[0].Progress.Goal.Target != 4 || a[0].Progress.Verdict != sales.PaceAhead {
		t.Fatalf("after the one-week goal: %+v", a)
	}
	// The Home tab carries the same lines.
	home, err := e.svc.Home(e.ctx, e.req(alice, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if len(home.Goal.Activity) != 1 || home.Goal.Activity[0].Text != e.must(alice, "/goal", "").Goals[0].Activity[0].Text {
		t.Fatalf("home activity: %+v", home.Goal.Activity)
	}
	// A quota set command is still a quota.
	if res := e.must(manager, "/goal", "set <@UALICE|alice> 50k"); res.Title != "Quota set" {
		t.Fatalf("quota form: %+v", res)
	}
}

func TestActivityGoalBadInput(t *testing.T) {
	e := newEnv(t)
	e.team()
	for _, c := range []struct {
		user, text, want string
	}{
		{manager, "set <@UALICE|alice> 0 calls week", "at least 1"},
		{manager, "set <@UALICE|alice> -5 calls week", "usage: /goal set"},
		{manager, "set <@UALICE|alice> 40 visits week", `"visits" is not an activity type`},
		{manager, "set <@UALICE|alice> 40 calls quarter", "per week or month"},
		{manager, "set <@UALICE|alice> 40 calls", "usage: /goal set @user <N> calls|meetings|emails|activities week|month"},
		{manager, "set <@UALICE|alice> 40000 calls week", "more than 10000"},
		{alice, "set <@UBOB|bob> 40 calls week", "manager or admin"},
	} {
		t.Run(c.text, func(t *testing.T) {
			before := e.snapshot()
			_, err := e.do(c.user, "/goal", c.text)
			if err == nil || !strings.Contains(sales.ErrorMessage(err), c.want) {
				t.Fatalf("/goal %s: %v, want %q", c.text, err, c.want)
			}
			e.unchanged(before, c.text)
		})
	}
}

// The activity form round-trips through Cmd.String like every form.
func TestActivityGoalFormRoundTrip(t *testing.T) {
	p := parser()
	for _, text := range []string{"set @alice 40 calls week", "set team 12 meetings month", "set @bob 5 activities 2026-W50"} {
		c, err := p.Parse("/goal", text)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if !c.ActivityGoal {
			t.Fatalf("%s parsed as a quota: %+v", text, c)
		}
		again, err := p.Parse("/goal", strings.TrimPrefix(c.String(), "/goal "))
		if err != nil || again.Count != c.Count || again.Activity != c.Activity || again.Period != c.Period || again.Recurs != c.Recurs {
			t.Fatalf("%s → %s → %+v, %v", text, c.String(), again, err)
		}
	}
	if c, err := p.Parse("/goal", "set @alice 50k quarter"); err != nil || c.ActivityGoal {
		t.Fatalf("a quota parsed as an activity goal: %+v, %v", c, err)
	}
}

// /leaderboard activities ranks everyone by activities logged in the
// period (every type), this month unless told, or a week; a manager
// without a quota is not ranked.
func TestLeaderboardActivities(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(alice, "/deal", "add Acme 5k")
	e.must(bob, "/deal", "add Globex 7k")
	e.must(manager, "/deal", "add Initech 9k")
	for i := range 3 {
		e.must(alice, "/deal", fmt.Sprintf("call D-1 attempt %d", i+1))
	}
	e.must(bob, "/deal", "meeting D-2 demo")
	e.must(bob, "/deal", "email D-2 recap")
	e.must(manager, "/deal", "call D-3 intro")
	for _, text := range []string{"activities", "week activities"} {
		v := e.must(carol, "/leaderboard", text).Leaderboard
		if v == nil || len(v.Board.Ranked) != 2 {
			t.Fatalf("%s: %+v", text, v)
		}
		if r := v.Board.Ranked; r[0].Name != "alice" || r[0].Activities != 3 || r[0].Rank != 1 || r[1].Name != "bob" || r[1].Activities != 2 || r[1].Rank != 2 {
			t.Fatalf("%s ranks %+v", text, r)
		}
	}
	if v := e.must(manager, "/leaderboard", "activities").Leaderboard; v.You != nil || !strings.Contains(v.YouWhy, "managers are ranked only with a quota") {
		t.Fatalf("manager: %+v", v)
	}
}
