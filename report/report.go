// Package report computes the spec's metrics over the store: rollups by
// owner, manager, territory or stage, and quota progress. The CLI report,
// /pipeline, /goal and the digest all use it, so their numbers agree.
//
// It imports only sales: the store is the Source interface declared here.
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
	Tally  sales.Tally
	Funnel sales.Funnel
}

// Rollup groups every deal by `by` and computes each group's funnel over
// window w. Rows are ordered by key; deals without an owner manager or
// territory fall in a "(none)" row.
func Rollup(ctx context.Context, src Source, by By, w sales.Window) ([]Row, error) {
	stages, err := src.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("rollup: %w", err)
	}
	st := stages.Table()

	// Owner ids are dense sequence numbers, so a slice beats a map in the
	// hot loop over every deal.
	var byOwner []sales.Tally
	var byStage [256]sales.Tally
	var byTerr []sales.Tally
	var all sales.Tally
	err = src.ScanFacts(ctx, func(f *sales.Facts) error {
		switch by {
		case ByOwner, ByManager:
			i := int(f.Owner)
			if i >= len(byOwner) {
				byOwner = grow(byOwner, i)
			}
			byOwner[i].Add(f, st, w)
		case ByTerritory:
			i := int(f.Territory)
			if i >= len(byTerr) {
				byTerr = grow(byTerr, i)
			}
			byTerr[i].Add(f, st, w)
		case ByStage:
			byStage[f.Stage].Add(f, st, w)
		default:
			all.Add(f, st, w)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rollup: %w", err)
	}

	var rows []Row
	add := func(key string, id uint64, t sales.Tally) {
		rows = append(rows, Row{Key: key, ID: id, Tally: t, Funnel: t.Funnel()})
	}
	switch by {
	case ByOwner, ByManager:
		people, err := src.People(ctx)
		if err != nil {
			return nil, fmt.Errorf("rollup: %w", err)
		}
		byID := make(map[sales.PersonID]sales.Person, len(people))
		for _, p := range people {
			byID[p.ID] = p
		}
		if by == ByOwner {
			for i, t := range byOwner {
				if t == (sales.Tally{}) && !hasPerson(byID, sales.PersonID(i)) {
					continue
				}
				name := "(none)"
				if p, ok := byID[sales.PersonID(i)]; ok {
					name = p.Label()
				}
				add(name, uint64(i), t)
			}
			break
		}
		groups := map[sales.PersonID]*sales.Tally{}
		for i, t := range byOwner {
			m := byID[sales.PersonID(i)].Manager
			g := groups[m]
			if g == nil {
				g = &sales.Tally{}
				groups[m] = g
			}
			g.Merge(t)
		}
		for m, t := range groups {
			name := "(none)"
			if p, ok := byID[m]; ok {
				name = p.Label()
			}
			add(name, uint64(m), *t)
		}
	case ByTerritory:
		terrs, err := src.Territories(ctx)
		if err != nil {
			return nil, fmt.Errorf("rollup: %w", err)
		}
		names := map[sales.TerritoryID]string{}
		for _, t := range terrs {
			names[t.ID] = t.Name
		}
		for i, t := range byTerr {
			name, ok := names[sales.TerritoryID(i)]
			if !ok {
				if t == (sales.Tally{}) {
					continue
				}
				name = "(none)"
			}
			add(name, uint64(i), t)
		}
		for _, t := range terrs {
			if int(t.ID) >= len(byTerr) {
				add(t.Name, uint64(t.ID), sales.Tally{})
			}
		}
	case ByStage:
		for _, s := range stages.Stages {
			add(s.Name, uint64(s.ID), byStage[s.ID])
		}
		return rows, nil // pipeline order, not alphabetical
	default:
		add("all", 0, all)
		return rows, nil
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := strings.ToLower(rows[i].Key), strings.ToLower(rows[j].Key)
		if a != b {
			return a < b
		}
		return rows[i].ID < rows[j].ID
	})
	return rows, nil
}

func hasPerson(m map[sales.PersonID]sales.Person, id sales.PersonID) bool {
	_, ok := m[id]
	return ok
}

func grow(s []sales.Tally, i int) []sales.Tally {
	n := make([]sales.Tally, i+1, (i+1)*2)
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
	Tally    sales.Tally
	ByStage  []StageTally
	Progress sales.Progress
}

// StageTally is the open deals of one stage.
type StageTally struct {
	Stage    sales.Stage
	Count    int64
	Value    sales.Money
	Weighted sales.Money
}

// MeasureSubject computes the funnel (closed deals within the period,
// open deals now) and quota progress of a subject. A rep is read through
// the owner index; a team or territory by one scan. The quota is Basis's.
func MeasureSubject(ctx context.Context, src Source, sub Subject, p sales.Period, now time.Time, loc *time.Location) (Measure, error) {
	stages, err := src.Stages(ctx)
	if err != nil {
		return Measure{}, fmt.Errorf("measure: %w", err)
	}
	basis, members, err := Basis(ctx, src, sub, p)
	if err != nil {
		return Measure{}, fmt.Errorf("measure: %w", err)
	}
	st := stages.Table()
	w := sales.WindowOf(p, loc)
	var m Measure
	var perStage [256]StageTally
	pc := progressCounter{basis: basis}
	count := func(f *sales.Facts) {
		m.Tally.Add(f, st, w)
		kind := st[f.Stage].Kind
		pc.add(f, kind, w)
		if kind == sales.StageOpen {
			ps := &perStage[f.Stage]
			ps.Count++
			ps.Value += f.Amount
			ps.Weighted += sales.Money((int64(f.Amount)*st[f.Stage].Probability + 5000) / 10000)
		}
	}

	switch sub.Scope {
	case sales.ScopeRep:
		facts, err := src.OwnerFacts(ctx, sub.Person)
		if err != nil {
			return Measure{}, fmt.Errorf("measure: %w", err)
		}
		for i := range facts {
			count(&facts[i])
		}
	case sales.ScopeTeam:
		err = src.ScanFacts(ctx, func(f *sales.Facts) error {
			if members == nil || members[f.Owner] {
				count(f)
			}
			return nil
		})
	case sales.ScopeTerritory:
		err = src.ScanFacts(ctx, func(f *sales.Facts) error {
			if f.Territory == sub.Territory {
				count(f)
			}
			return nil
		})
	}
	if err != nil {
		return Measure{}, fmt.Errorf("measure: %w", err)
	}
	m.Funnel = m.Tally.Funnel()
	for _, s := range stages.Open() {
		ps := perStage[s.ID]
		ps.Stage = s
		m.ByStage = append(m.ByStage, ps)
	}
	m.Progress = sales.NewProgress(basis, pc.win, pc.pipe, now, loc)
	return m, nil
}
