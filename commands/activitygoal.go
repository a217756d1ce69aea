package commands

import (
	"fmt"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// goalSetActivity is /goal set @user <N> calls week and /goal set team
// <N> calls week.
func (r *run) goalSetActivity(c Cmd) (*Result, error) {
	f := formOf(c)
	cfg, err := r.store.ActivityConfig(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("goal set: %w", err)
	}
	typ, err := sales.ParseActivityGoalType(c.Activity, cfg)
	if err != nil {
		return nil, sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
	}
	if c.Period.Kind == 0 {
		return nil, sales.Errorf(sales.EINVALID, "say whether the goal is per week or month — usage: %s", f.Usage())
	}
	g := sales.ActivityGoal{Type: typ, Kind: c.Period.Kind, From: c.Period, Recurs: c.Recurs, Target: c.Count, SetBy: r.actor.Person.ID}
	var label, slackID string
	switch c.Scope {
	case ScopeTeam:
		// A manager's team; an admin's "team" is the company, as for quotas.
		g.Team = true
		if r.actor.Role == sales.RoleManager {
			g.Person = r.actor.Person.ID
		}
		label = r.teamLabel(g.Person)
	default:
		person, known, err := r.findUser(c.User)
		if err != nil {
			return nil, err
		}
		if person, err = r.ensureUser(person, known); err != nil {
			return nil, err
		}
		g.Person, label, slackID = person.ID, person.Label(), person.SlackID
		if person.ID == r.actor.Person.ID {
			label = "You"
		}
	}
	if err := r.store.SetActivityGoal(r.ctx, g); err != nil {
		return nil, fmt.Errorf("goal set: %w", err)
	}
	when := "every " + g.Kind.Noun() + " from " + g.From.Label()
	if !g.Recurs {
		when = g.From.Label() + " only"
	}
	res := &Result{Kind: KindGoals, Title: "Activity goal set",
		Lines: []string{fmt.Sprintf("Logged: %s goal is %d %s a %s, %s.", possessive(label), g.Target, g.Noun(), g.Kind.Noun(), when)}}
	if acts, err := r.goalActivity(g.Person, g.Team); err == nil {
		res.Goals = []GoalView{{Subject: label, SlackID: slackID, NoQuota: true, Activity: acts}}
	} else {
		r.log.Error("progress after activity goal", sales.LogKeyError, err.Error())
	}
	return res, nil
}

// goalActivity is the progress of the activity goals that hold now for a
// rep or a manager's team, worded for the reply.
func (r *run) goalActivity(person sales.PersonID, team bool) ([]ActivityLine, error) {
	ps, err := report.ActivityProgressOf(r.ctx, r.store, person, team, report.Env{Now: r.now, Loc: r.loc, Cur: r.cur})
	if err != nil {
		return nil, err
	}
	out := make([]ActivityLine, len(ps))
	for i, p := range ps {
		out[i] = ActivityLine{Progress: p, Text: p.Line(r.now, r.loc)}
	}
	return out, nil
}
