package digest

import (
	"fmt"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// CoachBehindActivity is a rep behind pace on an activity goal (while on
// pace, or without a quota, for money: otherwise it joins behind_pace).
const CoachBehindActivity CoachKind = "behind_activity"

// activityCoaching reads the reps' activity goals: a rep behind pace on
// both quota and activity gets one item saying so ("behind on calls and
// on pace: 3 calls this week against 40"), folded into behind (in place);
// a rep behind on activity alone gets an item of their own. A store
// without activity goals finds none.
func (b *builder) activityCoaching(reps []RepLine, behind []Coaching) ([]Coaching, error) {
	src, ok := b.s.store.(report.ActivityGoalSource)
	if !ok || len(reps) == 0 {
		return nil, nil
	}
	tr := report.NewActivityTracker(src, report.Env{Now: b.now, Loc: b.s.loc, Cur: b.s.cur})
	lag := map[sales.PersonID]sales.ActivityProgress{}
	var order []sales.PersonID
	for _, r := range reps {
		ps, err := tr.Progress(b.ctx, r.ID, false)
		if err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		for _, p := range ps {
			if p.Behind() {
				lag[r.ID] = p // week first: the most pressing
				order = append(order, r.ID)
				break
			}
		}
	}
	if len(lag) == 0 {
		return nil, nil
	}
	folded := map[sales.PersonID]bool{}
	for i := range behind {
		c := &behind[i]
		if p, ok := lag[c.RepID]; ok && c.Kind == CoachBehindPace && !folded[c.RepID] {
			c.Problem = fmt.Sprintf("%s is behind on %s and on pace: %s. %s", c.Rep, p.Goal.Noun(), activityCount(p), c.Problem)
			folded[c.RepID] = true
		}
	}
	var out []Coaching
	for _, id := range order {
		if folded[id] {
			continue
		}
		p := lag[id]
		name := b.name(id)
		c := Coaching{Kind: CoachBehindActivity, Rep: name, RepID: id,
			Problem: fmt.Sprintf("%s is behind on %s: %s (pace %s with %s of the %s's working days gone).",
				name, p.Goal.Noun(), activityCount(p), paceText(p.Pace), p.Elapsed.Percent(), p.Period.Kind.Noun())}
		c.Next = fmt.Sprintf("Needs %.1f %s a working day to reach %d: agree time blocks for them with %s in your next 1:1.",
			p.PerWorkingDay.V, p.Goal.Noun(), p.Goal.Target, name)
		out = append(out, c)
	}
	return out, nil
}

// activityCount is "3 calls this week against 40".
func activityCount(p sales.ActivityProgress) string {
	when := "this " + p.Period.Kind.Noun()
	return fmt.Sprintf("%d %s %s against %d", p.Done, sales.ActivityNoun(p.Goal.Type, p.Done), when, p.Goal.Target)
}
