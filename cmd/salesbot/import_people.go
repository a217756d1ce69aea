package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/transfer"
)

// People and quotas in an import: finding owners and managers by name or
// Slack id, team rows and quota rows.

// peopleIndex finds people by Slack id or name, including those this
// import adds.
type peopleIndex struct {
	bySlack map[string]sales.PersonID
	byName  map[string][]sales.PersonID // lower(name or real name)
	byEmail map[string]sales.PersonID   // lower(email)
	// hasEmail: stored people who have an email already.
	hasEmail map[sales.PersonID]bool
}

func newPeopleIndex(people []sales.Person) *peopleIndex {
	x := &peopleIndex{bySlack: map[string]sales.PersonID{}, byName: map[string][]sales.PersonID{}, byEmail: map[string]sales.PersonID{}, hasEmail: map[sales.PersonID]bool{}}
	for _, p := range people {
		x.hasEmail[p.ID] = p.Email != ""
		x.add(p.ID, p.SlackID, p.Name, p.RealName)
		x.addEmail(p.ID, p.Email)
	}
	return x
}

// addEmail indexes an email; the first person with it keeps it.
func (x *peopleIndex) addEmail(id sales.PersonID, email string) {
	k := strings.ToLower(strings.TrimSpace(email))
	if _, taken := x.byEmail[k]; k != "" && !taken {
		x.byEmail[k] = id
	}
}

func (x *peopleIndex) add(id sales.PersonID, slack, name, real string) {
	if slack != "" {
		x.bySlack[slack] = id
	}
	for _, n := range []string{name, real} {
		k := strings.ToLower(n)
		if k != "" && !containsID(x.byName[k], id) {
			x.byName[k] = append(x.byName[k], id)
		}
	}
}

func containsID(ids []sales.PersonID, id sales.PersonID) bool {
	for _, i := range ids {
		if i == id {
			return true
		}
	}
	return false
}

// find resolves "alice", "@alice", "<@U123>" or "U123". ok is false when
// nobody matches; an error means several do.
func (x *peopleIndex) find(ref string) (sales.PersonID, bool, error) {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(ref, "<@") && strings.HasSuffix(ref, ">") {
		ref = strings.TrimSuffix(strings.TrimPrefix(ref, "<@"), ">")
		ref, _, _ = strings.Cut(ref, "|")
	}
	if id, ok := x.bySlack[ref]; ok {
		return id, true, nil
	}
	if id, ok := x.byEmail[strings.ToLower(ref)]; ok && strings.Contains(ref, "@") {
		return id, true, nil
	}
	ids := x.byName[strings.ToLower(strings.TrimPrefix(ref, "@"))]
	switch len(ids) {
	case 0:
		return 0, false, nil
	case 1:
		return ids[0], true, nil
	}
	return 0, false, fmt.Errorf("%q matches %d people; use their Slack ID", ref, len(ids))
}

// owner resolves a deal owner, adding an unlinked person by name when new.
func (im *importer) owner(name, slackID string) (sales.PersonID, error) {
	if slackID != "" {
		if id, ok := im.people.bySlack[slackID]; ok {
			return id, nil
		}
	}
	if name == "" && slackID == "" {
		return 0, nil
	}
	if name != "" {
		id, ok, err := im.people.find(name)
		if err != nil {
			return 0, fmt.Errorf("owner %w", err)
		}
		if ok {
			return id, nil
		}
	}
	p := sales.Person{Name: strings.TrimPrefix(name, "@"), SlackID: slackID, Role: sales.RoleRep}
	if p.Name == "" {
		p.Name = slackID
	}
	im.in.People = append(im.in.People, p)
	id := storage.PersonRef(len(im.in.People) - 1)
	im.people.add(id, p.SlackID, p.Name, "")
	im.newPeople++
	return id, nil
}

// emailName names a person a file gives only by email: readable from the
// email (transfer.NameFromEmail), unless someone already has that name,
// when the email itself keeps them apart.
func (im *importer) emailName(email string) string {
	n := transfer.NameFromEmail(email)
	if n == "" {
		return email
	}
	if _, ok, err := im.people.find(n); ok || err != nil {
		return email
	}
	return n
}

// ---- team ----

type pendingManager struct {
	person int // index into in.People
	line   int
	name   string
}

func (im *importer) person(row tableRow) error {
	c, r := im.cols, row.cells
	p := sales.Person{
		Name:     strings.TrimPrefix(c.get(r, "name"), "@"),
		RealName: c.get(r, "real_name"),
		SlackID:  c.get(r, "slack_id"),
		Email:    c.get(r, "email"),
	}
	// CRM users exports (HubSpot, Salesforce) split the name.
	if full := strings.TrimSpace(c.get(r, "first_name") + " " + c.get(r, "last_name")); full != "" {
		if p.Name == "" {
			p.Name = full
		} else if p.RealName == "" {
			p.RealName = full
		}
	}
	if p.Name == "" && p.RealName == "" && p.SlackID == "" && p.Email != "" {
		p.Name = im.emailName(p.Email)
	}
	if p.Name == "" && p.RealName == "" && p.SlackID == "" {
		return fmt.Errorf("name is empty: every person needs a name, an email or a slack_id")
	}
	if p.SlackID != "" && (strings.ContainsAny(p.SlackID, " <>@|") || !(p.SlackID[0] == 'U' || p.SlackID[0] == 'W')) {
		return fmt.Errorf("slack_id %q is not a Slack user ID such as U012ABCDEF", p.SlackID)
	}
	explicit := false
	if s := c.get(r, "role"); s != "" {
		p.Role, explicit = im.crmRole(s)
	}
	// The same person again (by Slack id or name) updates the stored one;
	// twice in one file is a mistake.
	key := strings.ToLower(p.Label())
	if line, dup := im.seenExt("person:"+key, row.line); dup {
		return fmt.Errorf("%s appears twice (first on %s %d)", p.Label(), im.t.where, line)
	}
	if p.SlackID != "" {
		if line, dup := im.seenExt("slack:"+p.SlackID, row.line); dup {
			return fmt.Errorf("slack_id %s appears twice (first on %s %d)", p.SlackID, im.t.where, line)
		}
	}
	if id, ok := im.people.bySlack[p.SlackID]; ok && p.SlackID != "" {
		p.ID = id
	} else if id, ok := im.people.byEmail[strings.ToLower(p.Email)]; ok && p.Email != "" {
		p.ID = id
	} else if id, ok, err := im.people.find(key); err != nil {
		return err
	} else if ok {
		p.ID = id
	}
	p.Territory = im.territory(c.get(r, "territory"))
	im.in.People = append(im.in.People, p)
	im.rowLines = append(im.rowLines, row.line)
	idx := len(im.in.People) - 1
	if p.ID == 0 {
		im.people.add(storage.PersonRef(idx), p.SlackID, p.Name, p.RealName)
		im.people.addEmail(storage.PersonRef(idx), p.Email)
	}
	if explicit {
		im.explicitRole = append(im.explicitRole, idx)
	}
	if m := c.get(r, "manager"); m != "" {
		im.managers = append(im.managers, pendingManager{idx, row.line, m})
	}
	return nil
}

// resolveManagers runs after all rows so a manager may be listed after
// their reports.
func (im *importer) resolveManagers() error {
	for _, pm := range im.managers {
		id, ok, err := im.people.find(pm.name)
		switch {
		case err != nil:
			im.fail(pm.line, "manager "+err.Error())
		case !ok:
			// A team file often names managers only in the manager
			// column (Maven's sales_teams.csv): they are people too.
			mp := sales.Person{Name: pm.name, Role: sales.RoleManager}
			if strings.Contains(pm.name, "@") {
				mp.Name, mp.Email = im.emailName(pm.name), pm.name
			}
			im.in.People = append(im.in.People, mp)
			id = storage.PersonRef(len(im.in.People) - 1)
			im.people.add(id, "", mp.Name, "")
			im.people.addEmail(id, mp.Email)
			im.newManagers = append(im.newManagers, pm.name)
			fallthrough
		default:
			self := im.in.People[pm.person].ID
			if self == 0 {
				self = storage.PersonRef(pm.person)
			}
			if id == self {
				im.fail(pm.line, "a person cannot be their own manager")
				continue
			}
			im.in.People[pm.person].Manager = id
			im.promote(id)
		}
	}
	if len(im.errs) > 0 && im.o.skipInvalid {
		im.dropInvalidPeople()
	}
	return nil
}

// promote makes a person of this file who manages someone a manager,
// unless the file gave them a salesbot role (admin, manager, rep) itself.
func (im *importer) promote(id sales.PersonID) {
	if id&(1<<63) == 0 {
		for i, p := range im.in.People {
			if p.ID == id {
				id = storage.PersonRef(i)
				break
			}
		}
	}
	if id&(1<<63) == 0 {
		return // a stored person the file does not list: their role stays
	}
	i := int(id &^ (1 << 63))
	if slices.Contains(im.explicitRole, i) {
		return
	}
	if p := &im.in.People[i]; p.Role == sales.RoleRep {
		p.Role = sales.RoleManager
	}
}

// crmRole reads a role cell. salesbot's own roles are taken as they are
// (explicit); a CRM's role or title ("VP, North American Sales", "Sales
// Manager", "Standard User") becomes manager when it names one, else rep.
// A CRM admin is not made a salesbot admin: that is SALESBOT_ADMINS or
// /salesbot role.
func (im *importer) crmRole(s string) (role sales.Role, explicit bool) {
	if r, err := sales.ParseRole(s); err == nil {
		return r, true
	}
	l := strings.ToLower(s)
	role = sales.RoleRep
	for _, w := range []string{"manager", "director", "head", "vp", "vice president", "lead", "chief", "ceo", "cro", "supervisor"} {
		if strings.Contains(l, w) {
			role = sales.RoleManager
			break
		}
	}
	if im.roleTexts == nil {
		im.roleTexts = map[string]sales.Role{}
	}
	im.roleTexts[s] = role
	return role, false
}

// dropInvalidPeople removes people whose manager failed to resolve, keeping
// the PersonRef indexes of the others valid.
func (im *importer) dropInvalidPeople() {
	bad := map[int]bool{}
	for _, e := range im.errs {
		bad[e.line] = true
	}
	var keep []sales.Person
	var lines []int
	remap := map[sales.PersonID]sales.PersonID{}
	for i, p := range im.in.People {
		if bad[im.rowLines[i]] {
			continue
		}
		remap[storage.PersonRef(i)] = storage.PersonRef(len(keep))
		keep = append(keep, p)
		lines = append(lines, im.rowLines[i])
	}
	for i := range keep {
		if m := keep[i].Manager; m != 0 {
			if n, ok := remap[m]; ok {
				keep[i].Manager = n
			} else if m&(1<<63) != 0 {
				keep[i].Manager = 0 // their manager's row was skipped
			}
		}
	}
	im.in.People, im.rowLines = keep, lines
}

// ---- quotas ----

func (im *importer) quota(row tableRow) error {
	c, r := im.cols, row.cells
	q := sales.Quota{}
	switch s := strings.ToLower(c.get(r, "scope")); s {
	case "", "rep":
		q.Scope = sales.ScopeRep
	case "team":
		q.Scope = sales.ScopeTeam
	case "territory":
		q.Scope = sales.ScopeTerritory
	default:
		return fmt.Errorf("scope %q: use rep, team or territory", s)
	}
	p, err := sales.ParsePeriodKey(c.get(r, "period"))
	if err != nil {
		return fmt.Errorf("period %q: use %s", c.get(r, "period"), "YYYY-MM, YYYY-Qn or YYYY")
	}
	q.Period = p
	amt := c.get(r, "amount")
	if amt == "" {
		return fmt.Errorf("amount is empty: a quota needs an amount")
	}
	if q.Amount, err = commands.ParseAmount(amt, im.cfg.Cur); err != nil {
		return err
	}
	if err := sales.ValidateQuotaAmount(q.Amount); err != nil {
		return fmt.Errorf("amount %s: %s, as /goal set requires", amt, sales.ErrorMessage(err))
	}
	subj, slack := c.get(r, "subject"), c.get(r, "subject_slack_id")
	switch q.Scope {
	case sales.ScopeTerritory:
		if subj == "" {
			return fmt.Errorf("subject is empty: name the territory")
		}
		id, ok := im.terrIndex[strings.ToLower(subj)]
		if !ok {
			names := make([]string, 0, len(im.terrIndex))
			for k := range im.terrIndex {
				names = append(names, k)
			}
			return fmt.Errorf("there is no territory %q%s: a quota names an existing territory (add it with /territory add)", subj, didYouMean(subj, names))
		}
		q.Subject = uint64(id)
	case sales.ScopeTeam:
		if subj == "" || strings.EqualFold(subj, "company") || strings.EqualFold(subj, "all") {
			break // the whole company
		}
		fallthrough
	default:
		if subj == "" && slack == "" {
			return fmt.Errorf("subject is empty: name the rep (or manager, for a team quota)")
		}
		// A quota never creates a person: a misspelt name would become a
		// new rep with the quota nobody meant.
		id, ok := im.people.bySlack[slack]
		if !ok && subj != "" {
			var err error
			if id, ok, err = im.people.find(subj); err != nil {
				return err
			}
		}
		if !ok && im.o.createPeople && subj != "" {
			// Asked for: the file is the source of the team.
			p := sales.Person{Name: strings.TrimPrefix(subj, "@"), SlackID: slack}
			if q.Scope == sales.ScopeTeam {
				p.Role = sales.RoleManager
			}
			im.in.People = append(im.in.People, p)
			id, ok = storage.PersonRef(len(im.in.People)-1), true
			im.people.add(id, slack, p.Name, "")
			im.newPeople++
		}
		if !ok {
			names := make([]string, 0, len(im.people.byName))
			for k := range im.people.byName {
				names = append(names, k)
			}
			return fmt.Errorf("no one is called %q%s: import the team first (salesbot import team), fix the name, or pass --create-people to add them", orText(subj, slack), didYouMean(orText(subj, slack), names))
		}
		q.Subject = uint64(id)
	}
	if id, ok, _ := im.people.find(c.get(r, "set_by")); ok && c.get(r, "set_by") != "" {
		q.SetBy = id
	}
	if line, dup := im.seenExt(fmt.Sprintf("quota:%d:%d:%s", q.Scope, q.Subject, q.Period.Key()), row.line); dup {
		return fmt.Errorf("the same quota appears twice (first on %s %d)", im.t.where, line)
	}
	im.in.Quotas = append(im.in.Quotas, q)
	im.rowLines = append(im.rowLines, row.line)
	return nil
}

// didYouMean is " (did you mean a or b?)" for the names close to s, else "".
func didYouMean(s string, names []string) string {
	slices.Sort(names)
	c := sales.Closest(s, names, 3)
	if len(c) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(c, " or ") + "?)"
}

func orText(s, alt string) string {
	if s != "" {
		return s
	}
	return alt
}
