package commands

import (
	"fmt"
	"slices"
	"strings"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// MaxGoalRows caps the reps listed under a team's progress so the reply
// fits a message; the digest and `salesbot report` carry the full list.
const MaxGoalRows = 20

// subject is what /goal and /pipeline measure.
type subject struct {
	sub     report.Subject
	label   string
	slackID string
	person  sales.Person // ScopeRep
}

// subjectOf resolves a command's scope. It writes nothing: a mentioned
// Slack user who has no person yet has no numbers either.
func (r *run) subjectOf(c Cmd) (subject, error) {
	switch c.Scope {
	case ScopeSelf:
		p := r.actor.Person
		return subject{sub: report.Subject{Scope: sales.ScopeRep, Person: p.ID}, label: "You", slackID: p.SlackID, person: p}, nil
	case ScopeUser:
		p, known, err := r.findUser(c.User)
		if err != nil {
			return subject{}, err
		}
		if !known {
			return subject{}, sales.Errorf(sales.ENOTFOUND, "%s has not used salesbot yet and has no deals or quota", c.User.Label())
		}
		label := p.Label()
		if p.ID == r.actor.Person.ID {
			label = "You"
		}
		return subject{sub: report.Subject{Scope: sales.ScopeRep, Person: p.ID}, label: label, slackID: p.SlackID, person: p}, nil
	case ScopeTeam:
		m := r.teamManager()
		return subject{sub: report.Subject{Scope: sales.ScopeTeam, Manager: m}, label: r.teamLabel(m)}, nil
	case ScopeAll:
		return subject{sub: report.Subject{Scope: sales.ScopeTeam}, label: "Company"}, nil
	case ScopeTerritory:
		t, err := r.findTerritory(c.Territory)
		if err != nil {
			return subject{}, err
		}
		return subject{sub: report.Subject{Scope: sales.ScopeTerritory, Territory: t.ID}, label: "Territory " + t.Name}, nil
	}
	return subject{}, sales.Errorf(sales.EINVALID, "unknown scope %q", c.Scope)
}

// viewSubject is what every read view starts with: anyone may view, and
// the command names a subject and (or defaults) a period.
func (r *run) viewSubject(c Cmd) (subject, sales.Period, error) {
	if err := sales.Authorize(r.actor, sales.ActDealView, 0); err != nil {
		return subject{}, sales.Period{}, err
	}
	s, err := r.subjectOf(c)
	if err != nil {
		return subject{}, sales.Period{}, err
	}
	p, err := r.periodFor(c, s.sub)
	return s, p, err
}

// periodFor is the command's period, else report.DefaultPeriod: the same
// choice the digest makes.
func (r *run) periodFor(c Cmd, sub report.Subject) (sales.Period, error) {
	if c.Period.Kind != 0 {
		return c.Period, nil
	}
	p, err := report.DefaultPeriod(r.ctx, r.store, sub, r.now, r.loc)
	if err != nil {
		return sales.Period{}, fmt.Errorf("period: %w", err)
	}
	return p, nil
}

func (r *run) measure(sub report.Subject, p sales.Period) (report.Measure, error) {
	m, err := report.MeasureSubject(r.ctx, r.store, sub, p, report.Env{Now: r.now, Loc: r.loc, Cur: r.cur})
	if err != nil {
		return report.Measure{}, fmt.Errorf("measure: %w", err)
	}
	return m, nil
}

func (r *run) pipeline(c Cmd) (*Result, error) {
	if err := sales.Authorize(r.actor, sales.ActDealView, 0); err != nil {
		return nil, err
	}
	s, err := r.subjectOf(c)
	if err != nil {
		return nil, err
	}
	v, err := r.pipelineView(s, c)
	if err != nil {
		return nil, err
	}
	return &Result{Kind: KindPipeline, Title: v.Subject + ": pipeline, " + v.Period.Label(), Pipeline: v}, nil
}

func (r *run) pipelineView(s subject, c Cmd) (*PipelineView, error) {
	p, err := r.periodFor(c, s.sub)
	if err != nil {
		return nil, err
	}
	m, err := r.measure(s.sub, p)
	if err != nil {
		return nil, err
	}
	v := &PipelineView{Subject: s.label, Period: p, Funnel: m.Funnel, Currency: r.cur, AsOf: m.AsOf.In(r.loc), Past: m.Past}
	for _, st := range m.ByStage {
		v.ByStage = append(v.ByStage, StageRow{Stage: st.Stage.Name, Count: st.Count, Value: st.Value, Weighted: st.Weighted})
	}
	pr := m.Progress
	v.Progress = &pr
	return v, nil
}

func (r *run) goal(c Cmd) (*Result, error) {
	s, p, err := r.viewSubject(c)
	if err != nil {
		return nil, err
	}
	m, err := r.measure(s.sub, p)
	if err != nil {
		return nil, err
	}
	res := &Result{Kind: KindGoals, Title: s.label + ": " + p.Label()}
	res.Goals = []GoalView{{Subject: s.label, SlackID: s.slackID, Progress: m.Progress, Currency: r.cur}}
	acts, err := r.subjectActivity(s, p)
	if err != nil {
		return nil, err
	}
	res.Goals[0].Activity = acts
	if s.sub.Scope == sales.ScopeRep {
		res.Goals[0].Streak = r.streakText(s.sub.Person, s.label == "You", acts)
	}
	if m.Past {
		res.Lines = append(res.Lines, fmt.Sprintf("%s is over: figures as of its end, %s.", p.Label(), p.LastDay().Long()))
	}
	if !m.Progress.HasQuota {
		who := s.label + " has"
		if s.label == "You" {
			who = "You have"
		}
		res.Lines = append(res.Lines, fmt.Sprintf("%s no quota for %s; a manager can set one with /goal set.", who, p.Label()))
	}
	if s.sub.Scope == sales.ScopeTeam {
		goals, more, err := r.teamGoals(s.sub.Manager, p)
		if err != nil {
			return nil, err
		}
		res.Goals = append(res.Goals, goals...)
		if more > 0 {
			res.Lines = append(res.Lines, fmt.Sprintf("%d more reps are not listed; the digest and salesbot report have everyone.", more))
		}
	}
	return res, nil
}

// teamGoals is each member's progress in a team (manager 0: the company),
// best attainment first, at most MaxGoalRows of them. The manager is a
// member like anyone else (contract: "the manager plus everyone who
// reports to them"), so a manager's own wins, which the team line shows
// beside its quota, have a row that accounts for them.
func (r *run) teamGoals(manager sales.PersonID, p sales.Period) ([]GoalView, int, error) {
	people, err := r.allPeople()
	if err != nil {
		return nil, 0, err
	}
	var members map[sales.PersonID]bool
	if manager != 0 {
		members = sales.TeamOf(people, manager)
	}
	type row struct {
		g    GoalView
		name string
	}
	var rows []row
	for _, person := range people {
		if members != nil && !members[person.ID] {
			continue
		}
		m, err := r.measure(report.Subject{Scope: sales.ScopeRep, Person: person.ID}, p)
		if err != nil {
			return nil, 0, err
		}
		active := m.Sum.Pipeline.Open+m.Sum.Won+m.Sum.Lost > 0
		if r.roleOf(person) != sales.RoleRep && !m.Progress.HasQuota && !active {
			continue
		}
		rows = append(rows, row{GoalView{Subject: person.Label(), SlackID: person.SlackID, Progress: m.Progress, Currency: r.cur}, strings.ToLower(person.Label())})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		aa, ba := a.g.Progress.Attainment, b.g.Progress.Attainment
		switch {
		case aa.OK && !ba.OK:
			return -1
		case !aa.OK && ba.OK:
			return 1
		case aa.OK && ba.OK && aa.V != ba.V:
			if aa.V > ba.V {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	more := 0
	if len(rows) > MaxGoalRows {
		more = len(rows) - MaxGoalRows
		rows = rows[:MaxGoalRows]
	}
	out := make([]GoalView, len(rows))
	for i, rw := range rows {
		out[i] = rw.g
	}
	return out, more, nil
}

// The /goal set forms store a quota for a rep, the actor's team, the
// company or a territory (Service has checked sales.ActQuotaSet).

func (r *run) goalSetRep(c Cmd) (*Result, error) {
	person, known, err := r.findUser(c.User)
	if err != nil {
		return nil, err
	}
	if person, err = r.ensureUser(person, known); err != nil {
		return nil, err
	}
	s := subject{sub: report.Subject{Scope: sales.ScopeRep, Person: person.ID}, label: person.Label(), slackID: person.SlackID}
	return r.setQuota(c, sales.ScopeRep, uint64(person.ID), s)
}

func (r *run) goalSetTeam(c Cmd) (*Result, error) {
	m := r.teamManager()
	if r.actor.Role != sales.RoleManager {
		m = 0 // an admin's "team" is the company
	}
	s := subject{sub: report.Subject{Scope: sales.ScopeTeam, Manager: m}, label: r.teamLabel(m)}
	return r.setQuota(c, sales.ScopeTeam, uint64(m), s)
}

func (r *run) goalSetAll(c Cmd) (*Result, error) {
	return r.setQuota(c, sales.ScopeTeam, 0, subject{sub: report.Subject{Scope: sales.ScopeTeam}, label: "Company"})
}

func (r *run) goalSetTerritory(c Cmd) (*Result, error) {
	t, err := r.findTerritory(c.Territory)
	if err != nil {
		return nil, err
	}
	s := subject{sub: report.Subject{Scope: sales.ScopeTerritory, Territory: t.ID}, label: "Territory " + t.Name}
	return r.setQuota(c, sales.ScopeTerritory, uint64(t.ID), s)
}

// setQuota stores the quota for the command's period (this month unless
// told) and replies with the subject's progress against it.
func (r *run) setQuota(c Cmd, scope sales.QuotaScope, id uint64, s subject) (*Result, error) {
	p := c.Period
	if p.Kind == 0 {
		p = sales.PeriodOf(sales.Month, r.now, r.loc)
	}
	q := sales.Quota{Period: p, Amount: c.Amount, SetBy: r.actor.Person.ID, Scope: scope, Subject: id}
	if err := r.store.SetQuota(r.ctx, q); err != nil {
		return nil, fmt.Errorf("goal set: %w", err)
	}
	res := &Result{Kind: KindGoals, Title: "Quota set",
		Lines: []string{fmt.Sprintf("Logged: %s quota for %s is %s.", possessive(s.label), p.Label(), r.cur.Format(q.Amount))}}
	if m, err := r.measure(s.sub, p); err == nil {
		res.Goals = []GoalView{{Subject: s.label, SlackID: s.slackID, Progress: m.Progress, Currency: r.cur}}
	} else {
		r.log.Error("progress after quota", sales.LogKeyError, err.Error())
	}
	return res, nil
}

// possessive turns "alice" into "alice's" and "You" into "Your".
func possessive(label string) string {
	switch {
	case label == "You":
		return "Your"
	case strings.HasSuffix(label, "'s team"):
		return label + "'s"
	case strings.HasSuffix(label, "s"):
		return label + "'"
	}
	return label + "'s"
}

// subjectActivity is the activity-goal progress shown beside a rep's or a
// manager's team's quota; none for a period that is not current (the
// goals count this week and month) or for the company and territories.
func (r *run) subjectActivity(s subject, p sales.Period) ([]ActivityLine, error) {
	if p.PhaseAt(r.now, r.loc) != sales.PhaseCurrent {
		return nil, nil
	}
	switch {
	case s.sub.Scope == sales.ScopeRep:
		return r.goalActivity(s.sub.Person, false)
	case s.sub.Scope == sales.ScopeTeam: // Manager 0: the company
		return r.goalActivity(s.sub.Manager, true)
	}
	return nil, nil
}
