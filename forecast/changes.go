package forecast

import (
	"slices"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// ChangeKind is what happened to a deal between two forecast calls.
type ChangeKind uint8

const (
	AddedToCommit ChangeKind = iota + 1
	DroppedFromCommit
	PushedOut // its close date left the period
	PulledIn  // its close date moved into the period
	AmountChanged
	WonDeal
	LostDeal
)

// Change is one deal's move between from and to, as the weekly roll-up
// lists it ("what changed since last week").
type Change struct {
	Kind     ChangeKind
	ID       sales.DealID
	Owner    sales.PersonID
	From, To sales.Money // amounts (AmountChanged), else the amount at to
	// CloseFrom and CloseTo are the civil close dates (PushedOut,
	// PulledIn), at UTC midnight.
	CloseFrom, CloseTo time.Time
}

// Changes lists, for the deals sel picks (nil = all), what changed for
// period p between from and to: deals that entered or left commit (by
// stage or by override), close dates moved out of or into p, amounts
// changed on deals open in p, and wins and losses. A deal counts once per
// kind; the list is in deal order.
func Changes(h []Deal, cat *Categorizer, p sales.Period, from, to time.Time, sel func(*Deal) bool) []Change {
	inPeriod := func(d *Deal, t time.Time) bool {
		c := d.CloseDateAt(t)
		return !c.IsZero() && p.ContainsDate(sales.DateIn(c, time.UTC))
	}
	category := func(d *Deal, t time.Time) Category {
		if !d.OpenAt(t) {
			return 0
		}
		st, _ := d.StageAt(t)
		return cat.Of(st, d.CategoryAt(t))
	}
	var out []Change
	for i := range h {
		d := &h[i]
		if sel != nil && !sel(d) || !d.KnownAt(to) {
			continue
		}
		base := Change{ID: d.ID, Owner: d.Owner, To: d.AmountAt(to)}
		wasIn, isIn := d.KnownAt(from) && inPeriod(d, from), inPeriod(d, to)
		openTo := d.OpenAt(to)
		if d.Outcome != Open && !d.ClosedAt.Before(from) && d.ClosedAt.Before(to) {
			c := base
			c.Kind = LostDeal
			if d.Outcome == Won {
				c.Kind = WonDeal
			}
			out = append(out, c)
			continue
		}
		if !openTo {
			continue
		}
		wasCommit := d.KnownAt(from) && wasIn && category(d, from) == Commit
		isCommit := isIn && category(d, to) == Commit
		switch {
		case isCommit && !wasCommit:
			c := base
			c.Kind = AddedToCommit
			out = append(out, c)
		case wasCommit && !isCommit && isIn:
			c := base
			c.Kind = DroppedFromCommit
			out = append(out, c)
		}
		if d.KnownAt(from) && wasIn != isIn {
			c := base
			c.Kind, c.CloseFrom, c.CloseTo = PushedOut, d.CloseDateAt(from), d.CloseDateAt(to)
			if isIn {
				c.Kind = PulledIn
			}
			out = append(out, c)
		}
		if d.KnownAt(from) && isIn && d.AmountAt(from) != d.AmountAt(to) {
			c := base
			c.Kind, c.From = AmountChanged, d.AmountAt(from)
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Change) int { return int(a.ID) - int(b.ID) })
	return out
}
