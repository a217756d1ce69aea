package forecast

import (
	"sort"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// Category is a deal's forecast category. The zero value means "no
// override" wherever a Category is an override.
type Category uint8

const (
	Pipeline Category = iota + 1
	BestCase
	Commit
	Omitted
	Closed // won or lost deals; never an override
)

var categoryNames = [...]string{"", "pipeline", "best case", "commit", "omitted", "closed"}

func (c Category) String() string {
	if int(c) < len(categoryNames) && c != 0 {
		return categoryNames[c]
	}
	return "default"
}

// CategoryForms is the help text for an override.
const CategoryForms = "pipeline, best (best case), commit or omitted"

// ParseCategory reads an override as typed by a user ("commit", "best",
// "best case", "best-case", "pipeline", "omit", "omitted"), case-insensitively.
func ParseCategory(s string) (Category, error) {
	switch strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "-", " "))), " ") {
	case "pipeline", "pipe":
		return Pipeline, nil
	case "best", "best case", "bestcase", "upside":
		return BestCase, nil
	case "commit", "committed":
		return Commit, nil
	case "omit", "omitted":
		return Omitted, nil
	}
	return 0, sales.Errorf(sales.EINVALID, "forecast category %q is not valid: use %s", strings.TrimSpace(s), CategoryForms)
}

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
