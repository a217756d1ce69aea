package digest

import (
	"fmt"
	"math"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Value renders the metric's current value.
func (m Metric) Value(c sales.Currency) string { return m.format(m.Cur, c) }

// PrevValue renders the previous period's value.
func (m Metric) PrevValue(c sales.Currency) string { return m.format(m.Prev, c) }

func (m Metric) format(n sales.Num, c sales.Currency) string {
	if !n.OK {
		return sales.NA
	}
	switch m.Kind {
	case KindPercent:
		return n.Percent()
	case KindMoney:
		return c.Abbrev(sales.Money(math.Round(n.V)))
	case KindDays:
		return trim1(n.V) + " days"
	case KindPerDay:
		return c.Abbrev(sales.Money(math.Round(n.V))) + "/day"
	}
	return fmt.Sprintf("%.0f", n.V)
}

// Trend says whether a change is good news.
type Trend int8

const (
	TrendFlat Trend = iota
	TrendGood
	TrendBad
	TrendNone // no comparison possible
)

// Change renders the change against the previous period ("+4.2 pts",
// "-$3k", "+12%", "no change", "new", "n/a") and whether it is good news.
func (m Metric) Change(c sales.Currency) (string, Trend) {
	if !m.Cur.OK || !m.Prev.OK {
		if m.Cur.OK && !m.Prev.OK {
			return "new", TrendNone
		}
		return sales.NA, TrendNone
	}
	delta := m.Cur.V - m.Prev.V
	var s string
	switch m.Kind {
	case KindPercent:
		s = signed(trim1(math.Abs(delta)*100), delta) + " pts"
		if math.Abs(delta) < 0.0005 {
			s = ""
		}
	case KindMoney, KindPerDay:
		if math.Abs(delta) < 0.5 {
			break
		}
		s = signed(c.Abbrev(sales.Money(math.Round(math.Abs(delta)))), delta)
		if m.Kind == KindPerDay {
			s += "/day"
		}
	case KindDays:
		if math.Abs(delta) < 0.05 {
			break
		}
		s = signed(trim1(math.Abs(delta)), delta) + " days"
	default:
		if delta == 0 {
			break
		}
		s = signed(fmt.Sprintf("%.0f", math.Abs(delta)), delta)
	}
	if s == "" {
		return "no change", TrendFlat
	}
	good := delta > 0 == m.HigherIsBetter
	if good {
		return s, TrendGood
	}
	return s, TrendBad
}

func signed(abs string, delta float64) string {
	if delta < 0 {
		return "−" + abs
	}
	return "+" + abs
}

func trim1(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}

// PaceText renders a pace: "1.12×" or n/a.
func PaceText(n sales.Num) string { return paceText(n) }

// CoverageText renders a coverage: "2.4×" or n/a.
func CoverageText(n sales.Num) string { return timesText(n) }

// BarWidth is the width of text progress bars.
const BarWidth = 10

// ProgressBar is the text bar for a rep or team: attainment when there is
// a quota, else empty.
func ProgressBar(pr sales.Progress) string {
	if !pr.HasQuota || !pr.Attainment.OK {
		return sales.Bar(0, BarWidth)
	}
	return sales.Bar(pr.Attainment.V, BarWidth)
}

// PaceNote says whether a subject is ahead of, on or behind pace: the one
// verdict (sales.Verdict) every view shows.
func PaceNote(pr sales.Progress) string { return pr.Verdict.String() }

// DateText renders a civil date: "Tue 3 Nov".
func DateText(t time.Time) string {
	if t.IsZero() {
		return "no date"
	}
	return t.Format("Mon 2 Jan")
}

// SinceText renders the "what moved" window: "since Mon 2 Nov 08:00".
func (d *Digest) SinceText() string {
	loc := d.Loc
	if loc == nil {
		loc = time.UTC
	}
	return "since " + d.Since.In(loc).Format("Mon 2 Jan 15:04")
}

// ScopeLabel names the digest's scope: "Everyone", "Territory EMEA",
// "Alice's team".
func (d *Digest) ScopeLabel() string {
	switch d.Scope.Kind {
	case ScopeTerritory:
		return "Territory " + d.Scope.Name
	case ScopeTeam:
		return d.Scope.Name + "'s team"
	}
	return "Everyone"
}
