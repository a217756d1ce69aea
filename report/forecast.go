package report

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// ForecastSource is what a projection reads: every deal and its history,
// and the store's change mark so a HistoryCache knows what is new.
type ForecastSource interface {
	Source
	FindDeals(ctx context.Context, f sales.DealFilter) ([]sales.Deal, error)
	Deal(ctx context.Context, id sales.DealID) (sales.Deal, error)
	DealHistory(ctx context.Context, id sales.DealID) ([]sales.Event, error)
	ChangeMark(ctx context.Context) (sales.ChangeMark, error)
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
	return NewForecasterCached(ctx, src, env, nil)
}

// NewForecasterCached is NewForecaster over cache (nil: none): only deals
// created or changed since the cache's last read are read again.
func NewForecasterCached(ctx context.Context, src ForecastSource, env Env, cache *HistoryCache) (*Forecaster, error) {
	snap, err := cache.current(ctx, src, env.Cur)
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	return &Forecaster{src: src, env: env, stages: snap.stages, h: snap.h,
		models: map[modelKey]*forecast.Model{}, cats: forecast.NewCategorizer(snap.stages), Accounts: snap.accounts}, nil
}

// HistoryCache keeps the team's deal histories between projections. On a
// million deals reading and rebuilding them is most of a projection's
// time; with the cache, a projection reads only the deals created or
// changed since the last one (found from the events since then). The
// snapshot a Forecaster holds is never changed afterwards: an update
// builds a new one.
type HistoryCache struct {
	mu   sync.Mutex
	snap *historySnap
	// full and partial count the reads of everything and of changes only.
	full, partial int
}

// Warm reads src's histories into the cache now, so the first /forecast
// after a start does not wait for a million deals to be read (on such a
// file that takes seconds; later projections read only what changed).
func (c *HistoryCache) Warm(ctx context.Context, src ForecastSource, cur sales.Currency) error {
	if _, err := c.current(ctx, src, cur); err != nil {
		return fmt.Errorf("forecast histories: %w", err)
	}
	return nil
}

// Reads says how many projections read everything and how many only what
// had changed (for tests and the load tool).
func (c *HistoryCache) Reads() (full, partial int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.full, c.partial
}

type historySnap struct {
	mark     sales.ChangeMark
	lastAt   time.Time // the latest event time read
	stages   sales.StageSet
	h        []forecast.Deal
	pos      map[sales.DealID]int
	accounts map[sales.DealID]string
}

// current is the snapshot for the store as it is now; a nil cache always
// reads everything.
func (c *HistoryCache) current(ctx context.Context, src ForecastSource, cur sales.Currency) (*historySnap, error) {
	if c == nil {
		return loadHistories(ctx, src, cur)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	mark, err := src.ChangeMark(ctx)
	if err != nil {
		return nil, err
	}
	stages, err := src.Stages(ctx)
	if err != nil {
		return nil, err
	}
	old := c.snap
	switch {
	case old != nil && old.mark == mark && slices.Equal(old.stages.Stages, stages.Stages):
		return old, nil
	case old != nil && slices.Equal(old.stages.Stages, stages.Stages):
		if snap, ok, err := old.advance(ctx, src, mark, cur); err != nil {
			return nil, err
		} else if ok {
			c.snap = snap
			c.partial++
			return snap, nil
		}
	}
	snap, err := loadHistories(ctx, src, cur)
	if err != nil {
		return nil, err
	}
	c.snap = snap
	c.full++
	return snap, nil
}

func loadHistories(ctx context.Context, src ForecastSource, cur sales.Currency) (*historySnap, error) {
	// The mark is read first: a change made during the read is read again
	// next time rather than missed.
	mark, err := src.ChangeMark(ctx)
	if err != nil {
		return nil, err
	}
	stages, err := src.Stages(ctx)
	if err != nil {
		return nil, err
	}
	deals, err := src.FindDeals(ctx, sales.DealFilter{})
	if err != nil {
		return nil, err
	}
	events, err := src.EventsBetween(ctx, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	s := &historySnap{mark: mark, stages: stages, h: forecast.Histories(deals, events, stages, cur),
		pos: make(map[sales.DealID]int, len(deals)), accounts: make(map[sales.DealID]string, len(deals))}
	for i, d := range deals {
		s.pos[d.ID] = i
		s.accounts[d.ID] = d.Account
	}
	for i := range events {
		if events[i].At.After(s.lastAt) {
			s.lastAt = events[i].At
		}
	}
	return s, nil
}

// advance applies what changed since s to a copy: the deals named by the
// events written since s.mark, each read again with its whole history.
// It declines (false) when the events since s's latest time do not
// account for every event written since, as when an import wrote
// backdated history; the caller then reads everything.
func (s *historySnap) advance(ctx context.Context, src ForecastSource, mark sales.ChangeMark, cur sales.Currency) (*historySnap, bool, error) {
	if mark.Events < s.mark.Events || mark.Deals < s.mark.Deals {
		return nil, false, nil
	}
	evs, err := src.EventsBetween(ctx, s.lastAt, time.Time{})
	if err != nil {
		return nil, false, err
	}
	touched := map[sales.DealID]bool{}
	lastAt, found := s.lastAt, uint64(0)
	for _, e := range evs {
		if e.ID > s.mark.Events && e.ID <= mark.Events {
			found++
			touched[e.DealID] = true
			if e.At.After(lastAt) {
				lastAt = e.At
			}
		}
	}
	// Deals created since, in case one came without an event.
	for id := s.mark.Deals + 1; id <= mark.Deals && len(touched) <= len(s.h)/4+64; id++ {
		touched[sales.DealID(id)] = true
	}
	if found != mark.Events-s.mark.Events || len(touched) > len(s.h)/4+64 {
		return nil, false, nil // backdated events, or so much changed that a full read is cheaper
	}
	n := &historySnap{mark: mark, lastAt: lastAt, stages: s.stages, h: slices.Clone(s.h), pos: s.pos, accounts: s.accounts}
	copied := false
	for id := range touched {
		d, err := src.Deal(ctx, id)
		if sales.ErrorCode(err) == sales.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		hist, err := src.DealHistory(ctx, id)
		if err != nil {
			return nil, false, err
		}
		h := forecast.Histories([]sales.Deal{d}, hist, s.stages, cur)[0]
		if !copied {
			n.pos, n.accounts = maps.Clone(s.pos), maps.Clone(s.accounts)
			copied = true
		}
		if i, ok := n.pos[id]; ok {
			n.h[i] = h
		} else {
			n.pos[id] = len(n.h)
			n.h = append(n.h, h)
		}
		n.accounts[id] = d.Account
	}
	return n, true, nil
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
	return f.model(p, asOf).ProjectQuota(selectFor(sub, members), basis.Amount, basis.Has), basis, nil
}

// RepProjection is one rep's projection and quota basis.
type RepProjection struct {
	Projection forecast.Projection
	Basis      sales.QuotaBasis
}

// ProjectReps projects every rep in reps for p as of asOf in one pass over
// the deals (Project per rep would scan them all each time): the weekly
// call for a thousand reps costs about what one projection does.
func (f *Forecaster) ProjectReps(ctx context.Context, reps []sales.PersonID, p sales.Period, asOf time.Time) (map[sales.PersonID]RepProjection, error) {
	bases := make(map[sales.PersonID]sales.QuotaBasis, len(reps))
	for _, id := range reps {
		b, _, err := Basis(ctx, f.src, Subject{Scope: sales.ScopeRep, Person: id}, p)
		if err != nil {
			return nil, fmt.Errorf("forecast: %w", err)
		}
		bases[id] = b
	}
	m := f.model(p, asOf)
	byOwner := forecast.ProjectByQuota(m, func(d *forecast.Deal) sales.PersonID { return d.Owner }, reps,
		func(id sales.PersonID) (sales.Money, bool) { b := bases[id]; return b.Amount, b.Has })
	out := make(map[sales.PersonID]RepProjection, len(reps))
	for _, id := range reps {
		out[id] = RepProjection{Projection: byOwner[id], Basis: bases[id]}
	}
	return out, nil
}

// model is the fit for p as of asOf, learned once per Forecaster.
func (f *Forecaster) model(p sales.Period, asOf time.Time) *forecast.Model {
	k := modelKey{p, asOf.UnixNano()}
	m := f.models[k]
	if m == nil {
		m = forecast.Learn(f.h, p, asOf, forecast.Options{Stages: f.stages, Loc: f.env.Loc})
		f.models[k] = m
	}
	return m
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
