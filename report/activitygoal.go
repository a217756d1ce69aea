package report

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// ActivityGoalSource is what activity-goal progress reads.
type ActivityGoalSource interface {
	People(ctx context.Context) ([]sales.Person, error)
	ActivityGoals(ctx context.Context, person sales.PersonID, team bool, kind sales.PeriodKind) ([]sales.ActivityGoal, error)
	ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error)
}

// ActivityGoalKinds are the periods activity goals are counted over, in
// the order views list them.
var ActivityGoalKinds = []sales.PeriodKind{sales.Week, sales.Month}

// ActivityProgressOf is the progress of each activity goal that holds at
// env.Now for a rep (team false) or a manager's team (team true: the
// manager and everyone reporting to them, counted together; manager 0:
// the company), this week and this month: /goal, the Home tab and the
// digest's coaching all read it. Goals are listed week first.
func ActivityProgressOf(ctx context.Context, src ActivityGoalSource, person sales.PersonID, team bool, env Env) ([]sales.ActivityProgress, error) {
	return NewActivityTracker(src, env).Progress(ctx, person, team)
}

// ActivityTracker answers ActivityProgressOf for many subjects at one
// moment, counting each period's activities once (the digest asks for
// every rep).
type ActivityTracker struct {
	src    ActivityGoalSource
	env    Env
	counts map[sales.PeriodKind]sales.ActivityCounts
	people []sales.Person
}

// NewActivityTracker counts nothing until asked.
func NewActivityTracker(src ActivityGoalSource, env Env) *ActivityTracker {
	return &ActivityTracker{src: src, env: env, counts: map[sales.PeriodKind]sales.ActivityCounts{}}
}

// Progress is ActivityProgressOf for one subject.
func (t *ActivityTracker) Progress(ctx context.Context, person sales.PersonID, team bool) ([]sales.ActivityProgress, error) {
	var members map[sales.PersonID]bool
	var out []sales.ActivityProgress
	for _, kind := range ActivityGoalKinds {
		goals, err := t.src.ActivityGoals(ctx, person, team, kind)
		if err != nil {
			return nil, fmt.Errorf("activity goals: %w", err)
		}
		p := sales.PeriodOf(kind, t.env.Now, t.env.Loc)
		held := holding(goals, p)
		if len(held) == 0 {
			continue
		}
		if team && members == nil {
			if members, err = t.team(ctx, person); err != nil {
				return nil, err
			}
		}
		counts, ok := t.counts[kind]
		if !ok {
			if counts, err = t.src.ActivityCounts(ctx, p.Start(t.env.Loc), p.End(t.env.Loc)); err != nil {
				return nil, fmt.Errorf("activity goals: %w", err)
			}
			t.counts[kind] = counts
		}
		for _, g := range held {
			done := counts.Of(person, g.Type)
			if team {
				done = 0
				for id := range members {
					done += counts.Of(id, g.Type)
				}
			}
			out = append(out, sales.NewActivityProgress(g, p, done, t.env.Now, t.env.Loc))
		}
	}
	return out, nil
}

// team is a manager's team, or everyone for manager 0 (the company).
func (t *ActivityTracker) team(ctx context.Context, manager sales.PersonID) (map[sales.PersonID]bool, error) {
	if t.people == nil {
		people, err := t.src.People(ctx)
		if err != nil {
			return nil, fmt.Errorf("activity goals: %w", err)
		}
		t.people = people
	}
	if manager != 0 {
		return sales.TeamOf(t.people, manager), nil
	}
	all := make(map[sales.PersonID]bool, len(t.people))
	for _, p := range t.people {
		all[p.ID] = true
	}
	return all, nil
}

// holding is, for each type with a goal, the one goal that holds in p,
// in the order the store lists the types ("" = every type, first).
func holding(goals []sales.ActivityGoal, p sales.Period) []sales.ActivityGoal {
	return sales.GoalsHeld(goals, p)
}
