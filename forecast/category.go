package forecast

import (
	"sort"

	"github.com/salesbot/salesbot/sales"
)

// Category is sales.ForecastCategory: the domain owns the categories (the
// contract defines them), the engine projects with them. The zero value
// means "no override" wherever a Category is an override.
type Category = sales.ForecastCategory

const (
	Pipeline = sales.ForecastPipeline
	BestCase = sales.ForecastBestCase
	Commit   = sales.ForecastCommit
	Omitted  = sales.ForecastOmitted
	Closed   = sales.ForecastClosed
)

// Categorizer assigns categories by stage. Build it once per stage set.
type Categorizer struct {
	byStage [256]Category
}

// NewCategorizer derives the default category of every open stage from the
// stages' probability order: the open stage(s) with the highest probability
// are commit, those with the next-highest probability are best case and all
// others are pipeline (equal probabilities share a category). For the default
// stages this is the contract's table: Negotiation commit, Proposal best case,
// Prospecting and Qualified pipeline. A single open stage is pipeline: nothing
// is committed until someone says so. Won and lost stages are closed.
func NewCategorizer(ss sales.StageSet) *Categorizer {
	c := &Categorizer{}
	var probs []int
	seen := map[int]bool{}
	for _, s := range ss.Stages {
		switch s.Kind {
		case sales.StageOpen:
			if !seen[s.Probability] {
				seen[s.Probability] = true
				probs = append(probs, s.Probability)
			}
		default:
			c.byStage[s.ID] = Closed
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(probs)))
	for _, s := range ss.Open() {
		rank := sort.Search(len(probs), func(i int) bool { return probs[i] <= s.Probability })
		switch {
		case len(probs) == 1:
			c.byStage[s.ID] = Pipeline
		case rank == 0:
			c.byStage[s.ID] = Commit
		case rank == 1:
			c.byStage[s.ID] = BestCase
		default:
			c.byStage[s.ID] = Pipeline
		}
	}
	return c
}

// Default is the category of a deal in stage id without an override
// (pipeline for an unknown stage).
func (c *Categorizer) Default(id sales.StageID) Category {
	if cat := c.byStage[id]; cat != 0 {
		return cat
	}
	return Pipeline
}

// Of is the category of a deal in stage id with override (0 = none): a
// closed deal is closed whatever its override; otherwise the override wins.
func (c *Categorizer) Of(id sales.StageID, override Category) Category {
	def := c.Default(id)
	if def == Closed || override == 0 || override == Closed {
		return def
	}
	return override
}

// Totals are the category roll-up of a period: the contract's cumulative
// commit and best case, plus the open amount in each category.
type Totals struct {
	ClosedWon    sales.Money
	OpenCommit   sales.Money
	OpenBestCase sales.Money
	OpenPipeline sales.Money
	OpenOmitted  sales.Money
}

// Commit is closed won + open commit.
func (t Totals) Commit() sales.Money { return t.ClosedWon + t.OpenCommit }

// BestCase is commit + open best case.
func (t Totals) BestCase() sales.Money { return t.Commit() + t.OpenBestCase }

// Add counts an open deal of category cat and amount a.
func (t *Totals) Add(cat Category, a sales.Money) {
	switch cat {
	case Commit:
		t.OpenCommit += a
	case BestCase:
		t.OpenBestCase += a
	case Omitted:
		t.OpenOmitted += a
	case Pipeline:
		t.OpenPipeline += a
	}
}
