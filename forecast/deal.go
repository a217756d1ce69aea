package forecast

import (
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Outcome is how a deal ended, as far as anyone knows now.
type Outcome uint8

const (
	Open Outcome = iota
	Won
	Lost
)

// StageChange says the deal entered Stage at At.
type StageChange struct {
	At    time.Time
	Stage sales.StageID
}

// AmountChange says the deal's amount became Amount at At.
type AmountChange struct {
	At     time.Time
	Amount sales.Money
}

// CloseDateChange says the expected close date became Date (a civil date at
// UTC midnight; zero = unknown) at At.
type CloseDateChange struct {
	At   time.Time
	Date time.Time
}

// CategoryChange says the deal's category override became Category (0 =
// back to the stage default) at At.
type CategoryChange struct {
	At       time.Time
	Category Category
}

// Deal is one deal's history, reconstructed from sales.Deal and its
// sales.Events. Every timeline is in ascending At order; the first stage
// change is when the deal became known (its creation or import), so a
// replay as of an earlier instant does not see it. Created is the deal's
// own created instant (an import may backdate it; zero when unknown).
type Deal struct {
	ID         sales.DealID
	Owner      sales.PersonID
	Territory  sales.TerritoryID
	Created    time.Time
	Stages     []StageChange
	Amounts    []AmountChange
	CloseDates []CloseDateChange
	Categories []CategoryChange
	Outcome    Outcome
	ClosedAt   time.Time // when it was won or lost; zero while open
}

// KnownAt reports whether the deal existed in the system at t.
func (d *Deal) KnownAt(t time.Time) bool {
	return len(d.Stages) > 0 && !d.Stages[0].At.After(t)
}

// OpenAt reports whether the deal was known and open at t.
func (d *Deal) OpenAt(t time.Time) bool {
	return d.KnownAt(t) && (d.Outcome == Open || d.ClosedAt.After(t))
}

// StageAt is the deal's stage at t; false before the deal was known.
func (d *Deal) StageAt(t time.Time) (sales.StageID, bool) {
	i := lastAtOrBefore(len(d.Stages), func(i int) time.Time { return d.Stages[i].At }, t)
	if i < 0 {
		return 0, false
	}
	return d.Stages[i].Stage, true
}

// AmountAt is the deal's amount at t (0 when not yet known).
func (d *Deal) AmountAt(t time.Time) sales.Money {
	i := lastAtOrBefore(len(d.Amounts), func(i int) time.Time { return d.Amounts[i].At }, t)
	if i < 0 {
		return 0
	}
	return d.Amounts[i].Amount
}

// CloseDateAt is the expected close date known at t (zero when unknown).
func (d *Deal) CloseDateAt(t time.Time) time.Time {
	i := lastAtOrBefore(len(d.CloseDates), func(i int) time.Time { return d.CloseDates[i].At }, t)
	if i < 0 {
		return time.Time{}
	}
	return d.CloseDates[i].Date
}

// CategoryAt is the category override in force at t (0 = none).
func (d *Deal) CategoryAt(t time.Time) Category {
	i := lastAtOrBefore(len(d.Categories), func(i int) time.Time { return d.Categories[i].At }, t)
	if i < 0 {
		return 0
	}
	return d.Categories[i].Category
}

// CloseDay is the civil day a closed deal closed (UTC midnight; zero while
// open): its close date when it has one, else the day of ClosedAt in loc,
// as sales.CloseDay reads it. A period's wins are the deals won on one of
// its days, as in report and /goal: a close date is a civil date, so
// changing the zone never moves a win to another period.
func (d *Deal) CloseDay(loc *time.Location) time.Time {
	if d.Outcome == Open {
		return time.Time{}
	}
	if n := len(d.CloseDates); n > 0 && !d.CloseDates[n-1].Date.IsZero() {
		return d.CloseDates[n-1].Date
	}
	return sales.DateIn(d.ClosedAt, loc).Start(time.UTC)
}

// FinalAmount is the deal's amount as it is now.
func (d *Deal) FinalAmount() sales.Money {
	if len(d.Amounts) == 0 {
		return 0
	}
	return d.Amounts[len(d.Amounts)-1].Amount
}

// WonAmount is the amount the deal was won at (its amount at the win).
func (d *Deal) WonAmount() sales.Money {
	if d.Outcome != Won {
		return 0
	}
	return d.AmountAt(d.ClosedAt)
}

// lastAtOrBefore is the index of the last entry at or before t, or -1.
// Timelines are short, so a backward scan beats a binary search.
func lastAtOrBefore(n int, at func(int) time.Time, t time.Time) int {
	for i := n - 1; i >= 0; i-- {
		if !at(i).After(t) {
			return i
		}
	}
	return -1
}

// Pushes counts the times the expected close date moved later (a date set
// where there was none is not a push).
func (d *Deal) Pushes() int {
	n := 0
	for i := 1; i < len(d.CloseDates); i++ {
		prev, next := d.CloseDates[i-1].Date, d.CloseDates[i].Date
		if !prev.IsZero() && next.After(prev) {
			n++
		}
	}
	return n
}
