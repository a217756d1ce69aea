package forecast

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// fact is the fixed-size part of a deal the hot loops read, in unix
// seconds, so a million deals are scanned without chasing timelines.
// It holds an index, not a pointer, so the garbage collector skips it.
type fact struct {
	i                      int
	known, created, closed int64 // created 0 = unknown; closed 0 = open
	won                    sales.Money
	outcome                Outcome
	// lastAmount is the deal's latest amount, in force from lastAmountAt
	// (whole seconds, rounded up; math.MaxInt64 when it never had one), so
	// the hot loops read most amounts without visiting the timeline.
	lastAmount   sales.Money
	lastAmountAt int64
}

// amountAt is m.h[f.i].AmountAt(time.Unix(t, 0)).
func (m *Model) amountAt(f *fact, t int64) sales.Money {
	if t >= f.lastAmountAt {
		return f.lastAmount
	}
	return m.h[f.i].AmountAt(time.Unix(t, 0))
}

// ceilUnix is t in whole seconds rounded up: t <= time.Unix(s, 0) exactly
// when ceilUnix(t) <= s.
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// openAt reports whether the deal was known and open at t.
func (f *fact) openAt(t int64) bool {
	return f.known <= t && (f.outcome == Open || f.closed > t)
}

// Model is what the history known at an instant teaches about a period.
// Learn it once and project any number of groups (reps, teams) from it.
type Model struct {
	h                []Deal
	period           sales.Period
	asOf             time.Time
	start, end       time.Time // the period in Options.Loc
	civStart, civEnd time.Time // the period as civil dates
	loc              *time.Location
	horizon          int // days left
	o                Options
	table            *sales.StageTable
	cat              *Categorizer
	facts            []fact // known at asOf and not closed long before the lookback
	cif, surv        []float64
	lift             [256]float64
	meanWon          float64
	closed           int
	firstBirth       int64 // earliest created instant in the cohort, 0 none
	firstClose       int64 // earliest close in the lookback, 0 none
	units            [][2]int64
	unitDays         []int
	unit             string
	medianAge        int
	fallback         bool
	reason           string
}

// Learn reads the history known at asOf: the deals created in the lookback
// (a year, or four periods when longer) give the age curve, the deals
// closed in it give the stage lifts and the mean won amount.
func Learn(h []Deal, p sales.Period, asOf time.Time, o Options) *Model {
	loc := o.Loc
	if loc == nil {
		loc = time.UTC
	}
	m := &Model{h: h, period: p, asOf: asOf, o: o, table: o.Stages.Table(), cat: NewCategorizer(o.Stages)}
	m.facts = make([]fact, 0, len(h))
	m.start, m.end, m.loc = p.Start(loc), p.End(loc), loc
	m.civStart, m.civEnd = p.Start(time.UTC), p.End(time.UTC)
	m.horizon = daysCeil(m.end.Sub(maxTime(asOf, m.start)))
	lookback := max(365*day, 4*m.end.Sub(m.start))
	lbStart := asOf.Add(-lookback)
	// Deals closed shortly before the lookback still count in the run
	// rate of its first units.
	keepFrom := lbStart.Add(-recentDays * day)
	maxAge := int(lookback/day) + 1
	// The deals are read in fixed chunks on every core and the parts added
	// in chunk order, so the sums do not depend on the machine.
	parts := make([]*learnPart, chunks(len(h)))
	eachChunk(len(h), func(c, lo, hi int) {
		parts[c] = m.learnChunk(h, lo, hi, asOf, lbStart, keepFrom, maxAge)
	})
	won := make([]float64, maxAge+1)
	lost := make([]float64, maxAge+1)
	gone := make([]float64, maxAge+1) // censored
	var wonN, wonSum float64
	var births []int64
	var stWon, stClosed [256]float64
	var firstClose time.Time
	var ages []int
	for _, pt := range parts {
		m.facts = append(m.facts, pt.facts...)
		m.closed += pt.closed
		if !pt.firstClose.IsZero() && (firstClose.IsZero() || pt.firstClose.Before(firstClose)) {
			firstClose = pt.firstClose
		}
		if pt.firstBirth != 0 && (m.firstBirth == 0 || pt.firstBirth < m.firstBirth) {
			m.firstBirth = pt.firstBirth
		}
		wonN += pt.wonN
		wonSum += pt.wonSum
		births = append(births, pt.births...)
		ages = append(ages, pt.ages...)
		for k := range won {
			won[k] += pt.won[k]
			lost[k] += pt.lost[k]
			gone[k] += pt.gone[k]
		}
		for s := range stWon {
			stWon[s] += pt.stWon[s]
			stClosed[s] += pt.stClosed[s]
		}
	}
	if wonN > 0 {
		m.meanWon = wonSum / wonN
	}
	if len(ages) > 0 {
		sort.Ints(ages)
		m.medianAge = ages[len(ages)/2]
	}
	// Aalen-Johansen: the chance of a win by each age with open deals
	// counted as censored, so a short history does not pretend that slow
	// deals never win. A deal enters the risk set at the age it had when
	// the history's first close happened: before that no close could have
	// been seen (a sample that starts its closes later than its deals
	// would otherwise teach that young deals never close).
	enter := make([]float64, maxAge+1)
	for _, b := range births {
		e := 0
		if !firstClose.IsZero() && firstClose.Unix() > b {
			e = clampAge(time.Duration(firstClose.Unix()-b)*time.Second, maxAge)
		}
		enter[e]++
	}
	m.cif = make([]float64, maxAge+1)
	m.surv = make([]float64, maxAge+1)
	s, atRisk := 1.0, 0.0
	for k := 0; k < maxAge; k++ {
		atRisk += enter[k]
		m.surv[k] = s
		m.cif[k+1] = m.cif[k]
		if atRisk > 0 {
			m.cif[k+1] += s * won[k] / atRisk
			s *= 1 - (won[k]+lost[k])/atRisk
		}
		atRisk -= won[k] + lost[k] + gone[k]
	}
	m.surv[maxAge] = s
	var allWon, allClosed float64
	for id := range stWon {
		if m.table[id].Kind == sales.StageOpen {
			allWon += stWon[id]
			allClosed += stClosed[id]
		}
	}
	for id := range m.lift {
		m.lift[id] = 1
	}
	if allClosed > 0 && allWon > 0 {
		overall := allWon / allClosed
		for id := range m.lift {
			m.lift[id] = (stWon[id] + shrink*overall) / (stClosed[id] + shrink) / overall
		}
	}
	if !firstClose.IsZero() {
		m.firstClose = firstClose.Unix()
	}
	m.pickUnits(firstClose, lbStart, loc)
	switch {
	case m.closed < minClosed(o):
		m.fallback = true
		m.reason = fmt.Sprintf("only %d closed deals in the last year to learn from (need %d): the projection uses stage probabilities", m.closed, minClosed(o))
		if m.closed == 0 {
			m.reason = fmt.Sprintf("no closed deals in the last year to learn from (need %d): the projection uses stage probabilities", minClosed(o))
		}
	case len(m.units) < minUnits(o):
		m.fallback = true
		m.reason = fmt.Sprintf("only %d past %ss with closed deals to learn from (need %d): the projection uses stage probabilities", len(m.units), m.unit, minUnits(o))
	}
	return m
}

// learnPart is what Learn reads from one chunk of the deals.
type learnPart struct {
	facts           []fact
	closed          int
	firstClose      time.Time
	firstBirth      int64
	wonN, wonSum    float64
	births          []int64
	ages            []int
	won, lost, gone []float64
	stWon, stClosed [256]float64
}

func (m *Model) learnChunk(h []Deal, lo, hi int, asOf, lbStart, keepFrom time.Time, maxAge int) *learnPart {
	pt := &learnPart{facts: make([]fact, 0, hi-lo),
		won: make([]float64, maxAge+1), lost: make([]float64, maxAge+1), gone: make([]float64, maxAge+1)}
	for i := lo; i < hi; i++ {
		d := &h[i]
		closedByAsOf := d.Outcome != Open && !d.ClosedAt.After(asOf)
		if closedByAsOf && d.ClosedAt.Before(keepFrom) || !d.KnownAt(asOf) {
			continue
		}
		f := fact{i: i, known: d.Stages[0].At.Unix(), outcome: d.Outcome, lastAmountAt: math.MaxInt64}
		if n := len(d.Amounts); n > 0 {
			f.lastAmount, f.lastAmountAt = d.Amounts[n-1].Amount, ceilUnix(d.Amounts[n-1].At)
		}
		if !d.Created.IsZero() {
			f.created = d.Created.Unix()
		}
		if d.Outcome != Open {
			f.closed = d.ClosedAt.Unix()
			f.won = d.WonAmount()
		}
		pt.facts = append(pt.facts, f)
		if closedByAsOf && !d.ClosedAt.Before(lbStart) {
			pt.closed++
			if pt.firstClose.IsZero() || d.ClosedAt.Before(pt.firstClose) {
				pt.firstClose = d.ClosedAt
			}
			isWon := d.Outcome == Won
			if isWon && f.won > 0 {
				pt.wonN++
				pt.wonSum += float64(f.won)
			}
			var seen [256]bool
			for _, sc := range d.Stages {
				if sc.At.After(d.ClosedAt) || m.table[sc.Stage].Kind != sales.StageOpen || seen[sc.Stage] {
					continue
				}
				seen[sc.Stage] = true
				pt.stClosed[sc.Stage]++
				if isWon {
					pt.stWon[sc.Stage]++
				}
			}
		}
		if !closedByAsOf && !d.Created.IsZero() && !d.Created.After(asOf) {
			pt.ages = append(pt.ages, int(asOf.Sub(d.Created)/day))
		}
		if d.Created.IsZero() || d.Created.Before(lbStart) || d.Created.After(asOf) {
			continue
		}
		pt.births = append(pt.births, f.created)
		if pt.firstBirth == 0 || f.created < pt.firstBirth {
			pt.firstBirth = f.created
		}
		switch {
		case closedByAsOf && d.Outcome == Won:
			pt.won[clampAge(d.ClosedAt.Sub(d.Created), maxAge)]++
		case closedByAsOf:
			pt.lost[clampAge(d.ClosedAt.Sub(d.Created), maxAge)]++
		default:
			pt.gone[clampAge(asOf.Sub(d.Created), maxAge)]++
		}
	}
	return pt
}

// pickUnits chooses the past sub-periods to resample: calendar months when
// there are enough since the first close, else weeks (a single past
// quarter holds 13 of them).
func (m *Model) pickUnits(firstClose, lbStart time.Time, loc *time.Location) {
	m.unit = "month"
	if firstClose.IsZero() {
		return
	}
	from := maxTime(firstClose, lbStart)
	var months [][2]time.Time
	f := from.In(loc)
	s := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
	if s.Before(from) {
		s = s.AddDate(0, 1, 0)
	}
	for e := s.AddDate(0, 1, 0); !e.After(m.asOf); s, e = e, e.AddDate(0, 1, 0) {
		months = append(months, [2]time.Time{s, e})
	}
	units := lastN(months, 12)
	if len(months) < minUnits(m.o) {
		var weeks [][2]time.Time
		for e := m.asOf; !e.Add(-7 * day).Before(from); e = e.Add(-7 * day) {
			weeks = append([][2]time.Time{{e.Add(-7 * day), e}}, weeks...)
		}
		units, m.unit = lastN(weeks, 26), "week"
	}
	for _, u := range units {
		m.units = append(m.units, [2]int64{u[0].Unix(), u[1].Unix()})
		m.unitDays = append(m.unitDays, daysCeil(u[1].Sub(u[0])))
	}
}

func lastN(u [][2]time.Time, n int) [][2]time.Time {
	if len(u) > n {
		return u[len(u)-n:]
	}
	return u
}

// winWithin is the chance that a deal created at created (0 = unknown),
// open at t, is won in the next horizon days: the share of the deals of
// its age still open that won within that many more days. A deal of
// unknown age is taken to be as old as the median open deal.
func (m *Model) winWithin(created, t int64, horizon int) float64 {
	age := m.medianAge
	if created != 0 && created <= t {
		age = int((t - created) / 86400)
	}
	top := len(m.cif) - 1
	age = min(age, top)
	if m.surv[age] <= 0 {
		return 0
	}
	p := (m.cif[min(age+horizon, top)] - m.cif[age]) / m.surv[age]
	return math.Max(0, math.Min(1, p))
}

// rateFrom is where the run-rate window before t starts: recentDays
// back, but not before the first deal nor before the first close (until
// then a sample holds only the deals that lived to its first close).
func (m *Model) rateFrom(t int64) int64 {
	return max(t-recentDays*86400, m.firstBirth, m.firstClose)
}

// span is the length in days of the run-rate window before t.
func (m *Model) span(t int64) float64 {
	return float64(t-m.rateFrom(t)) / 86400
}

// newDeals is the expected won amount from deals created in the next
// horizon days given the count created in the span before t: the run rate
// times the mean won amount times, for each day, the chance a deal created
// then wins before the end.
func (m *Model) newDeals(createdBefore float64, t int64, horizon int) float64 {
	if m.span(t) < 1 {
		return 0
	}
	return createdBefore / m.span(t) * m.meanWon * m.cumCIF(horizon)
}

func (m *Model) cumCIF(horizon int) float64 {
	top := len(m.cif) - 1
	var sum float64
	for j := 1; j <= horizon; j++ {
		sum += m.cif[min(j, top)]
	}
	return sum
}

// quantile of sorted xs, interpolated.
func quantile(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (pos-float64(i))*(xs[i+1]-xs[i])
}

func clampAge(d time.Duration, top int) int {
	return max(0, min(int(d/day), top-1))
}

func daysCeil(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + day - 1) / day)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minUnits(o Options) int {
	if o.MinUnits > 0 {
		return o.MinUnits
	}
	return DefaultMinUnits
}

func minClosed(o Options) int {
	if o.MinClosed > 0 {
		return o.MinClosed
	}
	return DefaultMinClosed
}
