package report

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Basis is the subject's quota for exactly p, composed as the contract
// says (sales.ComposeQuota): its own quota if set, else the sum of its
// members' quotas for p, where a team is the manager and everyone under
// them (manager 0: everyone) and a territory is the people assigned to it.
// members is the set whose deals belong to the subject (nil for a rep or a
// territory, whose deals are found by owner and by territory).
func Basis(ctx context.Context, src Source, sub Subject, p sales.Period) (b sales.QuotaBasis, members map[sales.PersonID]bool, err error) {
	var id uint64
	switch sub.Scope {
	case sales.ScopeRep:
		id = uint64(sub.Person)
	case sales.ScopeTeam:
		id = uint64(sub.Manager)
	case sales.ScopeTerritory:
		id = uint64(sub.Territory)
	}
	own, hasOwn, err := src.Quota(ctx, sub.Scope, id, p)
	if err != nil {
		return b, nil, fmt.Errorf("quota: %w", err)
	}
	var ids []sales.PersonID
	if sub.Scope != sales.ScopeRep {
		people, err := src.People(ctx)
		if err != nil {
			return b, nil, fmt.Errorf("quota: %w", err)
		}
		if sub.Scope == sales.ScopeTeam && sub.Manager != 0 {
			members = sales.TeamOf(people, sub.Manager)
		}
		for _, person := range people {
			switch {
			case sub.Scope == sales.ScopeTerritory && person.Territory != sub.Territory:
			case members != nil && !members[person.ID]:
			default:
				ids = append(ids, person.ID)
			}
		}
	}
	var qerr error
	rep := func(person sales.PersonID) (sales.Money, bool) {
		q, ok, err := src.Quota(ctx, sales.ScopeRep, uint64(person), p)
		if err != nil && qerr == nil {
			qerr = err
		}
		return q.Amount, ok
	}
	b = sales.ComposeQuota(p, own.Amount, hasOwn, ids, rep)
	if qerr != nil {
		return b, nil, fmt.Errorf("quota: %w", qerr)
	}
	return b, members, nil
}

// DefaultPeriod is the period progress is shown for when the user names
// none: the current month, quarter or year for which the subject's own
// quota (or its members' composed quota) exists, checked in that order,
// else the current month. /goal, /pipeline, the digest, nudges and win
// posts all use it so they agree.
func DefaultPeriod(ctx context.Context, src Source, sub Subject, now time.Time, loc *time.Location) (sales.Period, error) {
	var err error
	p, _ := sales.DefaultQuotaPeriod(now, loc, func(p sales.Period) bool {
		if err != nil {
			return false
		}
		var b sales.QuotaBasis
		b, _, err = Basis(ctx, src, sub, p)
		return b.Has
	})
	return p, err
}

// progressCounter gathers what sales.NewProgress needs while a subject's
// deals are counted (MeasureSubject): wins in the period split by the
// quota basis, and open pipeline split by close date.
type progressCounter struct {
	basis sales.QuotaBasis
	win   sales.WinSplit
	pipe  sales.PipelineByClose
}
