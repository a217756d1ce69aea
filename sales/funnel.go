package sales

import (
	"fmt"
	"time"
)

// CloseDay is the civil date a closed deal closed: its close date when it
// has one (an import's close column, or the day it was won or lost, which
// winning and losing in Slack are to record), else the day of closedAt
// in loc. Open deals have none.
func CloseDay(kind StageKind, closeDate Date, closedAt time.Time, loc *time.Location) Date {
	if kind == StageOpen {
		return Date{}
	}
	if !closeDate.IsZero() {
		return closeDate
	}
	return DateIn(closedAt, loc)
}

// FunnelSum accumulates a window's funnel: the open deals at the window's
// Moment (see AsOf and PipelineSum) and the deals closed in the window.
type FunnelSum struct {
	Pipeline  PipelineSum
	Won, Lost int64
	WonValue  Money
	LostValue Money
	// Sales cycle over won deals with a created date.
	CycleDays  int64
	CycleDeals int64
	// NoCreated counts won deals left out of the cycle for want of a
	// created date; ClosedBeforeCreated those whose dates run backwards;
	// NoCloseDate those imported won with no date of their close (counted
	// only in a window with no bounds, see report.WindowFunnel).
	NoCreated           int64
	ClosedBeforeCreated int64
	NoCloseDate         int64
}

// AddOpen counts a deal that was open at the window's moment, with its
// amount then and its stage's probability in basis points.
func (s *FunnelSum) AddOpen(amount Money, bp int64) { s.Pipeline.Add(amount, bp) }

// AddClosed counts a deal closed in the window. created is the civil date
// of its creation in the zone (zero when unknown), closed its CloseDay.
// Contract: "sales cycle: mean whole calendar days from created date to
// close date over those won deals; a deal with no created date is left out
// (and counted as such), never clamped to 0."
func (s *FunnelSum) AddClosed(kind StageKind, amount Money, created, closed Date) {
	switch kind {
	case StageWon:
		s.Won++
		s.WonValue += amount
		switch {
		case closed.IsZero():
			s.NoCloseDate++
		case created.IsZero():
			s.NoCreated++
		case closed.Before(created):
			s.ClosedBeforeCreated++
		default:
			s.CycleDays += int64(created.DaysUntil(closed))
			s.CycleDeals++
		}
	case StageLost:
		s.Lost++
		s.LostValue += amount
	}
}

// Merge adds o into s.
func (s *FunnelSum) Merge(o FunnelSum) {
	s.Pipeline.Merge(o.Pipeline)
	s.Won += o.Won
	s.Lost += o.Lost
	s.WonValue += o.WonValue
	s.LostValue += o.LostValue
	s.CycleDays += o.CycleDays
	s.CycleDeals += o.CycleDeals
	s.NoCreated += o.NoCreated
	s.ClosedBeforeCreated += o.ClosedBeforeCreated
	s.NoCloseDate += o.NoCloseDate
}

// Funnel computes the contract's funnel metrics; each n/a says why.
//   - win rate: won / (won + lost), deals closed in the window.
//   - average deal size: mean amount of those won deals.
//   - sales cycle: see AddClosed; Why notes deals left out.
//   - sales velocity (per day): open deals × average deal size × win rate
//     / sales cycle.
func (s FunnelSum) Funnel() Funnel {
	f := Funnel{
		Open: s.Pipeline.Open, PipelineValue: s.Pipeline.Value, Weighted: s.Pipeline.Weighted(),
		Won: s.Won, Lost: s.Lost, WonValue: s.WonValue,
	}
	f.WinRate = Div(float64(s.Won), float64(s.Won+s.Lost))
	if !f.WinRate.OK {
		f.WinRate.Why = "no deals closed in the window"
	}
	f.AvgDealSize = Div(float64(s.WonValue), float64(s.Won))
	if !f.AvgDealSize.OK {
		f.AvgDealSize.Why = "no deals won in the window"
	}
	f.AvgCycleDays = Div(float64(s.CycleDays), float64(s.CycleDeals))
	var left []string
	if s.NoCreated > 0 {
		left = append(left, fmt.Sprintf("no created date on %d %s", s.NoCreated, plural(s.NoCreated, "deal", "deals")))
	}
	if s.ClosedBeforeCreated > 0 {
		left = append(left, fmt.Sprintf("closed before created on %d %s", s.ClosedBeforeCreated, plural(s.ClosedBeforeCreated, "deal", "deals")))
	}
	if s.NoCloseDate > 0 {
		left = append(left, fmt.Sprintf("no close date on %d %s", s.NoCloseDate, plural(s.NoCloseDate, "deal", "deals")))
	}
	switch {
	case len(left) > 0:
		f.AvgCycleDays.Why = joinWhy(left)
	case !f.AvgCycleDays.OK:
		f.AvgCycleDays.Why = "no deals won in the window"
	}
	switch {
	case !f.AvgDealSize.OK:
		f.Velocity = NumWhy(f.AvgDealSize.Why)
	case !f.AvgCycleDays.OK:
		f.Velocity = NumWhy(f.AvgCycleDays.Why)
	case f.AvgCycleDays.V == 0:
		f.Velocity = NumWhy("sales cycle is 0 days")
	default:
		f.Velocity = Some(float64(f.Open) * f.AvgDealSize.V * f.WinRate.V / f.AvgCycleDays.V)
	}
	return f
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinWhy(parts []string) string {
	out := parts[0]
	for _, p := range parts[1:] {
		out += "; " + p
	}
	return out
}
