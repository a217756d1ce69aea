package digest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// builder turns the scan's accumulators into Digests.
type builder struct {
	s          *Service
	ctx        context.Context
	now, since time.Time
	stages     sales.StageSet
	open       []sales.Stage
	openIdx    *[256]int8
	people     []sales.Person
	byID       map[sales.PersonID]*sales.Person
	owners     []ownerAcc
	periods    []sales.Period
	medians    []int
	samples    []int64
	events     []sales.Event
	movedIDs   []sales.DealID // sorted
	movedFacts []sales.Facts  // parallel to movedIDs
	deals      map[sales.DealID]*sales.Deal
}

// TargetCoverage is the open pipeline, as a multiple of the quota still to
// win, that coaching and nudges ask for.
const TargetCoverage = 3.0

func (b *builder) name(id sales.PersonID) string {
	if p, ok := b.byID[id]; ok {
		return p.Label()
	}
	if id == 0 {
		return "(no owner)"
	}
	return id.String()
}

// deal loads a deal for its account name and reason (cached; only the
// few deals a digest lists are read).
func (b *builder) deal(id sales.DealID) (*sales.Deal, error) {
	if d, ok := b.deals[id]; ok {
		return d, nil
	}
	d, err := b.s.store.Deal(b.ctx, id)
	if err != nil {
		if sales.ErrorCode(err) != sales.ENOTFOUND {
			return nil, fmt.Errorf("digest: %w", err)
		}
		d = sales.Deal{ID: id, Account: id.String()}
	}
	b.deals[id] = &d
	return &d, nil
}

func (b *builder) inScope(a *scopeAcc, f *sales.Facts) bool {
	switch a.route.scope.Kind {
	case ScopeTerritory:
		return f.Territory == a.route.scope.Territory
	case ScopeTeam:
		return a.members[f.Owner]
	}
	return true
}

func (b *builder) digest(a *scopeAcc) (*Digest, error) {
	s := b.s
	d := &Digest{
		Scope: a.route.scope, Channel: a.route.channel, Now: b.now, Loc: s.loc, Since: b.since,
		Period: a.period, Currency: s.cur,
	}
	day := b.now.In(s.loc).Format("Mon 2 Jan 2006")
	switch a.route.scope.Kind {
	case ScopeTerritory:
		d.Title = a.route.scope.Name + " pipeline digest · " + day
	case ScopeTeam:
		d.Title = a.route.scope.Name + "'s team digest · " + day
	default:
		d.Title = "Pipeline digest · " + day
	}

	for _, o := range b.open {
		sa := a.stages[o.ID]
		d.Stages = append(d.Stages, StageLine{Name: o.Name, Count: sa.count, Value: sa.value, Weighted: sa.weighted})
		d.Pipeline.Count += sa.count
		d.Pipeline.Value += sa.value
		d.Pipeline.Weighted += sa.weighted
	}
	d.Pipeline.Name = "Total"

	if err := b.moved(a, d); err != nil {
		return nil, err
	}
	cur := a.tCur.Funnel()
	pt := a.tPrev
	pt.Open, pt.PipelineValue = a.prevOpen, a.prevOpenValue
	prev := pt.Funnel()
	d.Metrics = []Metric{
		{Name: "Open deals", Kind: KindCount, Cur: sales.Some(float64(cur.Open)), Prev: sales.Some(float64(prev.Open)), HigherIsBetter: true},
		{Name: "Win rate", Kind: KindPercent, Cur: cur.WinRate, Prev: prev.WinRate, HigherIsBetter: true},
		{Name: "Avg deal size", Kind: KindMoney, Cur: cur.AvgDealSize, Prev: prev.AvgDealSize, HigherIsBetter: true},
		{Name: "Sales cycle", Kind: KindDays, Cur: cur.AvgCycleDays, Prev: prev.AvgCycleDays},
		{Name: "Velocity", Kind: KindPerDay, Cur: cur.Velocity, Prev: prev.Velocity, HigherIsBetter: true},
	}

	if err := b.reps(a, d); err != nil {
		return nil, err
	}
	// The team's progress is /goal's: the same quota basis and wins inside it.
	tm, err := report.MeasureSubject(b.ctx, s.store, a.sub, a.period, b.now, s.loc)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	d.Team = RepLine{
		Name: "Team", Period: a.period, WonCount: a.tCur.Won, Open: a.tCur.Open, Stale: a.staleN, Overdue: a.overdueN,
		Progress: tm.Progress,
	}

	if d.Stale, err = b.dealList(a.stale.items, a.staleN, a.staleV, true); err != nil {
		return nil, err
	}
	if d.Overdue, err = b.dealList(a.overdue.items, a.overdueN, a.overdueV, false); err != nil {
		return nil, err
	}
	if err := b.coaching(a, d); err != nil {
		return nil, err
	}

	d.Empty = a.deals == 0
	if d.Empty {
		d.Tips = []string{
			"Log a deal: /deal add Acme 12k stage:Qualified close:" + b.now.In(s.loc).AddDate(0, 1, 0).Format("2006-01-02"),
			"Or open the form: /deal with no text",
			"Set quotas so progress and pace show up: /goal set @rep 50k month",
			"Group the team: /territory add EMEA, then /territory assign EMEA @rep",
			"Bring an existing pipeline: salesbot import deals --file deals.csv",
		}
	} else if !d.Team.Progress.HasQuota {
		d.Tips = append(d.Tips, "No quota is set for "+a.period.Label()+": /goal set @rep 50k month adds attainment, pace and coverage here.")
	}
	if !d.Empty {
		png, alt, err := Chart(d)
		if err != nil {
			// The digest still goes out; the chart is an extra.
			s.log.WarnContext(b.ctx, "digest chart failed", sales.LogKeyError, err)
		} else {
			d.Chart, d.ChartAlt = png, alt
		}
	}
	return d, nil
}

// moved collapses the events since the last digest per deal. Only the
// largest MovedListSize deals of each kind become Moves (with a lookup for
// the account); the counts and values cover every deal.
func (b *builder) moved(a *scopeAcc, d *Digest) error {
	type track struct {
		created   bool
		firstFrom string
		stageMove bool
		at        time.Time
	}
	byDeal := make(map[sales.DealID]*track, len(b.movedIDs))
	var order []sales.DealID
	for i := range b.events {
		e := &b.events[i]
		t := byDeal[e.DealID]
		if t == nil {
			t = &track{}
			byDeal[e.DealID] = t
			order = append(order, e.DealID)
		}
		t.at = e.At
		switch e.Field {
		case sales.FieldCreated:
			t.created = true
		case sales.FieldStage:
			if !t.stageMove {
				t.firstFrom = e.From
			}
			t.stageMove = true
		}
	}
	const (
		kNew = iota
		kChanged
		kWon
		kLost
	)
	var tops [4]top
	for i := range tops {
		tops[i].n = MovedListSize
	}
	st := b.stages
	sinceU := b.since.Unix()
	for _, id := range order {
		i, ok := slices.BinarySearch(b.movedIDs, id)
		if !ok || b.movedFacts[i].ID != id || !b.inScope(a, &b.movedFacts[i]) {
			continue // deleted since, or another scope's
		}
		f := &b.movedFacts[i]
		t := byDeal[id]
		c := cand{id: id, key: int64(f.Amount), amount: f.Amount, stage: f.Stage, owner: f.Owner}
		kind := st.Kind(f.Stage)
		closedNow := f.Closed != 0 && f.Closed >= sinceU
		switch {
		case kind == sales.StageWon && closedNow:
			d.Moved.WonCount++
			d.Moved.WonValue += f.Amount
			tops[kWon].offer(c)
		case kind == sales.StageLost && closedNow:
			d.Moved.LostCount++
			d.Moved.LostValue += f.Amount
			tops[kLost].offer(c)
		case t.created:
		case t.stageMove && !strings.EqualFold(t.firstFrom, st.Name(f.Stage)):
			d.Moved.ChangedCount++
			tops[kChanged].offer(c)
		}
		if t.created {
			d.Moved.NewCount++
			d.Moved.NewValue += f.Amount
			tops[kNew].offer(c)
		}
	}
	var lists [4][]Move
	for k := range tops {
		for _, c := range tops[k].items {
			t := byDeal[c.id]
			dl, err := b.deal(c.id)
			if err != nil {
				return err
			}
			mv := Move{Deal: c.id, Account: dl.Account, Owner: b.name(c.owner), Amount: c.amount, To: st.Name(c.stage), At: t.at}
			if k != kNew {
				mv.From = t.firstFrom
			}
			if k == kLost {
				mv.Reason = dl.LostReason
			}
			lists[k] = append(lists[k], mv)
		}
	}
	d.Moved.New, d.Moved.Changed, d.Moved.Won, d.Moved.Lost = lists[kNew], lists[kChanged], lists[kWon], lists[kLost]
	return nil
}

// reps builds every rep line with the same code /goal uses: the tally of
// report.MeasureSubject for the rep and the digest's period.
func (b *builder) reps(a *scopeAcc, d *Digest) error {
	s := b.s
	pi := slices.Index(b.periods, a.period)
	var lines, board []RepLine
	for i := range b.people {
		p := &b.people[i]
		if !a.repsOf(*p) {
			continue
		}
		var o *ownerAcc
		if int(p.ID) < len(b.owners) {
			o = &b.owners[p.ID]
		}
		var t sales.Tally
		var stale, overdue int
		if o != nil {
			t, stale, overdue = o.tally[pi], o.stale, o.overdue
		}
		sub := report.Subject{Scope: sales.ScopeRep, Person: p.ID}
		rm, err := report.MeasureSubject(b.ctx, s.store, sub, a.period, b.now, s.loc)
		if err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		has := rm.Progress.HasQuota
		active := p.Role == sales.RoleRep || has || t.Open+t.Won+t.Lost > 0
		if !active {
			continue
		}
		line := RepLine{
			ID: p.ID, Name: p.Label(), SlackID: p.SlackID, Period: a.period, WonCount: t.Won, Open: t.Open,
			Stale: stale, Overdue: overdue,
			Progress: rm.Progress,
		}
		if line.Progress.Won > 0 {
			board = append(board, line)
		}
		// /goal shows a rep the period they have a quota for; when that is
		// not the digest's, show theirs too so the numbers agree.
		if !(has && a.period.Kind == sales.Month) {
			own, err := report.DefaultPeriod(b.ctx, s.store, sub, b.now, s.loc)
			if err != nil {
				return fmt.Errorf("digest: %w", err)
			}
			if own != a.period {
				m, err := report.MeasureSubject(b.ctx, s.store, sub, own, b.now, s.loc)
				if err != nil {
					return fmt.Errorf("digest: %w", err)
				}
				line.Period, line.Progress, line.WonCount = own, m.Progress, m.Tally.Won
			}
		}
		lines = append(lines, line)
	}
	slices.SortStableFunc(lines, compareReps)
	slices.SortStableFunc(board, func(x, y RepLine) int {
		if c := cmp.Compare(y.Progress.Won, x.Progress.Won); c != 0 {
			return c
		}
		if c := cmp.Compare(y.WonCount, x.WonCount); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name))
	})
	if len(board) > LeaderboardSize {
		board = board[:LeaderboardSize]
	}
	d.Reps, d.Leaderboard = lines, board
	return nil
}

// compareReps orders reps with a quota by attainment (best first), then
// those without one by won amount, then by name.
func compareReps(x, y RepLine) int {
	xq, yq := x.Progress.HasQuota, y.Progress.HasQuota
	switch {
	case xq && !yq:
		return -1
	case !xq && yq:
		return 1
	case xq && yq:
		if c := cmp.Compare(y.Progress.Attainment.V, x.Progress.Attainment.V); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(y.Progress.Won, x.Progress.Won); c != 0 {
		return c
	}
	if c := cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)); c != 0 {
		return c
	}
	return cmp.Compare(x.ID, y.ID)
}

func (b *builder) dealList(items []cand, n int, v sales.Money, stale bool) (DealList, error) {
	l := DealList{Count: n, Value: v}
	for _, c := range items {
		dl, err := b.deal(c.id)
		if err != nil {
			return l, err
		}
		line := DealLine{
			ID: c.id, Account: dl.Account, Owner: b.name(c.owner), OwnerID: c.owner, Stage: b.stages.Name(c.stage),
			Amount: c.amount, Days: c.days,
		}
		if c.close != 0 {
			line.CloseDate = time.Unix(c.close, 0).UTC()
		}
		if stale {
			if sg, ok := b.stages.ByID(c.stage); ok {
				line.Threshold = sg.StaleAfterDays()
			}
		}
		l.Deals = append(l.Deals, line)
	}
	return l, nil
}
