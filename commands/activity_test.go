package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

func TestDealActivities(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(alice, "/deal", "add Acme 12k")  // D-1, alice's
	e.must(carol, "/deal", "add Globex 5k") // D-2, carol's

	ok := []struct {
		user, text, want string
	}{
		{alice, `call D-1 "pricing agreed, send proposal"`, "Logged: call on D-1 Acme."},
		{alice, "meeting Acme demo with the CFO", "Logged: meeting on D-1 Acme."},
		{manager, "email D-1", "Logged: email on D-1 Acme."},                         // the owner's manager
		{admin, "activity D-2 CALL left a voicemail", "Logged: call on D-2 Globex."}, // an admin, any type form
	}
	for _, tt := range ok {
		res := e.must(tt.user, "/deal", tt.text)
		if res.Kind != commands.KindMessage || len(res.Lines) == 0 || res.Lines[0] != tt.want {
			t.Errorf("%s %q: %+v, want %q", tt.user, tt.text, res, tt.want)
		}
	}

	bad := []struct {
		user, text, code, msg string
	}{
		{alice, "call D-99", sales.ENOTFOUND, "D-99"},
		{alice, "call D-2 hi", sales.EFORBIDDEN, "log activities on other reps' deals"},
		{bob, "email Acme", sales.EFORBIDDEN, "log activities"},
		{alice, "activity D-1 fax hello", sales.EINVALID, `unknown activity type "fax"`},
		{alice, "activity D-1 cal hello", sales.EINVALID, "did you mean call"},
		{alice, "note D-1", sales.EINVALID, ""},
		{alice, "call", sales.EINVALID, ""},
		{alice, "salesbot activity add demo", sales.EINVALID, ""},
	}
	for _, tt := range bad {
		before := e.snapshot()
		_, err := e.do(tt.user, "/deal", tt.text)
		if sales.ErrorCode(err) != tt.code || !strings.Contains(sales.ErrorMessage(err), tt.msg) {
			t.Errorf("%s %q: error %v, want %s containing %q", tt.user, tt.text, err, tt.code, tt.msg)
		}
		e.unchanged(before, tt.text)
	}

	// A note stays on the deal's notes and is an activity too.
	res := e.must(alice, "/deal", "note D-1 CFO wants a 3-year price")
	if res.Kind != commands.KindDeal || !strings.Contains(res.Deal.Deal.Notes, "CFO wants a 3-year price") {
		t.Fatalf("note reply %+v", res)
	}
	counts, err := e.db.ActivityCounts(e.ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got := counts.Of(e.person(alice).ID, ""); got != 3 {
		t.Errorf("alice logged %d activities, want 3 (%v)", got, counts)
	}

	// /deal show lists them beside the history.
	show := e.must(bob, "/deal", "show D-1")
	if show.Deal.ActivityTotal != 4 || len(show.Deal.Activities) != 4 || len(show.Deal.History) == 0 {
		t.Fatalf("show: %d of %d activities, %d history lines", len(show.Deal.Activities), show.Deal.ActivityTotal, len(show.Deal.History))
	}
	if a := show.Deal.Activities[0]; a.Actor != "alice" || a.Text != "call: pricing agreed, send proposal" {
		t.Errorf("first activity line %+v", a)
	}
	if show.Deal.CanLog {
		t.Errorf("bob may not log on alice's deal, but CanLog is set")
	}

	// A button's command is the typed one.
	built := commands.ActivityCmd(commands.DealRef{ID: 1}, "Meeting", "booked", "next\nweek")
	if built.Verb != "meeting" || built.Text != "next week" || built.Outcome != "booked" {
		t.Errorf("ActivityCmd = %+v", built)
	}
	if c := commands.ActivityCmd(commands.DealRef{ID: 1}, "demo", "", ""); c.Verb != "activity" || c.Activity != "demo" || c.String() != "/deal activity D-1 demo" {
		t.Errorf("ActivityCmd(demo) = %+v %q", c, c.String())
	}
}

func TestActivityTypesConfig(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(alice, "/deal", "add Acme 12k")
	if res := e.must(alice, "/salesbot", "activities"); !strings.Contains(res.Lines[0], "call, meeting, email, note") {
		t.Errorf("activities: %v", res.Lines)
	}
	for _, tt := range []struct{ user, text, code string }{
		{manager, "activity add demo", sales.EFORBIDDEN},
		{alice, "activity quiet 21", sales.EFORBIDDEN},
		{admin, "activity add Two Words", sales.EINVALID},
		{admin, "activity add call", sales.ECONFLICT},
		{admin, "activity quiet 0", sales.EINVALID},
		{admin, "activity remove fax", sales.EINVALID},
	} {
		before := e.snapshot()
		if _, err := e.do(tt.user, "/salesbot", tt.text); sales.ErrorCode(err) != tt.code {
			t.Errorf("%s %q: %v, want %s", tt.user, tt.text, err, tt.code)
		}
		e.unchanged(before, tt.text)
	}
	e.must(admin, "/salesbot", "activity add demo")
	e.must(admin, "/salesbot", "activity remove email")
	e.must(admin, "/salesbot", "activity quiet 21")
	res := e.must(alice, "/salesbot", "activities")
	if res.Lines[0] != "Activity types: call, meeting, note, demo." || !strings.Contains(res.Lines[1], "21 days") {
		t.Errorf("activities after changes: %v", res.Lines)
	}
	e.must(alice, "/deal", "activity D-1 demo product tour")
	if _, err := e.do(alice, "/deal", "email D-1"); sales.ErrorCode(err) != sales.EINVALID {
		t.Errorf("a removed type: %v", err)
	}
}
