package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// Caps that keep the Home tab within Slack's 100 blocks.
const (
	HomeDealsPerStage = 8
	HomeStaleDeals    = 5
	HomeOverdueDeals  = 5
	HomeTeamGoals     = 15
)

// Home builds the App Home tab of the requesting user: their quota
// progress, open deals by stage, stale and overdue deals, and for
// managers and admins the team's funnel and each rep's progress.
func (s *Service) Home(ctx context.Context, req Request) (*HomeView, error) {
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("home: %w", err)
	}
	actor, err := s.Actor(ctx, req.UserID, req.UserName, req.RealName, req.Email)
	if err != nil {
		return nil, err
	}
	r := s.newRun(ctx, actor, stages)
	me := actor.Person
	v := &HomeView{Name: me.Label(), Role: actor.Role, Currency: s.cur}

	sub := report.Subject{Scope: sales.ScopeRep, Person: me.ID}
	p, err := r.periodFor(Cmd{}, sub)
	if err != nil {
		return nil, err
	}
	m, err := r.measure(sub, p)
	if err != nil {
		return nil, err
	}
	v.Goal = GoalView{Subject: "You", SlackID: me.SlackID, Progress: m.Progress, Currency: s.cur}
	if v.Goal.Activity, err = r.goalActivity(me.ID, false); err != nil {
		return nil, fmt.Errorf("home: %w", err)
	}
	// The forecast reads every deal's history (cached after the first
	// time): only for someone with a quota or a team to show it for.
	var fc *report.Forecaster
	if m.Progress.HasQuota || actor.Role != sales.RoleRep {
		if fc, err = r.forecaster(); err != nil {
			r.log.Error("home forecast", sales.LogKeyError, err.Error())
			fc = nil
		}
	}
	if fc != nil && m.Progress.HasQuota {
		if v.Forecast = r.brief(fc, sub, p); v.Forecast != nil {
			calls, err := s.store.ForecastCalls(ctx, p)
			if err != nil {
				return nil, fmt.Errorf("home: %w", err)
			}
			if c, ok := calls[me.ID]; ok {
				v.Forecast.Call = &c
			}
		}
	}

	deals, err := s.store.FindDeals(ctx, sales.DealFilter{Owner: me.ID, OpenOnly: true})
	if err != nil {
		return nil, fmt.Errorf("home: %w", err)
	}
	// Biggest first within a stage: those matter most.
	slices.SortStableFunc(deals, func(a, b sales.Deal) int {
		switch {
		case a.Amount > b.Amount:
			return -1
		case a.Amount < b.Amount:
			return 1
		}
		return cmpNewest(a, b)
	})
	byStage := map[sales.StageID]*StageDeals{}
	for _, st := range stages.Open() {
		sd := &StageDeals{Stage: st.Name}
		byStage[st.ID] = sd
	}
	for _, d := range deals {
		card := r.card(d)
		if sd := byStage[d.Stage]; sd != nil {
			sd.Count++
			sd.Total += d.Amount
			if len(sd.Deals) < HomeDealsPerStage {
				sd.Deals = append(sd.Deals, card)
			}
		}
		if card.Stale {
			v.StaleCount++
			if len(v.Stale) < HomeStaleDeals {
				v.Stale = append(v.Stale, card)
			}
		}
		if card.Overdue {
			v.OverdueCount++
			if len(v.Overdue) < HomeOverdueDeals {
				v.Overdue = append(v.Overdue, card)
			}
		}
	}
	for _, st := range stages.Open() {
		v.ByStage = append(v.ByStage, *byStage[st.ID])
	}

	if actor.Role == sales.RoleManager || actor.Role == sales.RoleAdmin {
		scope := ScopeTeam
		if actor.Role == sales.RoleAdmin {
			scope = ScopeAll
		}
		subj, err := r.subjectOf(Cmd{Scope: scope})
		if err != nil {
			return nil, err
		}
		if v.Team, err = r.pipelineView(subj, Cmd{}); err != nil {
			return nil, err
		}
		goals, more, err := r.teamGoals(subj.sub.Manager, v.Team.Period)
		if err != nil {
			return nil, err
		}
		if len(goals) > HomeTeamGoals {
			more += len(goals) - HomeTeamGoals
			goals = goals[:HomeTeamGoals]
		}
		v.TeamGoals, v.TeamMore = goals, more
		if fc != nil {
			v.TeamForecast = r.brief(fc, subj.sub, v.Team.Period)
		}
	}
	return v, nil
}
