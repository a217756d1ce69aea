package commands_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// TestPermissionMatrix runs every mutating command as a rep, a manager,
// an admin from SALESBOT_ADMINS and an admin appointed by one, on the
// actor's own deal and on someone else's. Forbidden commands must fail
// with EFORBIDDEN and write nothing; allowed ones must succeed.
func TestPermissionMatrix(t *testing.T) {
	const appointed = "UADM2"
	names[appointed] = "dana"

	// who may run an action:
	//   all:   everyone;
	//   owner: the deal's owner, managers and admins;
	//   mgr:   managers and admins;
	//   admin: admins only.
	type action struct {
		name string
		cmd  string
		text string // {deal} is replaced by the deal the case is about
		who  string
		deal string // "open" or "closed": which of the subject's deals; "" = none
	}
	actions := []action{
		{"add own", "/deal", "add Newco 1k", "all", ""},
		{"add for other", "/deal", "add Newco 1k owner:<@UBOB|bob>", "mgr", ""},
		{"form", "/deal", "edit {deal}", "owner", "open"},
		{"stage", "/deal", "stage {deal} proposal", "owner", "open"},
		{"advance", "/deal", "advance {deal}", "owner", "open"},
		{"won", "/deal", "won {deal} 2k", "owner", "open"},
		{"lost", "/deal", "lost {deal} no budget", "owner", "open"},
		{"close", "/deal", "close {deal} +2w", "owner", "open"},
		{"snooze", "/deal", "snooze {deal} 2w", "owner", "open"},
		{"note", "/deal", "note {deal} hello", "owner", "open"},
		{"set", "/deal", "set {deal} amount:9k", "owner", "open"},
		{"give away", "/deal", "set {deal} owner:<@UCAROL|carol>", "mgr", "open"},
		{"reopen", "/deal", "reopen {deal}", "owner", "closed"},
		{"quota rep", "/goal", "set <@UBOB|bob> 5k", "mgr", ""},
		{"quota team", "/goal", "set team 5k", "mgr", ""},
		{"quota all", "/goal", "set all 5k", "mgr", ""},
		{"quota territory", "/goal", "set territory EMEA 5k", "mgr", ""},
		{"territory add", "/territory", "add APAC", "mgr", ""},
		{"territory assign", "/territory", "assign EMEA <@UBOB|bob>", "mgr", ""},
		{"territory unassign", "/territory", "unassign <@UCAROL|carol>", "mgr", ""},
		{"territory route", "/territory", "route EMEA <#C0123ABCD|emea>", "mgr", ""},
		{"role", "/salesbot", "role <@UBOB|bob> manager", "admin", ""},
		{"manager", "/salesbot", "manager <@UBOB|bob> <@UCAROL|carol>", "mgr", ""},
		{"link", "/salesbot", `link "Robert Imported" <@UNEW|rob>`, "mgr", ""},
		{"digest now", "/salesbot", "digest now", "mgr", ""},
		{"digest route", "/salesbot", "digest route <#C0999ZZZZ>", "mgr", ""},
		{"nudges", "/salesbot", "nudges off", "all", ""},
		{"stage add", "/salesbot", "stage add Demo 30%", "admin", ""},
		{"stage set", "/salesbot", "stage set Proposal probability:40% stale:5", "admin", ""},
		{"stage remove", "/salesbot", "stage remove Negotiation", "admin", ""},
	}
	roles := []struct {
		name  string
		user  string
		level int // 0 rep, 1 manager, 2 admin
	}{
		{"rep", alice, 0},
		{"manager", manager, 1},
		{"env admin", admin, 2},
		{"appointed admin", appointed, 2},
	}

	for _, role := range roles {
		for _, act := range actions {
			subjects := []string{"own"}
			if act.deal != "" {
				subjects = []string{"own", "other's"}
			}
			for _, subj := range subjects {
				t.Run(role.name+"/"+act.name+"/"+subj, func(t *testing.T) {
					t.Parallel() // each case has its own file; fsyncs overlap
					e := newEnv(t)
					e.team()
					e.must(admin, "/salesbot", "role <@UADM2|dana> admin")
					e.must(manager, "/territory", "add EMEA")
					e.must(manager, "/territory", "assign EMEA <@UCAROL|carol>")
					e.must(bob, "/salesbot", "whoami")
					if _, err := e.db.CreatePerson(e.ctx, sales.Person{Name: "Robert Imported"}); err != nil {
						t.Fatal(err)
					}
					owner := role.user
					if subj == "other's" {
						owner = bob
					}
					text := act.text
					if act.deal != "" {
						d, err := e.db.CreateDeal(e.ctx, sales.Deal{Account: "Subject", Amount: 100000, Owner: e.person(owner).ID}, 0)
						if err != nil {
							t.Fatal(err)
						}
						if act.deal == "closed" {
							if _, err := e.db.UpdateDeal(e.ctx, d.ID, 0, func(x *sales.Deal) error { x.Stage = 6; return nil }); err != nil {
								t.Fatal(err)
							}
						}
						text = strings.ReplaceAll(text, "{deal}", d.ID.String())
					}
					allowed := act.who == "all" ||
						act.who == "owner" && (role.level > 0 || subj == "own") ||
						act.who == "mgr" && role.level > 0 ||
						act.who == "admin" && role.level > 1

					before := e.snapshot()
					res, err := e.do(role.user, act.cmd, text)
					if !allowed {
						if sales.ErrorCode(err) != sales.EFORBIDDEN {
							t.Fatalf("want forbidden, got %v %+v", err, res)
						}
						e.unchanged(before, act.cmd+" "+text)
						return
					}
					if err != nil {
						t.Fatalf("want allowed, got %v", err)
					}
					if act.name != "form" && act.name != "digest now" {
						after := e.snapshot()
						if equalState(before, after) {
							t.Errorf("allowed %s %s changed nothing: %+v", act.cmd, text, res)
						}
					}
				})
			}
		}
	}
}

func equalState(a, b state) bool {
	return len(a.Deals) == len(b.Deals) && len(a.Events) == len(b.Events) && len(a.Quotas) == len(b.Quotas) &&
		len(a.Terrs) == len(b.Terrs) && len(a.Settings) == len(b.Settings) && samePeople(a.People, b.People) &&
		sameDeals(a.Deals, b.Deals) && sameTerrs(a.Terrs, b.Terrs) && slices.Equal(a.Stages.Stages, b.Stages.Stages)
}

func samePeople(a, b []sales.Person) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameDeals(a, b []sales.Deal) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameTerrs(a, b []sales.Territory) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestButtonsUseTheSamePermissions runs button presses the way the bot
// does (a Cmd built in code, through Exec) and checks Authorize applies.
func TestButtonsUseTheSamePermissions(t *testing.T) {
	e := newEnv(t)
	e.team()
	id := e.add(bob, "Bobco 5k")
	actor, err := e.svc.Actor(context.Background(), alice, "alice", "", "")
	if err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	for _, verb := range []string{"advance", "won", "lost", "reopen", "edit"} {
		_, err := e.svc.Exec(e.ctx, actor, commands.Cmd{Command: "deal", Verb: verb, Deal: commands.DealRef{ID: id}})
		if sales.ErrorCode(err) != sales.EFORBIDDEN {
			t.Errorf("alice pressing %s on bob's deal: %v", verb, err)
		}
	}
	e.unchanged(before, "forbidden buttons")
	mgr, _ := e.svc.Actor(context.Background(), manager, "maria", "", "")
	res, err := e.svc.Exec(e.ctx, mgr, commands.Cmd{Command: "deal", Verb: "advance", Deal: commands.DealRef{ID: id}})
	if err != nil || res.Deal.StageName != "Qualified" {
		t.Errorf("manager advance: %v %+v", err, res)
	}
}
