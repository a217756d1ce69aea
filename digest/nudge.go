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

// NudgeDeals is how many deals one nudge lists with buttons.
const NudgeDeals = 6

// NudgeFor builds the nudge for p at now, in p's own zone. since is when
// the previous nudge went out (a win streak is only news once). The nudge
// may say nothing useful: check Useful before sending.
func (s *Service) NudgeFor(ctx context.Context, p sales.Person, now, since time.Time) (*Nudge, error) {
	loc := s.zoneLoc(p)
	n := &Nudge{Person: p, Now: now, Loc: loc, Currency: s.cur, TargetCoverage: TargetCoverage}
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("nudge: %w", err)
	}
	st := stages.Table()
	for _, o := range stages.Open() {
		n.Stages = append(n.Stages, o.Name)
	}
	n.Stages = append(n.Stages, stages.Won().Name)

	facts, err := s.store.OwnerFacts(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("nudge: %w", err)
	}
	quiet, err := s.quietness(ctx, now, loc)
	if err != nil {
		return nil, fmt.Errorf("nudge: %w", err)
	}
	nowU := now.Unix()
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	weekAgo := now.AddDate(0, 0, -7).Unix()
	var stale, overdue []NudgeDeal
	var closed []sales.Facts
	fresh := false
	for i := range facts {
		f := &facts[i]
		if f.Created >= weekAgo {
			fresh = true
		}
		kind := st[f.Stage].Kind
		if kind != sales.StageOpen {
			if f.Closed != 0 {
				closed = append(closed, *f)
			}
			continue
		}
		if f.SnoozedUntil > nowU {
			continue
		}
		sg, _ := stages.ByID(f.Stage)
		nd := NudgeDeal{ID: f.ID, Stage: sg.Name, Amount: f.Amount}
		if nx, ok := stages.Next(f.Stage); ok {
			nd.NextStage = nx.Name
		}
		if f.CloseDate != 0 {
			nd.CloseDate = time.Unix(f.CloseDate, 0).UTC()
		}
		qd, isQuiet := quiet.of(f, kind)
		switch {
		case f.CloseDate != 0 && f.CloseDate < today:
			nd.Days = int((today - f.CloseDate) / 86400)
			overdue = append(overdue, nd)
		case isQuiet: // "Gone quiet": no activity for the quiet days
			nd.Days = qd
			stale = append(stale, nd)
		}
	}
	byAmount := func(a, b NudgeDeal) int {
		if c := cmp.Compare(b.Amount, a.Amount); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
	slices.SortFunc(overdue, byAmount)
	slices.SortFunc(stale, byAmount)
	room := NudgeDeals
	take := func(l []NudgeDeal) []NudgeDeal {
		k := min(len(l), room)
		room -= k
		n.More += len(l) - k
		return l[:k]
	}
	n.Overdue, n.Stale = take(overdue), take(stale)
	for _, l := range [][]NudgeDeal{n.Overdue, n.Stale} {
		for i := range l {
			dl, err := s.store.Deal(ctx, l[i].ID)
			if err != nil {
				return nil, fmt.Errorf("nudge: %w", err)
			}
			l[i].Account = dl.Account
		}
	}

	if err := s.nudgeNextSteps(ctx, n, stages); err != nil {
		return nil, err
	}

	// Progress exactly as /goal shows it.
	sub := report.Subject{Scope: sales.ScopeRep, Person: p.ID}
	per, err := report.DefaultPeriod(ctx, s.store, sub, now, s.loc)
	if err != nil {
		return nil, fmt.Errorf("nudge: %w", err)
	}
	ms, err := report.MeasureSubject(ctx, s.store, sub, per, report.Env{Now: now, Loc: s.loc, Cur: s.cur})
	if err != nil {
		return nil, fmt.Errorf("nudge: %w", err)
	}
	n.Progress = ms.Progress
	n.Behind = ms.Progress.Behind()
	pr := ms.Progress
	if !fresh && pr.HasQuota && pr.Remaining > 0 && (!pr.Coverage.OK || pr.Coverage.V < TargetCoverage) {
		n.NoNewPipeline = true
		n.NeedPipeline = addFor(pr)
	}

	// A win streak: wins in a row, newest first, the latest since the
	// previous nudge.
	slices.SortFunc(closed, func(a, b sales.Facts) int {
		if c := cmp.Compare(b.Closed, a.Closed); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if len(closed) > 0 && st[closed[0].Stage].Kind == sales.StageWon && closed[0].Closed >= since.Unix() {
		for _, f := range closed {
			if st[f.Stage].Kind != sales.StageWon {
				break
			}
			n.Streak++
		}
		if n.Streak < 2 {
			n.Streak = 0
		}
	}
	return n, nil
}

// zoneLoc is p's Slack zone, or the team's.
func (s *Service) zoneLoc(p sales.Person) *time.Location {
	if p.TZ != "" {
		if l, err := time.LoadLocation(p.TZ); err == nil {
			return l
		}
	}
	if s.nudge != nil && s.nudge.loc != nil {
		return s.nudge.loc
	}
	return s.loc
}

func (s *Service) recordNudge(ctx context.Context, n *Nudge, slot time.Time) error {
	r := sales.NudgeRecord{Person: n.Person.ID, Slot: slot, At: n.Now.Unix(), Behind: n.Behind, NoPipe: n.NoNewPipeline, Streak: n.Streak}
	for _, d := range n.Stale {
		r.Stale = append(r.Stale, d.ID)
	}
	for _, d := range n.Overdue {
		r.Overdue = append(r.Overdue, d.ID)
	}
	return s.store.RecordNudge(ctx, r)
}

// keepNudges is how long sent-nudge records are kept.
const keepNudges = 35 * 24 * time.Hour

// Summaries builds each manager's review of the nudges their reps got in
// [from, to) and what changed after, as of now. Managers whose reps got
// no nudge get none. Records older than five weeks are pruned.
func (s *Service) Summaries(ctx context.Context, from, to, now time.Time) ([]*NudgeSummary, error) {
	recs, err := s.store.NudgeRecords(ctx)
	if err != nil {
		return nil, fmt.Errorf("nudge summary: %w", err)
	}
	byPerson := map[sales.PersonID][]sales.NudgeRecord{}
	for _, r := range recs {
		if r.Slot.Before(now.Add(-keepNudges)) {
			if err := s.store.DropNudgeRecord(ctx, r); err != nil {
				return nil, fmt.Errorf("nudge summary: prune: %w", err)
			}
			continue
		}
		if t := time.Unix(r.At, 0); t.Before(from) || !t.Before(to) {
			continue
		}
		byPerson[r.Person] = append(byPerson[r.Person], r)
	}
	if len(byPerson) == 0 {
		return nil, nil
	}
	events, err := s.store.EventsBetween(ctx, from, now)
	if err != nil {
		return nil, fmt.Errorf("nudge summary: %w", err)
	}
	evByDeal := map[sales.DealID][]sales.Event{}
	for _, e := range events {
		evByDeal[e.DealID] = append(evByDeal[e.DealID], e)
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return nil, fmt.Errorf("nudge summary: %w", err)
	}
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("nudge summary: %w", err)
	}
	accounts := map[sales.DealID]string{}
	account := func(id sales.DealID) (string, error) {
		if a, ok := accounts[id]; ok {
			return a, nil
		}
		d, err := s.store.Deal(ctx, id)
		if err != nil && sales.ErrorCode(err) != sales.ENOTFOUND {
			return "", err
		}
		a := d.Account
		if a == "" {
			a = id.String()
		}
		accounts[id] = a
		return a, nil
	}

	var out []*NudgeSummary
	for _, mgr := range people {
		if mgr.SlackID == "" {
			continue
		}
		team := sales.TeamOf(people, mgr.ID)
		sum := &NudgeSummary{Manager: mgr, From: from, To: to, Loc: s.zoneLoc(mgr)}
		for _, p := range people {
			if p.ID == mgr.ID || !team[p.ID] || len(byPerson[p.ID]) == 0 {
				continue
			}
			rs := byPerson[p.ID]
			slices.SortFunc(rs, func(a, b sales.NudgeRecord) int { return cmp.Compare(a.At, b.At) })
			rn := RepNudges{Name: p.Label(), SlackID: p.SlackID, Nudges: len(rs)}
			seen := map[sales.DealID]bool{}
			for _, r := range rs {
				rn.Behind = rn.Behind || r.Behind
				for _, l := range []struct {
					ids   []sales.DealID
					about string
				}{{r.Overdue, "overdue"}, {r.Stale, "stale"}} {
					for _, id := range l.ids {
						if seen[id] {
							continue
						}
						seen[id] = true
						a, err := account(id)
						if err != nil {
							return nil, fmt.Errorf("nudge summary: %w", err)
						}
						outc, acted := outcome(evByDeal[id], time.Unix(r.At, 0), stages)
						rn.Items = append(rn.Items, NudgeOutcome{Deal: id, Account: a, About: l.about, Outcome: outc, Acted: acted})
						sum.Deals++
						if acted {
							sum.Acted++
						}
					}
				}
			}
			sum.Nudges += rn.Nudges
			sum.Reps = append(sum.Reps, rn)
		}
		if len(sum.Reps) > 0 {
			out = append(out, sum)
		}
	}
	return out, nil
}

// outcome describes what happened to a deal after a nudge at t: the most
// decisive change wins (won/lost, then stage, then close date, snooze).
func outcome(evs []sales.Event, t time.Time, stages sales.StageSet) (string, bool) {
	var stageFrom, stageTo, closeTo string
	var snoozed, other bool
	for _, e := range evs {
		if e.At.Before(t) {
			continue
		}
		switch e.Field {
		case sales.FieldStage:
			if stageFrom == "" {
				stageFrom = e.From
			}
			stageTo = e.To
		case sales.FieldClose:
			closeTo = e.To
		case sales.FieldSnoozed:
			snoozed = true
		case sales.FieldCreated:
		default:
			other = true
		}
	}
	switch {
	case stageTo != "" && strings.EqualFold(stageTo, stages.Won().Name):
		return "won", true
	case stageTo != "" && strings.EqualFold(stageTo, stages.Lost().Name):
		return "marked lost", true
	case stageTo != "" && stageFrom != stageTo:
		return "moved " + stageFrom + " → " + stageTo, true
	case closeTo != "":
		return "close date moved to " + closeTo, true
	case snoozed:
		return "snoozed", true
	case other:
		return "updated", true
	}
	return "no change", false
}
