// Package report computes the spec's metrics over the store: rollups by
// owner, manager, territory or stage, and quota progress. The CLI report,
// /pipeline, /goal and the digest all use it, so their numbers agree.
//
// It imports sales and forecast (Forecaster projects through the engine);
// the store is the Source interface declared here.
package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Source is the part of the store reports read.
type Source interface {
	Stages(ctx context.Context) (sales.StageSet, error)
	ScanFacts(ctx context.Context, fn func(*sales.Facts) error) error
	OwnerFacts(ctx context.Context, owner sales.PersonID) ([]sales.Facts, error)
	People(ctx context.Context) ([]sales.Person, error)
	Territories(ctx context.Context) ([]sales.Territory, error)
	Quota(ctx context.Context, scope sales.QuotaScope, subject uint64, p sales.Period) (sales.Quota, bool, error)
	Events
}

// By names a grouping.
type By string

const (
	ByOwner     By = "owner"
	ByManager   By = "manager"
	ByTerritory By = "territory"
	ByStage     By = "stage"
	ByAll       By = "all"
)

// ParseBy reads a --by value.
func ParseBy(s string) (By, error) {
	switch b := By(strings.ToLower(strings.TrimSpace(s))); b {
	case ByOwner, ByManager, ByTerritory, ByStage, ByAll:
		return b, nil
	case "rep":
		return ByOwner, nil
	case "team":
		return ByAll, nil
	}
	return "", sales.Errorf(sales.EINVALID, "--by %q is not valid: use owner, manager, territory, stage or all", s)
}

// Row is one group's funnel.
type Row struct {
	Key    string
	ID     uint64 // person, territory or stage id; 0 for "all" and "none"
	Sum    sales.FunnelSum
	Funnel sales.Funnel
}

// Table is a rollup: one row per group, and the total over every deal
// (for --by manager, whose teams nest and overlap, not the rows' sum).
type Table struct {
	Rows  []Row
	Total Row
	// AsOf is the moment open deals are counted at; Past says the window
	// ended before now, so views say "as of".
	AsOf time.Time
	Past bool
}

// Rollup groups every deal by `by` and computes each group's funnel over
// window w through WindowFunnel. Rows are ordered by key (stages in
// pipeline order). By owner or territory, deals without one fall in a
// "(none)" row; by manager there is one row per manager (anyone with a
// report, or with the manager role) over sales.TeamOf, the manager and
// everyone under them; by stage, open deals count in the stage they were
// in at the window's end, and those whose stage then is unknown in a
// "(stage unknown)" row.
func Rollup(ctx context.Context, src Source, by By, w sales.Window, env Env) (Table, error) {
	stages, err := src.Stages(ctx)
	if err != nil {
		return Table{}, fmt.Errorf("rollup: %w", err)
	}
	wf, err := NewWindowFunnel(ctx, src, stages, w, env)
	if err != nil {
		return Table{}, fmt.Errorf("rollup: %w", err)
	}
	// Owner ids are dense sequence numbers, so a slice beats a map in the
	// hot loop over every deal.
	var byOwner, byTerr []sales.FunnelSum
	var byStage [256]sales.FunnelSum
	var unstaged, all sales.FunnelSum
	err = src.ScanFacts(ctx, func(f *sales.Facts) error {
		c, err := wf.Count(f)
		if err != nil {
			return err
		}
		c.AddTo(&all)
		switch by {
		case ByOwner, ByManager:
			byOwner = at(byOwner, int(f.Owner))
			c.AddTo(&byOwner[f.Owner])
		case ByTerritory:
			byTerr = at(byTerr, int(f.Territory))
			c.AddTo(&byTerr[f.Territory])
		case ByStage:
			// A deal can be open at the window's end in one stage and
			// closed in the window in another: each half in its own row.
			open, closed := c, c
			open.Closed = sales.StageOpen
			closed.Open, closed.Unstaged = false, false
			switch {
			case c.Unstaged:
				open.AddTo(&unstaged)
			case c.Open:
				open.AddTo(&byStage[c.Stage])
			}
			closed.AddTo(&byStage[f.Stage])
		}
		return nil
	})
	if err != nil {
		return Table{}, fmt.Errorf("rollup: %w", err)
	}

	t := Table{AsOf: wf.Moment, Past: wf.Past, Total: row("Total", 0, all)}
	add := func(key string, id uint64, s sales.FunnelSum) { t.Rows = append(t.Rows, row(key, id, s)) }
	switch by {
	case ByOwner, ByManager:
		people, err := src.People(ctx)
		if err != nil {
			return Table{}, fmt.Errorf("rollup: %w", err)
		}
		if by == ByManager {
			managerRows(people, byOwner, add)
			break
		}
		byID := make(map[sales.PersonID]sales.Person, len(people))
		for _, p := range people {
			byID[p.ID] = p
		}
		for _, p := range people {
			if int(p.ID) >= len(byOwner) {
				add(p.Label(), uint64(p.ID), sales.FunnelSum{})
			}
		}
		for i, s := range byOwner {
			p, ok := byID[sales.PersonID(i)]
			switch {
			case ok:
				add(p.Label(), uint64(i), s)
			case s != (sales.FunnelSum{}):
				add("(none)", uint64(i), s)
			}
		}
	case ByTerritory:
		terrs, err := src.Territories(ctx)
		if err != nil {
			return Table{}, fmt.Errorf("rollup: %w", err)
		}
		names := map[sales.TerritoryID]string{}
		for _, tr := range terrs {
			names[tr.ID] = tr.Name
		}
		for i, s := range byTerr {
			name, ok := names[sales.TerritoryID(i)]
			if !ok {
				if s == (sales.FunnelSum{}) {
					continue
				}
				name = "(none)"
			}
			add(name, uint64(i), s)
		}
		for _, tr := range terrs {
			if int(tr.ID) >= len(byTerr) {
				add(tr.Name, uint64(tr.ID), sales.FunnelSum{})
			}
		}
	case ByStage:
		for _, s := range stages.Stages {
			add(s.Name, uint64(s.ID), byStage[s.ID])
			if s.Kind != sales.StageOpen {
				// Won and Lost rows hold only one side of won / (won +
				// lost): no win rate (nor velocity, built on it).
				r := &t.Rows[len(t.Rows)-1]
				r.Funnel.WinRate = sales.NumWhy("a closed stage has no win rate")
				r.Funnel.Velocity = sales.NumWhy("a closed stage has no win rate")
			}
		}
		if unstaged.Pipeline.Open > 0 {
			add("(stage unknown)", 0, unstaged)
		}
		return t, nil // pipeline order, not alphabetical
	default:
		t.Rows = []Row{row("all", 0, all)}
		return t, nil
	}
	sort.SliceStable(t.Rows, func(i, j int) bool {
		a, b := strings.ToLower(t.Rows[i].Key), strings.ToLower(t.Rows[j].Key)
		if a != b {
			return a < b
		}
		return t.Rows[i].ID < t.Rows[j].ID
	})
	return t, nil
}

func row(key string, id uint64, s sales.FunnelSum) Row {
	return Row{Key: key, ID: id, Sum: s, Funnel: s.Funnel()}
}

// managerRows adds one row per manager over their whole team.
func managerRows(people []sales.Person, byOwner []sales.FunnelSum, add func(string, uint64, sales.FunnelSum)) {
	manages := map[sales.PersonID]bool{}
	for _, p := range people {
		if p.Manager != 0 && p.Manager != p.ID {
			manages[p.Manager] = true
		}
	}
	for _, m := range people {
		if !manages[m.ID] && m.Role != sales.RoleManager {
			continue
		}
		var s sales.FunnelSum
		for id := range sales.TeamOf(people, m.ID) {
			if int(id) < len(byOwner) {
				s.Merge(byOwner[id])
			}
		}
		add(m.Label(), uint64(m.ID), s)
	}
}

// at grows s so that s[i] exists.
func at(s []sales.FunnelSum, i int) []sales.FunnelSum {
	if i < len(s) {
		return s
	}
	n := make([]sales.FunnelSum, i+1, (i+1)*2)
	copy(n, s)
	return n
}

// Subject names whose progress to compute.
type Subject struct {
	Scope     sales.QuotaScope
	Person    sales.PersonID    // ScopeRep
	Manager   sales.PersonID    // ScopeTeam: 0 = the whole company
	Territory sales.TerritoryID // ScopeTerritory
}

// Measure is a subject's funnel and quota progress for a period.
type Measure struct {
	Funnel   sales.Funnel
	Sum      sales.FunnelSum // the counts behind Funnel
	ByStage  []StageTally
	Progress sales.Progress
	// AsOf is the moment open deals are counted at; Past is set when the
	// period is over, so views say "as of" instead of "now".
	AsOf time.Time
	Past bool
}

// StageTally is the open deals of one stage.
type StageTally struct {
	Stage    sales.Stage
	Count    int64
	Value    sales.Money
	Weighted sales.Money
}

// MeasureSubject computes the funnel and quota progress of a subject for
// a period with the one window funnel report uses (WindowFunnel): deals
// closed on a day of the period, and deals open at its end (now, for a
// period still running), from their stage and amount history. A rep is
// read through the owner index; a team or territory by one scan. The
// quota is Basis's.
func MeasureSubject(ctx context.Context, src Source, sub Subject, p sales.Period, env Env) (Measure, error) {
	stages, err := src.Stages(ctx)
	if err != nil {
		return Measure{}, fmt.Errorf("measure: %w", err)
	}
	basis, members, err := Basis(ctx, src, sub, p)
	if err != nil {
		return Measure{}, fmt.Errorf("measure: %w", err)
	}
	wf, err := NewWindowFunnel(ctx, src, stages, sales.WindowOf(p, env.Loc), env)
	if err != nil {
		return Measure{}, fmt.Errorf("measure: %w", err)
	}
	m := Measure{AsOf: wf.Moment, Past: wf.Past}
	var sum sales.FunnelSum
	var perStage [256]sales.PipelineSum // weighted rounded once per stage
	pc := progressCounter{basis: basis}
	count := func(f *sales.Facts) error {
		c, err := wf.Count(f)
		if err != nil {
			return err
		}
		c.AddTo(&sum)
		switch {
		case c.Closed == sales.StageWon:
			pc.win.Add(basis, f.Owner, c.ClosedAmount)
		case c.Open:
			if !c.Unstaged {
				perStage[c.Stage].Add(c.Amount, c.Prob)
			}
			pc.pipe.Add(p, c.Amount, c.CloseDate)
		}
		return nil
	}

	switch sub.Scope {
	case sales.ScopeRep:
		facts, ferr := src.OwnerFacts(ctx, sub.Person)
		if ferr != nil {
			return Measure{}, fmt.Errorf("measure: %w", ferr)
		}
		for i := range facts {
			if err = count(&facts[i]); err != nil {
				break
			}
		}
	case sales.ScopeTeam:
		err = src.ScanFacts(ctx, func(f *sales.Facts) error {
			if members == nil || members[f.Owner] {
				return count(f)
			}
			return nil
		})
	case sales.ScopeTerritory:
		err = src.ScanFacts(ctx, func(f *sales.Facts) error {
			if f.Territory == sub.Territory {
				return count(f)
			}
			return nil
		})
	}
	if err != nil {
		return Measure{}, fmt.Errorf("measure: %w", err)
	}
	m.Sum = sum
	m.Funnel = sum.Funnel()
	for _, s := range stages.Open() {
		ps := perStage[s.ID]
		m.ByStage = append(m.ByStage, StageTally{Stage: s, Count: ps.Open, Value: ps.Value, Weighted: ps.Weighted()})
	}
	m.Progress = sales.NewProgress(basis, pc.win, pc.pipe, env.Now, env.Loc)
	return m, nil
}
