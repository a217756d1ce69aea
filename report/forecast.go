package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// ForecastSource is what a projection reads: every deal and its history.
type ForecastSource interface {
	Source
	FindDeals(ctx context.Context, f sales.DealFilter) ([]sales.Deal, error)
}

// Forecaster projects subjects' periods from one read of the team's deals
// and history: /forecast, the weekly forecast call and its managers'
// roll-up all project through it, so they show the same numbers. The rates
// are learned from the whole team's history; the terms are the subject's.
type Forecaster struct {
	src    ForecastSource
	env    Env
	stages sales.StageSet
	h      []forecast.Deal
	models map[modelKey]*forecast.Model
	cats   *forecast.Categorizer
	// Accounts names each deal, for lists of changes.
	Accounts map[sales.DealID]string
}

// NewForecaster reads the deals and their events once.
func NewForecaster(ctx context.Context, src ForecastSource, env Env) (*Forecaster, error) {
	stages, err := src.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	deals, err := src.FindDeals(ctx, sales.DealFilter{})
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	events, err := src.EventsBetween(ctx, time.Time{}, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	accounts := make(map[sales.DealID]string, len(deals))
	for _, d := range deals {
		accounts[d.ID] = d.Account
	}
	return &Forecaster{src: src, env: env, stages: stages, h: forecast.Histories(deals, events, stages, env.Cur),
		models: map[modelKey]*forecast.Model{}, cats: forecast.NewCategorizer(stages), Accounts: accounts}, nil
}

// Stages is the stage set the projections use.
func (f *Forecaster) Stages() sales.StageSet { return f.stages }

// modelKey names what one learned model serves: a period as of a moment.
type modelKey struct {
	p    sales.Period
	asOf int64
}

// Project is sub's projection for p against its quota (Basis), as of now,
// or as it stood at the end of a period that is over.
func (f *Forecaster) Project(ctx context.Context, sub Subject, p sales.Period) (forecast.Projection, sales.QuotaBasis, error) {
	asOf := f.env.Now
	if end := p.End(f.env.Loc); !end.After(f.env.Now) {
		asOf = end.Add(-time.Nanosecond)
	}
	return f.ProjectAt(ctx, sub, p, asOf)
}

// ProjectAt is sub's projection for p as of asOf, from what was known
// then (the backtest's method): the accuracy section replays the day-1,
// mid-period and last-week projections of a period that has ended.
func (f *Forecaster) ProjectAt(ctx context.Context, sub Subject, p sales.Period, asOf time.Time) (forecast.Projection, sales.QuotaBasis, error) {
	basis, members, err := Basis(ctx, f.src, sub, p)
	if err != nil {
		return forecast.Projection{}, basis, fmt.Errorf("forecast: %w", err)
	}
	k := modelKey{p, asOf.UnixNano()}
	m := f.models[k]
	if m == nil {
		m = forecast.Learn(f.h, p, asOf, forecast.Options{Stages: f.stages, Loc: f.env.Loc})
		f.models[k] = m
	}
	return m.ProjectQuota(selectFor(sub, members), basis.Amount, basis.Has), basis, nil
}

// Changes is what changed for sub's deals in period p between from and
// to (forecast.Changes): the weekly roll-up's "since last week".
func (f *Forecaster) Changes(ctx context.Context, sub Subject, p sales.Period, from, to time.Time) ([]forecast.Change, error) {
	var members map[sales.PersonID]bool
	if sub.Scope == sales.ScopeTeam && sub.Manager != 0 {
		people, err := f.src.People(ctx)
		if err != nil {
			return nil, fmt.Errorf("forecast changes: %w", err)
		}
		members = sales.TeamOf(people, sub.Manager)
	}
	return forecast.Changes(f.h, f.cats, p, from, to, selectFor(sub, members)), nil
}

// selectFor picks sub's deals: a rep's own, a territory's, a team's
// members' (members nil: everyone's).
func selectFor(sub Subject, members map[sales.PersonID]bool) func(*forecast.Deal) bool {
	switch sub.Scope {
	case sales.ScopeRep:
		return func(d *forecast.Deal) bool { return d.Owner == sub.Person }
	case sales.ScopeTerritory:
		return func(d *forecast.Deal) bool { return d.Territory == sub.Territory }
	case sales.ScopeTeam:
		if members != nil {
			return func(d *forecast.Deal) bool { return members[d.Owner] }
		}
	}
	return nil
}

// Slipping is an open deal whose close date has been pushed at least
// SlipPushes times: a forecast that keeps moving is a coaching item.
type Slipping struct {
	ID     sales.DealID
	Owner  sales.PersonID
	Pushes int
	Amount sales.Money
	Close  time.Time // the expected close date now (civil, UTC midnight)
}

// SlipPushes is how many pushes make a deal "slipping".
const SlipPushes = 3

// Slipping lists sub's open deals pushed SlipPushes times or more, most
// pushed first.
func (f *Forecaster) Slipping(ctx context.Context, sub Subject) ([]Slipping, error) {
	var members map[sales.PersonID]bool
	if sub.Scope == sales.ScopeTeam && sub.Manager != 0 {
		people, err := f.src.People(ctx)
		if err != nil {
			return nil, fmt.Errorf("slipping deals: %w", err)
		}
		members = sales.TeamOf(people, sub.Manager)
	}
	sel := selectFor(sub, members)
	var out []Slipping
	for i := range f.h {
		d := &f.h[i]
		if d.Outcome != forecast.Open || sel != nil && !sel(d) {
			continue
		}
		if n := d.Pushes(); n >= SlipPushes {
			out = append(out, Slipping{ID: d.ID, Owner: d.Owner, Pushes: n, Amount: d.AmountAt(f.env.Now), Close: d.CloseDateAt(f.env.Now)})
		}
	}
	slices.SortStableFunc(out, func(a, b Slipping) int {
		if a.Pushes != b.Pushes {
			return b.Pushes - a.Pushes
		}
		return int(a.ID) - int(b.ID)
	})
	return out, nil
}
