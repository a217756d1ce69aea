package bot_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// importTeam imports people as "salesbot import team" does: unlinked
// records with names, emails and roles. It returns their ids in order.
func (h *harness) importTeam(people ...sales.Person) []sales.PersonID {
	h.t.Helper()
	res, err := h.db.Import(h.ctx(), storage.Import{People: people}, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	if res.PeopleCreated != len(people) {
		h.t.Fatalf("import created %d people, want %d", res.PeopleCreated, len(people))
	}
	all, err := h.db.People(h.ctx())
	if err != nil {
		h.t.Fatal(err)
	}
	var ids []sales.PersonID
	for _, want := range people {
		for _, p := range all {
			if p.Name == want.Name {
				ids = append(ids, p.ID)
			}
		}
	}
	return ids
}

func (h *harness) personOf(slackID string) sales.Person {
	h.t.Helper()
	p, err := h.db.PersonBySlackID(h.ctx(), slackID)
	if err != nil {
		h.t.Fatalf("person of %s: %v", slackID, err)
	}
	return p
}

func withUsers(t *testing.T, scopes []string, extra ...slacktest.User) *slacktest.Server {
	emu := slacktest.New(slacktest.Options{Users: append(append([]slacktest.User(nil), team...), extra...), Scopes: scopes,
		Channels: botChannels()})
	t.Cleanup(emu.Close)
	return emu
}

// Slack display and real names are self-service, so a member who renames
// herself after an imported admin must not become that admin.
func TestSlackNameDoesNotTakeOverImportedPerson(t *testing.T) {
	mallory := slacktest.User{ID: "U0MALLORY", Name: "Maria Admin", RealName: "Maria Admin", Email: "mallory@example.com"}
	h := newHarness(t, hopts{emu: withUsers(t, nil, mallory)})
	maria := h.importTeam(sales.Person{Name: "Maria Admin", RealName: "Maria Admin", Email: "maria@example.com", Role: sales.RoleAdmin})[0]

	who := h.say("U0MALLORY", "/salesbot", "whoami")
	h.mustContain(who, "rep")
	if strings.Contains(who.text(), "admin") {
		t.Fatalf("a Slack name made its owner the imported admin:\n%s", who.text())
	}
	if p := h.personOf("U0MALLORY"); p.ID == maria || p.Role != sales.RoleRep {
		t.Fatalf("U0MALLORY = %+v, want a rep record of her own (not %s)", p, maria)
	}
	if p, err := h.db.Person(h.ctx(), maria); err != nil || p.SlackID != "" || p.Role != sales.RoleAdmin {
		t.Fatalf("imported admin after the rename: %+v, %v", p, err)
	}
	h.mustContain(h.say("U0MALLORY", "/salesbot", "role <@U0BOB|bob> admin"), "only an admin")
	if r, err := h.db.PersonBySlackID(h.ctx(), "U0BOB"); err == nil && r.Role != sales.RoleRep {
		t.Fatalf("bob became %s", r.Role)
	}
	// An admin is told of the possible link and makes it on purpose.
	h.mustContain(h.say("U0ERIN", "/salesbot", "whoami"), "Maria Admin", "/salesbot link")
	h.noInvalid()
}

// A confirmed Slack email is an identity Slack vouches for: it links the
// imported person, deals and all, but as a rep until an admin restores
// the imported role.
func TestConfirmedEmailLinksImportedPersonAsRep(t *testing.T) {
	maria := slacktest.User{ID: "U0MARIA", Name: "maria", RealName: "Maria Rossi", Email: "Maria.Rossi@Example.com"}
	unconfirmed := slacktest.User{ID: "U0UNCONF", Name: "uwe", RealName: "Uwe U", Email: "uwe@example.com", EmailUnconfirmed: true}
	h := newHarness(t, hopts{emu: withUsers(t, nil, maria, unconfirmed)})
	ids := h.importTeam(
		sales.Person{Name: "M. Rossi", Email: "maria.rossi@example.com", Role: sales.RoleAdmin},
		sales.Person{Name: "Uwe Imported", Email: "uwe@example.com", Role: sales.RoleRep},
	)
	if _, err := h.db.CreateDeal(h.ctx(), sales.Deal{Account: "Imported Co", Amount: 100, Owner: ids[0]}, 0); err != nil {
		t.Fatal(err)
	}

	who := h.say("U0MARIA", "/salesbot", "whoami")
	h.mustContain(who, "rep", "an admin")
	p := h.personOf("U0MARIA")
	if p.ID != ids[0] || p.Role != sales.RoleRep {
		t.Fatalf("U0MARIA = %+v, want imported %s linked as a rep", p, ids[0])
	}
	h.mustContain(h.say("U0MARIA", "/deal", "list"), "Imported Co")
	h.mustContain(h.say("U0MARIA", "/salesbot", "role <@U0BOB|bob> manager"), "only an admin")
	// The admin hears of the withheld role and restores it.
	h.mustContain(h.say("U0ERIN", "/salesbot", "whoami"), "<@U0MARIA> was linked", "imported as an admin", "/salesbot role @maria admin")
	h.mustContain(h.say("U0ERIN", "/salesbot", "role <@U0MARIA|maria> admin"), "is now an admin")

	// An address Slack never confirmed links nothing.
	h.say("U0UNCONF", "/salesbot", "whoami")
	if p := h.personOf("U0UNCONF"); p.ID == ids[1] {
		t.Fatalf("an unconfirmed email linked %+v", p)
	}
	h.noInvalid()
}

// Without users:read.email Slack leaves the email out, so nothing links.
func TestNoEmailScopeLinksNothing(t *testing.T) {
	var scopes []string
	for _, s := range slacktest.DefaultScopes {
		if s != "users:read.email" {
			scopes = append(scopes, s)
		}
	}
	maria := slacktest.User{ID: "U0MARIA", Name: "maria", RealName: "Maria Rossi", Email: "maria@example.com"}
	h := newHarness(t, hopts{emu: withUsers(t, scopes, maria)})
	ids := h.importTeam(sales.Person{Name: "M. Rossi", Email: "maria@example.com"})
	h.say("U0MARIA", "/salesbot", "whoami")
	if p := h.personOf("U0MARIA"); p.ID == ids[0] {
		t.Fatalf("linked by an email Slack would not have shown: %+v", p)
	}
}

// Linking gives the Slack user the imported record's role, so linking to
// a role above one's own is setting a role.
func TestManagerCannotLinkAboveOwnRole(t *testing.T) {
	h := newHarness(t, hopts{})
	h.mustContain(h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager"), "is now a manager")
	ids := h.importTeam(
		sales.Person{Name: "Maria Admin", Role: sales.RoleAdmin},
		sales.Person{Name: "Max Manager", Role: sales.RoleManager},
	)
	for _, target := range []string{"<@U0DAN|dan>", "<@U0ALICE|alice>"} {
		r := h.say("U0ALICE", "/salesbot", `link "Maria Admin" `+target)
		h.mustContain(r, "Maria Admin", "admin", "only an admin can change roles")
	}
	if p, _ := h.db.Person(h.ctx(), ids[0]); p.SlackID != "" {
		t.Fatalf("a refused link changed the record: %+v", p)
	}
	if p := h.personOf("U0ALICE"); p.Role != sales.RoleManager {
		t.Fatalf("alice = %+v", p)
	}
	// Her own level she may link.
	h.mustContain(h.say("U0ALICE", "/salesbot", `link "Max Manager" <@U0DAN|dan>`), "Logged")
	if p := h.personOf("U0DAN"); p.ID != ids[1] || p.Role != sales.RoleManager {
		t.Fatalf("dan = %+v", p)
	}
	link := h.say("U0ERIN", "/salesbot", `link "Maria Admin" <@U0BOB>`)
	h.mustContain(link, "Logged", "is now <@U0BOB> in Slack")
	if strings.Contains(link.text(), "&lt;@") {
		t.Fatalf("the link reply shows an escaped mention:\n%s", link.text())
	}
	if p := h.personOf("U0BOB"); p.ID != ids[0] || p.Role != sales.RoleAdmin {
		t.Fatalf("bob = %+v", p)
	}
	h.noInvalid()
}

// Replies name Slack users with real mentions built by the renderer, not
// raw ids or escaped "<@…>" text.
func TestRepliesMentionSlackUsers(t *testing.T) {
	h := newHarness(t, hopts{})
	role := h.say("U0ERIN", "/salesbot", "role <@U0CAROL> manager")
	h.mustContain(role, "<@U0CAROL> is now a manager")
	mgr := h.say("U0ERIN", "/salesbot", "manager <@U0DAN> <@U0CAROL>")
	h.mustContain(mgr, "<@U0DAN> now reports to <@U0CAROL>")
	for _, r := range []reply{role, mgr} {
		if txt := r.text(); strings.Contains(txt, "&lt;@") || strings.Contains(txt, "U0CAROL is") {
			t.Fatalf("reply shows a raw or escaped id:\n%s", txt)
		}
	}
	h.noInvalid()
}
