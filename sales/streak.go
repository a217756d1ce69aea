package sales

import "time"

// A streak is the number of consecutive completed weeks (Mon–Sun in the
// team's zone) in which a person met every weekly activity goal of their
// own that held that week (GoalFor, per type). Only completed weeks count:
// the week in progress neither adds to a streak nor breaks it until it
// ends, so a streak changes once a week, at midnight on Monday, and never
// mid-week when a goal is changed or an activity removed. A week in which
// no weekly goal held for the person ends the streak (there was nothing to
// be on). Team goals and monthly goals play no part.

// MaxStreakWeeks bounds how far back a streak is counted (a year): a
// longer one reads "52+ weeks" (Streak.Capped), never a wrong number.
const MaxStreakWeeks = 52

// Streak is one person's streak as of the end of week Through.
type Streak struct {
	Weeks   int
	Through Period // the last completed week, the first one looked at
	Capped  bool   // MaxStreakWeeks reached: at least Weeks
}

// IsMilestone reports whether the streak's length is worth a milestone:
// 3, 5, 10, then every 10 weeks (20, 30, 40, 50). A capped streak is not
// (its length is not known).
func (s Streak) IsMilestone() bool {
	switch {
	case s.Capped:
		return false
	case s.Weeks == 3, s.Weeks == 5:
		return true
	}
	return s.Weeks >= 10 && s.Weeks%10 == 0
}

// LastCompletedWeek is the latest week that has ended by t in loc (the
// week before t's own; at Monday 00:00 the one that just ended).
func LastCompletedWeek(t time.Time, loc *time.Location) Period {
	return PeriodOf(Week, t, loc).Previous()
}

// GoalsHeld is, for each type with a goal among goals (one subject's, of
// one kind), the one goal that holds in p (GoalFor), in the order the
// types first appear.
func GoalsHeld(goals []ActivityGoal, p Period) []ActivityGoal {
	byType := map[string][]ActivityGoal{}
	var types []string
	for _, g := range goals {
		if _, ok := byType[g.Type]; !ok {
			types = append(types, g.Type)
		}
		byType[g.Type] = append(byType[g.Type], g)
	}
	var out []ActivityGoal
	for _, t := range types {
		if g, ok := GoalFor(byType[t], p); ok {
			out = append(out, g)
		}
	}
	return out
}

// MetWeek reports whether who met every goal in held (GoalsHeld for one
// week) with that week's counts; no goal held is not met.
func MetWeek(held []ActivityGoal, counts ActivityCounts, who PersonID) bool {
	if len(held) == 0 {
		return false
	}
	for _, g := range held {
		if counts.Of(who, g.Type) < g.Target {
			return false
		}
	}
	return true
}

// StreakCounter counts many people's streaks back from one week, one
// week's counts at a time, newest first, so a caller reads a week only
// while someone's streak is still going (Next).
type StreakCounter struct {
	goals  map[PersonID][]ActivityGoal // weekly goals of their own
	out    map[PersonID]Streak
	going  map[PersonID]bool
	next   Period
	looked int
}

// NewStreakCounter counts back from week last (LastCompletedWeek) for
// each person with weekly goals in goals (their own, Team false; others
// are ignored).
func NewStreakCounter(goals []ActivityGoal, last Period) *StreakCounter {
	c := &StreakCounter{goals: map[PersonID][]ActivityGoal{}, out: map[PersonID]Streak{}, going: map[PersonID]bool{}, next: last}
	for _, g := range goals {
		if g.Team || g.Kind != Week || g.Person == 0 {
			continue
		}
		c.goals[g.Person] = append(c.goals[g.Person], g)
	}
	for who := range c.goals {
		c.out[who] = Streak{Through: last}
		c.going[who] = true
	}
	return c
}

// Next is the week whose counts Add wants next; false when every streak
// has ended or reached MaxStreakWeeks.
func (c *StreakCounter) Next() (Period, bool) {
	return c.next, len(c.going) > 0 && c.looked < MaxStreakWeeks
}

// Add takes the counts of week Next.
func (c *StreakCounter) Add(counts ActivityCounts) {
	w := c.next
	for who := range c.going {
		if !MetWeek(GoalsHeld(c.goals[who], w), counts, who) {
			delete(c.going, who)
			continue
		}
		s := c.out[who]
		s.Weeks++
		c.out[who] = s
	}
	c.looked++
	c.next = w.Previous()
}

// Streaks is every counted person's streak (a person with weekly goals
// and no streak has Weeks 0); call it once Next is false.
func (c *StreakCounter) Streaks() map[PersonID]Streak {
	for who := range c.going {
		s := c.out[who]
		s.Capped = c.looked >= MaxStreakWeeks
		c.out[who] = s
	}
	return c.out
}

// StreakOf is who's streak back from week last, from their goals and the
// counts of each week, newest first (weeks[0] is last's); weeks not given
// count as nothing logged.
func StreakOf(goals []ActivityGoal, who PersonID, last Period, weeks []ActivityCounts) Streak {
	var own []ActivityGoal
	for _, g := range goals {
		if g.Person == who {
			own = append(own, g)
		}
	}
	c := NewStreakCounter(own, last)
	for i := 0; ; i++ {
		if _, ok := c.Next(); !ok {
			break
		}
		var counts ActivityCounts
		if i < len(weeks) {
			counts = weeks[i]
		}
		c.Add(counts)
	}
	s, ok := c.Streaks()[who]
	if !ok {
		return Streak{Through: last}
	}
	return s
}
