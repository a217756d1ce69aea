package sales

import (
	"fmt"
	"strings"
)

// StageID identifies a stage within a StageSet. IDs are stable: renaming
// or re-weighting a stage never rewrites deals.
type StageID uint8

// StageKind says whether a stage is open, won or lost.
type StageKind uint8

const (
	StageOpen StageKind = iota
	StageWon
	StageLost
)

// Stage is one step of the sales process.
type Stage struct {
	ID   StageID
	Name string
	// Probability of winning, in basis points (2500 = 25%).
	Probability int
	Kind        StageKind
	// StaleDays is how long a deal may sit in this stage before it is
	// called stale; 0 uses DefaultStaleDays.
	StaleDays int
}

// DefaultStaleDays is the stale threshold for stages without their own.
const DefaultStaleDays = 14

// Percent renders the probability as "25%".
func (s Stage) Percent() string {
	if s.Probability%100 == 0 {
		return fmt.Sprintf("%d%%", s.Probability/100)
	}
	return fmt.Sprintf("%.1f%%", float64(s.Probability)/100)
}

// StaleAfterDays is the stage's stale threshold.
func (s Stage) StaleAfterDays() int {
	if s.StaleDays > 0 {
		return s.StaleDays
	}
	return DefaultStaleDays
}

// StageSet is the ordered list of configured stages.
type StageSet struct {
	Stages []Stage // in pipeline order; open stages first, then Won, Lost
}

// DefaultStages are the spec's stages: Prospecting 10%, Qualified 25%,
// Proposal 50%, Negotiation 75%, Won 100%, Lost 0%.
func DefaultStages() StageSet {
	return StageSet{Stages: []Stage{
		{ID: 1, Name: "Prospecting", Probability: 1000, Kind: StageOpen, StaleDays: 14},
		{ID: 2, Name: "Qualified", Probability: 2500, Kind: StageOpen, StaleDays: 14},
		{ID: 3, Name: "Proposal", Probability: 5000, Kind: StageOpen, StaleDays: 10},
		{ID: 4, Name: "Negotiation", Probability: 7500, Kind: StageOpen, StaleDays: 7},
		{ID: 5, Name: "Won", Probability: 10000, Kind: StageWon},
		{ID: 6, Name: "Lost", Probability: 0, Kind: StageLost},
	}}
}

// ByID returns the stage with id, or false.
func (ss StageSet) ByID(id StageID) (Stage, bool) {
	for _, s := range ss.Stages {
		if s.ID == id {
			return s, true
		}
	}
	return Stage{}, false
}

// Name returns the stage's name, or "stage #N" for an unknown id.
func (ss StageSet) Name(id StageID) string {
	if s, ok := ss.ByID(id); ok {
		return s.Name
	}
	return fmt.Sprintf("stage #%d", id)
}

// Lookup finds a stage by name, case-insensitively; an unambiguous prefix
// ("nego") also matches. The error lists the valid names.
func (ss StageSet) Lookup(name string) (Stage, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return Stage{}, Errorf(EINVALID, "stage is missing: use one of %s", ss.NameList())
	}
	var prefix []Stage
	for _, s := range ss.Stages {
		ln := strings.ToLower(s.Name)
		if ln == n {
			return s, nil
		}
		if strings.HasPrefix(ln, n) {
			prefix = append(prefix, s)
		}
	}
	if len(prefix) == 1 {
		return prefix[0], nil
	}
	return Stage{}, Errorf(EINVALID, "unknown stage %q: use one of %s", name, ss.NameList())
}

// NameList renders "Prospecting, Qualified, …, Lost".
func (ss StageSet) NameList() string {
	names := make([]string, len(ss.Stages))
	for i, s := range ss.Stages {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// Open returns the open stages in order.
func (ss StageSet) Open() []Stage {
	var out []Stage
	for _, s := range ss.Stages {
		if s.Kind == StageOpen {
			out = append(out, s)
		}
	}
	return out
}

// First returns the first open stage, where new deals start.
func (ss StageSet) First() Stage {
	if o := ss.Open(); len(o) > 0 {
		return o[0]
	}
	return ss.Stages[0]
}

// Won returns the won stage.
func (ss StageSet) Won() Stage { return ss.kind(StageWon) }

// Lost returns the lost stage.
func (ss StageSet) Lost() Stage { return ss.kind(StageLost) }

func (ss StageSet) kind(k StageKind) Stage {
	for _, s := range ss.Stages {
		if s.Kind == k {
			return s
		}
	}
	return Stage{}
}

// Next returns the open stage after id, or false when id is the last open
// stage (the next step is then winning the deal).
func (ss StageSet) Next(id StageID) (Stage, bool) {
	open := ss.Open()
	for i, s := range open {
		if s.ID == id && i+1 < len(open) {
			return open[i+1], true
		}
	}
	return Stage{}, false
}

// Kind returns the kind of stage id (open when unknown).
func (ss StageSet) Kind(id StageID) StageKind {
	s, _ := ss.ByID(id)
	return s.Kind
}

// Validate checks that a configured set is usable.
func (ss StageSet) Validate() error {
	if len(ss.Open()) == 0 || ss.Won().ID == 0 || ss.Lost().ID == 0 {
		return Errorf(EINVALID, "stages need at least one open stage, one Won and one Lost stage")
	}
	seen := map[string]bool{}
	for _, s := range ss.Stages {
		if s.ID == 0 || s.Name == "" {
			return Errorf(EINVALID, "every stage needs an id and a name")
		}
		if s.Probability < 0 || s.Probability > 10000 {
			return Errorf(EINVALID, "stage %s: probability must be between 0%% and 100%%", s.Name)
		}
		if seen[strings.ToLower(s.Name)] {
			return Errorf(EINVALID, "stage %s appears twice", s.Name)
		}
		seen[strings.ToLower(s.Name)] = true
	}
	return nil
}
