package digest

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// ForecastCall is the weekly forecast-call DM to a rep with a quota: their
// numbers for the period and their last call, with buttons to submit a
// new one (prefilled with the current commit and best case).
type ForecastCall struct {
	Person     sales.Person
	Period     sales.Period
	Quota      sales.QuotaBasis
	Projection forecast.Projection
	// Last is the rep's latest call for the period; nil when none yet.
	Last     *sales.ForecastCall
	Loc      *time.Location
	Currency sales.Currency
}

// ForecastRollup is a manager's weekly roll-up: who has called, the
// team's commit against its quota, the projection beside the reps' calls,
// and what changed since last week.
type ForecastRollup struct {
	Manager    sales.Person
	Period     sales.Period
	Quota      sales.QuotaBasis
	Projection forecast.Projection
	Calls      []CallLine // every member with a quota for the period, called or not
	// Called sums the calls made: commit and best case.
	CalledCommit, CalledBest sales.Money
	Missing                  int // members with a quota and no call
	Since                    time.Time
	Changes                  []ChangeLine
	ChangesTotal             int // Changes holds at most RollupChanges of them
	Loc                      *time.Location
	Currency                 sales.Currency
}

// CallLine is one member's call beside their projection.
type CallLine struct {
	Name, SlackID string
	Called        bool
	Commit, Best  sales.Money
	At            time.Time
	Quota         sales.Money
	Projected     sales.Money
}

// ChangeLine is one deal's change since last week, for the roll-up.
type ChangeLine struct {
	forecast.Change
	Account string
	Owner   string
}

// RollupChanges caps the changes a roll-up lists (the total is kept).
const RollupChanges = 15

// forecastSlot sends the week's forecast calls to the reps in j's zone
// and, from the team-zone job, the managers' roll-ups.
func (s *Service) forecastSlot(ctx context.Context, j *schedule, slot, last time.Time) error {
	now := s.now()
	fc, err := report.NewForecasterCached(ctx, s.store, report.Env{Now: now, Loc: s.loc, Cur: s.cur}, s.histories)
	if err != nil {
		return err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	// Reps by the period their call is for, so each period's reps are
	// projected in one pass over the deals.
	byPeriod := map[sales.Period][]sales.Person{}
	var order []sales.Period
	for _, p := range people {
		if p.SlackID == "" || zoneOf(p, s.forecast) != j.zone {
			continue
		}
		period, err := report.DefaultPeriod(ctx, s.store, report.Subject{Scope: sales.ScopeRep, Person: p.ID}, now, s.loc)
		if err != nil {
			return err
		}
		if period.PhaseAt(now, s.loc) != sales.PhaseCurrent {
			continue
		}
		if byPeriod[period] == nil {
			order = append(order, period)
		}
		byPeriod[period] = append(byPeriod[period], p)
	}
	sent := 0
	for _, period := range order {
		reps := byPeriod[period]
		ids := make([]sales.PersonID, len(reps))
		for i, p := range reps {
			ids[i] = p.ID
		}
		prs, err := fc.ProjectReps(ctx, ids, period, now)
		if err != nil {
			return err
		}
		calls, err := s.store.ForecastCalls(ctx, period)
		if err != nil {
			return fmt.Errorf("forecast calls: %w", err)
		}
		for _, p := range reps {
			rp := prs[p.ID]
			if !rp.Basis.Has {
				continue
			}
			c := &ForecastCall{Person: p, Period: period, Quota: rp.Basis, Projection: rp.Projection, Loc: s.zoneLoc(p), Currency: s.cur}
			if last, ok := calls[p.ID]; ok {
				c.Last = &last
			}
			key := JobForecast + "/" + strconv.FormatUint(uint64(p.ID), 10) + "/" + slot.UTC().Format(time.RFC3339)
			if err := s.poster.SendForecastCall(ctx, c, key); err != nil {
				return fmt.Errorf("send forecast call %s: %w", key, err)
			}
			sent++
		}
	}
	if j.zone == "" {
		since := slot.AddDate(0, 0, -7)
		if !last.IsZero() && last.After(since) {
			since = last
		}
		for _, m := range people {
			if m.Role != sales.RoleManager || m.SlackID == "" {
				continue
			}
			r, ok, err := s.forecastRollup(ctx, fc, people, m, since, now)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			key := JobForecast + ".rollup/" + strconv.FormatUint(uint64(m.ID), 10) + "/" + slot.UTC().Format(time.RFC3339)
			if err := s.poster.SendForecastRollup(ctx, r, key); err != nil {
				return fmt.Errorf("send forecast roll-up %s: %w", key, err)
			}
			sent++
		}
	}
	s.log.DebugContext(ctx, "scheduler: forecast calls sent", sales.LogKeyJob, j.job, "count", sent)
	return nil
}

// ForecastCallFor is p's weekly call as of now; false when p has no quota
// for a period that is running (nothing to call).
func (s *Service) ForecastCallFor(ctx context.Context, p sales.Person, now time.Time) (*ForecastCall, bool, error) {
	fc, err := report.NewForecasterCached(ctx, s.store, report.Env{Now: now, Loc: s.loc, Cur: s.cur}, s.histories)
	if err != nil {
		return nil, false, err
	}
	return s.forecastCall(ctx, fc, p, now)
}

func (s *Service) forecastCall(ctx context.Context, fc *report.Forecaster, p sales.Person, now time.Time) (*ForecastCall, bool, error) {
	sub := report.Subject{Scope: sales.ScopeRep, Person: p.ID}
	period, err := report.DefaultPeriod(ctx, s.store, sub, now, s.loc)
	if err != nil {
		return nil, false, err
	}
	if period.PhaseAt(now, s.loc) != sales.PhaseCurrent {
		return nil, false, nil
	}
	pr, basis, err := fc.Project(ctx, sub, period)
	if err != nil || !basis.Has {
		return nil, false, err
	}
	c := &ForecastCall{Person: p, Period: period, Quota: basis, Projection: pr, Loc: s.zoneLoc(p), Currency: s.cur}
	calls, err := s.store.ForecastCalls(ctx, period)
	if err != nil {
		return nil, false, fmt.Errorf("forecast calls: %w", err)
	}
	if last, ok := calls[p.ID]; ok {
		c.Last = &last
	}
	return c, true, nil
}

// ForecastRollupFor is manager m's roll-up as of now, changes counted from
// since; false when nobody in the team has a quota for the period.
func (s *Service) ForecastRollupFor(ctx context.Context, m sales.Person, since, now time.Time) (*ForecastRollup, bool, error) {
	fc, err := report.NewForecasterCached(ctx, s.store, report.Env{Now: now, Loc: s.loc, Cur: s.cur}, s.histories)
	if err != nil {
		return nil, false, err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return nil, false, err
	}
	return s.forecastRollup(ctx, fc, people, m, since, now)
}

func (s *Service) forecastRollup(ctx context.Context, fc *report.Forecaster, people []sales.Person, m sales.Person, since, now time.Time) (*ForecastRollup, bool, error) {
	team := report.Subject{Scope: sales.ScopeTeam, Manager: m.ID}
	period, err := report.DefaultPeriod(ctx, s.store, team, now, s.loc)
	if err != nil {
		return nil, false, err
	}
	if period.PhaseAt(now, s.loc) != sales.PhaseCurrent {
		return nil, false, nil
	}
	pr, basis, err := fc.Project(ctx, team, period)
	if err != nil {
		return nil, false, err
	}
	calls, err := s.store.ForecastCalls(ctx, period)
	if err != nil {
		return nil, false, fmt.Errorf("forecast calls: %w", err)
	}
	r := &ForecastRollup{Manager: m, Period: period, Quota: basis, Projection: pr, Since: since, Loc: s.zoneLoc(m), Currency: s.cur}
	members := sales.TeamOf(people, m.ID)
	var ids []sales.PersonID
	for _, p := range people {
		if members[p.ID] {
			ids = append(ids, p.ID)
		}
	}
	prs, err := fc.ProjectReps(ctx, ids, period, pr.AsOf)
	if err != nil {
		return nil, false, err
	}
	names := map[sales.PersonID]string{}
	for _, p := range people {
		names[p.ID] = p.Label()
		if !members[p.ID] {
			continue
		}
		rp := prs[p.ID]
		if !rp.Basis.Has {
			continue
		}
		line := CallLine{Name: p.Label(), SlackID: p.SlackID, Quota: rp.Basis.Amount, Projected: rp.Projection.Predicted}
		if c, ok := calls[p.ID]; ok {
			line.Called, line.Commit, line.Best, line.At = true, c.Commit, c.Best, time.Unix(c.At, 0)
			r.CalledCommit += c.Commit
			r.CalledBest += c.Best
		} else {
			r.Missing++
		}
		r.Calls = append(r.Calls, line)
	}
	if len(r.Calls) == 0 && !basis.Has {
		return nil, false, nil
	}
	changes, err := fc.Changes(ctx, team, period, since, now)
	if err != nil {
		return nil, false, err
	}
	r.ChangesTotal = len(changes)
	for i, c := range changes {
		if i == RollupChanges {
			break
		}
		r.Changes = append(r.Changes, ChangeLine{Change: c, Account: fc.Accounts[c.ID], Owner: names[c.Owner]})
	}
	return r, true, nil
}
