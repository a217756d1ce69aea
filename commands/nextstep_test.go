package commands_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// The next-step form: free text, then due:/push: options; every parse
// round-trips through the canonical text.
func TestParseNextStep(t *testing.T) {
	p := parser()
	for _, tc := range []struct {
		text       string
		wantText   string
		wantDue    string // YYYY-MM-DD or ""
		wantPush   int
		wantDealID sales.DealID
	}{
		{`next D-4 "send proposal" due:fri`, "send proposal", "2026-11-27", 0, 4},
		{`next D-4 send proposal due:fri`, "send proposal", "2026-11-27", 0, 4},
		{`next D-4 send proposal due:next friday`, "send proposal", "2026-12-04", 0, 4},
		{`next D-4 call CFO due: 2026-12-15`, "call CFO", "2026-12-15", 0, 4},
		{`next D-4 demo due:+2w`, "demo", "2026-12-10", 0, 4},
		{`next D-4 ask re:pricing`, "ask re:pricing", "", 0, 4},
		{`next D-4 customer's legal review`, "customer's legal review", "", 0, 4},
		{`next D-4 done`, "done", "", 0, 4},
		{`next D-4 push:1w`, "", "", 7, 4},
		{`next D-4 push:3d`, "", "", 3, 4},
		{`next D-4 due:tomorrow`, "", "2026-11-27", 0, 4},
		{`next D-4`, "", "", 0, 4},
		{`nextstep D-4 x`, "x", "", 0, 4},
	} {
		t.Run(tc.text, func(t *testing.T) {
			c, err := p.Parse("/deal", tc.text)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			due := ""
			if !c.Due.IsZero() {
				due = commands.FormatDate(c.Due)
			}
			if c.Verb != "next" || c.Text != tc.wantText || due != tc.wantDue || c.Push != tc.wantPush || c.Deal.ID != tc.wantDealID {
				t.Fatalf("got verb %q text %q due %q push %d deal %v", c.Verb, c.Text, due, c.Push, c.Deal)
			}
			roundTrip(t, p, c)
		})
	}
}

func TestParseNextStepBad(t *testing.T) {
	p := parser()
	for _, tc := range []struct{ text, want string }{
		{`next`, "the deal"},
		{`next D-4 demo due:someday`, "not valid"},
		{`next D-4 demo due:2026-02-30`, "not a real date"},
		{`next D-4 push:soon`, "push:7d"},
		{`next D-4 push:0d`, "push:7d"},
		{`next D-4 demo due:fri extra words`, "options come last"},
		{`next D-4 demo due:fri due:mon`, "given twice"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			_, err := p.Parse("/deal", tc.text)
			if err == nil || sales.ErrorCode(err) != sales.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want EINVALID with %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "/deal next") && tc.text != "next" {
				t.Fatalf("error %v does not show the form", err)
			}
		})
	}
}

// /deal advance keeps bump; next is the next step now.
func TestNextIsNotAdvance(t *testing.T) {
	c, err := parser().Parse("/deal", "bump D-4")
	if err != nil || c.Verb != "advance" {
		t.Fatalf("bump: %+v %v", c, err)
	}
	if c, _ := parser().Parse("/deal", "next D-4"); c.Verb != "next" {
		t.Fatalf("next parses as %q", c.Verb)
	}
}

func TestDealNextCommand(t *testing.T) {
	e := newEnv(t)
	e.team()
	id := e.add(alice, "Acme 5k stage:proposal")
	ref := id.String()

	// No next step yet: a clear message saying how to set one.
	res := e.must(alice, "/deal", "next "+ref)
	if !strings.Contains(res.Lines[0], "has no next step") || !strings.Contains(res.Lines[0], "/deal next "+ref) {
		t.Fatalf("show without a step: %q", res.Lines)
	}

	res = e.must(alice, "/deal", `next `+ref+` "send proposal" due:fri`)
	if d := e.deal(id); d.NextStep != "send proposal" || d.NextDue != sales.MakeDate(2026, 11, 27) {
		t.Fatalf("after set: %q %v", d.NextStep, d.NextDue)
	}
	if !strings.Contains(res.Lines[0], "send proposal (due 2026-11-27)") {
		t.Fatalf("reply %q", res.Lines)
	}
	if res := e.must(alice, "/deal", "next "+ref); !strings.Contains(res.Lines[0], "Next step on "+ref+" Acme: send proposal (due 2026-11-27)") {
		t.Fatalf("show: %q", res.Lines)
	}

	// By account name, by a manager; a push moves it a week after its date.
	e.must(manager, "/deal", "next Acme push:1w")
	if d := e.deal(id); d.NextDue != sales.MakeDate(2026, 12, 4) {
		t.Fatalf("after push: %v", d.NextDue)
	}
	// Overdue: it shows as such, and a push starts from today.
	e.clock.Add(10 * 24 * 3600e9)
	if res := e.must(alice, "/deal", "next "+ref); !res.Deal.NextOverdue || !strings.Contains(res.Lines[0], "overdue") {
		t.Fatalf("overdue show: %q %v", res.Lines, res.Deal.NextOverdue)
	}
	e.must(admin, "/deal", "next "+ref+" push:7d")
	if d := e.deal(id); d.NextDue != sales.MakeDate(2026, 12, 13) {
		t.Fatalf("push of an overdue step: %v", d.NextDue)
	}

	// Bad input: a clear message, nothing written.
	e.fail(bob, "/deal", "next "+ref+" steal it", sales.EFORBIDDEN, "manager or admin")
	e.fail(alice, "/deal", "next D-999 demo", sales.ENOTFOUND, "D-999")
	e.fail(alice, "/deal", "next "+ref+" demo due:2026-11-01", sales.EINVALID, "in the past")
	e.fail(alice, "/deal", "next "+ref+" done due:fri", sales.EINVALID, "give it alone")
	e.fail(alice, "/deal", "next "+ref+" demo push:1w", sales.EINVALID, "give it alone")
	e.fail(alice, "/deal", "next "+ref+` "   "`+" due:+1w", sales.EINVALID, "")

	// Done clears it, with history; done again changes nothing.
	res = e.must(alice, "/deal", "next "+ref+" done")
	if d := e.deal(id); d.NextStep != "" || !d.NextDue.IsZero() || !strings.Contains(res.Lines[0], "done: send proposal") {
		t.Fatalf("after done: %+v %q", d, res.Lines)
	}
	before := e.snapshot()
	if res := e.must(alice, "/deal", "next "+ref+" done"); !strings.Contains(res.Lines[0], "no next step to mark done") {
		t.Fatalf("done twice: %q", res.Lines)
	}
	e.unchanged(before, "done twice")
	e.fail(alice, "/deal", "next "+ref+" push:1w", sales.EINVALID, "no next step to move")

	show := e.must(alice, "/deal", "show "+ref)
	var hist []string
	for _, h := range show.Deal.History {
		if strings.Contains(h.Text, "next step") {
			hist = append(hist, h.Text)
		}
	}
	want := []string{"next step: send proposal", "next step due none → 2026-11-27", "next step due 2026-11-27 → 2026-12-04",
		"next step due 2026-12-04 → 2026-12-13", "next step done: send proposal", "next step due 2026-12-13 → none"}
	if strings.Join(hist, "|") != strings.Join(want, "|") {
		t.Fatalf("history %q\nwant    %q", hist, want)
	}

	// A closed deal takes no new next step.
	e.must(alice, "/deal", "won "+ref)
	e.fail(alice, "/deal", "next "+ref+" onboarding", sales.EINVALID, "reopen it first")
}

// "/deal next D-4" only reads: answered at once, without a "Logging…"
// line; with text or options it writes.
func TestNextStepWrites(t *testing.T) {
	for text, want := range map[string]bool{"next D-4": false, "next D-4 done": true, "next D-4 push:1w": true,
		"next D-4 call the CFO": true, "nextstep D-4": false} {
		if got := commands.Writes("/deal", text); got != want {
			t.Errorf("Writes(%q) = %v, want %v", text, got, want)
		}
	}
}
