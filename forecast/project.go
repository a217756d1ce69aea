package forecast

import (
	"fmt"
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
	Seed                uint64 // for the resampling; the same seed gives the same range
}

const (
	DefaultMinUnits  = 4
	DefaultMinClosed = 150
	draws            = 2000
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
	// Calibration is the median ratio actual/expected of the resampled
	// past units, already applied to FromOpen and FromNew.
	Calibration float64
	Chance      sales.Num   // of reaching the quota (n/a without quota or range)
	MoreNeeded  sales.Money // quota − Predicted, when above 0
	CommitGap   sales.Money // quota − commit, when above 0
	Slipped     []Slip

	Fallback bool   // too little history: stage probabilities, no range
	Reason   string // why the fallback was taken; empty otherwise
	Units    int    // past units resampled
	Unit     string // "month" or "week"
}

// Project forecasts period p as of asOf from history h, seeing only what
// was known at asOf. See the package documentation for the method.
func Project(h []Deal, p sales.Period, asOf time.Time, o Options) Projection {
	loc := o.Loc
	if loc == nil {
		loc = time.UTC
	}
	start, end := p.Start(loc), p.End(loc)
	civStart, civEnd := p.Start(time.UTC), p.End(time.UTC)
	pr := Projection{Period: p, AsOf: asOf, Calibration: 1}
	cat := NewCategorizer(o.Stages)
	table := o.Stages.Table()

	m := learn(h, p, asOf, table, loc, o)
	target := m.relevant
	if o.Select != nil {
		target = target[:0:0]
		for _, d := range m.relevant {
			if o.Select(d) {
				target = append(target, d)
			}
		}
	}

	horizon := daysCeil(end.Sub(maxTime(asOf, start)))
	openAges := m.openAges(target, asOf)
	fallback, reason := m.tooShort(o)
	var ratios []float64
	if !fallback {
		ratios = m.unitRatios(target, asOf, openAges)
		if len(ratios) < minUnits(o) {
			fallback = true
			reason = fmt.Sprintf("only %d past %ss with closed deals to learn from (need %d): the projection uses stage probabilities", len(ratios), m.unit, minUnits(o))
			ratios = nil
		}
	}
	var openTerm, newTerm float64
	type counted struct {
		stage  sales.StageID
		cat    Category
		amount sales.Money
		e      float64 // expected before the stage lift
	}
	var open []counted
	var lifted float64
	for _, d := range target {
		if d.WonBy(asOf) && !d.ClosedAt.Before(start) && d.ClosedAt.Before(end) {
			w := d.WonAmount()
			pr.WonToDate += w
			pr.Totals.ClosedWon += w
			continue
		}
		if !d.OpenAt(asOf) {
			continue
		}
		cd := d.CloseDateAt(asOf)
		if asOf.After(start) {
			if was := d.CloseDateAt(start); !was.IsZero() && was.Before(civEnd) && !was.Before(civStart) && !cd.IsZero() && !cd.Before(civEnd) {
				pr.Slipped = append(pr.Slipped, Slip{ID: d.ID, Amount: d.AmountAt(asOf), From: was, To: cd})
			}
		}
		if !cd.IsZero() && !cd.Before(civEnd) {
			continue // expected after the period
		}
		stage, _ := d.StageAt(asOf)
		amount := d.AmountAt(asOf)
		c := cat.Of(stage, d.CategoryAt(asOf))
		if !cd.IsZero() {
			pr.Totals.Add(c, amount)
		}
		var e float64
		switch {
		case fallback && cd.IsZero():
			continue // the stage-probability method only weighs dated deals
		case fallback:
			e = float64(table[stage].Probability) / 10000 * float64(amount)
		default:
			value := float64(amount)
			if amount <= 0 {
				value = m.meanWon
			}
			e = m.winWithin(d, asOf, horizon, openAges) * value
			lifted += e * m.lift[stage]
		}
		openTerm += e
		open = append(open, counted{stage, c, amount, e})
	}
	// The age curve sets the total; the stages share it out by how much
	// better than average the deals that reached them did.
	norm := 1.0
	if !fallback && lifted > 0 {
		norm = openTerm / lifted
	}
	byStage := map[sales.StageID]*StageTerm{}
	stageExp := map[sales.StageID]float64{}
	var byCat [Closed]float64
	for _, c := range open {
		e := c.e
		if !fallback {
			e *= m.lift[c.stage] * norm
		}
		byCat[c.cat] += e
		st := byStage[c.stage]
		if st == nil {
			st = &StageTerm{Stage: c.stage}
			byStage[c.stage] = st
		}
		st.Deals++
		st.Amount += c.amount
		stageExp[c.stage] += e
	}
	if !fallback {
		newTerm = m.newDeals(target, asOf, horizon)
	}

	if fallback {
		pr.Fallback, pr.Reason = true, reason
	} else {
		pr.Units, pr.Unit = len(ratios), m.unit
	}
	draw := resample(ratios, 1, o.Seed)
	calib := 1.0
	if len(draw) > 0 {
		calib = quantile(draw, 0.5)
	}
	pr.Calibration = calib
	pr.FromOpen = sales.Money(math.Round(openTerm * calib))
	pr.FromNew = sales.Money(math.Round(newTerm * calib))
	for c := range byCat {
		pr.ByCategory[c] = sales.Money(math.Round(byCat[c] * calib))
	}
	for _, s := range o.Stages.Stages {
		if st := byStage[s.ID]; st != nil {
			st.Expected = sales.Money(math.Round(stageExp[s.ID] * calib))
			pr.ByStage = append(pr.ByStage, *st)
		}
	}
	pr.Predicted = pr.WonToDate + pr.FromOpen + pr.FromNew
	remaining := openTerm + newTerm
	if len(draw) > 0 {
		pr.Low = pr.WonToDate + sales.Money(math.Round(remaining*quantile(draw, 0.1)))
		pr.High = pr.WonToDate + sales.Money(math.Round(remaining*quantile(draw, 0.9)))
	} else {
		// No history to resample: the range is what is certain (won) to
		// everything dated in the period being won.
		pr.Low = pr.WonToDate
		pr.High = pr.Totals.BestCase() + pr.Totals.OpenPipeline
		if pr.High < pr.Predicted {
			pr.High = pr.Predicted
		}
	}
	if o.HasQuota {
		if q := o.Quota - pr.Predicted; q > 0 {
			pr.MoreNeeded = q
		}
		if q := o.Quota - pr.Totals.Commit(); q > 0 {
			pr.CommitGap = q
		}
		if len(draw) > 0 {
			hit := 0
			for _, r := range draw {
				if float64(pr.WonToDate)+remaining*r >= float64(o.Quota) {
					hit++
				}
			}
			pr.Chance = sales.Some(float64(hit) / float64(len(draw)))
		}
	}
	sort.Slice(pr.Slipped, func(i, j int) bool { return pr.Slipped[i].ID < pr.Slipped[j].ID })
	return pr
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
