package commands_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// Property (issue 9): with random teams, quotas, deals and histories, a
// random "now" and zone, /goal, /pipeline and the Home tab show for every
// person, team and territory the numbers `salesbot report` (--by owner,
// manager, territory, all) and the digest show for the same subject and
// period. The digest's own agreement with report is
// digest.TestDigestAgreesWithReportProperty.
func TestViewsAgreeProperty(t *testing.T) {
	zones := []string{"UTC", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney"}
	runs := 16
	if testing.Short() {
		runs = 4
	}
	for i := 0; i < runs; i++ {
		seed := uint64(i + 1)
		r := rand.New(rand.NewPCG(seed, 7))
		loc, err := time.LoadLocation(zones[r.IntN(len(zones))])
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("seed%d-%s", seed, loc), func(t *testing.T) { viewsAgreeOnce(t, r, loc) })
	}
}

func viewsAgreeOnce(t *testing.T, r *rand.Rand, loc *time.Location) {
	ctx := context.Background()
	w := digesttest.RandomWorld(t, r, loc)
	cur := sales.DefaultCurrency
	svc := commands.New(w.DB, commands.Config{Locale: sales.Locale{Clock: w.Clock, Loc: loc, Currency: cur},
		Admins: []string{admin}, Digests: &digests{}})
	env := report.Env{Now: w.Now, Loc: loc, Cur: cur}
	run := func(user, cmd, text string) *commands.Result {
		t.Helper()
		res, err := svc.Handle(ctx, commands.Request{Command: cmd, Text: text, UserID: user, UserName: "u" + user})
		if err != nil {
			t.Fatalf("%s %s %s: %v", user, cmd, text, err)
		}
		return res
	}
	// The admin exists before anything is measured, like everyone else.
	run(admin, "/salesbot", "whoami")

	rollups := map[string]*report.Table{}
	rowOf := func(by report.By, p sales.Period, id uint64) sales.Funnel {
		t.Helper()
		key := fmt.Sprint(by, p.Key())
		tb := rollups[key]
		if tb == nil {
			got, err := report.Rollup(ctx, w.DB, by, sales.WindowOf(p, loc), env)
			if err != nil {
				t.Fatal(err)
			}
			tb = &got
			rollups[key] = tb
		}
		for _, row := range tb.Rows {
			if by == report.ByAll || row.ID == id {
				return row.Funnel
			}
		}
		return sales.Funnel{} // no deals: the view shows an empty funnel
	}
	samePipeline := func(what string, v *commands.PipelineView, f sales.Funnel) {
		t.Helper()
		empty := f == sales.Funnel{}
		if empty && v.Funnel.Open == 0 && v.Funnel.Won == 0 && v.Funnel.Lost == 0 {
			return
		}
		if !reflect.DeepEqual(v.Funnel, f) {
			t.Errorf("%s for %s: /pipeline %+v\nreport %+v", what, v.Period, v.Funnel, f)
		}
	}
	sameProgress := func(what string, a, b sales.Progress) {
		t.Helper()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: progress differs\n %+v\n %+v", what, a, b)
		}
	}

	mention := func(p sales.Person) string { return fmt.Sprintf("<@%s|%s>", p.SlackID, p.Name) }
	goals := map[sales.PersonID]sales.Progress{}
	for _, p := range w.People {
		g := run(admin, "/goal", mention(p)).Goals[0]
		pipe := run(admin, "/pipeline", mention(p)).Pipeline
		if pipe.Period != g.Progress.Period {
			t.Errorf("%s: /goal is for %s, /pipeline for %s", p.Name, g.Progress.Period, pipe.Period)
		}
		samePipeline(p.Name+" --by owner", pipe, rowOf(report.ByOwner, pipe.Period, uint64(p.ID)))
		if pipe.Progress != nil {
			sameProgress(p.Name+" /goal vs /pipeline", g.Progress, *pipe.Progress)
		}
		goals[p.ID] = g.Progress

		home, err := svc.Home(ctx, commands.Request{UserID: p.SlackID, UserName: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		sameProgress(p.Name+" Home vs /goal", home.Goal.Progress, g.Progress)
		if !pipe.Past {
			for i, sd := range home.ByStage {
				if i >= len(pipe.ByStage) || pipe.ByStage[i].Stage != sd.Stage || pipe.ByStage[i].Count != int64(sd.Count) || pipe.ByStage[i].Value != sd.Total {
					t.Errorf("%s Home stage %s (%d, %v) vs /pipeline %+v", p.Name, sd.Stage, sd.Count, sd.Total, pipe.ByStage)
				}
			}
		}
	}
	for _, p := range w.People {
		if p.Role != sales.RoleManager {
			continue
		}
		res := run(p.SlackID, "/goal", "team")
		pipe := run(p.SlackID, "/pipeline", "team").Pipeline
		samePipeline(p.Name+"'s team --by manager", pipe, rowOf(report.ByManager, pipe.Period, uint64(p.ID)))
		// Each member row of /goal team is that member's /goal, when it
		// is for the same period.
		for _, g := range res.Goals[1:] {
			for _, q := range w.People {
				if mention(q) == g.Subject || q.Name == g.Subject || q.SlackID == g.SlackID {
					if want := goals[q.ID]; want.Period == g.Progress.Period {
						sameProgress(p.Name+"'s team row "+q.Name, g.Progress, want)
					}
				}
			}
		}
		home, err := svc.Home(ctx, commands.Request{UserID: p.SlackID, UserName: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		if home.Team == nil || !reflect.DeepEqual(home.Team.Funnel, pipe.Funnel) || home.Team.Period != pipe.Period {
			t.Errorf("%s Home team %+v vs /pipeline team %+v", p.Name, home.Team, pipe)
		}
	}
	for _, tr := range w.Territories {
		pipe := run(admin, "/pipeline", "territory "+tr.Name).Pipeline
		samePipeline(tr.Name+" --by territory", pipe, rowOf(report.ByTerritory, pipe.Period, uint64(tr.ID)))
	}
	all := run(admin, "/pipeline", "all").Pipeline
	samePipeline("everyone --by all", all, rowOf(report.ByAll, all.Period, 0))

	// The digest: every scope's totals and each rep's line are the same
	// numbers /pipeline and /goal give for that subject and period.
	s, err := digest.New(digest.Config{Store: w.DB, Locale: sales.Locale{Clock: w.Clock, Loc: loc, Currency: cur}, Channel: "CALL"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.BuildAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Empty {
			continue
		}
		var user, text string
		switch d.Scope.Kind {
		case digest.ScopeTerritory:
			user, text = admin, "territory "+territoryName(w, d.Scope.Territory)
		case digest.ScopeTeam:
			m := personByID(t, w, d.Scope.Manager)
			if m.Role != sales.RoleManager {
				// /pipeline team is the team of someone with the manager
				// role; the world may route a rep who has reports.
				continue
			}
			user, text = m.SlackID, "team"
		default:
			user, text = admin, "all"
		}
		text += " " + d.Period.Key()
		pipe := run(user, "/pipeline", text).Pipeline
		if pipe.Funnel.Open != d.Pipeline.Count || pipe.Funnel.PipelineValue != d.Pipeline.Value || pipe.Funnel.Weighted != d.Pipeline.Weighted {
			t.Errorf("%s: digest pipeline %+v, /pipeline %s %+v", d.ScopeLabel(), d.Pipeline, text, pipe.Funnel)
		}
		team := run(user, "/goal", text).Goals[0].Progress
		sameProgress(d.ScopeLabel()+" digest team line vs /goal "+text, d.Team.Progress, team)
		for _, line := range d.Reps {
			p := personByID(t, w, line.ID)
			g := run(admin, "/goal", mention(p)+" "+line.Period.Key()).Goals[0]
			sameProgress(d.ScopeLabel()+" digest line "+p.Name, line.Progress, g.Progress)
		}
	}
}

func territoryName(w digesttest.World, id sales.TerritoryID) string {
	for _, tr := range w.Territories {
		if tr.ID == id {
			return tr.Name
		}
	}
	return ""
}

func personByID(t *testing.T, w digesttest.World, id sales.PersonID) sales.Person {
	t.Helper()
	p, err := w.DB.Person(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
