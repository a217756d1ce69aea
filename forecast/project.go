package forecast

import (
	"math"
	"sort"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Options set up a projection.
type Options struct {
	Stages sales.StageSet
	Loc    *time.Location // periods and instants; nil = UTC
	// Select picks the deals being forecast (a rep, a team, a territory);
	// nil = all. Rates are always learned from the whole history.
	Select   func(*Deal) bool
	Quota    sales.Money
	HasQuota bool
	// MinUnits and MinClosed are the least history the method needs; 0 =
	// DefaultMinUnits, DefaultMinClosed.
	MinUnits, MinClosed int
}

const (
	DefaultMinUnits  = 4
	DefaultMinClosed = 150
	day              = 24 * time.Hour
	// shrink is how many closed deals of prior weight a stage's own win
	// rate needs to move away from the team's overall rate.
	shrink = 20
	// recentDays is the window of the new-deal run rate.
	recentDays = 91
)

// StageTerm is the open-deal term of one stage.
type StageTerm struct {
	Stage    sales.StageID
	Deals    int
	Amount   sales.Money // open amount counted
	Expected sales.Money
}

// Slip is a deal whose close date left the period after the period began.
type Slip struct {
	ID       sales.DealID
	Amount   sales.Money
	From, To time.Time // civil close dates at the period start and now
}

// Projection is the forecast of a period as of an instant, with its terms.
type Projection struct {
	Period sales.Period
	AsOf   time.Time
	Totals Totals // categories of the deals closing in the period

	WonToDate  sales.Money
	FromOpen   sales.Money
	ByStage    []StageTerm         // the open-deal term per stage, in stage order
	ByCategory [Closed]sales.Money // the open-deal term per category
	FromNew    sales.Money
	Predicted  sales.Money // WonToDate + FromOpen + FromNew
	Low, High  sales.Money // the 80% range
	// Calibration is the median ratio actual/expected of the past units,
	// already applied to FromOpen and FromNew.
	Calibration float64
	Chance      sales.Num   // of reaching the quota (n/a without quota or range)
	MoreNeeded  sales.Money // quota − Predicted, when above 0
	CommitGap   sales.Money // quota − commit, when above 0
	Slipped     []Slip

	Fallback bool   // too little history: stage probabilities, no range
	Reason   string // why the fallback was taken; empty otherwise
	Units    int    // past units resampled
	Unit     string // "month" or "week"
	// TeamUnits is set when the group had too few units of its own and its
	// range and calibration come from the whole team's.
	TeamUnits bool
}

// Project forecasts period p as of asOf from history h for the deals
// o.Select picks, seeing only what was known at asOf. See the package
// documentation for the method.
func Project(h []Deal, p sales.Period, asOf time.Time, o Options) Projection {
	return Learn(h, p, asOf, o).Project(o.Select)
}

// Project forecasts the deals sel picks (nil = all) from what m learned.
func (m *Model) Project(sel func(*Deal) bool) Projection {
	group, rest := m.newAcc(), m.newAcc()
	gidx := make([]int32, len(m.facts))
	for i := range m.facts {
		if sel != nil && !sel(&m.h[m.facts[i].i]) {
			gidx[i] = 1
		}
	}
	m.sum(gidx, []*acc{group, rest}, []bool{true, false})
	rest.merge(group)
	return m.finish(group, rest)
}

// ProjectQuota is Project for one group measured against its own quota
// (hasQuota false: none), so each rep or team gets its chance of reaching
// it and what it takes, from the rates m learned once.
func (m *Model) ProjectQuota(sel func(*Deal) bool, quota sales.Money, hasQuota bool) Projection {
	g := *m // shares what was learned; only the quota differs
	g.o.Quota, g.o.HasQuota = quota, hasQuota
	return g.Project(sel)
}

// ProjectBy forecasts every group of deals key puts together (each rep,
// territory, …) in one pass; the groups share what m learned.
func ProjectBy[K comparable](m *Model, key func(*Deal) K) map[K]Projection {
	return ProjectByQuota(m, key, nil, func(K) (sales.Money, bool) { return m.o.Quota, m.o.HasQuota })
}

// ProjectByQuota is ProjectBy with each group measured against its own
// quota (quota's false: none): every rep's call and roll-up line from one
// pass over the deals, where Project per rep would scan them all each time.
// Every key in keys gets a projection, an empty group its own (no deals:
// only what deals not yet created may bring).
func ProjectByQuota[K comparable](m *Model, key func(*Deal) K, keys []K, quota func(K) (sales.Money, bool)) map[K]Projection {
	index := map[K]int32{}
	var order []K
	gidx := make([]int32, len(m.facts))
	for i := range m.facts {
		k := key(&m.h[m.facts[i].i])
		g, ok := index[k]
		if !ok {
			g = int32(len(order))
			index[k] = g
			order = append(order, k)
		}
		gidx[i] = g
	}
	accs := make([]*acc, len(order))
	full := make([]bool, len(order))
	for g := range accs {
		accs[g], full[g] = m.newAcc(), true
	}
	m.sum(gidx, accs, full)
	// Merged in the order the groups were met, so the team's sums are the
	// same on every run.
	all := m.newAcc()
	for _, g := range accs {
		all.merge(g)
	}
	out := make(map[K]Projection, len(order)+len(keys))
	for _, k := range keys {
		if _, ok := index[k]; !ok {
			q := *m
			q.o.Quota, q.o.HasQuota = quota(k)
			out[k] = q.finish(m.newAcc(), all)
		}
	}
	for g, k := range order {
		q := *m // shares what was learned; only the quota differs
		q.o.Quota, q.o.HasQuota = quota(k)
		out[k] = q.finish(accs[g], all)
	}
	return out
}

// sum adds every fact to its group's acc (gidx[i] is fact i's group; full
// says whether a group takes the whole deal or only its past units). One
// goroutine adds the current terms of every group in fact order; the past
// units are summed per fixed chunk of facts (each fact read once for all
// units) and the chunks' sums added in chunk order. So the result does not
// depend on the number of cores, and one chunk (most tests) is exactly a
// plain loop.
func (m *Model) sum(gidx []int32, accs []*acc, full []bool) {
	nu := len(m.units)
	if m.fallback {
		nu = 0
	}
	nc := chunks(len(m.facts))
	parts := make([][3][]float64, nc) // per chunk: actual, expected, createdBefore by group*nu+u
	run := func(job int) {
		if job == 0 {
			for i := range m.facts {
				if g := gidx[i]; full[g] {
					m.addNow(accs[g], &m.facts[i])
				}
			}
			return
		}
		if nu == 0 {
			return
		}
		c := job - 1
		lo, hi := c*chunkSize, min(len(m.facts), (c+1)*chunkSize)
		var pt [3][]float64
		for k := range pt {
			pt[k] = make([]float64, len(accs)*nu)
		}
		for i := lo; i < hi; i++ {
			off := int(gidx[i]) * nu
			m.addUnits(pt[0][off:off+nu], pt[1][off:off+nu], pt[2][off:off+nu], &m.facts[i])
		}
		parts[c] = pt
	}
	if nc <= 1 {
		for j := range 1 + nc {
			run(j)
		}
	} else {
		eachJob(1+nc, run)
	}
	if nu == 0 {
		return
	}
	for _, pt := range parts {
		for g, a := range accs {
			off := g * nu
			for u := range nu {
				a.actual[u] += pt[0][off+u]
				a.expected[u] += pt[1][off+u]
				a.createdBefore[u] += pt[2][off+u]
			}
		}
	}
}

// acc gathers one group's sums in the single pass over the deals.
type acc struct {
	won                    sales.Money
	totals                 Totals
	slipped                []Slip
	open, lifted           float64 // open-deal term before and after the stage lift
	stageDeals             [256]int
	stageAmount            [256]sales.Money
	stageLifted, catLifted [256]float64
	recent                 float64 // deals created in the run-rate span before asOf
	actual, expected       []float64
	createdBefore          []float64
}

func (m *Model) newAcc() *acc {
	n := len(m.units)
	return &acc{actual: make([]float64, n), expected: make([]float64, n), createdBefore: make([]float64, n)}
}

// merge adds o's past units (all the team-level fallback needs) to a.
func (a *acc) merge(o *acc) {
	for u := range a.actual {
		a.actual[u] += o.actual[u]
		a.expected[u] += o.expected[u]
		a.createdBefore[u] += o.createdBefore[u]
	}
}

// addUnits counts f in every past unit (actual, expected and
// createdBefore are indexed by unit): the same rates replayed at the
// start of each.
func (m *Model) addUnits(actual, expected, createdBefore []float64, f *fact) {
	for u, w := range m.units {
		su, eu := w[0], w[1]
		if f.outcome == Won && f.closed >= su && f.closed < eu {
			actual[u] += float64(f.won)
		}
		if f.created != 0 && f.created < su && f.created >= m.rateFrom(su) {
			createdBefore[u]++
		}
		if f.openAt(su) {
			expected[u] += m.winWithin(f.created, su, m.unitDays[u]) * m.value(m.amountAt(f, su))
		}
	}
}

// addNow counts f in the period's own terms as of m.asOf.
func (m *Model) addNow(a *acc, f *fact) {
	d := &m.h[f.i]
	asOf := m.asOf.Unix()
	if !m.fallback {
		if f.created != 0 && f.created < asOf && f.created >= m.rateFrom(asOf) {
			a.recent++
		}
	}
	if f.outcome == Won && f.closed <= asOf {
		// Won so far: won on a day of the period (its civil close day, as
		// report and /goal count it), at the amount known at asOf (a
		// correction after the win included, as /goal shows it).
		if day := d.CloseDay(m.loc); !day.Before(m.civStart) && day.Before(m.civEnd) {
			won := d.AmountAt(m.asOf)
			a.won += won
			a.totals.ClosedWon += won
		}
		return
	}
	if !f.openAt(asOf) {
		return
	}
	cd := d.CloseDateAt(m.asOf)
	if m.asOf.After(m.start) {
		if was := d.CloseDateAt(m.start); !was.IsZero() && was.Before(m.civEnd) && !was.Before(m.civStart) && !cd.IsZero() && !cd.Before(m.civEnd) {
			a.slipped = append(a.slipped, Slip{ID: d.ID, Amount: d.AmountAt(m.asOf), From: was, To: cd})
		}
	}
	if !cd.IsZero() && !cd.Before(m.civEnd) {
		return // expected after the period
	}
	if !cd.IsZero() && cd.Before(m.civStart) && m.asOf.Before(m.start) {
		// Expected before a period still to come (or overdue now): if it
		// closes, it closes before the period starts, not in it.
		return
	}
	stage, _ := d.StageAt(m.asOf)
	amount := d.AmountAt(m.asOf)
	c := m.cat.Of(stage, d.CategoryAt(m.asOf))
	if !cd.IsZero() {
		a.totals.Add(c, amount)
	}
	var e, lifted float64
	switch {
	case m.fallback && cd.IsZero():
		return // the stage-probability method only weighs dated deals
	case m.fallback:
		e = float64(m.table[stage].Probability) / 10000 * float64(amount)
		lifted = e
	default:
		e = m.winWithin(f.created, asOf, m.horizon) * m.value(amount)
		lifted = e * m.lift[stage]
	}
	a.open += e
	a.lifted += lifted
	a.stageDeals[stage]++
	a.stageAmount[stage] += amount
	a.stageLifted[stage] += lifted
	a.catLifted[c] += lifted
}

// value is what an open deal is worth if won: its amount, else the mean
// won amount.
func (m *Model) value(amount sales.Money) float64 {
	if amount > 0 {
		return float64(amount)
	}
	return m.meanWon
}

func (a *acc) ratios(m *Model) []float64 {
	var out []float64
	for u, w := range m.units {
		exp := a.expected[u] + m.newDeals(a.createdBefore[u], w[0], m.unitDays[u])
		if exp > 0 && m.span(w[0]) >= 1 {
			out = append(out, a.actual[u]/exp)
		}
	}
	sort.Float64s(out)
	return out
}

func (m *Model) finish(a, all *acc) Projection {
	pr := Projection{Period: m.period, AsOf: m.asOf, Totals: a.totals, WonToDate: a.won, Calibration: 1,
		Slipped: a.slipped, Fallback: m.fallback, Reason: m.reason}
	var ratios []float64
	if !m.fallback {
		if ratios = a.ratios(m); len(ratios) < minUnits(m.o) {
			ratios, pr.TeamUnits = all.ratios(m), true
		}
		pr.Units, pr.Unit = len(ratios), m.unit
	}
	var newTerm float64
	if !pr.Fallback {
		newTerm = m.newDeals(a.recent, m.asOf.Unix(), m.horizon)
		if len(ratios) > 0 {
			pr.Calibration = quantile(ratios, 0.5)
		}
	}
	calib := pr.Calibration
	// The age curve sets the open total; the stages share it out by how
	// much better than average the deals that reached them did.
	norm := 1.0
	if a.lifted > 0 {
		norm = a.open / a.lifted
	}
	pr.FromOpen = sales.Money(math.Round(a.open * calib))
	pr.FromNew = sales.Money(math.Round(newTerm * calib))
	for c := range pr.ByCategory {
		pr.ByCategory[c] = sales.Money(math.Round(a.catLifted[c] * norm * calib))
	}
	for _, s := range m.o.Stages.Stages {
		if n := a.stageDeals[s.ID]; n > 0 {
			pr.ByStage = append(pr.ByStage, StageTerm{Stage: s.ID, Deals: n, Amount: a.stageAmount[s.ID],
				Expected: sales.Money(math.Round(a.stageLifted[s.ID] * norm * calib))})
		}
	}
	pr.Predicted = pr.WonToDate + pr.FromOpen + pr.FromNew
	remaining := a.open + newTerm
	if len(ratios) > 0 {
		pr.Low = pr.WonToDate + sales.Money(math.Round(remaining*quantile(ratios, 0.1)))
		pr.High = pr.WonToDate + sales.Money(math.Round(remaining*quantile(ratios, 0.9)))
	} else {
		// Nothing to resample: the range runs from what is won to
		// everything dated in the period being won.
		pr.Low = pr.WonToDate
		pr.High = max(pr.Totals.BestCase()+pr.Totals.OpenPipeline, pr.Predicted)
	}
	if m.o.HasQuota {
		if q := m.o.Quota - pr.Predicted; q > 0 {
			pr.MoreNeeded = q
		}
		if q := m.o.Quota - pr.Totals.Commit(); q > 0 {
			pr.CommitGap = q
		}
		if len(ratios) > 0 {
			hit := 0
			for _, r := range ratios {
				if float64(pr.WonToDate)+remaining*r >= float64(m.o.Quota) {
					hit++
				}
			}
			pr.Chance = sales.Some(float64(hit) / float64(len(ratios)))
		} else {
			pr.Chance = sales.NumWhy("too little history to resample")
		}
	} else {
		pr.Chance = sales.NumWhy("no quota")
	}
	sort.Slice(pr.Slipped, func(i, j int) bool { return pr.Slipped[i].ID < pr.Slipped[j].ID })
	return pr
}
