package report

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// StreakSource is what one person's streak reads; *storage.DB has it.
type StreakSource interface {
	ActivityGoals(ctx context.Context, person sales.PersonID, team bool, kind sales.PeriodKind) ([]sales.ActivityGoal, error)
	ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error)
}

// personActivities is the optional per-person read a StreakSource may
// have (*storage.DB does): one person's activities in [from, to).
type personActivities interface {
	PersonActivities(ctx context.Context, who sales.PersonID, from, to time.Time) ([]sales.Activity, error)
}

// StreaksSource is what everyone's streaks read.
type StreaksSource interface {
	AllActivityGoals(ctx context.Context) ([]sales.ActivityGoal, error)
	ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error)
}

// StreakOf is a person's streak on their weekly activity goals as of at
// (weeks completed by then, in loc; sales.Streak); a person with no
// weekly goal has none (Weeks 0) and nothing is counted. A source with
// PersonActivities is read for that person only.
func StreakOf(ctx context.Context, src StreakSource, person sales.PersonID, at time.Time, loc *time.Location) (sales.Streak, error) {
	goals, err := src.ActivityGoals(ctx, person, false, sales.Week)
	if err != nil {
		return sales.Streak{}, fmt.Errorf("streak: %w", err)
	}
	count := src.ActivityCounts
	if pa, ok := src.(personActivities); ok {
		// The store's per-person index: only their own activities are read.
		count = func(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error) {
			acts, err := pa.PersonActivities(ctx, person, from, to)
			if err != nil {
				return nil, err
			}
			counts := sales.ActivityCounts{}
			for _, a := range acts {
				counts.Add(a.Who, a.Type, 1)
			}
			return counts, nil
		}
	}
	ss, err := countStreaks(ctx, count, goals, at, loc)
	if err != nil {
		return sales.Streak{}, err
	}
	if s, ok := ss[person]; ok {
		return s, nil
	}
	return sales.Streak{Through: sales.LastCompletedWeek(at, loc)}, nil
}

// Streaks is the streak as of at of everyone with a weekly activity goal
// of their own (the weekly standings' milestones).
func Streaks(ctx context.Context, src StreaksSource, at time.Time, loc *time.Location) (map[sales.PersonID]sales.Streak, error) {
	goals, err := src.AllActivityGoals(ctx)
	if err != nil {
		return nil, fmt.Errorf("streaks: %w", err)
	}
	return countStreaks(ctx, src.ActivityCounts, goals, at, loc)
}

// countStreaks reads one week's counts at a time, newest first, and only
// while someone's streak is still going (at most sales.MaxStreakWeeks
// weeks): a rep without goals costs nothing, one whose streak broke last
// week costs one week's counts.
func countStreaks(ctx context.Context, count func(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error),
	goals []sales.ActivityGoal, at time.Time, loc *time.Location) (map[sales.PersonID]sales.Streak, error) {
	c := sales.NewStreakCounter(goals, sales.LastCompletedWeek(at, loc))
	for {
		w, ok := c.Next()
		if !ok {
			break
		}
		counts, err := count(ctx, w.Start(loc), w.End(loc))
		if err != nil {
			return nil, fmt.Errorf("streaks: %s: %w", w.Key(), err)
		}
		c.Add(counts)
	}
	return c.Streaks(), nil
}
