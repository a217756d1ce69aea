package digest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// maxSince bounds "what moved" after a long pause in digests.
const maxSince = 7 * 24 * time.Hour

// Build builds the company digest now, for its configured channel (which
// may be ""): what `salesbot digest --print` shows and what the scheduler
// posts. "What moved" covers the time since the last scheduled digest.
func (s *Service) Build(ctx context.Context) (*Digest, error) {
	now := s.now()
	since, err := s.sinceLast(ctx, now)
	if err != nil {
		return nil, err
	}
	ch, err := s.channelFor(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := s.build(ctx, now, since, []route{{scope: Scope{Kind: ScopeAll}, channel: ch}})
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}

// BuildAll builds the company digest and one per routed territory or
// manager team, each with its channel.
func (s *Service) BuildAll(ctx context.Context) ([]*Digest, error) {
	now := s.now()
	since, err := s.sinceLast(ctx, now)
	if err != nil {
		return nil, err
	}
	routes, err := s.routes(ctx)
	if err != nil {
		return nil, err
	}
	return s.build(ctx, now, since, routes)
}

func (s *Service) sinceLast(ctx context.Context, now time.Time) (time.Time, error) {
	last, err := s.store.LastSlot(ctx, JobDigest)
	if err != nil {
		return time.Time{}, fmt.Errorf("digest: last slot: %w", err)
	}
	return clampSince(last, now), nil
}

func clampSince(last, now time.Time) time.Time {
	switch {
	case last.IsZero() || !last.Before(now):
		return now.Add(-24 * time.Hour)
	case now.Sub(last) > maxSince:
		return now.Add(-maxSince)
	}
	return last
}

// route is one digest to build and where it goes.
type route struct {
	scope   Scope
	channel string
}

// routes lists the company digest and every routed scope: territories with
// a Channel (or a stored territory route) and managers with a team route.
func (s *Service) routes(ctx context.Context) ([]route, error) {
	ch, err := s.channelFor(ctx)
	if err != nil {
		return nil, err
	}
	out := []route{{scope: Scope{Kind: ScopeAll}, channel: ch}}
	set, err := s.store.DigestChannels(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest routes: %w", err)
	}
	terrs, err := s.store.Territories(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest routes: %w", err)
	}
	for _, t := range terrs {
		c := set.Territories[t.ID]
		if c == "" {
			c = strings.TrimSpace(t.Channel)
		}
		if c != "" {
			out = append(out, route{scope: Scope{Kind: ScopeTerritory, Territory: t.ID, Name: t.Name}, channel: c})
		}
	}
	var mgrs []route
	for id, c := range set.Managers {
		p, err := s.personName(ctx, id)
		if err != nil {
			s.log.WarnContext(ctx, "digest route to unknown manager ignored", "manager", uint64(id), sales.LogKeyError, err)
			continue
		}
		mgrs = append(mgrs, route{scope: Scope{Kind: ScopeTeam, Manager: id, Name: p}, channel: c})
	}
	slices.SortFunc(mgrs, func(a, b route) int { return cmp.Compare(a.scope.Manager, b.scope.Manager) })
	return append(out, mgrs...), nil
}

func (s *Service) personName(ctx context.Context, id sales.PersonID) (string, error) {
	people, err := s.store.People(ctx)
	if err != nil {
		return "", err
	}
	for _, p := range people {
		if p.ID == id {
			return p.Label(), nil
		}
	}
	return "", sales.Errorf(sales.ENOTFOUND, "person %s not found", id)
}

// ---- the one pass ----

// cand is a deal kept in a top-N list during the scan.
type cand struct {
	id     sales.DealID
	key    int64 // ordering key, larger first
	days   int
	amount sales.Money
	stage  sales.StageID
	owner  sales.PersonID
	close  int64
}

// top keeps the n largest candidates by key (ties: lower id first).
type top struct {
	n     int
	items []cand
}

func less(a, b cand) bool { return a.key > b.key || a.key == b.key && a.id < b.id }

func (t *top) offer(c cand) {
	if len(t.items) == t.n {
		if !less(c, t.items[t.n-1]) {
			return
		}
		t.items = t.items[:t.n-1]
	}
	i := len(t.items)
	t.items = append(t.items, c)
	for ; i > 0 && less(c, t.items[i-1]); i-- {
		t.items[i] = t.items[i-1]
	}
	t.items[i] = c
}

// scopeAcc accumulates one digest's deals during the scan.
type scopeAcc struct {
	route  route
	period sales.Period
	cur    sales.Window
	prev   sales.Window

	deals int64
	// fCur and fPrev are the funnel of the period to date and of the
	// previous period, counted by report.WindowFunnel exactly as
	// `salesbot report` counts them.
	fCur, fPrev      sales.FunnelSum
	curW, prevW      int                    // indexes into the build's windows
	stages           [256]sales.PipelineSum // open now, by stage
	moved            movedAcc
	staleN, overdueN int
	staleV, overdueV sales.Money
	stale, overdue   top
	stuck            []top // by open-stage index: the longest-sitting deals
	quiet            top   // gone quiet (quiet.go), largest first
	members          map[sales.PersonID]bool
	repsOf           func(p sales.Person) bool
	sub              report.Subject // whose quota progress the team line shows
}

// ownerAcc is per owner, shared by all scopes (owner ids are dense).
type ownerAcc struct {
	won90   int64
	lost90  int64
	stale   int
	overdue int
	best    cand // the open deal most worth pushing (weighted value)
	hasBest bool
}

const histDays = 4096

// build does the work for a set of routes over one ScanFacts pass.
func (s *Service) build(ctx context.Context, now, since time.Time, routes []route) ([]*Digest, error) {
	start := time.Now() // wall time: a duration for the log, not a timestamp
	loc := s.loc
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	st := stages.Table()
	people, err := s.store.People(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	quiet, err := s.quietness(ctx, now, loc)
	if err != nil {
		return nil, err
	}
	byID := make(map[sales.PersonID]*sales.Person, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	open := stages.Open()
	var openIdx [256]int8 // stage id → index into open, -1 for closed
	for i := range openIdx {
		openIdx[i] = -1
	}
	var stageOf [256]sales.Stage
	for _, sg := range stages.Stages {
		stageOf[sg.ID] = sg
	}
	for i, o := range open {
		openIdx[o.ID] = int8(i)
	}

	// Scopes: the period each shows and which deals and reps it covers.
	accs := make([]*scopeAcc, len(routes))
	env := report.Env{Now: now, Loc: loc, Cur: s.cur}
	var funnels []*report.WindowFunnel // distinct funnel windows
	funnelIdx := func(w sales.Window) (int, error) {
		for i, f := range funnels {
			if f.W == w {
				return i, nil
			}
		}
		f, err := report.NewWindowFunnel(ctx, s.store, stages, w, env)
		if err != nil {
			return 0, fmt.Errorf("digest: %w", err)
		}
		funnels = append(funnels, f)
		return len(funnels) - 1, nil
	}
	maxTerr := sales.TerritoryID(0)
	for i, r := range routes {
		a := &scopeAcc{route: r, stale: top{n: DealListSize}, overdue: top{n: DealListSize}, quiet: top{n: DealListSize}, moved: newMovedAcc()}
		a.stuck = make([]top, len(open))
		for j := range a.stuck {
			a.stuck[j] = top{n: 3}
		}
		var sub report.Subject
		switch r.scope.Kind {
		case ScopeTerritory:
			sub = report.Subject{Scope: sales.ScopeTerritory, Territory: r.scope.Territory}
			t := r.scope.Territory
			a.repsOf = func(p sales.Person) bool { return p.Territory == t }
			maxTerr = max(maxTerr, t)
		case ScopeTeam:
			sub = report.Subject{Scope: sales.ScopeTeam, Manager: r.scope.Manager}
			a.members = sales.TeamOf(people, r.scope.Manager)
			m := a.members
			a.repsOf = func(p sales.Person) bool { return m[p.ID] }
		default:
			sub = report.Subject{Scope: sales.ScopeTeam}
			a.repsOf = func(sales.Person) bool { return true }
		}
		a.period, err = report.DefaultPeriod(ctx, s.store, sub, now, loc)
		if err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		a.cur = sales.WindowOf(a.period, loc)
		a.prev = sales.WindowOf(a.period.Previous(), loc)
		a.sub = sub
		if a.curW, err = funnelIdx(a.cur); err != nil {
			return nil, err
		}
		if a.prevW, err = funnelIdx(a.prev); err != nil {
			return nil, err
		}
		accs[i] = a
	}
	// Scope membership by territory and by owner, so the hot loop only
	// indexes slices. Scope 0 (the company) takes every deal.
	terrScopes := make([][]int, int(maxTerr)+1)
	var ownerScopes [][]int
	maxOwner := sales.PersonID(0)
	for _, p := range people {
		maxOwner = max(maxOwner, p.ID)
	}
	ownerScopes = make([][]int, int(maxOwner)+1)
	for i, a := range accs {
		switch a.route.scope.Kind {
		case ScopeTerritory:
			terrScopes[a.route.scope.Territory] = append(terrScopes[a.route.scope.Territory], i)
		case ScopeTeam:
			for id := range a.members {
				if int(id) < len(ownerScopes) {
					ownerScopes[id] = append(ownerScopes[id], i)
				}
			}
		}
	}

	// What moved: the events since the last digest are read while the scan
	// runs (two read transactions in parallel). Once they are in, the scan
	// keeps the facts of the deals they name (merge-joined by ID); deals
	// changed since the last digest that it passes before then are kept
	// aside and matched afterwards.
	evCh := make(chan *moves, 1)
	var evReady atomic.Pointer[moves]
	go func() {
		mv := s.loadMoves(ctx, since, now)
		evReady.Store(mv)
		evCh <- mv
	}()
	sinceU := since.Unix()
	var touched []sales.Facts // changed deals seen before the events came in
	var ready *moves
	mj := 0
	var lastID sales.DealID

	today := sales.DateIn(now, loc)
	mw := newMoveWindow(since, now, loc)
	counted := make([]report.Counted, len(funnels))
	from90 := now.AddDate(0, 0, -90).Unix()
	owners := make([]ownerAcc, int(maxOwner)+1)
	hist := make([][histDays]int32, len(open))
	var scratch []int

	err = s.store.ScanFacts(ctx, func(f *sales.Facts) error {
		if f.Updated >= sinceU || f.Created >= sinceU {
			if ready == nil {
				ready = evReady.Load()
				if ready != nil {
					mj, _ = slices.BinarySearch(ready.ids, f.ID)
				}
			}
			switch {
			case ready == nil:
				touched = append(touched, *f)
			case ready.err == nil:
				if f.ID < lastID { // not in ID order after all: search
					mj, _ = slices.BinarySearch(ready.ids, f.ID)
				}
				lastID = f.ID
				for mj < len(ready.ids) && ready.ids[mj] < f.ID {
					mj++
				}
				if mj < len(ready.ids) && ready.ids[mj] == f.ID {
					ready.facts[mj] = *f
				}
			}
		}
		oi := int(f.Owner)
		if oi >= len(owners) {
			owners = growOwners(owners, oi)
			ownerScopes = append(ownerScopes, make([][]int, oi+1-len(ownerScopes))...)
		}
		o := &owners[oi]
		kind := st[f.Stage].Kind
		if f.Closed >= from90 {
			switch kind {
			case sales.StageWon:
				o.won90++
			case sales.StageLost:
				o.lost90++
			}
		}

		scopes := scratch[:0]
		scopes = append(scopes, 0)
		if len(accs) > 1 {
			if ti := int(f.Territory); ti < len(terrScopes) {
				scopes = append(scopes, terrScopes[ti]...)
			}
			scopes = append(scopes, ownerScopes[oi]...)
		}
		scratch = scopes

		for i, wf := range funnels {
			if counted[i], err = wf.Count(f); err != nil {
				return err
			}
		}
		mv := mw.classify(f, kind)

		var isStale, isOverdue, isOpen, isQuiet bool
		var staleDays, overDays, stageDays, quietDays int
		var c cand
		if kind == sales.StageOpen {
			isOpen = true
			// Stale and overdue are the contract's rules (sales): time in
			// the current stage, snoozed deals not listed.
			dl := f.Deal()
			if sg := stageOf[f.Stage]; sales.IsStale(dl, sg, now, loc) {
				isStale = true
				staleDays, _ = sales.DaysInStage(dl, now, loc)
				o.stale++
			}
			if cd := f.ExpectedClose(); sales.IsOverdue(kind, cd, dl.SnoozedUntil, now, loc) {
				isOverdue = true
				overDays = cd.DaysUntil(today)
				o.overdue++
			}
			quietDays, isQuiet = quiet.of(f, kind)
			stageDays, _ = sales.DaysInStage(dl, now, loc)
			if oi := openIdx[f.Stage]; oi >= 0 {
				hist[oi][min(stageDays, histDays-1)]++
			}
			// The deal most worth pushing: largest amount × probability
			// (a ranking key, not a shown number).
			w := int64(f.Amount) * st[f.Stage].Probability
			c = cand{id: f.ID, amount: f.Amount, stage: f.Stage, owner: f.Owner, close: f.CloseDate}
			if bc := (cand{id: f.ID, key: int64(w), amount: f.Amount, stage: f.Stage}); !o.hasBest || less(bc, o.best) {
				o.best, o.hasBest = bc, true
			}
		}
		for _, si := range scopes {
			a := accs[si]
			a.deals++
			counted[a.curW].AddTo(&a.fCur)
			counted[a.prevW].AddTo(&a.fPrev)
			a.moved.add(mv, f)
			if !isOpen {
				continue
			}
			a.stages[f.Stage].Add(f.Amount, st[f.Stage].Probability)
			if isStale {
				a.staleN++
				a.staleV += f.Amount
				c.key, c.days = int64(f.Amount), staleDays
				a.stale.offer(c)
			}
			if isOverdue {
				a.overdueN++
				a.overdueV += f.Amount
				c.key, c.days = int64(f.Amount), overDays
				a.overdue.offer(c)
			}
			if isQuiet {
				c.key, c.days = int64(f.Amount), quietDays
				a.quiet.offer(c)
			}
			if oi := openIdx[f.Stage]; oi >= 0 {
				if t := &a.stuck[oi]; len(t.items) < t.n || int64(stageDays) >= t.items[t.n-1].key {
					c.key, c.days = int64(stageDays), stageDays
					t.offer(c)
				}
			}
		}
		return nil
	})
	ev := <-evCh
	if err != nil {
		return nil, fmt.Errorf("digest: scan: %w", err)
	}
	if ev.err != nil {
		return nil, fmt.Errorf("digest: events: %w", ev.err)
	}
	if err := s.completeMoves(ctx, ev, touched); err != nil {
		return nil, err
	}
	events, movedIDs, movedFacts := ev.events, ev.ids, ev.facts

	medians := make([]int, len(open))
	samples := make([]int64, len(open))
	for i := range open {
		medians[i], samples[i] = median(hist[i][:])
	}

	b := &builder{
		s: s, ctx: ctx, now: now, since: since, stages: stages, open: open, openIdx: &openIdx,
		people: people, byID: byID, owners: owners, medians: medians, samples: samples,
		events: events, movedIDs: movedIDs, movedFacts: movedFacts, deals: map[sales.DealID]*sales.Deal{}, mw: mw,
	}
	out := make([]*Digest, len(accs))
	for i, a := range accs {
		d, err := b.digest(a)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	s.log.DebugContext(ctx, "digest built", "digests", len(out), sales.LogKeyDuration, time.Since(start))
	return out, nil
}

func growOwners(o []ownerAcc, i int) []ownerAcc {
	n := make([]ownerAcc, i+1)
	copy(n, o)
	return n
}

// median of a day histogram, and the number of samples.
func median(h []int32) (int, int64) {
	var n int64
	for _, c := range h {
		n += int64(c)
	}
	if n == 0 {
		return 0, 0
	}
	half := (n + 1) / 2
	var run int64
	for d, c := range h {
		run += int64(c)
		if run >= half {
			return d, n
		}
	}
	return len(h) - 1, n
}

// moves is the events since the last digest, the deals they name (sorted)
// and those deals' facts (parallel to ids; ID 0 until found).
type moves struct {
	events []sales.Event
	ids    []sales.DealID
	facts  []sales.Facts
	err    error
}

func (s *Service) loadMoves(ctx context.Context, since, now time.Time) *moves {
	evs, err := s.store.EventsBetween(ctx, since, now)
	if err != nil {
		return &moves{err: err}
	}
	ids := make([]sales.DealID, 0, len(evs))
	for i := range evs {
		ids = append(ids, evs[i].DealID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return &moves{events: evs, ids: ids, facts: make([]sales.Facts, len(ids))}
}

// completeMoves fills in the facts the scan did not: from the deals it
// set aside before the events came in, else (a deal whose last change
// predates its event, which storage does not produce) read one by one.
func (s *Service) completeMoves(ctx context.Context, mv *moves, touched []sales.Facts) error {
	for i := range touched {
		if j, ok := slices.BinarySearch(mv.ids, touched[i].ID); ok {
			mv.facts[j] = touched[i]
		}
	}
	for i, id := range mv.ids {
		if mv.facts[i].ID != 0 {
			continue
		}
		d, err := s.store.Deal(ctx, id)
		switch {
		case sales.ErrorCode(err) == sales.ENOTFOUND:
		case err != nil:
			return fmt.Errorf("digest: %w", err)
		default:
			mv.facts[i] = d.Facts()
		}
	}
	return nil
}
