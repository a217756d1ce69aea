package digest

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/salesbot/salesbot/sales"
)

// CoachNoNextStep: an open deal in Proposal or later (by stage order) with
// no next step.
const CoachNoNextStep CoachKind = "no_next_step"

// noNextStep finds the scope's open deals in Proposal or later that have
// no next step, biggest first. The facts carry no next steps, so the
// late stages' open deals are read once per build (the stage index keeps
// this to those stages) and shared by every scope.
func (b *builder) noNextStep(a *scopeAcc, cur sales.Currency) ([]Coaching, error) {
	if !b.lateRead {
		b.lateRead = true
		for _, st := range b.open {
			if !b.stages.LateStage(st.ID) {
				continue
			}
			deals, err := b.s.store.FindDeals(b.ctx, sales.DealFilter{Stage: st.ID, OpenOnly: true})
			if err != nil {
				return nil, fmt.Errorf("digest: next steps: %w", err)
			}
			for _, d := range deals {
				if sales.NeedsNextStep(d, b.stages) {
					b.late = append(b.late, d)
				}
			}
		}
		slices.SortFunc(b.late, func(x, y sales.Deal) int {
			if c := cmp.Compare(y.Amount, x.Amount); c != 0 {
				return c
			}
			return cmp.Compare(x.ID, y.ID)
		})
	}
	var out []Coaching
	for _, d := range b.late {
		switch a.route.scope.Kind {
		case ScopeTerritory:
			if d.Territory != a.route.scope.Territory {
				continue
			}
		case ScopeTeam:
			if !a.members[d.Owner] {
				continue
			}
		}
		c := Coaching{Kind: CoachNoNextStep, RepID: d.Owner, Rep: b.name(d.Owner), Deal: d.ID}
		c.Problem = fmt.Sprintf("%s (%s, %s) is in %s with no next step.", d.Account, d.ID, cur.Abbrev(d.Amount), b.stages.Name(d.Stage))
		c.Next = fmt.Sprintf("Agree with %s what the buyer does next and by when, and log it: /deal next %s <step> due:<date>.", c.Rep, d.ID)
		out = append(out, c)
	}
	return out, nil
}
