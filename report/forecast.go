package report

import (
	"context"
	"fmt"
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
	models map[sales.Period]*forecast.Model
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
	return &Forecaster{src: src, env: env, stages: stages, h: forecast.Histories(deals, events, stages, env.Cur),
		models: map[sales.Period]*forecast.Model{}}, nil
}

// Stages is the stage set the projections use.
func (f *Forecaster) Stages() sales.StageSet { return f.stages }

// Project is sub's projection for p against its quota (Basis), as of now,
// or as it stood at the end of a period that is over.
func (f *Forecaster) Project(ctx context.Context, sub Subject, p sales.Period) (forecast.Projection, sales.QuotaBasis, error) {
	basis, members, err := Basis(ctx, f.src, sub, p)
	if err != nil {
		return forecast.Projection{}, basis, fmt.Errorf("forecast: %w", err)
	}
	m := f.models[p]
	if m == nil {
		asOf := f.env.Now
		if end := p.End(f.env.Loc); !end.After(f.env.Now) {
			asOf = end.Add(-time.Nanosecond)
		}
		m = forecast.Learn(f.h, p, asOf, forecast.Options{Stages: f.stages, Loc: f.env.Loc})
		f.models[p] = m
	}
	var sel func(*forecast.Deal) bool
	switch sub.Scope {
	case sales.ScopeRep:
		sel = func(d *forecast.Deal) bool { return d.Owner == sub.Person }
	case sales.ScopeTerritory:
		sel = func(d *forecast.Deal) bool { return d.Territory == sub.Territory }
	case sales.ScopeTeam:
		if members != nil {
			sel = func(d *forecast.Deal) bool { return members[d.Owner] }
		}
	}
	return m.ProjectQuota(sel, basis.Amount, basis.Has), basis, nil
}
