package digest

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/salesbot/salesbot/sales"
)

// nudgeNextSteps adds p's overdue next steps to n: open deals whose next
// step was due before today in p's zone, not snoozed, earliest due first.
// The full records are read only when one of p's open deals could have
// one (the facts do not carry next steps).
func (s *Service) nudgeNextSteps(ctx context.Context, n *Nudge, stages sales.StageSet) error {
	deals, err := s.store.FindDeals(ctx, sales.DealFilter{Owner: n.Person.ID, OpenOnly: true})
	if err != nil {
		return fmt.Errorf("nudge: next steps: %w", err)
	}
	today := sales.DateIn(n.Now, n.Loc)
	var over []NudgeDeal
	for _, d := range deals {
		if !sales.NextStepOverdue(d, today) || d.SnoozedUntil.After(n.Now) || stages.Kind(d.Stage) != sales.StageOpen {
			continue
		}
		nd := NudgeDeal{ID: d.ID, Account: d.Account, Stage: stages.Name(d.Stage), Amount: d.Amount,
			Days: d.NextDue.DaysUntil(today), Step: d.NextStep, Due: d.NextDue}
		over = append(over, nd)
	}
	slices.SortFunc(over, func(a, b NudgeDeal) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(over) > NudgeDeals {
		n.MoreNextSteps = len(over) - NudgeDeals
		over = over[:NudgeDeals]
	}
	n.NextSteps = over
	return nil
}

// nextStepsText is the text form of a nudge's overdue next steps.
func nextStepsText(n *Nudge, line func(format string, a ...any)) {
	for _, d := range n.NextSteps {
		line("  Next step overdue: %s %s · %s · was due %s (%s ago)  [done] [push a week] [snooze]",
			d.ID, d.Account, d.Step, d.Due, plural(d.Days, "day"))
	}
	if n.MoreNextSteps > 0 {
		line("  … and %d more overdue next steps: see the Home tab", n.MoreNextSteps)
	}
}
