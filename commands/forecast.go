package commands

import (
	"fmt"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// forecastRead is /forecast: the projection of the subject's period with
// its range, categories and the quota it is measured against. The rates
// are learned from the whole team's history; the terms are the subject's.
func (r *run) forecastRead(c Cmd) (*Result, error) {
	if err := sales.Authorize(r.actor, sales.ActDealView, 0); err != nil {
		return nil, err
	}
	s, err := r.subjectOf(c)
	if err != nil {
		return nil, err
	}
	p, err := r.periodFor(c, s.sub)
	if err != nil {
		return nil, err
	}
	basis, members, err := report.Basis(r.ctx, r.store, s.sub, p)
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	stages, err := r.store.Stages(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	deals, err := r.store.FindDeals(r.ctx, sales.DealFilter{})
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	events, err := r.store.EventsBetween(r.ctx, time.Time{}, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	h := forecast.Histories(deals, events, stages, r.cur)
	asOf := r.now
	if end := p.End(r.loc); !end.After(r.now) {
		asOf = end.Add(-time.Nanosecond) // a past period: as it stood at its end
	}
	var sel func(*forecast.Deal) bool
	switch sub := s.sub; sub.Scope {
	case sales.ScopeRep:
		sel = func(d *forecast.Deal) bool { return d.Owner == sub.Person }
	case sales.ScopeTerritory:
		sel = func(d *forecast.Deal) bool { return d.Territory == sub.Territory }
	case sales.ScopeTeam:
		if members != nil {
			sel = func(d *forecast.Deal) bool { return members[d.Owner] }
		}
	}
	pr := forecast.Learn(h, p, asOf, forecast.Options{Stages: stages, Loc: r.loc}).ProjectQuota(sel, basis.Amount, basis.Has)
	names := map[sales.StageID]string{}
	for _, st := range stages.Stages {
		names[st.ID] = st.Name
	}
	v := &ForecastView{Subject: s.label, Period: p, Quota: basis, Projection: pr, StageNames: names, Loc: r.loc, Currency: r.cur}
	return &Result{Kind: KindForecast, Title: s.label + ": forecast, " + p.Label(), Forecast: v}, nil
}
