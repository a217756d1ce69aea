package commands

import (
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// MaxTerritoryMembers caps the names listed per territory.
const MaxTerritoryMembers = 30

// The territory forms other than list need sales.ActTerritoryEdit, which
// Service checks before they run.

func (r *run) territoryAdd(c Cmd) (*Result, error) {
	t, err := r.store.CreateTerritory(r.ctx, sales.Territory{Name: c.Territory})
	if err != nil {
		return nil, fmt.Errorf("territory add: %w", err)
	}
	return msg("Territory added", fmt.Sprintf("Logged: territory %s added. Put people in it with /territory assign %s @name.", t.Name, word(t.Name))), nil
}

// territoryAssign runs /territory assign and /territory unassign (which
// puts people in no territory).
func (r *run) territoryAssign(c Cmd) (*Result, error) {
	var t sales.Territory
	if c.Verb == "assign" {
		var err error
		if t, err = r.findTerritory(c.Territory); err != nil {
			return nil, err
		}
	}
	// Resolve everyone before writing anything.
	type who struct {
		p     sales.Person
		known bool
	}
	var ws []who
	for _, u := range c.Users {
		p, known, err := r.findUser(u)
		if err != nil {
			return nil, err
		}
		ws = append(ws, who{p, known})
	}
	var names []string
	for _, w := range ws {
		p, err := r.ensureUser(w.p, w.known)
		if err != nil {
			return nil, err
		}
		if p, err = r.store.ModifyPerson(r.ctx, p.ID, func(q *sales.Person) error {
			q.Territory = t.ID
			return nil
		}); err != nil {
			return nil, fmt.Errorf("territory %s: %w", c.Verb, err)
		}
		names = append(names, p.Label())
	}
	if c.Verb == "unassign" {
		return msg("Territory updated", fmt.Sprintf("Logged: %s no longer in a territory.", andList(names))), nil
	}
	return msg("Territory updated", fmt.Sprintf("Logged: %s now in %s.", andList(names), t.Name)), nil
}

func (r *run) territoryRoute(c Cmd) (*Result, error) {
	t, err := r.findTerritory(c.Territory)
	if err != nil {
		return nil, err
	}
	if err := r.botInChannel(c.Channel); err != nil {
		return nil, err
	}
	t.Channel = c.Channel.Target()
	if err := r.store.UpdateTerritory(r.ctx, t); err != nil {
		return nil, fmt.Errorf("territory route: %w", err)
	}
	if c.Channel.None {
		return msg("Territory updated", fmt.Sprintf("Logged: %s's digest goes to the default digest channel.", t.Name)), nil
	}
	return msg("Territory updated", fmt.Sprintf("Logged: %s's digest goes to %s.", t.Name, c.Channel.Label())), nil
}

func msg(title string, lines ...string) *Result {
	return &Result{Kind: KindMessage, Title: title, Lines: lines}
}

// andList renders "alice", "alice and bob is/are" style lists.
func andList(names []string) string {
	switch len(names) {
	case 0:
		return "nobody is"
	case 1:
		return names[0] + " is"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are"
}

func (r *run) territoryList(Cmd) (*Result, error) {
	if err := sales.Authorize(r.actor, sales.ActDealView, 0); err != nil {
		return nil, err
	}
	ts, err := r.store.Territories(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("territory list: %w", err)
	}
	if len(ts) == 0 {
		return &Result{Kind: KindTerritories, Title: "Territories",
			Lines: []string{"No territories yet. A manager can add one with /territory add <name>."}}, nil
	}
	people, err := r.allPeople()
	if err != nil {
		return nil, err
	}
	rows, err := report.Rollup(r.ctx, r.store, report.ByTerritory, sales.Window{}, report.Env{Now: r.now, Loc: r.loc, Cur: r.cur})
	if err != nil {
		return nil, fmt.Errorf("territory list: %w", err)
	}
	tally := map[uint64]sales.PipelineSum{}
	for _, row := range rows.Rows {
		tally[row.ID] = row.Sum.Pipeline
	}
	res := &Result{Kind: KindTerritories, Title: "Territories"}
	for _, t := range ts {
		v := TerritoryView{Name: t.Name, Open: tally[uint64(t.ID)].Open, Value: tally[uint64(t.ID)].Value, Channel: t.Channel}
		var names []string
		for _, p := range people {
			if p.Territory == t.ID {
				names = append(names, p.Label())
			}
		}
		v.Members = clipList(names, MaxTerritoryMembers)
		res.Territories = append(res.Territories, v)
	}
	return res, nil
}

func (r *run) listStages(Cmd) (*Result, error) {
	res := msg("Stages")
	for _, s := range r.stages.Stages {
		line := fmt.Sprintf("%s: %s", s.Name, s.Percent())
		if s.Kind == sales.StageOpen {
			line += fmt.Sprintf(", stale after %d days", s.StaleAfterDays())
		}
		res.Lines = append(res.Lines, line)
	}
	if r.actor.Role == sales.RoleAdmin {
		res.Lines = append(res.Lines, "Change them with /salesbot stage add, /salesbot stage set or /salesbot stage remove.")
	}
	return res, nil
}

// setNudges turns the actor's own coaching nudges on or off.
func (r *run) setNudges(c Cmd) (*Result, error) {
	if _, err := r.store.ModifyPerson(r.ctx, r.actor.Person.ID, func(p *sales.Person) error {
		p.NudgesOff = !c.On
		return nil
	}); err != nil {
		return nil, fmt.Errorf("nudges: %w", err)
	}
	if c.On {
		return msg("Nudges on", "Logged: coaching nudges are on. Turn them off with /salesbot nudges off."), nil
	}
	return msg("Nudges off", "Logged: no more coaching nudges. Turn them back on with /salesbot nudges on."), nil
}

// The digest forms need sales.ActDigestRun, which Service checks.

func (r *run) digestStatus(Cmd) (*Result, error) {
	if r.digests == nil {
		return nil, errNoDigests
	}
	v, err := r.digests.Status(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("digest status: %w", err)
	}
	return &Result{Kind: KindDigest, Title: "Digests", Digest: &v}, nil
}

// digestNow only builds and queues (the outbox posts), so the reply stays
// fast; the envelope's idempotency key makes a redelivery or a re-answer
// after a restart queue nothing twice.
func (r *run) digestNow(Cmd) (*Result, error) {
	if r.digests == nil {
		return nil, errNoDigests
	}
	if err := r.digests.PostNow(r.ctx); err != nil {
		return nil, fmt.Errorf("digest now: %w", err)
	}
	return &Result{Kind: KindMessage, Title: "Digest", Lines: []string{"Posting the digest now."}}, nil
}

func (r *run) digestRoute(c Cmd) (*Result, error) {
	if !c.User.IsZero() {
		return r.routeManagerDigest(c)
	}
	if err := r.botInChannel(c.Channel); err != nil {
		return nil, err
	}
	if err := r.store.SetCompanyDigestChannel(r.ctx, c.Channel.Target()); err != nil {
		return nil, fmt.Errorf("digest route: %w", err)
	}
	if c.Channel.None {
		return msg("Digest", "Logged: the digest goes to SALESBOT_DIGEST_CHANNEL again."), nil
	}
	return msg("Digest", "Logged: the digest goes to "+c.Channel.Label()+"."), nil
}

// botInChannel refuses a route to a channel the bot was not invited to:
// Slack would answer every post there not_in_channel. Only a linked
// channel (with an id) can be asked about (conversations.info takes an
// id), so a bare #name, which Slack sends when the channel was typed
// rather than picked, is refused with how to link it.
func (r *run) botInChannel(ch ChannelRef) error {
	if r.chans == nil || ch.None {
		return nil
	}
	if ch.ID == "" {
		return sales.Errorf(sales.EINVALID, "salesbot cannot check %s by its name: type # and pick the channel from the list, so Slack links it, then run this again", ch.Label())
	}
	in, err := r.chans.BotIsMember(r.ctx, ch.ID)
	if err != nil {
		return fmt.Errorf("checking that salesbot is in %s: %w", ch.Label(), err)
	}
	if !in {
		return sales.Errorf(sales.EINVALID, "salesbot is not in %s: invite it with /invite @salesbot, then run this again", ch.Label())
	}
	return nil
}

// errNoDigests answers the digest commands in a process without a
// scheduler (the import and export CLI).
var errNoDigests = sales.Errorf(sales.ENOTFOUND, "the digest scheduler is not running in this process")

// routeManagerDigest gives a manager's team digest its own channel, or
// stops it with none.
func (r *run) routeManagerDigest(c Cmd) (*Result, error) {
	mgr, known, err := r.findUser(c.User)
	if err != nil {
		return nil, err
	}
	if err := r.botInChannel(c.Channel); err != nil {
		return nil, err
	}
	if mgr, err = r.ensureUser(mgr, known); err != nil {
		return nil, err
	}
	if err := r.store.SetManagerDigestChannel(r.ctx, mgr.ID, c.Channel.Target()); err != nil {
		return nil, fmt.Errorf("digest route: %w", err)
	}
	if c.Channel.None {
		return msg("Digest", fmt.Sprintf("Logged: %s's team no longer gets a digest of its own; the team stays in the main digest.", mgr.Label())), nil
	}
	res := msg("Digest", fmt.Sprintf("Logged: %s's team digest goes to %s with every digest, beside the main one.", mgr.Label(), c.Channel.Label()))
	people, err := r.allPeople()
	if err != nil {
		return nil, err
	}
	if len(sales.TeamOf(people, mgr.ID)) <= 1 {
		res.Lines = append(res.Lines, fmt.Sprintf("Nobody reports to %s yet: add reps with /salesbot manager @rep @%s.", mgr.Label(), mgr.Label()))
	}
	return res, nil
}

func (r *run) whoami(Cmd) (*Result, error) {
	p := r.actor.Person
	res := msg("You")
	res.Lines = append(res.Lines, fmt.Sprintf("%s (%s), %s", p.Label(), p.ID, r.actor.Role))
	if r.admins[p.SlackID] {
		res.Lines = append(res.Lines, "Admin through SALESBOT_ADMINS.")
	}
	if p.PendingRole != sales.RoleRep {
		res.Lines = append(res.Lines, fmt.Sprintf("Your Slack email linked you to your imported record, which was %s: you are a rep until an admin sets your role.", p.PendingRole.Article()))
	}
	if p.Manager != 0 {
		res.Lines = append(res.Lines, "Reports to "+r.person(p.Manager).Label()+".")
	}
	if p.Territory != 0 {
		res.Lines = append(res.Lines, "Territory: "+r.territoryName(p.Territory)+".")
	}
	if p.NudgesOff {
		res.Lines = append(res.Lines, "Coaching nudges are off.")
	} else {
		res.Lines = append(res.Lines, "Coaching nudges are on.")
	}
	if p.CelebrationsOff {
		res.Lines = append(res.Lines, "Celebrations are off: your wins are announced by name only.")
	}
	if sales.Authorize(r.actor, sales.ActPeopleManage, 0) != nil {
		return res, nil
	}
	people, err := r.allPeople()
	if err != nil {
		return nil, err
	}
	r.linkSuggestions(res, people)
	return res, nil
}

// linkSuggestions tells whoever manages people what automatic linking
// left to them: roles an email link did not grant, and imported records
// that share a name with a Slack user. A name is only a hint (anyone can
// take any name in Slack), so it is never acted on without a person.
func (r *run) linkSuggestions(res *Result, people []sales.Person) {
	const most = 10
	var lines []string
	for _, q := range people {
		if q.PendingRole != sales.RoleRep && q.SlackID != "" {
			lines = append(lines, fmt.Sprintf("%s was linked by their confirmed Slack email to a record imported as %s, and is a rep until an admin confirms: /salesbot role @%s %s",
				res.Mention(q), q.PendingRole.Article(), q.Label(), q.PendingRole))
		}
	}
	for _, q := range people {
		if q.SlackID != "" {
			continue
		}
		for _, s := range people {
			if s.SlackID != "" && s.ID != q.ID && sameName(q, s) {
				lines = append(lines, fmt.Sprintf("%q (%s, imported as %s) has the Slack name of %s. Names prove nothing; if they are the same person: /salesbot link %q @%s",
					q.Label(), q.ID, q.Role, res.Mention(s), q.Label(), s.Label()))
			}
		}
	}
	if len(lines) > most {
		lines = append(lines[:most], fmt.Sprintf("… and %d more.", len(lines)-most))
	}
	res.Lines = append(res.Lines, lines...)
}

// sameName reports whether a and b share a display or real name.
func sameName(a, b sales.Person) bool {
	for _, x := range []string{a.Name, a.RealName} {
		for _, y := range []string{b.Name, b.RealName} {
			if x != "" && strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}

func (r *run) setRole(c Cmd) (*Result, error) {
	if err := sales.Authorize(r.actor, sales.ActRoleSet, 0); err != nil {
		return nil, err
	}
	p, known, err := r.findUser(c.User)
	if err != nil {
		return nil, err
	}
	if p.ID == r.actor.Person.ID && c.Role != sales.RoleAdmin && !r.admins[p.SlackID] {
		people, err := r.allPeople()
		if err != nil {
			return nil, err
		}
		others := 0
		for _, q := range people {
			if q.ID != p.ID && r.roleOf(q) == sales.RoleAdmin {
				others++
			}
		}
		if others == 0 && len(r.admins) == 0 {
			return nil, sales.Errorf(sales.ECONFLICT, "you are the only admin: appoint another admin before stepping down")
		}
	}
	if p, err = r.ensureUser(p, known); err != nil {
		return nil, err
	}
	if p, err = r.store.ModifyPerson(r.ctx, p.ID, func(q *sales.Person) error {
		q.Role = c.Role
		q.PendingRole = sales.RoleRep // an admin has decided
		return nil
	}); err != nil {
		return nil, fmt.Errorf("role: %w", err)
	}
	res := msg("Role set")
	who := res.Mention(p)
	res.Lines = append(res.Lines, fmt.Sprintf("Logged: %s is now %s.", who, c.Role.Article()))
	if r.admins[p.SlackID] && c.Role != sales.RoleAdmin {
		res.Lines = append(res.Lines, who+" stays an admin through SALESBOT_ADMINS.")
	}
	return res, nil
}

func (r *run) setManager(c Cmd) (*Result, error) {
	if err := sales.Authorize(r.actor, sales.ActPeopleManage, 0); err != nil {
		return nil, err
	}
	rep, repKnown, err := r.findUser(c.User)
	if err != nil {
		return nil, err
	}
	var mgr sales.Person
	mgrKnown := true
	if !c.NoManager {
		if mgr, mgrKnown, err = r.findUser(c.Manager); err != nil {
			return nil, err
		}
		if repKnown && mgrKnown && mgr.ID == rep.ID || !repKnown && !mgrKnown && mgr.SlackID == rep.SlackID {
			return nil, sales.Errorf(sales.EINVALID, "someone cannot be their own manager — usage: %s", lookupForm("salesbot", "manager").Usage())
		}
		if repKnown && mgrKnown {
			people, err := r.allPeople()
			if err != nil {
				return nil, err
			}
			if sales.TeamOf(people, rep.ID)[mgr.ID] {
				return nil, sales.Errorf(sales.EINVALID, "%s already reports to %s (directly or through others): that would make a loop", mgr.Label(), rep.Label())
			}
		}
	}
	if rep, err = r.ensureUser(rep, repKnown); err != nil {
		return nil, err
	}
	if !c.NoManager {
		if mgr, err = r.ensureUser(mgr, mgrKnown); err != nil {
			return nil, err
		}
	}
	if rep, err = r.store.ModifyPerson(r.ctx, rep.ID, func(p *sales.Person) error {
		p.Manager = mgr.ID
		return nil
	}); err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	res := msg("Manager set")
	if c.NoManager {
		res.Lines = append(res.Lines, fmt.Sprintf("Logged: %s reports to no one.", res.Mention(rep)))
		return res, nil
	}
	res.Lines = append(res.Lines, fmt.Sprintf("Logged: %s now reports to %s.", res.Mention(rep), res.Mention(mgr)))
	if r.roleOf(mgr) == sales.RoleRep {
		res.Lines = append(res.Lines, fmt.Sprintf("%s is a rep; an admin can make them a manager with /salesbot role @%s manager.", res.Mention(mgr), mgr.Label()))
	}
	return res, nil
}

// link attaches a person imported by name to a Slack user. When that Slack
// user already has a record of their own (made on first contact) with no
// deals and no reports, the record is retired and its role, manager and
// territory carried over.
func (r *run) link(c Cmd) (*Result, error) {
	if err := sales.Authorize(r.actor, sales.ActPeopleManage, 0); err != nil {
		return nil, err
	}
	if c.User.ID == "" {
		return nil, sales.Errorf(sales.EINVALID, "mention the Slack user with Slack's @ picker so salesbot gets their id — usage: %s", lookupForm("salesbot", "link").Usage())
	}
	imported, err := r.store.PersonByName(r.ctx, c.Text)
	if err != nil {
		return nil, err
	}
	if err := sales.AuthorizeLink(r.actor, imported); err != nil {
		return nil, err
	}
	slackUser := sales.Person{SlackID: c.User.ID, Name: c.User.Name}
	if imported.SlackID == c.User.ID {
		res := msg("Linked")
		res.Lines = append(res.Lines, fmt.Sprintf("%s is already linked to %s.", imported.Label(), res.Mention(slackUser)))
		return res, nil
	}
	if imported.SlackID != "" {
		return nil, sales.Errorf(sales.ECONFLICT, "%s is already linked to another Slack user", imported.Label())
	}
	var updates []sales.Person // written in one transaction: retired record first
	existing, err := r.store.PersonBySlackID(r.ctx, c.User.ID)
	switch sales.ErrorCode(err) {
	case "":
		facts, err := r.store.OwnerFacts(r.ctx, existing.ID)
		if err != nil {
			return nil, fmt.Errorf("link: %w", err)
		}
		people, err := r.allPeople()
		if err != nil {
			return nil, err
		}
		reports := len(sales.TeamOf(people, existing.ID)) - 1
		if len(facts) > 0 || reports > 0 {
			return nil, sales.Errorf(sales.ECONFLICT, "%s already has %d deals and %d reports in salesbot as %s: reassign those first, then link",
				c.User.Label(), len(facts), reports, existing.ID)
		}
		if imported.Role < existing.Role {
			imported.Role = existing.Role
		}
		if imported.Manager == 0 {
			imported.Manager = existing.Manager
		}
		if imported.Territory == 0 {
			imported.Territory = existing.Territory
		}
		imported.NudgesOff = imported.NudgesOff || existing.NudgesOff
		imported.CelebrationsOff = imported.CelebrationsOff || existing.CelebrationsOff
		if imported.TZ == "" {
			imported.TZ = existing.TZ
		}
		retired := existing
		retired.SlackID = ""
		retired.Name = existing.Label() + " (merged into " + imported.ID.String() + ")"
		retired.RealName = ""
		updates = append(updates, retired)
		if existing.Name != "" && imported.Name == "" {
			imported.Name = existing.Name
		}
	case sales.ENOTFOUND:
	default:
		return nil, err
	}
	imported.SlackID = c.User.ID
	if err := r.store.UpdatePeople(r.ctx, append(updates, imported)...); err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	res := msg("Linked")
	res.Lines = append(res.Lines, fmt.Sprintf("Logged: %s (%s) is now %s in Slack.", imported.Label(), imported.ID, res.Mention(slackUser)))
	return res, nil
}
