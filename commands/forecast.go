package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// forecastRead is /forecast: the projection of the subject's period with
// its range, categories and the quota it is measured against. The rates
// are learned from the whole team's history; the terms are the subject's.
func (r *run) forecastRead(c Cmd) (*Result, error) {
	s, p, err := r.viewSubject(c)
	if err != nil {
		return nil, err
	}
	fc, err := report.NewForecasterCached(r.ctx, r.store, report.Env{Now: r.now, Loc: r.loc, Cur: r.cur}, r.histories)
	if err != nil {
		return nil, err
	}
	pr, basis, err := fc.Project(r.ctx, s.sub, p)
	if err != nil {
		return nil, err
	}
	members := map[sales.PersonID]bool(nil)
	if s.sub.Scope == sales.ScopeTeam && s.sub.Manager != 0 {
		people, err := r.allPeople()
		if err != nil {
			return nil, err
		}
		members = sales.TeamOf(people, s.sub.Manager)
	}
	stages := fc.Stages()
	names := map[sales.StageID]string{}
	for _, st := range stages.Stages {
		names[st.ID] = st.Name
	}
	v := &ForecastView{Subject: s.label, Period: p, Quota: basis, Projection: pr, StageNames: names, Loc: r.loc, Currency: r.cur}
	if err := r.forecastCalls(v, s.sub, members); err != nil {
		return nil, err
	}
	return &Result{Kind: KindForecast, Title: s.label + ": forecast, " + p.Label(), Forecast: v}, nil
}

// forecastSubmit records the actor's call for a period (their quota
// period unless told): a snapshot, so later calls never rewrite it.
func (r *run) forecastSubmit(c Cmd) (*Result, error) {
	me := r.actor.Person
	if err := sales.Authorize(r.actor, sales.ActForecastCall, me.ID); err != nil {
		return nil, err
	}
	best := c.Amount
	if c.HasBest {
		best = c.Best
	}
	if best < c.Amount {
		return nil, sales.Errorf(sales.EINVALID, "best case %s is below your commit %s: best case includes the commit — e.g. /forecast submit %s best %s",
			r.cur.Format(best), r.cur.Format(c.Amount), r.cur.Plain(c.Amount), r.cur.Plain(c.Amount))
	}
	p, err := r.periodFor(c, report.Subject{Scope: sales.ScopeRep, Person: me.ID})
	if err != nil {
		return nil, err
	}
	if !p.End(r.loc).After(r.now) {
		return nil, sales.Errorf(sales.EINVALID, "%s is over: a call is for a period still running, e.g. /forecast submit %s", p.Label(), r.cur.Plain(c.Amount))
	}
	// A call is measured against a quota: the rep's own, or a manager's
	// team's. Without one there is nothing to call against.
	basis, _, err := report.Basis(r.ctx, r.store, report.Subject{Scope: sales.ScopeRep, Person: me.ID}, p)
	if err != nil {
		return nil, fmt.Errorf("forecast submit: %w", err)
	}
	if !basis.Has && r.actor.Role != sales.RoleRep {
		if basis, _, err = report.Basis(r.ctx, r.store, report.Subject{Scope: sales.ScopeTeam, Manager: me.ID}, p); err != nil {
			return nil, fmt.Errorf("forecast submit: %w", err)
		}
	}
	if !basis.Has {
		return nil, sales.Errorf(sales.EINVALID, "you have no quota for %s, so there is nothing to call against: a manager sets one with /goal set, or name a period with one, e.g. /forecast submit %s quarter",
			p.Label(), r.cur.Plain(c.Amount))
	}
	call := sales.ForecastCall{Person: me.ID, Period: p, Commit: c.Amount, Best: best, At: r.now.Unix()}
	if err := r.store.RecordForecastCall(r.ctx, call); err != nil {
		return nil, fmt.Errorf("forecast submit: %w", err)
	}
	return msg("Forecast call", fmt.Sprintf("Logged: your call for %s is commit %s, best case %s.", p.Label(), r.cur.Format(call.Commit), r.cur.Format(call.Best))), nil
}

// forecastCalls fills the calls of the subject's people: the rep, the
// team (manager and everyone under them), the territory's people or
// everyone.
func (r *run) forecastCalls(v *ForecastView, sub report.Subject, members map[sales.PersonID]bool) error {
	calls, err := r.store.ForecastCalls(r.ctx, v.Period)
	if err != nil {
		return fmt.Errorf("forecast calls: %w", err)
	}
	people, err := r.allPeople()
	if err != nil {
		return err
	}
	for _, person := range people {
		switch {
		case sub.Scope == sales.ScopeRep && person.ID != sub.Person,
			sub.Scope == sales.ScopeTerritory && person.Territory != sub.Territory,
			members != nil && !members[person.ID]:
			continue
		}
		if c, ok := calls[person.ID]; ok {
			v.Calls = append(v.Calls, CallLine{Name: person.Label(), Commit: c.Commit, Best: c.Best, At: time.Unix(c.At, 0)})
			continue
		}
		q, ok, err := r.store.Quota(r.ctx, sales.ScopeRep, uint64(person.ID), v.Period)
		if err != nil {
			return fmt.Errorf("forecast calls: %w", err)
		}
		if ok && q.Amount > 0 {
			v.Missing = append(v.Missing, person.Label())
		}
	}
	return nil
}

// Field names of the forecast-call form (SubmitForecastForm's errors).
const (
	FieldCommit = "commit"
	FieldBest   = "best"
)

// SubmitForecastForm is the weekly forecast call's modal: commit and best
// case as typed, for the period the call was sent for. A field that does
// not read as an amount is a field error and nothing is written; the
// submission is otherwise /forecast submit.
func (s *Service) SubmitForecastForm(ctx context.Context, req Request, commit, best, period string) (*Result, map[string]string, error) {
	errs := map[string]string{}
	amount := func(field, text, what string) sales.Money {
		if strings.TrimSpace(text) == "" {
			errs[field] = "Enter your " + what + ", e.g. " + amountForms + "."
			return 0
		}
		m, err := ParseAmount(text, s.cur)
		if err != nil {
			errs[field] = sales.ErrorMessage(err)
		}
		return m
	}
	c := amount(FieldCommit, commit, "commit")
	b := amount(FieldBest, best, "best case")
	if len(errs) == 0 && b < c {
		errs[FieldBest] = fmt.Sprintf("Best case includes the commit: enter at least %s.", s.cur.Format(c))
	}
	p, err := sales.ParsePeriodKey(period)
	if err != nil {
		return nil, nil, sales.Errorf(sales.EINVALID, "that form names no period (%q): use /forecast submit <commit> best <best case>", period)
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	res, err := s.Run(ctx, req, ForecastSubmitCmd(c, b, p))
	return res, nil, err
}

// forecaster is this command's projection engine over the service's cache.
func (r *run) forecaster() (*report.Forecaster, error) {
	return report.NewForecasterCached(r.ctx, r.store, report.Env{Now: r.now, Loc: r.loc, Cur: r.cur}, r.histories)
}

// brief is sub's forecast for p in one line; nil (logged) when it cannot
// be computed, so the Home tab and the win post still show the rest.
func (r *run) brief(fc *report.Forecaster, sub report.Subject, p sales.Period) *ForecastBrief {
	pr, basis, err := fc.Project(r.ctx, sub, p)
	if err != nil {
		r.log.Error("forecast brief", sales.LogKeyError, err.Error())
		return nil
	}
	if !basis.Has {
		return nil
	}
	return &ForecastBrief{Period: p, Predicted: pr.Predicted, Low: pr.Low, High: pr.High,
		Commit: pr.Totals.Commit(), Best: pr.Totals.BestCase(), Fallback: pr.Fallback}
}
