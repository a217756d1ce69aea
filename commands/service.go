package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// Store is what the command handlers need from storage (a subset of
// *storage.DB).
type Store interface {
	report.Source

	EnsurePerson(ctx context.Context, slackID, name, realName, email string) (sales.Person, error)
	Person(ctx context.Context, id sales.PersonID) (sales.Person, error)
	PersonBySlackID(ctx context.Context, slackID string) (sales.Person, error)
	PersonByName(ctx context.Context, name string) (sales.Person, error)
	UpdatePerson(ctx context.Context, p sales.Person) error
	UpdatePeople(ctx context.Context, ps ...sales.Person) error
	ModifyPerson(ctx context.Context, id sales.PersonID, fn func(*sales.Person) error) (sales.Person, error)

	CreateTerritory(ctx context.Context, t sales.Territory) (sales.Territory, error)
	UpdateTerritory(ctx context.Context, t sales.Territory) error
	TerritoryByName(ctx context.Context, name string) (sales.Territory, error)

	CreateDeal(ctx context.Context, d sales.Deal, actor sales.PersonID) (sales.Deal, error)
	UpdateDeal(ctx context.Context, id sales.DealID, actor sales.PersonID, fn func(*sales.Deal) error) (sales.Deal, error)
	Deal(ctx context.Context, id sales.DealID) (sales.Deal, error)
	FindDeals(ctx context.Context, f sales.DealFilter) ([]sales.Deal, error)
	DealsByAccount(ctx context.Context, name string, prefix bool, limit int) ([]sales.Deal, error)
	DealHistory(ctx context.Context, id sales.DealID) ([]sales.Event, error)
	ChangeMark(ctx context.Context) (sales.ChangeMark, error)
	EventsBetween(ctx context.Context, from, to time.Time) ([]sales.Event, error)

	SetQuota(ctx context.Context, q sales.Quota) error
	RecordForecastCall(ctx context.Context, c sales.ForecastCall) error
	ForecastCalls(ctx context.Context, p sales.Period) (map[sales.PersonID]sales.ForecastCall, error)

	ModifyStages(ctx context.Context, fn func(*sales.StageSet) error) (sales.StageSet, error)

	LogActivity(ctx context.Context, a sales.Activity, edit func(*sales.Deal) error) (sales.Activity, error)
	DealActivities(ctx context.Context, deal sales.DealID, limit int) ([]sales.Activity, int, error)
	ActivityConfig(ctx context.Context) (sales.ActivityConfig, error)
	ModifyActivityConfig(ctx context.Context, fn func(*sales.ActivityConfig) error) (sales.ActivityConfig, error)
	SetActivityGoal(ctx context.Context, g sales.ActivityGoal) error
	ActivityGoals(ctx context.Context, person sales.PersonID, team bool, kind sales.PeriodKind) ([]sales.ActivityGoal, error)
	ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error)

	SetCompanyDigestChannel(ctx context.Context, channel string) error
	SetManagerDigestChannel(ctx context.Context, manager sales.PersonID, channel string) error
}

// PageSize is how many deals /deal list shows at a time, so a page always
// fits a Slack message.
const PageSize = 20

// Digests is what "/salesbot digest" needs from the digest scheduler
// (*digest.Service has it).
type Digests interface {
	// PostNow builds every routed digest and queues it durably; the
	// posting itself happens later, in the outbox.
	PostNow(ctx context.Context) error
	Status(ctx context.Context) (sales.DigestStatus, error)
}

// Channels tells whether the bot can post in a channel (the Slack side
// implements it). A route to a channel the bot is not in would be
// accepted and every digest sent there refused by Slack.
type Channels interface {
	BotIsMember(ctx context.Context, channelID string) (bool, error)
}

// Config configures the handlers.
type Config struct {
	Locale  sales.Locale
	Admins  []string     // SALESBOT_ADMINS: Slack ids that are always admins
	Logger  *slog.Logger // default: discard
	Digests Digests      // nil: no digest scheduler in this process
	// Channels checks routes; nil: no Slack in this process, routes are
	// taken unchecked.
	Channels Channels
	// Histories is the forecast's deal-history cache, shared with the
	// digest so a million deals are held once; nil: the service's own.
	Histories *report.HistoryCache
}

// Service runs commands against the store. It is safe for concurrent use.
type Service struct {
	store   Store
	clock   sales.Clock
	loc     *time.Location
	cur     sales.Currency
	admins  map[string]bool
	log     *slog.Logger
	digests Digests
	chans   Channels
	// histories keeps /forecast's deal histories between commands.
	histories *report.HistoryCache
}

// New builds the handlers.
func New(store Store, cfg Config) *Service {
	l := cfg.Locale.WithDefaults()
	s := &Service{store: store, clock: l.Clock, loc: l.Loc, cur: l.Currency, admins: map[string]bool{}, log: cfg.Logger, digests: cfg.Digests, chans: cfg.Channels}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.histories = cfg.Histories; s.histories == nil {
		s.histories = &report.HistoryCache{}
	}
	for _, id := range cfg.Admins {
		if id = strings.TrimSpace(id); id != "" {
			s.admins[id] = true
		}
	}
	return s
}

// Parser returns a parser with the service's clock, zone, currency and the
// given stages.
func (s *Service) Parser(stages sales.StageSet) Parser {
	return Parser{Now: s.clock.Now(), Loc: s.loc, Currency: s.cur, Stages: stages}
}

// Actor resolves the acting Slack user to a person (creating a rep, or
// linking an imported person by confirmed email, on first contact).
// SALESBOT_ADMINS are admins whatever their stored role.
func (s *Service) Actor(ctx context.Context, slackID, name, realName, email string) (sales.Actor, error) {
	if strings.TrimSpace(slackID) == "" {
		return sales.Actor{}, sales.Errorf(sales.EINVALID, "the command has no user")
	}
	p, err := s.store.EnsurePerson(ctx, slackID, name, realName, email)
	if err != nil {
		return sales.Actor{}, fmt.Errorf("actor: %w", err)
	}
	return sales.Actor{Person: p, Role: s.roleOf(p)}, nil
}

// roleOf is a person's effective role.
func (s *Service) roleOf(p sales.Person) sales.Role {
	if p.SlackID != "" && s.admins[p.SlackID] {
		return sales.RoleAdmin
	}
	return p.Role
}

// Handle runs one slash command: it parses (bad input writes nothing, not
// even the actor's record), resolves the actor, checks permission through
// sales.Authorize and executes. Errors are *sales.Error with a code; on
// any error nothing was changed.
func (s *Service) Handle(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	name := normCommand(req.Command)
	res, err := s.handle(ctx, req, &name)
	s.logResult(ctx, name, req.UserID, start, err)
	return res, err
}

func (s *Service) handle(ctx context.Context, req Request, name *string) (*Result, error) {
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("stages: %w", err)
	}
	c, err := s.Parser(stages).Parse(req.Command, req.Text)
	if err != nil {
		return nil, err
	}
	*name = c.Name()
	actor, err := s.Actor(ctx, req.UserID, req.UserName, req.RealName, req.Email)
	if err != nil {
		return nil, err
	}
	return s.exec(ctx, actor, c, stages)
}

func (s *Service) logResult(ctx context.Context, name, user string, start time.Time, err error) {
	attrs := []slog.Attr{
		slog.String(sales.LogKeyCommand, name),
		slog.String(sales.LogKeyUser, user),
		slog.Duration(sales.LogKeyDuration, time.Since(start)),
	}
	switch code := sales.ErrorCode(err); code {
	case "":
		s.log.LogAttrs(ctx, slog.LevelInfo, "command", attrs...)
	case sales.EINTERNAL:
		attrs = append(attrs, slog.String(sales.LogKeyCode, code), slog.String(sales.LogKeyError, err.Error()))
		s.log.LogAttrs(ctx, slog.LevelError, "command failed", attrs...)
	default:
		attrs = append(attrs, slog.String(sales.LogKeyCode, code))
		s.log.LogAttrs(ctx, slog.LevelInfo, "command refused", attrs...)
	}
}

// Exec runs a command built in code (see build.go) for a resolved actor.
// It is read back through the parser first, so a built command is
// checked exactly as its typed text would be; an invalid one writes
// nothing.
func (s *Service) Exec(ctx context.Context, actor sales.Actor, c Cmd) (*Result, error) {
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("stages: %w", err)
	}
	if c, err = s.reread(c, stages); err != nil {
		return nil, err
	}
	return s.exec(ctx, actor, c, stages)
}

// run carries one command's context through the handlers.
type run struct {
	*Service
	ctx    context.Context
	actor  sales.Actor
	stages sales.StageSet
	now    time.Time
	people map[sales.PersonID]sales.Person
	terrs  map[sales.TerritoryID]sales.Territory
	cats   *forecast.Categorizer // built on first use
}

func (s *Service) newRun(ctx context.Context, actor sales.Actor, stages sales.StageSet) *run {
	r := &run{Service: s, ctx: ctx, actor: actor, stages: stages, now: s.clock.Now()}
	if actor.Person.ID != 0 {
		r.remember(actor.Person)
	}
	return r
}

func (s *Service) exec(ctx context.Context, actor sales.Actor, c Cmd, stages sales.StageSet) (*Result, error) {
	f := formOf(c)
	if f == nil {
		if c.Verb == "help" { // "/deal help": every command takes help
			return helpResult(c), nil
		}
		if !isCommand(c.Command) {
			return nil, sales.Errorf(sales.EINVALID, "unknown command '/%s'", c.Command)
		}
		return nil, unknownForm(c)
	}
	if f.Action != 0 && !ownerAction(f.Action) {
		if err := sales.Authorize(actor, f.Action, 0); err != nil {
			return nil, err
		}
	}
	return f.handle(s.newRun(ctx, actor, stages), c)
}

func unknownForm(c Cmd) error {
	return sales.Errorf(sales.EINVALID, "/%s has no action '%s': try /%s help", c.Command, c.Verb, c.Command)
}

// ---- people ----

// findUser looks a user reference up without writing anything. known is
// false for a mentioned Slack user who has no person yet; ensureUser
// creates them once the command is allowed.
func (r *run) findUser(u UserRef) (p sales.Person, known bool, err error) {
	switch {
	case u.Me:
		return r.actor.Person, true, nil
	case u.ID != "":
		if u.ID == r.actor.Person.SlackID {
			return r.actor.Person, true, nil
		}
		p, err := r.store.PersonBySlackID(r.ctx, u.ID)
		if sales.ErrorCode(err) == sales.ENOTFOUND {
			return sales.Person{SlackID: u.ID, Name: u.Name}, false, nil
		}
		return p, err == nil, err
	case u.Name != "":
		p, err := r.store.PersonByName(r.ctx, u.Name)
		if sales.ErrorCode(err) == sales.ENOTFOUND {
			return sales.Person{}, false, sales.Errorf(sales.ENOTFOUND,
				"no one is called @%s here: mention them with Slack's @ picker, or link an imported name with /salesbot link", u.Name)
		}
		return p, err == nil, err
	}
	return r.actor.Person, true, nil
}

// ensureUser makes sure a found user exists, creating a mentioned Slack
// user on first use.
func (r *run) ensureUser(p sales.Person, known bool) (sales.Person, error) {
	if known {
		return p, nil
	}
	np, err := r.store.EnsurePerson(r.ctx, p.SlackID, p.Name, "", "")
	if err != nil {
		return sales.Person{}, fmt.Errorf("person: %w", err)
	}
	r.remember(np)
	return np, nil
}

func (r *run) remember(p sales.Person) {
	if r.people == nil {
		r.people = map[sales.PersonID]sales.Person{}
	}
	r.people[p.ID] = p
}

// person returns a person by id, cached for the command. One read each:
// the hot /deal add path shows one owner and must not load everyone.
func (r *run) person(id sales.PersonID) sales.Person {
	if id == 0 {
		return sales.Person{}
	}
	if p, ok := r.people[id]; ok {
		return p
	}
	p, err := r.store.Person(r.ctx, id)
	if err != nil {
		p = sales.Person{ID: id}
	}
	r.remember(p)
	return p
}

func (r *run) allPeople() ([]sales.Person, error) {
	ps, err := r.store.People(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	return ps, nil
}

func (r *run) territoryName(id sales.TerritoryID) string {
	if id == 0 {
		return ""
	}
	if r.terrs == nil {
		r.terrs = map[sales.TerritoryID]sales.Territory{}
		if ts, err := r.store.Territories(r.ctx); err == nil {
			for _, t := range ts {
				r.terrs[t.ID] = t
			}
		}
	}
	if t, ok := r.terrs[id]; ok {
		return t.Name
	}
	return fmt.Sprintf("territory #%d", id)
}

// findTerritory looks a territory up by name with a helpful miss.
func (r *run) findTerritory(name string) (sales.Territory, error) {
	t, err := r.store.TerritoryByName(r.ctx, name)
	if sales.ErrorCode(err) == sales.ENOTFOUND {
		var names []string
		if ts, err := r.store.Territories(r.ctx); err == nil {
			for _, t := range ts {
				names = append(names, t.Name)
			}
		}
		if len(names) == 0 {
			return sales.Territory{}, sales.Errorf(sales.ENOTFOUND, "there is no territory '%s' yet: a manager can add it with /territory add %s", name, name)
		}
		return sales.Territory{}, sales.Errorf(sales.ENOTFOUND, "there is no territory '%s': use one of %s", name, strings.Join(clipList(names, 15), ", "))
	}
	if err != nil {
		return sales.Territory{}, fmt.Errorf("territory: %w", err)
	}
	return t, nil
}

func clipList(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string(nil), s[:n]...), fmt.Sprintf("and %d more", len(s)-n))
}

// teamManager is whose team "team" means for the actor: a manager's own
// team, a rep's manager's team, else the whole company (0).
func (r *run) teamManager() sales.PersonID {
	switch {
	case r.actor.Role == sales.RoleManager:
		return r.actor.Person.ID
	case r.actor.Role == sales.RoleRep && r.actor.Person.Manager != 0:
		return r.actor.Person.Manager
	}
	return 0
}

func (r *run) teamLabel(m sales.PersonID) string {
	if m == 0 {
		return "Company"
	}
	return r.person(m).Label() + "'s team"
}

// ---- deals ----

// errNoChange aborts an update that would change nothing.
var errNoChange = errors.New("no change")

// card renders a deal for the viewer.
func (r *run) card(d sales.Deal) DealCard {
	st, _ := r.stages.ByID(d.Stage)
	owner := r.person(d.Owner)
	c := DealCard{
		Deal:          d,
		StageName:     r.stages.Name(d.Stage),
		StageKind:     st.Kind,
		Probability:   st.Percent(),
		OwnerName:     owner.Label(),
		OwnerSlackID:  owner.SlackID,
		TerritoryName: r.territoryName(d.Territory),
		CanEdit:       sales.Authorize(r.actor, sales.ActDealEdit, d.Owner) == nil,
		CanLog:        sales.Authorize(r.actor, sales.ActActivityLog, d.Owner) == nil,
		Stale:         sales.IsStale(d, st, r.now, r.loc),
		Overdue:       sales.IsOverdue(st.Kind, sales.CloseDateOf(d), d.SnoozedUntil, r.now, r.loc),
		NextOverdue:   st.Kind == sales.StageOpen && sales.NextStepOverdue(d, sales.DateIn(r.now, r.loc)),
	}
	if d.Owner == 0 {
		c.OwnerName = ""
	}
	if d.Amount != 0 {
		c.Amount = r.cur.Format(d.Amount)
	}
	if st.Kind == sales.StageOpen {
		if n, ok := r.stages.Next(d.Stage); ok {
			c.NextStage = n.Name
		}
		if r.cats == nil {
			r.cats = forecast.NewCategorizer(r.stages)
		}
		c.Forecast = r.cats.Of(d.Stage, d.Forecast).String()
		if d.Forecast == 0 {
			c.Forecast += " (stage default)"
		}
	}
	return c
}

// history renders a deal's events.
func (r *run) history(d sales.Deal) []HistoryLine {
	evs, err := r.store.DealHistory(r.ctx, d.ID)
	if err != nil {
		r.log.Warn("deal history", sales.LogKeyDeal, d.ID.String(), sales.LogKeyError, err.Error())
		return nil
	}
	const maxLines = 20
	skipped := 0
	if len(evs) > maxLines {
		skipped = len(evs) - maxLines
		evs = evs[skipped:]
	}
	var out []HistoryLine
	if skipped > 0 {
		out = append(out, HistoryLine{Text: fmt.Sprintf("(%d earlier changes)", skipped)})
	}
	for _, e := range evs {
		actor, text := "", r.eventText(e)
		if e.Actor != 0 {
			actor = r.person(e.Actor).Label()
		}
		if e.Field == sales.FieldCreated && d.CreatedAt.IsZero() {
			// Only an import leaves a deal without a created date: its
			// "created" event is the import's, made for nobody (the owner
			// is only credited), not a creation then.
			actor, text = "", "imported"
			if e.To != "" {
				text += " in " + e.To
			}
			text += "; created before, on a date the file did not give"
		}
		out = append(out, HistoryLine{At: e.At.In(r.loc).Format("2006-01-02 15:04 MST"), Actor: actor, Text: text})
	}
	return out
}

func (r *run) eventText(e sales.Event) string {
	val := func(s string) string {
		if s == "" {
			return "none"
		}
		switch e.Field {
		case sales.FieldAmount:
			if m, err := ParseAmount(s, r.cur); err == nil {
				return r.cur.Format(m)
			}
		case sales.FieldOwner:
			if id, err := parseUint(s); err == nil {
				return r.person(sales.PersonID(id)).Label()
			}
		case sales.FieldTerritory:
			if id, err := parseUint(s); err == nil {
				return r.territoryName(sales.TerritoryID(id))
			}
		}
		return clip(s, 80)
	}
	switch e.Field {
	case sales.FieldCreated:
		if e.To != "" {
			return "created in " + e.To
		}
		return "created"
	case sales.FieldNotes:
		return "added a note"
	case sales.FieldLost:
		if e.To == "" {
			return "cleared the lost reason"
		}
		return "lost reason: " + clip(e.To, 200)
	case sales.FieldSnoozed:
		if e.To == "" {
			return "unsnoozed"
		}
		return "snoozed until " + e.To
	case sales.FieldClose:
		return "close date " + val(e.From) + " → " + val(e.To)
	case sales.FieldNextStep:
		switch {
		case e.To == "":
			return "next step done: " + clip(e.From, 200)
		case e.From == "":
			return "next step: " + clip(e.To, 200)
		}
		return "next step: " + clip(e.From, 100) + " → " + clip(e.To, 100)
	case sales.FieldNextDue:
		return "next step due " + val(e.From) + " → " + val(e.To)
	}
	return strings.ReplaceAll(e.Field, "_", " ") + " " + val(e.From) + " → " + val(e.To)
}

func parseUint(s string) (uint64, error) {
	var n uint64
	if s == "" {
		return 0, errors.New("empty")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + uint64(s[i]-'0')
	}
	return n, nil
}

// winNotice measures the owner's progress after a win. A failure here
// must not turn a committed win into an error, so it is logged and the
// notice dropped.
func (r *run) winNotice(d sales.Deal) *WinNotice {
	sub := report.Subject{Scope: sales.ScopeRep, Person: d.Owner}
	p, err := report.DefaultPeriod(r.ctx, r.store, sub, r.now, r.loc)
	var m report.Measure
	if err == nil {
		m, err = report.MeasureSubject(r.ctx, r.store, sub, p, report.Env{Now: r.now, Loc: r.loc, Cur: r.cur})
	}
	if err != nil {
		r.log.Error("win progress", sales.LogKeyDeal, d.ID.String(), sales.LogKeyError, err.Error())
		return nil
	}
	owner := r.person(d.Owner)
	w := &WinNotice{
		Deal:         d,
		Amount:       r.cur.Format(d.Amount),
		OwnerName:    owner.Label(),
		OwnerSlackID: owner.SlackID,
		Progress:     m.Progress,
	}
	inPeriod := p.Contains(d.ClosedAt, r.loc)
	w.FirstWin = inPeriod && m.Sum.Won == 1
	pr := m.Progress
	w.QuotaReached = inPeriod && pr.HasQuota && pr.Won >= pr.Quota && pr.Won-d.Amount < pr.Quota
	w.Muted = owner.CelebrationsOff
	facts, err := r.store.OwnerFacts(r.ctx, d.Owner)
	if err != nil {
		r.log.Error("win personal best", sales.LogKeyDeal, d.ID.String(), sales.LogKeyError, err.Error())
	} else {
		best, n := sales.PriorBest(facts, r.stages, d.ID, d.ClosedAt.Unix())
		w.PersonalBest, w.PreviousBest = sales.IsPersonalBest(d.Amount, best, n), best
		if !w.Muted && !w.QuotaReached && !w.PersonalBest && !w.FirstWin {
			w.Streak = r.winStreak(d, facts)
		}
	}
	if inPeriod && pr.HasQuota {
		// What the win does to the rep's forecast: the projection just
		// before it and now.
		if fc, err := r.forecaster(); err != nil {
			r.log.Error("win forecast", sales.LogKeyDeal, d.ID.String(), sales.LogKeyError, err.Error())
		} else if b := r.brief(fc, sub, p); b != nil {
			if before, _, err := fc.ProjectAt(r.ctx, sub, p, d.ClosedAt.Add(-time.Second)); err == nil {
				b.Before, b.HasBefore = before.Predicted, true
			}
			w.Forecast = b
		}
	}
	return w
}

// winStreak is the owner's streak on their weekly activity goals when it
// is a milestone length and d is their first win of this week (the streak
// grew when the week began, so later wins that week would repeat it); 0
// otherwise. Counted only then, so most wins read no activities.
func (r *run) winStreak(d sales.Deal, facts []sales.Facts) int {
	week := sales.PeriodOf(sales.Week, r.now, r.loc)
	if !week.Contains(d.ClosedAt, r.loc) {
		return 0
	}
	from, at := week.Start(r.loc).Unix(), d.ClosedAt.Unix()
	for i := range facts {
		f := &facts[i]
		if f.ID != d.ID && r.stages.Kind(f.Stage) == sales.StageWon && f.Closed >= from &&
			(f.Closed < at || f.Closed == at && f.ID < d.ID) {
			return 0 // an earlier win this week carried it, or had a bigger milestone
		}
	}
	s, err := report.StreakOf(r.ctx, r.store, d.Owner, r.now, r.loc)
	if err != nil {
		r.log.Error("win streak", sales.LogKeyDeal, d.ID.String(), sales.LogKeyError, err.Error())
		return 0
	}
	if !s.IsMilestone() {
		return 0
	}
	return s.Weeks
}

// streakText words a rep's streak for /goal, under their activity lines:
// read only when a weekly goal holds now (acts), shown from 2 weeks on.
// A failure is logged and the line left out: the goals still show.
func (r *run) streakText(person sales.PersonID, self bool, acts []ActivityLine) string {
	weekly := false
	for _, a := range acts {
		weekly = weekly || a.Progress.Period.Kind == sales.Week
	}
	if !weekly {
		return ""
	}
	s, err := report.StreakOf(r.ctx, r.store, person, r.now, r.loc)
	if err != nil {
		r.log.Error("goal streak", sales.LogKeyError, err.Error())
		return ""
	}
	if s.Weeks < 2 {
		return ""
	}
	whose := "their"
	if self {
		whose = "your"
	}
	n := fmt.Sprintf("%d-week", s.Weeks)
	if s.Capped {
		n = fmt.Sprintf("%d+ week", s.Weeks)
	}
	return fmt.Sprintf("%s streak on %s weekly activity goals (through the %s)", n, whose, s.Through.Label())
}
