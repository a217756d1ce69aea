package transfer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/salesbot/salesbot/sales"
)

// StageLabel is one distinct stage label of a file, with what the file says
// about it.
type StageLabel struct {
	Label string
	// Probability is the most common probability (basis points) the file
	// gives this label, -1 when it has none.
	Probability int
	// Kind is what the file's outcome columns say deals at this label are;
	// StageOpen when they say nothing.
	Kind sales.StageKind
	Rows int
}

// StageMap is how one label of the file becomes a salesbot stage. How says
// why, for the dry run: "same name", "won (Closed Won)", "probability 40%
// → Qualified 25%", "order 2 of 5 → Qualified".
type StageMap struct {
	Label string
	Stage sales.Stage
	How   string
}

// MapStages maps a file's stage labels onto the team's stages by meaning.
// Won and lost labels (by the CRM's convention or the file's outcome
// columns) go to the Won and Lost stages. An open label the team has
// configured under the same name keeps it. A default label of a CRM that
// salesbot exports to (Preset.Exported) goes to the stage PipelineLabels
// gives it, so export → import gives every deal its stage back. Any other
// open label goes to the open stage with the nearest probability — the
// file's, else the CRM's default for that label — and, when neither has
// one, by its place in the pipeline: the preset's order for known labels,
// then the file's order, spread evenly over the team's open stages.
func MapStages(p *Preset, labels []StageLabel, set sales.StageSet) []StageMap {
	hints := map[string]StageHint{}
	compacted := map[string]string{} // compact(label) → lower(label)
	var order []string
	back := exportedStages(p, set)
	if p != nil {
		for _, h := range p.Stages {
			hints[strings.ToLower(h.Label)] = h
			if _, dup := compacted[compact(h.Label)]; !dup {
				compacted[compact(h.Label)] = strings.ToLower(h.Label)
			}
			if h.Kind == sales.StageOpen {
				order = append(order, strings.ToLower(h.Label))
			}
		}
	}
	// canon is the key a file label is known by: its CRM label when the
	// file writes that label's internal id (HubSpot's
	// appointmentscheduled is "Appointment Scheduled").
	canon := func(label string) string {
		key := strings.ToLower(strings.TrimSpace(label))
		if _, ok := hints[key]; !ok {
			if l, ok := compacted[compact(key)]; ok {
				return l
			}
			if l, ok := hints[stripPipeline(key)]; ok {
				return strings.ToLower(l.Label)
			}
		}
		return key
	}
	var byOrder []int // indexes into labels still to place by order
	openKeys := map[string]bool{}
	out := make([]StageMap, len(labels))
	open := set.Open()
	for i, l := range labels {
		key := canon(l.Label)
		h, known := hints[key]
		kind := l.Kind
		if kind == sales.StageOpen && known {
			kind = h.Kind
		}
		if kind == sales.StageOpen {
			kind = conventionalKind(key)
		}
		out[i].Label = l.Label
		switch {
		case kind == sales.StageWon:
			out[i].Stage, out[i].How = set.Won(), "won"
			continue
		case kind == sales.StageLost:
			out[i].Stage, out[i].How = set.Lost(), "lost"
			continue
		}
		openKeys[key] = true
		if !known && !slices.Contains(order, key) {
			order = append(order, key)
		}
		if s, ok := sameName(open, l.Label); ok {
			out[i].Stage, out[i].How = s, "same name"
			continue
		}
		if b, ok := back[key]; ok {
			out[i].Stage = b.stage
			out[i].How = fmt.Sprintf("pipeline order %d of %d → %s, as export --preset %s writes it", b.pos+1, b.of, b.stage.Name, p.Name)
			continue
		}
		prob := l.Probability
		if prob < 0 && known {
			prob = h.Probability
		}
		if prob >= 0 && len(open) > 0 {
			s := nearest(open, prob)
			out[i].Stage = s
			out[i].How = fmt.Sprintf("probability %s → %s %s", pct(prob), s.Name, s.Percent())
			continue
		}
		byOrder = append(byOrder, i)
	}
	// Place the rest by their position among all the file's open labels.
	var present []string
	for _, k := range order {
		if openKeys[k] && !slices.Contains(present, k) {
			present = append(present, k)
		}
	}
	for _, i := range byOrder {
		pos := slices.Index(present, canon(labels[i].Label))
		s := spread(open, pos, len(present))
		out[i].Stage = s
		out[i].How = fmt.Sprintf("order %d of %d → %s", pos+1, len(present), s.Name)
	}
	return out
}

// PipelineLabels is the one correspondence between the team's stages and
// the labels of p's default pipeline, used both ways: `export deals
// --preset` writes it, and MapStages reads a file of those labels back
// through it. Won and Lost get p's first won and lost labels. An open
// stage named like one of p's open stages keeps that label; the other
// open stages take p's remaining open labels in pipeline order, one each.
// With more open stages than p's pipeline has, no labelling is one to one:
// fits is false and every open stage keeps its own name, which MapStages
// keeps by name.
func PipelineLabels(p *Preset, set sales.StageSet) (labels map[sales.StageID]string, fits bool) {
	var open []string
	var won, lost string
	for _, h := range p.Stages {
		switch {
		case h.Kind == sales.StageOpen:
			open = append(open, h.Label)
		case h.Kind == sales.StageWon && won == "":
			won = h.Label
		case h.Kind == sales.StageLost && lost == "":
			lost = h.Label
		}
	}
	labels = map[sales.StageID]string{}
	for _, s := range set.Stages {
		switch s.Kind {
		case sales.StageWon:
			labels[s.ID] = cmp.Or(won, s.Name)
		case sales.StageLost:
			labels[s.ID] = cmp.Or(lost, s.Name)
		}
	}
	team := set.Open()
	if len(team) > len(open) {
		for _, s := range team {
			labels[s.ID] = s.Name
		}
		return labels, false
	}
	taken := map[string]bool{}
	for _, s := range team {
		for _, l := range open {
			if strings.EqualFold(l, strings.TrimSpace(s.Name)) && !taken[l] {
				labels[s.ID], taken[l] = l, true
				break
			}
		}
	}
	var rest []string
	for _, l := range open {
		if !taken[l] {
			rest = append(rest, l)
		}
	}
	for _, s := range team {
		if _, ok := labels[s.ID]; !ok {
			labels[s.ID], rest = rest[0], rest[1:]
		}
	}
	return labels, true
}

// exported is where a default label of an exported preset goes back to.
type exported struct {
	stage   sales.Stage
	pos, of int // the label's place among the preset's open stages
}

// exportedStages inverts PipelineLabels for the team's open stages, keyed
// by lower-case label; nil when p is not exported to or the team's stages
// do not fit its pipeline.
func exportedStages(p *Preset, set sales.StageSet) map[string]exported {
	if p == nil || !p.Exported {
		return nil
	}
	labels, fits := PipelineLabels(p, set)
	if !fits {
		return nil
	}
	var open []string
	for _, h := range p.Stages {
		if h.Kind == sales.StageOpen {
			open = append(open, strings.ToLower(h.Label))
		}
	}
	back := map[string]exported{}
	for _, s := range set.Open() {
		k := strings.ToLower(labels[s.ID])
		back[k] = exported{stage: s, pos: slices.Index(open, k), of: len(open)}
	}
	return back
}

// stripPipeline drops the pipeline name a CRM writes after a stage label
// when several pipelines share it: "Closed Won (Renewals)" is "Closed Won".
func stripPipeline(label string) string {
	if strings.HasSuffix(label, ")") {
		if i := strings.LastIndex(label, " ("); i > 0 {
			return strings.TrimSpace(label[:i])
		}
	}
	return label
}

// compact is a label lower-cased with only its letters and digits, as CRMs
// derive internal stage ids from labels.
func compact(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// conventionalKind reads won and lost from labels every CRM uses, also
// with the pipeline after them ("closed won (renewals)").
func conventionalKind(label string) sales.StageKind {
	label = stripPipeline(label)
	switch {
	case label == "won" || label == "closed won" || label == "closed-won" || label == "closedwon":
		return sales.StageWon
	case label == "lost" || strings.HasPrefix(label, "closed lost") || strings.HasPrefix(label, "closed-lost") || label == "closedlost":
		return sales.StageLost
	}
	return sales.StageOpen
}

func sameName(open []sales.Stage, label string) (sales.Stage, bool) {
	for _, s := range open {
		if strings.EqualFold(s.Name, strings.TrimSpace(label)) {
			return s, true
		}
	}
	return sales.Stage{}, false
}

// nearest is the open stage closest in probability; ties go to the earlier.
func nearest(open []sales.Stage, prob int) sales.Stage {
	best := open[0]
	for _, s := range open[1:] {
		if abs(s.Probability-prob) < abs(best.Probability-prob) {
			best = s
		}
	}
	return best
}

// spread maps position pos of n onto the open stages: one to one while the
// file has no more labels than the team has stages, evenly otherwise.
func spread(open []sales.Stage, pos, n int) sales.Stage {
	if len(open) == 0 {
		return sales.Stage{}
	}
	if n <= len(open) || n <= 1 {
		return open[min(pos, len(open)-1)]
	}
	return open[(pos*(len(open)-1)+(n-1)/2)/(n-1)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func pct(bp int) string { return sales.Stage{Probability: bp}.Percent() }
