package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func week(n int) sales.Period { return sales.Period{Kind: sales.Week, Year: 2026, Index: n} }

func weekGoal(who sales.PersonID, typ string, target int, from int, recurs bool) sales.ActivityGoal {
	return sales.ActivityGoal{Person: who, Type: typ, Kind: sales.Week, From: week(from), Recurs: recurs, Target: target}
}

// counts is one week's counts: bob's (person 1) calls and meetings.
func counts(calls, meetings int) sales.ActivityCounts {
	c := sales.ActivityCounts{}
	c.Add(1, "call", calls)
	c.Add(1, "meeting", meetings)
	c.Add(2, "call", 100) // someone else's never count for bob
	return c
}

func TestStreakOf(t *testing.T) {
	const bob = sales.PersonID(1)
	calls10 := weekGoal(bob, "call", 10, 40, true)
	full := make([]sales.ActivityCounts, 60)
	for i := range full {
		full[i] = counts(10, 0)
	}
	for _, c := range []struct {
		name   string
		goals  []sales.ActivityGoal
		weeks  []sales.ActivityCounts // newest first: W48, W47, ...
		want   int
		capped bool
	}{
		{"no goal", nil, []sales.ActivityCounts{counts(50, 5)}, 0, false},
		{"met twice then short by one", []sales.ActivityGoal{calls10}, []sales.ActivityCounts{counts(12, 0), counts(10, 0), counts(9, 0), counts(30, 0)}, 2, false},
		{"last week short: no streak", []sales.ActivityGoal{calls10}, []sales.ActivityCounts{counts(9, 0), counts(10, 0)}, 0, false},
		{"every goal must be met", []sales.ActivityGoal{calls10, weekGoal(bob, "meeting", 2, 40, true)},
			[]sales.ActivityCounts{counts(10, 2), counts(12, 1), counts(10, 2)}, 1, false},
		{"a week without a goal ends it", []sales.ActivityGoal{weekGoal(bob, "call", 10, 47, true)},
			[]sales.ActivityCounts{counts(10, 0), counts(10, 0), counts(10, 0)}, 2, false},
		{"each week has the goal it had", []sales.ActivityGoal{calls10, weekGoal(bob, "call", 20, 47, true)},
			// W48 and W47 need 20, W46 and before 10
			[]sales.ActivityCounts{counts(20, 0), counts(20, 0), counts(10, 0), counts(9, 0)}, 3, false},
		{"raised goal missed", []sales.ActivityGoal{calls10, weekGoal(bob, "call", 20, 47, true)},
			[]sales.ActivityCounts{counts(20, 0), counts(15, 0), counts(10, 0)}, 1, false},
		{"one-week goal wins over the recurring one", []sales.ActivityGoal{calls10, weekGoal(bob, "call", 30, 47, false)},
			[]sales.ActivityCounts{counts(10, 0), counts(25, 0), counts(10, 0)}, 1, false},
		{"activities counts every type", []sales.ActivityGoal{weekGoal(bob, "", 10, 40, true)},
			[]sales.ActivityCounts{counts(6, 4), counts(5, 5), counts(5, 4)}, 2, false},
		{"team and monthly goals play no part",
			[]sales.ActivityGoal{{Person: bob, Team: true, Kind: sales.Week, From: week(40), Recurs: true, Target: 1},
				{Person: bob, Kind: sales.Month, From: sales.Period{Kind: sales.Month, Year: 2026, Index: 1}, Recurs: true, Target: 1}},
			[]sales.ActivityCounts{counts(50, 5)}, 0, false},
		{"weeks not given: nothing logged", []sales.ActivityGoal{calls10}, []sales.ActivityCounts{counts(10, 0)}, 1, false},
		{"a year on goal is capped", []sales.ActivityGoal{weekGoal(bob, "call", 10, 1, true), {Person: bob, Kind: sales.Week, From: sales.Period{Kind: sales.Week, Year: 2024, Index: 1}, Recurs: true, Target: 10, Type: "call"}},
			full, sales.MaxStreakWeeks, true},
	} {
		got := sales.StreakOf(c.goals, bob, week(48), c.weeks)
		if got.Weeks != c.want || got.Capped != c.capped || got.Through != week(48) {
			t.Errorf("%s: %+v, want %d weeks capped %v through W48", c.name, got, c.want, c.capped)
		}
	}
}

func TestStreakCounterStopsReading(t *testing.T) {
	// Bob's streak is two weeks, person 2 has none: three weeks are read
	// in all (the third tells bob's streak ended).
	goals := []sales.ActivityGoal{weekGoal(1, "call", 10, 1, true), weekGoal(2, "call", 101, 1, true)}
	c := sales.NewStreakCounter(goals, week(48))
	var read []sales.Period
	weeks := []sales.ActivityCounts{counts(10, 0), counts(10, 0), counts(0, 0), counts(10, 0)}
	for i := 0; ; i++ {
		w, ok := c.Next()
		if !ok {
			break
		}
		read = append(read, w)
		c.Add(weeks[i])
	}
	if len(read) != 3 || read[0] != week(48) || read[2] != week(46) {
		t.Errorf("read %v, want W48..W46", read)
	}
	s := c.Streaks()
	if s[1].Weeks != 2 || s[2].Weeks != 0 || len(s) != 2 { // person 2 logged 100 calls a week, one short
		t.Errorf("streaks %+v", s)
	}
	if len(sales.NewStreakCounter(nil, week(48)).Streaks()) != 0 {
		t.Error("nobody with goals: no streaks")
	}
	if _, ok := sales.NewStreakCounter(nil, week(48)).Next(); ok {
		t.Error("nobody with goals: nothing to read")
	}
}

func TestStreakIsMilestone(t *testing.T) {
	for _, c := range []struct {
		weeks  int
		capped bool
		want   bool
	}{
		{0, false, false}, {1, false, false}, {2, false, false}, {3, false, true}, {4, false, false},
		{5, false, true}, {6, false, false}, {10, false, true}, {15, false, false}, {20, false, true},
		{50, false, true}, {52, true, false}, {50, true, false},
	} {
		if got := (sales.Streak{Weeks: c.weeks, Capped: c.capped}).IsMilestone(); got != c.want {
			t.Errorf("%d weeks (capped %v): %v, want %v", c.weeks, c.capped, got, c.want)
		}
	}
}

func TestLastCompletedWeek(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	// Monday 30 Nov 2026 00:30 in Berlin is still Sunday in UTC.
	at := time.Date(2026, 11, 30, 0, 30, 0, 0, berlin)
	if got := sales.LastCompletedWeek(at, berlin); got != week(48) {
		t.Errorf("Berlin: %v, want 2026-W48", got)
	}
	if got := sales.LastCompletedWeek(at, time.UTC); got != week(47) {
		t.Errorf("UTC: %v, want 2026-W47", got)
	}
	// Across the year: ISO 2026-W01 starts on 29 Dec 2025.
	if got := sales.LastCompletedWeek(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), time.UTC); got != (sales.Period{Kind: sales.Week, Year: 2025, Index: 52}) {
		t.Errorf("new year: %v, want 2025-W52", got)
	}
}
