package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Contenders is every person's numbers for period p, what a leaderboard
// ranks (sales.RankBoard): won value and won deals in the period (every
// win of theirs, with or without a quota, through the one WindowFunnel),
// their own quota for exactly p (Basis), and activities from the given
// counts (nil: none known). One scan of the deals.
func Contenders(ctx context.Context, src Source, p sales.Period, env Env, activities map[sales.PersonID]int64) ([]sales.Contender, error) {
	stages, err := src.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	wf, err := NewWindowFunnel(ctx, src, stages, sales.WindowOf(p, env.Loc), env)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	type won struct {
		value sales.Money
		n     int64
	}
	byOwner := map[sales.PersonID]won{}
	err = src.ScanFacts(ctx, func(f *sales.Facts) error {
		if stages.Kind(f.Stage) != sales.StageWon {
			return nil // only wins count, and a deal won now is the only kind won in p
		}
		c, err := wf.Count(f)
		if err != nil {
			return err
		}
		if c.Closed == sales.StageWon {
			w := byOwner[f.Owner]
			w.value += c.ClosedAmount
			w.n++
			byOwner[f.Owner] = w
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	return people(ctx, src, p, func(c *sales.Contender) {
		w := byOwner[c.Person]
		c.Won, c.Deals, c.Activities = w.value, w.n, activities[c.Person]
	})
}

// people is a Contender for everyone with their quota basis for p, the
// numbers filled in by fill.
func people(ctx context.Context, src Source, p sales.Period, fill func(*sales.Contender)) ([]sales.Contender, error) {
	ps, err := src.People(ctx)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	out := make([]sales.Contender, 0, len(ps))
	for _, person := range ps {
		b, _, err := Basis(ctx, src, Subject{Scope: sales.ScopeRep, Person: person.ID}, p)
		if err != nil {
			return nil, fmt.Errorf("leaderboard: %w", err)
		}
		c := sales.Contender{Person: person.ID, Name: person.Label(), SlackID: person.SlackID, Role: person.Role, Muted: person.CelebrationsOff,
			Quota: b.Amount, HasQuota: b.Has}
		fill(&c)
		out = append(out, c)
	}
	return out, nil
}

// ActivityContenders is Contenders for sales.BoardActivities: everyone's
// count of activities of every type in counts (the store's
// ActivityCounts for p) and their quota for p, which decides whether a
// manager is ranked. Wins are not read, so a million deals cost nothing
// here; ties are broken by name.
func ActivityContenders(ctx context.Context, src Source, p sales.Period, counts sales.ActivityCounts) ([]sales.Contender, error) {
	return people(ctx, src, p, func(c *sales.Contender) { c.Activities = int64(counts.Of(c.Person, "")) })
}

// Leaderboard ranks everyone on mode for period p (Contenders, then
// sales.RankBoard).
func Leaderboard(ctx context.Context, src Source, p sales.Period, mode sales.BoardMode, env Env, activities map[sales.PersonID]int64) (sales.Board, []sales.Contender, error) {
	cs, err := Contenders(ctx, src, p, env, activities)
	if err != nil {
		return sales.Board{}, nil, err
	}
	return sales.RankBoard(cs, mode, p), cs, nil
}

// Milestones are the moments of [from, to) worth recognising in the
// weekly standings for period p, one per person (the most notable, in
// sales.MilestoneKind's order), none for people who muted celebrations:
// quota reached (their wins in p crossed their quota within the window),
// a new personal best (a win in the window larger than every earlier win
// of theirs), the first win of p, and a streak on weekly activity goals
// (streaks: Streaks as of to) that reached a milestone length with a week
// that ended within the window. cs are Contenders for p. The win post
// decides the same moments one win at a time (commands' winNotice), with
// sales.PriorBest too.
func Milestones(ctx context.Context, src Source, p sales.Period, from, to time.Time, env Env, cs []sales.Contender, streaks map[sales.PersonID]sales.Streak) ([]sales.Milestone, error) {
	stages, err := src.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("milestones: %w", err)
	}
	wf, err := NewWindowFunnel(ctx, src, stages, sales.WindowOf(p, env.Loc), env)
	if err != nil {
		return nil, fmt.Errorf("milestones: %w", err)
	}
	type owned struct {
		all            []sales.Facts // every win, any period
		firstInP       int64         // earliest close instant of a win in p
		week           []sales.Facts // wins in p closed within [from, to)
		weekValue      sales.Money
		hasFirstInP    bool
		firstInPAmount sales.Money
	}
	byOwner := map[sales.PersonID]*owned{}
	lo, hi := from.Unix(), to.Unix()
	err = src.ScanFacts(ctx, func(f *sales.Facts) error {
		if stages.Kind(f.Stage) != sales.StageWon {
			return nil
		}
		o := byOwner[f.Owner]
		if o == nil {
			o = &owned{}
			byOwner[f.Owner] = o
		}
		o.all = append(o.all, *f)
		c, err := wf.Count(f)
		if err != nil || c.Closed != sales.StageWon {
			return err
		}
		if !o.hasFirstInP || f.Closed < o.firstInP {
			o.firstInP, o.firstInPAmount, o.hasFirstInP = f.Closed, f.Amount, true
		}
		if f.Closed >= lo && f.Closed < hi {
			o.week = append(o.week, *f)
			o.weekValue += f.Amount
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("milestones: %w", err)
	}
	var out []sales.Milestone
	for _, c := range cs {
		if c.Muted {
			continue
		}
		m := sales.Milestone{Person: c.Person, Name: c.Name, SlackID: c.SlackID, Period: p}
		// Wins count for people on the board (not a manager without a quota).
		if o := byOwner[c.Person]; o != nil && len(o.week) > 0 {
			if ok, _ := sales.Eligible(c, sales.BoardWon, p); ok {
				winMilestone(&m, c, o.all, o.week, o.weekValue, o.hasFirstInP && o.firstInP >= lo && o.firstInP < hi, o.firstInPAmount, stages)
			}
		}
		if s, ok := streaks[c.Person]; ok && m.Kind == sales.MilestoneNone && s.IsMilestone() && s.Through.End(env.Loc).After(from) {
			m.Kind, m.Weeks, m.Period = sales.MilestoneStreak, s.Weeks, s.Through
		}
		if m.Kind != sales.MilestoneNone {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(x, y sales.Milestone) int {
		if c := cmp.Compare(y.Kind, x.Kind); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name))
	})
	return out, nil
}

// winMilestone is the most notable milestone of a person's wins in the
// window (week, worth weekValue): quota reached, else the largest new
// personal best, else the first win of the period (firstInWindow).
func winMilestone(m *sales.Milestone, c sales.Contender, all, week []sales.Facts, weekValue sales.Money, firstInWindow bool, firstAmount sales.Money, stages sales.StageSet) {
	if c.HasQuota && c.Won >= c.Quota && c.Won-weekValue < c.Quota {
		m.Kind, m.Amount = sales.MilestoneQuotaReached, c.Quota
		return
	}
	for _, w := range week {
		best, n := sales.PriorBest(all, stages, w.ID, w.Closed)
		if sales.IsPersonalBest(w.Amount, best, n) && w.Amount > m.Amount {
			m.Kind, m.Amount, m.Before = sales.MilestonePersonalBest, w.Amount, best
		}
	}
	if m.Kind == sales.MilestoneNone && firstInWindow {
		m.Kind, m.Amount = sales.MilestoneFirstWin, firstAmount
	}
}
