package report

import (
	"context"
	"fmt"

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
	people, err := src.People(ctx)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	out := make([]sales.Contender, 0, len(people))
	for _, person := range people {
		b, _, err := Basis(ctx, src, Subject{Scope: sales.ScopeRep, Person: person.ID}, p)
		if err != nil {
			return nil, fmt.Errorf("leaderboard: %w", err)
		}
		w := byOwner[person.ID]
		out = append(out, sales.Contender{
			Person: person.ID, Name: person.Label(), SlackID: person.SlackID, Role: person.Role, Muted: person.CelebrationsOff,
			Won: w.value, Deals: w.n, Quota: b.Amount, HasQuota: b.Has, Activities: activities[person.ID],
		})
	}
	return out, nil
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
