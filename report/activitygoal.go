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
// manager and everyone reporting to them, counted together), this week
// and this month: /goal, the Home tab and the digest's coaching all read
// it. Goals are listed week first, then by type.
func ActivityProgressOf(ctx context.Context, src ActivityGoalSource, person sales.PersonID, team bool, env Env) ([]sales.ActivityProgress, error) {
	var members map[sales.PersonID]bool
	var out []sales.ActivityProgress
	for _, kind := range ActivityGoalKinds {
		goals, err := src.ActivityGoals(ctx, person, team, kind)
		if err != nil {
			return nil, fmt.Errorf("activity goals: %w", err)
		}
		p := sales.PeriodOf(kind, env.Now, env.Loc)
		held := holding(goals, p)
		if len(held) == 0 {
			continue
		}
		if team && members == nil {
			people, err := src.People(ctx)
			if err != nil {
				return nil, fmt.Errorf("activity goals: %w", err)
			}
			members = sales.TeamOf(people, person)
			if person == 0 { // the company: everyone
				members = make(map[sales.PersonID]bool, len(people))
				for _, p := range people {
					members[p.ID] = true
				}
			}
		}
		counts, err := src.ActivityCounts(ctx, p.Start(env.Loc), p.End(env.Loc))
		if err != nil {
			return nil, fmt.Errorf("activity goals: %w", err)
		}
		for _, g := range held {
			done := counts.Of(person, g.Type)
			if team {
				done = 0
				for id := range members {
					done += counts.Of(id, g.Type)
				}
			}
			out = append(out, sales.NewActivityProgress(g, p, done, env.Now, env.Loc))
		}
	}
	return out, nil
}

// holding is, for each type with a goal, the one goal that holds in p,
// in type order ("" = every type, first).
func holding(goals []sales.ActivityGoal, p sales.Period) []sales.ActivityGoal {
	byType := map[string][]sales.ActivityGoal{}
	var types []string
	for _, g := range goals {
		if _, ok := byType[g.Type]; !ok {
			types = append(types, g.Type)
		}
		byType[g.Type] = append(byType[g.Type], g)
	}
	var out []sales.ActivityGoal
	for _, t := range types { // in the order the store lists them
		if g, ok := sales.GoalFor(byType[t], p); ok {
			out = append(out, g)
		}
	}
	return out
}
