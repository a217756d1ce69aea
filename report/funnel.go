package report

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Events is the part of the store a past window's reconstruction reads.
type Events interface {
	EventsBetween(ctx context.Context, from, to time.Time) ([]sales.Event, error)
}

// Env is the moment and conventions a report is computed under.
type Env struct {
	Now time.Time
	Loc *time.Location
	Cur sales.Currency // the currency amount history is written in
}

// WindowFunnel decides, deal by deal, what a window's funnel counts: the
// one place `report`, the digest's "Now" and "Before" columns (and any
// view of a period's funnel) get it from, so they agree.
//   - open deals: open at the window's Moment (sales.OpenAt: stage and
//     amount history undone back to then; a window ending now or later is
//     open now);
//   - closed deals: closed (as they are now) on a civil close day the
//     window contains (sales.CloseDay, Window.ContainsDate).
//
// Grouping (owner, territory) is by the deal as it is now.
type WindowFunnel struct {
	W      sales.Window
	Moment time.Time
	Past   bool // the window ended before now: views say "as of"
	loc    *time.Location
	cur    sales.Currency
	stages sales.StageSet
	st     *sales.StageTable
	lo, hi int64                          // civil days of the window, unix days
	later  map[sales.DealID][]sales.Event // stage, amount, close-date and created events at or after Moment
}

// NewWindowFunnel prepares w. A past window reads the stage, amount,
// close-date and created events from its end on (one read); others read
// nothing.
func NewWindowFunnel(ctx context.Context, src Events, stages sales.StageSet, w sales.Window, env Env) (*WindowFunnel, error) {
	wf := &WindowFunnel{W: w, Moment: w.Moment(env.Now), Past: w.Past(env.Now), loc: env.Loc, cur: env.Cur, stages: stages, st: stages.Table()}
	wf.lo, wf.hi = w.DayRange(env.Loc)
	if !wf.Past {
		return wf, nil
	}
	evs, err := src.EventsBetween(ctx, wf.Moment, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("funnel as of %s: %w", wf.Moment.In(env.Loc).Format(time.RFC3339), err)
	}
	wf.later = map[sales.DealID][]sales.Event{}
	for _, e := range evs {
		switch e.Field {
		case sales.FieldStage, sales.FieldAmount, sales.FieldClose, sales.FieldCreated:
			wf.later[e.DealID] = append(wf.later[e.DealID], e)
		}
	}
	return wf, nil
}

// Counted is what one deal adds to a window's funnel.
type Counted struct {
	Open     bool
	Stage    sales.StageID // open: the stage it was in at the Moment
	Unstaged bool          // open in a stage its history does not name
	Amount   sales.Money   // open: the amount at the Moment
	Prob     int64         // open: the stage's probability, basis points
	// CloseDate is, for an open deal, its expected close date at the
	// Moment (zero: none set): coverage of a past period splits by it.
	CloseDate sales.Date

	Closed       sales.StageKind // StageWon or StageLost when closed in the window, else StageOpen
	ClosedAmount sales.Money
	Created      sales.Date // civil date of creation, zero when unknown
	CloseDay     sales.Date
}

// Count classifies one deal.
func (wf *WindowFunnel) Count(f *sales.Facts) (Counted, error) {
	var c Counted
	kind := wf.st[f.Stage].Kind
	if kind != sales.StageOpen {
		closeDay := closeDayOf(f, kind, wf.loc)
		// A deal closed at a time nobody knows (imported won or lost with
		// no date) closed in all time, and in no bounded window.
		allTime := wf.lo == math.MinInt64 && wf.hi == math.MaxInt64
		if n := closeDay.UnixDays(); closeDay.IsZero() && allTime || !closeDay.IsZero() && n >= wf.lo && n < wf.hi {
			c.Closed, c.ClosedAmount, c.CloseDay = kind, f.Amount, closeDay
			if f.Created != 0 {
				c.Created = sales.DateIn(time.Unix(f.Created, 0), wf.loc)
			}
		}
	}
	if c.Closed != sales.StageOpen {
		// Its close day is in the window, so it closed within it, even
		// when an instant --to falls earlier that day.
		return c, nil
	}
	if !wf.Past {
		if kind == sales.StageOpen {
			c.Open, c.Stage, c.Amount, c.Prob, c.CloseDate = true, f.Stage, f.Amount, wf.st[f.Stage].Probability, f.ExpectedClose()
		}
		return c, nil
	}
	m := wf.Moment.Unix()
	if f.Created != 0 && f.Created >= m {
		return c, nil
	}
	evs := wf.later[f.ID]
	if kind == sales.StageOpen && len(evs) == 0 {
		c.Open, c.Stage, c.Amount, c.Prob, c.CloseDate = true, f.Stage, f.Amount, wf.st[f.Stage].Probability, f.ExpectedClose()
		return c, nil
	}
	s, err := sales.OpenAt(f.Deal(), evs, wf.Moment, wf.stages, wf.cur, wf.loc)
	if err != nil {
		return c, err
	}
	if s.Exists && s.Kind == sales.StageOpen {
		c.Open, c.Stage, c.Unstaged, c.Amount, c.CloseDate = true, s.Stage, s.Unstaged, s.Amount, s.CloseDate
		if !s.Unstaged {
			c.Prob = wf.st[s.Stage].Probability
		}
	}
	return c, nil
}

// AddTo adds c to s.
func (c Counted) AddTo(s *sales.FunnelSum) {
	switch {
	case c.Unstaged:
		s.Pipeline.AddUnstaged(c.Amount)
	case c.Open:
		s.AddOpen(c.Amount, c.Prob)
	}
	if c.Closed != sales.StageOpen {
		s.AddClosed(c.Closed, c.ClosedAmount, c.Created, c.CloseDay)
	}
}

// Add counts f into s: Count then AddTo.
func (wf *WindowFunnel) Add(f *sales.Facts, s *sales.FunnelSum) error {
	c, err := wf.Count(f)
	if err != nil {
		return err
	}
	c.AddTo(s)
	return nil
}

// closeDayOf is sales.CloseDay over facts: the close date when set, else
// the day of the close instant in loc.
func closeDayOf(f *sales.Facts, kind sales.StageKind, loc *time.Location) sales.Date {
	if f.Closed == 0 && f.CloseDate == 0 {
		return sales.Date{}
	}
	return sales.CloseDay(kind, f.ExpectedClose(), time.Unix(f.Closed, 0), loc)
}
