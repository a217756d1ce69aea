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
	medians    []int
	samples    []int64
	events     []sales.Event
	movedIDs   []sales.DealID // sorted
	movedFacts []sales.Facts  // parallel to movedIDs
	deals      map[sales.DealID]*sales.Deal
	mw         moveWindow
	fc         *report.Forecaster // built on first use (forecaster)
	// late are the open deals in Proposal or later with no next step,
	// read on first use (noNextStep).
	late     []sales.Deal
	lateRead bool
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

	var all sales.PipelineSum
	for _, o := range b.open {
		sa := a.stages[o.ID]
		d.Stages = append(d.Stages, StageLine{Name: o.Name, Count: sa.Open, Value: sa.Value, Weighted: sa.Weighted()})
		all.Merge(sa)
	}
	// Weighted is rounded once on the total, not summed from the rows.
	d.Pipeline = StageLine{Name: "Total", Count: all.Open, Value: all.Value, Weighted: all.Weighted()}

	if err := b.moved(a, d); err != nil {
		return nil, err
	}
	cur, prev := a.fCur.Funnel(), a.fPrev.Funnel()
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
	tm, err := report.MeasureSubject(b.ctx, s.store, a.sub, a.period, report.Env{Now: b.now, Loc: s.loc, Cur: s.cur})
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	d.Team = RepLine{
		Name: "Team", Period: a.period, WonCount: tm.Sum.Won, Open: tm.Sum.Pipeline.Open, Stale: a.staleN, Overdue: a.overdueN,
		Progress: tm.Progress,
	}
	if a.deals > 0 {
		if err := b.forecastLine(a, d); err != nil {
			return nil, err
		}
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

// moveWindow decides which deals were created, won or lost since the
// last digest, from the deals themselves (not from their events: an
// import writes a deal's history at its own dates, so a win imported
// today that closed yesterday has no event since the last digest).
//   - new: created at an instant in [since, now); a deal without a
//     created date is never new;
//   - won, lost: closed at an instant in [since, now), or, when only the
//     close date is known (the close instant is that day's midnight, as
//     imports store it), on a day from since's up to yesterday: each
//     date-only close is in the first digest after its day, exactly once
//     (a close made in Slack at midnight sharp is read the same way, a
//     day later, never twice).
type moveWindow struct {
	since, now int64
	lo, hi     int64 // unix days
	loc        *time.Location
}

func newMoveWindow(since, now time.Time, loc *time.Location) moveWindow {
	return moveWindow{since: since.Unix(), now: now.Unix(), loc: loc,
		lo: sales.DateIn(since, loc).UnixDays(), hi: sales.DateIn(now, loc).UnixDays()}
}

const (
	movedNew uint8 = 1 << iota
	movedWon
	movedLost
)

func (mw moveWindow) classify(f *sales.Facts, kind sales.StageKind) uint8 {
	var bits uint8
	if f.Created != 0 && f.Created >= mw.since && f.Created < mw.now {
		bits |= movedNew
	}
	if kind == sales.StageOpen || f.Closed == 0 {
		return bits
	}
	day := sales.CloseDay(kind, f.ExpectedClose(), time.Unix(f.Closed, 0), mw.loc)
	var in bool
	if f.Closed == day.Start(mw.loc).Unix() {
		n := day.UnixDays()
		in = n >= mw.lo && n < mw.hi
	} else {
		in = f.Closed >= mw.since && f.Closed < mw.now
	}
	switch {
	case !in:
	case kind == sales.StageWon:
		bits |= movedWon
	default:
		bits |= movedLost
	}
	return bits
}

const (
	kNew = iota
	kChanged
	kWon
	kLost
)

// movedAcc is one scope's new, won and lost deals since the last digest.
type movedAcc struct {
	tops              [4]top // cand.close holds the moment shown (created or closed)
	newN, wonN, lostN int
	newV, wonV, lostV sales.Money
}

func newMovedAcc() movedAcc {
	var m movedAcc
	for i := range m.tops {
		m.tops[i].n = MovedListSize
	}
	return m
}

func (m *movedAcc) add(bits uint8, f *sales.Facts) {
	if bits == 0 {
		return
	}
	c := cand{id: f.ID, key: int64(f.Amount), amount: f.Amount, stage: f.Stage, owner: f.Owner, close: f.Closed}
	if bits&movedNew != 0 {
		m.newN++
		m.newV += f.Amount
		cc := c
		cc.close = f.Created
		m.tops[kNew].offer(cc)
	}
	if bits&movedWon != 0 {
		m.wonN++
		m.wonV += f.Amount
		m.tops[kWon].offer(c)
	}
	if bits&movedLost != 0 {
		m.lostN++
		m.lostV += f.Amount
		m.tops[kLost].offer(c)
	}
}

// moved fills "what moved": new, won and lost deals from the scan
// (movedAcc), stage changes from the events since the last digest,
// collapsed per deal. Only the largest MovedListSize deals of each kind
// become Moves (with a lookup for the account); the counts and values
// cover every deal.
func (b *builder) moved(a *scopeAcc, d *Digest) error {
	type track struct {
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
		if e.Field == sales.FieldStage {
			if !t.stageMove {
				t.firstFrom = e.From
			}
			t.stageMove = true
		}
	}
	tops := a.moved.tops
	st := b.stages
	changed := 0
	for _, id := range order {
		i, ok := slices.BinarySearch(b.movedIDs, id)
		if !ok || b.movedFacts[i].ID != id || !b.inScope(a, &b.movedFacts[i]) {
			continue // deleted since, or another scope's
		}
		f := &b.movedFacts[i]
		t := byDeal[id]
		if kind := st.Kind(f.Stage); kind != sales.StageOpen || b.mw.classify(f, kind) != 0 ||
			!t.stageMove || strings.EqualFold(t.firstFrom, st.Name(f.Stage)) {
			continue // closed or new (counted from the scan), or back where it started
		}
		changed++
		tops[kChanged].offer(cand{id: id, key: int64(f.Amount), amount: f.Amount, stage: f.Stage, owner: f.Owner, close: t.at.Unix()})
	}
	var lists [4][]Move
	for k := range tops {
		for _, c := range tops[k].items {
			dl, err := b.deal(c.id)
			if err != nil {
				return err
			}
			mv := Move{Deal: c.id, Account: dl.Account, Owner: b.name(c.owner), Amount: c.amount, To: st.Name(c.stage), At: time.Unix(c.close, 0)}
			if t := byDeal[c.id]; k != kNew && t != nil && t.stageMove {
				mv.From = t.firstFrom
			}
			if k == kLost {
				mv.Reason = dl.LostReason
			}
			lists[k] = append(lists[k], mv)
		}
	}
	m := &a.moved
	d.Moved = Moved{
		New: lists[kNew], Changed: lists[kChanged], Won: lists[kWon], Lost: lists[kLost],
		NewCount: m.newN, ChangedCount: changed, WonCount: m.wonN, LostCount: m.lostN,
		NewValue: m.newV, WonValue: m.wonV, LostValue: m.lostV,
	}
	return nil
}

// reps builds every rep line with the same code /goal uses: the tally of
// report.MeasureSubject for the rep and the digest's period.
func (b *builder) reps(a *scopeAcc, d *Digest) error {
	s := b.s
	var lines []RepLine
	var board []sales.Contender
	for i := range b.people {
		p := &b.people[i]
		if !a.repsOf(*p) {
			continue
		}
		var o *ownerAcc
		if int(p.ID) < len(b.owners) {
			o = &b.owners[p.ID]
		}
		var stale, overdue int
		if o != nil {
			stale, overdue = o.stale, o.overdue
		}
		sub := report.Subject{Scope: sales.ScopeRep, Person: p.ID}
		rm, err := report.MeasureSubject(b.ctx, s.store, sub, a.period, report.Env{Now: b.now, Loc: s.loc, Cur: s.cur})
		if err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		has := rm.Progress.HasQuota
		// Won and open are /goal's and report's counts: deals won on a day
		// of the period, open at its end.
		active := p.Role == sales.RoleRep || has || rm.Sum.Pipeline.Open+rm.Sum.Won+rm.Sum.Lost > 0
		if !active {
			continue
		}
		line := RepLine{
			ID: p.ID, Name: p.Label(), SlackID: p.SlackID, Period: a.period, WonCount: rm.Sum.Won, Open: rm.Sum.Pipeline.Open,
			Stale: stale, Overdue: overdue,
			Progress: rm.Progress,
		}
		// The leaderboard ranks every win of the rep's, inside a quota
		// or not: the numbers report.Contenders gives /leaderboard.
		board = append(board, sales.Contender{
			Person: p.ID, Name: line.Name, SlackID: p.SlackID, Role: p.Role, Muted: p.CelebrationsOff,
			Won: rm.Sum.WonValue, Deals: rm.Sum.Won, Quota: rm.Progress.Quota, HasQuota: has,
		})
		// /goal shows a rep the period they have a quota for; when that is
		// not the digest's, show theirs too so the numbers agree.
		if !(has && a.period.Kind == sales.Month) {
			own, err := report.DefaultPeriod(b.ctx, s.store, sub, b.now, s.loc)
			if err != nil {
				return fmt.Errorf("digest: %w", err)
			}
			if own != a.period {
				m, err := report.MeasureSubject(b.ctx, s.store, sub, own, report.Env{Now: b.now, Loc: s.loc, Cur: s.cur})
				if err != nil {
					return fmt.Errorf("digest: %w", err)
				}
				line.Period, line.Progress, line.WonCount = own, m.Progress, m.Sum.Won
			}
		}
		lines = append(lines, line)
	}
	slices.SortStableFunc(lines, compareReps)
	d.Reps = lines
	d.Leaderboard, d.LeaderboardTied = sales.RankBoard(board, sales.BoardWon, a.period).Top(LeaderboardSize)
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
