package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// model is what the history known at asOf teaches.
type model struct {
	relevant   []*Deal // known at asOf and not closed before the lookback
	cif, surv  []float64
	lift       [256]float64
	meanWon    float64
	closed     int
	firstBirth time.Time // earliest created instant in the cohort
	units      [][2]time.Time
	unit       string
}

// learn reads the history known at asOf: the deals created in the lookback
// (a year, or four periods when longer) give the age curves, the deals
// closed in it give the stage lifts and the mean won amount.
func learn(h []Deal, p sales.Period, asOf time.Time, table *sales.StageTable, loc *time.Location, o Options) *model {
	m := &model{}
	periodLen := p.End(loc).Sub(p.Start(loc))
	lookback := max(365*day, 4*periodLen)
	lbStart := asOf.Add(-lookback)
	maxAge := int(lookback/day) + 1
	won := make([]float64, maxAge+1)
	lost := make([]float64, maxAge+1)
	gone := make([]float64, maxAge+1) // censored
	var cohort float64
	var wonN, wonSum float64
	var stWon, stClosed [256]float64
	var firstClose time.Time
	for i := range h {
		d := &h[i]
		if !d.KnownAt(asOf) {
			continue
		}
		closedByAsOf := d.Outcome != Open && !d.ClosedAt.After(asOf)
		// Deals closed shortly before the lookback still count in the run
		// rate of its first units.
		if closedByAsOf && d.ClosedAt.Before(lbStart.Add(-recentDays*day)) {
			continue
		}
		m.relevant = append(m.relevant, d)
		if closedByAsOf && !d.ClosedAt.Before(lbStart) {
			m.closed++
			if firstClose.IsZero() || d.ClosedAt.Before(firstClose) {
				firstClose = d.ClosedAt
			}
			isWon := d.Outcome == Won
			if isWon {
				if a := d.WonAmount(); a > 0 {
					wonN++
					wonSum += float64(a)
				}
			}
			var seen [256]bool
			for _, sc := range d.Stages {
				if sc.At.After(d.ClosedAt) || table[sc.Stage].Kind != sales.StageOpen || seen[sc.Stage] {
					continue
				}
				seen[sc.Stage] = true
				stClosed[sc.Stage]++
				if isWon {
					stWon[sc.Stage]++
				}
			}
		}
		if d.Created.IsZero() || d.Created.Before(lbStart) || d.Created.After(asOf) {
			continue
		}
		cohort++
		if m.firstBirth.IsZero() || d.Created.Before(m.firstBirth) {
			m.firstBirth = d.Created
		}
		switch {
		case closedByAsOf && d.Outcome == Won:
			won[clampAge(d.ClosedAt.Sub(d.Created), maxAge)]++
		case closedByAsOf:
			lost[clampAge(d.ClosedAt.Sub(d.Created), maxAge)]++
		default:
			gone[clampAge(asOf.Sub(d.Created), maxAge)]++
		}
	}
	if wonN > 0 {
		m.meanWon = wonSum / wonN
	}
	// Aalen-Johansen: the chance of a win by each age with open deals
	// counted as censored, so a short history does not pretend that slow
	// deals never win.
	m.cif = make([]float64, maxAge+1)
	m.surv = make([]float64, maxAge+1)
	s, atRisk := 1.0, cohort
	if cohort > 0 {
		for k := 0; k < maxAge; k++ {
			m.surv[k] = s
			if atRisk > 0 {
				m.cif[k+1] = m.cif[k] + s*won[k]/atRisk
				s *= 1 - (won[k]+lost[k])/atRisk
			} else {
				m.cif[k+1] = m.cif[k]
			}
			atRisk -= won[k] + lost[k] + gone[k]
		}
		m.surv[maxAge] = s
	}
	var allWon, allClosed float64
	for id := range stWon {
		if table[id].Kind == sales.StageOpen {
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
			rate := (stWon[id] + shrink*overall) / (stClosed[id] + shrink)
			m.lift[id] = rate / overall
		}
	}
	m.pickUnits(firstClose, lbStart, asOf, loc, o)
	return m
}

// pickUnits chooses the past sub-periods to resample: calendar months when
// there are enough since the first close, else weeks (a single past
// quarter holds 13 of them).
func (m *model) pickUnits(firstClose, lbStart, asOf time.Time, loc *time.Location, o Options) {
	if firstClose.IsZero() {
		m.unit = "month"
		return
	}
	from := maxTime(firstClose, lbStart)
	var months [][2]time.Time
	f := from.In(loc)
	s := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
	if s.Before(from) {
		s = s.AddDate(0, 1, 0)
	}
	for e := s.AddDate(0, 1, 0); !e.After(asOf); s, e = e, e.AddDate(0, 1, 0) {
		months = append(months, [2]time.Time{s, e})
	}
	if len(months) >= minUnits(o) {
		m.units, m.unit = lastN(months, 12), "month"
		return
	}
	var weeks [][2]time.Time
	for e := asOf; !e.Add(-7 * day).Before(from); e = e.Add(-7 * day) {
		weeks = append([][2]time.Time{{e.Add(-7 * day), e}}, weeks...)
	}
	m.units, m.unit = lastN(weeks, 26), "week"
}

func lastN(u [][2]time.Time, n int) [][2]time.Time {
	if len(u) > n {
		return u[len(u)-n:]
	}
	return u
}

func (m *model) tooShort(o Options) (bool, string) {
	if m.closed < minClosed(o) {
		return true, fmt.Sprintf("only %d closed deals in the last year to learn from (need %d): the projection uses stage probabilities", m.closed, minClosed(o))
	}
	return false, ""
}

// openAges is the median age in days of the open deals with a known
// created instant; a deal without one is taken to be that old.
func (m *model) openAges(target []*Deal, asOf time.Time) int {
	var ages []int
	for _, d := range target {
		if d.OpenAt(asOf) && !d.Created.IsZero() && !d.Created.After(asOf) {
			ages = append(ages, int(asOf.Sub(d.Created)/day))
		}
	}
	if len(ages) == 0 {
		return 0
	}
	sort.Ints(ages)
	return ages[len(ages)/2]
}

// winWithin is the chance that d, open at t, is won in the next horizon
// days: the share of the deals of its age still open that won within that
// many more days.
func (m *model) winWithin(d *Deal, t time.Time, horizon, medianAge int) float64 {
	age := medianAge
	if !d.Created.IsZero() && !d.Created.After(t) {
		age = int(t.Sub(d.Created) / day)
	}
	top := len(m.cif) - 1
	if age > top {
		age = top
	}
	if m.surv[age] <= 0 {
		return 0
	}
	p := (m.cif[min(age+horizon, top)] - m.cif[age]) / m.surv[age]
	return math.Max(0, math.Min(1, p))
}

// runRate is the deals created per day in the recentDays before t.
func (m *model) runRate(target []*Deal, t time.Time) float64 {
	from := t.Add(-recentDays * day)
	span := float64(recentDays)
	if !m.firstBirth.IsZero() && m.firstBirth.After(from) {
		from = m.firstBirth
		span = math.Max(1, t.Sub(from).Hours()/24)
	}
	n := 0
	for _, d := range target {
		if d.KnownAt(t) && !d.Created.IsZero() && !d.Created.Before(from) && d.Created.Before(t) {
			n++
		}
	}
	return float64(n) / span
}

// newDeals is the expected won amount from deals created in the next
// horizon days: the run rate times the mean won amount times, for each
// day, the chance a deal wins within the days left after it.
func (m *model) newDeals(target []*Deal, t time.Time, horizon int) float64 {
	return m.runRate(target, t) * m.meanWon * m.cumCIF(horizon)
}

func (m *model) cumCIF(horizon int) float64 {
	top := len(m.cif) - 1
	var sum float64
	for j := 1; j <= horizon; j++ {
		sum += m.cif[min(j, top)]
	}
	return sum
}

// unitRatios replays the same rates at the start of each past unit and
// returns actual/expected per unit: the period-level errors (conversion and
// new-deal volume together) that the range resamples.
func (m *model) unitRatios(target []*Deal, asOf time.Time, medianAge int) []float64 {
	n := len(m.units)
	expected := make([]float64, n)
	actual := make([]float64, n)
	created := make([]float64, n) // deals created in the recentDays before each unit
	horizons := make([]int, n)
	for u, w := range m.units {
		horizons[u] = daysCeil(w[1].Sub(w[0]))
	}
	for _, d := range target {
		for u, w := range m.units {
			su, eu := w[0], w[1]
			if d.Outcome == Won && !d.ClosedAt.Before(su) && d.ClosedAt.Before(eu) {
				actual[u] += float64(d.WonAmount())
			}
			if !d.Created.IsZero() && d.Created.Before(su) && !d.Created.Before(su.Add(-recentDays*day)) {
				created[u]++
			}
			if !d.OpenAt(su) {
				continue
			}
			value := float64(d.AmountAt(su))
			if value <= 0 {
				value = m.meanWon
			}
			expected[u] += m.winWithin(d, su, horizons[u], medianAge) * value
		}
	}
	var ratios []float64
	for u, w := range m.units {
		span := float64(recentDays)
		if from := w[0].Add(-recentDays * day); !m.firstBirth.IsZero() && m.firstBirth.After(from) {
			span = math.Max(1, w[0].Sub(m.firstBirth).Hours()/24)
		}
		expected[u] += created[u] / span * m.meanWon * m.cumCIF(horizons[u])
		if expected[u] > 0 {
			ratios = append(ratios, actual[u]/expected[u])
		}
	}
	return ratios
}

// resample draws the mean of k units' ratios, with replacement, and
// returns the sorted draws.
func resample(ratios []float64, k int, seed uint64) []float64 {
	if len(ratios) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]float64, draws)
	for i := range out {
		var s float64
		for j := 0; j < k; j++ {
			s += ratios[rng.IntN(len(ratios))]
		}
		out[i] = s / float64(k)
	}
	sort.Float64s(out)
	return out
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
	a := int(d / day)
	return max(0, min(a, top-1))
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
