package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// nextTeam makes carol bob's manager (erin is the admin, dan a rep).
func nextTeam(h *harness) {
	h.t.Helper()
	h.mustContain(h.say("U0ERIN", "/salesbot", "role <@U0CAROL|carol> manager"), "manager")
	h.say("U0ERIN", "/salesbot", "manager <@U0BOB|bob> <@U0CAROL|carol>")
	h.say("U0DAN", "/salesbot", "whoami")
}

// overdueStep gives a deal a next step due days ago (commands refuse
// past due dates, so it is written directly).
func (h *harness) overdueStep(id sales.DealID, text string, days int) {
	h.t.Helper()
	due := sales.DateIn(time.Now(), time.UTC).AddDays(-days)
	if _, err := h.db.UpdateDeal(context.Background(), id, 0, func(d *sales.Deal) error {
		d.NextStep, d.NextDue = text, due
		return nil
	}); err != nil {
		h.t.Fatal(err)
	}
}

func today() sales.Date { return sales.DateIn(time.Now(), time.UTC) }

func TestNextStepCommandEndToEnd(t *testing.T) {
	h := newHarness(t, hopts{})
	nextTeam(h)
	h.say("U0BOB", "/deal", "add Hooli 20k stage:proposal")

	// No step yet: it says how to set one, and "next" no longer advances.
	h.mustContain(h.say("U0BOB", "/deal", "next D-1"), "has no next step", "/deal next D-1")
	if d := h.deal(t, "D-1"); d.Stage != 3 {
		t.Fatalf("/deal next moved the stage to %d", d.Stage)
	}
	// The rep sets it; the reply and the card show it.
	due := today().AddDays(7)
	h.mustContain(h.say("U0BOB", "/deal", `next D-1 "send proposal" due:+1w`), "Logged: next step on D-1 Hooli: send proposal (due "+due.String()+")",
		"Next step", "send proposal · due "+due.String())
	shown := h.say("U0BOB", "/deal", "next D-1")
	h.mustContain(shown, "Next step on D-1 Hooli: send proposal")
	if shown.Ack.Msg == nil || strings.Contains(shown.text(), "Logging") {
		t.Fatalf("a read was acked as a write: %s", shown.text())
	}

	// Bad input: a clear message with the form, nothing written.
	before := h.deals(t)
	for _, tc := range []struct{ user, text, want string }{
		{"U0DAN", "next D-1 steal it", "only a manager or admin"},
		{"U0BOB", "next D-99 demo", "D-99"},
		{"U0BOB", "next D-1 demo due:2020-01-01", "in the past"},
		{"U0BOB", `next D-1 "   " due:+1w`, "empty"},
		{"U0BOB", "next D-1 demo due:someday", "/deal next"},
	} {
		h.mustContain(h.say(tc.user, "/deal", tc.text), tc.want)
	}
	if after := h.deals(t); len(after) != len(before) || after[0].NextStep != before[0].NextStep || after[0].NextDue != before[0].NextDue ||
		!after[0].UpdatedAt.Equal(before[0].UpdatedAt) {
		t.Fatalf("bad input changed the deal: %+v → %+v", before[0], after[0])
	}

	// The manager re-sets it by account name; the admin pushes it.
	h.mustContain(h.say("U0CAROL", "/deal", "next Hooli call the CFO due:+2w"), "call the CFO")
	h.mustContain(h.say("U0ERIN", "/deal", "next D-1 push:1w"), "due "+today().AddDays(21).String())
	show := h.say("U0BOB", "/deal", "show D-1")
	h.mustContain(show, "next step: send proposal → call the CFO", "next step due")
	h.mustContain(h.say("U0BOB", "/deal", "next D-1 done"), "done: call the CFO")
	if d := h.deal(t, "D-1"); d.NextStep != "" || !d.NextDue.IsZero() {
		t.Fatalf("after done: %q %v", d.NextStep, d.NextDue)
	}
	h.noInvalid()
}

func TestNextStepHomeButtonsEndToEnd(t *testing.T) {
	h := newHarness(t, hopts{})
	nextTeam(h)
	h.say("U0BOB", "/deal", "add Hooli 20k stage:proposal")
	h.say("U0BOB", "/deal", "add Initech 5k")
	h.say("U0BOB", "/deal", "next D-1 send proposal due:+3d")
	h.overdueStep(2, "call back", 4)

	h.collect(h.emu.AppHomeOpened("U0BOB"))
	home, ok := h.emu.Home("U0BOB")
	if !ok {
		t.Fatal("no Home tab published")
	}
	page := plainJSON(home.Blocks)
	// By due date: the overdue one first, flagged.
	if i, j := strings.Index(page, "call back"), strings.Index(page, "send proposal"); i < 0 || j < 0 || i > j {
		t.Fatalf("Home next steps out of order or missing:\n%s", page)
	}
	for _, want := range []string{"My next steps* · 2 · :warning: 1 overdue", "overdue"} {
		if !strings.Contains(page, want) {
			t.Fatalf("Home lacks %q", want)
		}
	}
	view := slacktest.Container{Type: "view", ViewID: home.ID}
	press := func(user string, b button) string {
		t.Helper()
		before := len(h.emu.Calls("views.publish"))
		h.collect(h.emu.BlockAction(user, view, slacktest.Action{ActionID: b.ActionID, BlockID: b.BlockID, Value: b.Value}))
		calls := h.emu.Calls("views.publish")
		if len(calls) != before+1 {
			t.Fatalf("Home not republished after %s", b.ActionID)
		}
		return plainJSON(calls[len(calls)-1].View.Blocks)
	}
	var push, done button
	for _, b := range buttonsIn(home.Blocks) {
		switch {
		case b.BlockID == "home.next.act:D-2" && b.ActionID == blocks.ActNextPush:
			push = b
		case b.BlockID == "home.next.act:D-2" && b.ActionID == blocks.ActNextDone:
			done = b
		}
	}
	if push.Value != "D-2" || done.Value != "D-2" {
		t.Fatalf("D-2's Done / Push a week buttons missing: %+v", buttonsIn(home.Blocks))
	}
	// A rep pressing them on someone else's deal is refused; nothing changes.
	if out := press("U0DAN", done); !strings.Contains(out, "only a manager or admin") {
		t.Fatalf("forbidden Done not refused:\n%s", out)
	}
	if d := h.deal(t, "D-2"); d.NextStep != "call back" {
		t.Fatalf("forbidden Done changed the deal: %+v", d)
	}
	// The owner pushes an overdue step: a week from today.
	press("U0BOB", push)
	if d := h.deal(t, "D-2"); d.NextDue != today().AddDays(7) {
		t.Fatalf("push: due %v, want %v", d.NextDue, today().AddDays(7))
	}
	// The manager, then the admin, mark steps done.
	press("U0CAROL", done)
	if out := press("U0ERIN", button{BlockID: "home.next.act:D-1", ActionID: blocks.ActNextDone, Value: "D-1"}); strings.Contains(out, "My next steps") {
		t.Fatalf("erin's Home lists next steps she does not own")
	}
	for _, id := range []string{"D-1", "D-2"} {
		if d := h.deal(t, id); d.NextStep != "" {
			t.Fatalf("%s still has %q", id, d.NextStep)
		}
	}
	h.noInvalid()
}

func TestNextStepNudgeButtonsEndToEnd(t *testing.T) {
	h := newHarness(t, hopts{})
	nextTeam(h)
	h.say("U0BOB", "/deal", "add Hooli 20k stage:proposal")
	h.overdueStep(1, "send <!channel> proposal", 3)

	dg, err := digest.New(digest.Config{Store: h.db, Locale: sales.Locale{Loc: time.UTC, Currency: sales.DefaultCurrency}})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := h.db.PersonBySlackID(context.Background(), "U0BOB")
	if err != nil {
		t.Fatal(err)
	}
	nudge := func() *digest.Nudge {
		t.Helper()
		n, err := dg.NudgeFor(context.Background(), bob, time.Now(), time.Now().AddDate(0, 0, -1))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := nudge()
	if len(n.NextSteps) != 1 || n.NextSteps[0].ID != 1 || n.NextSteps[0].Days != 3 || !n.Useful() {
		t.Fatalf("nudge next steps = %+v", n.NextSteps)
	}
	msg := blocks.RenderNudge(n)
	raw, err := json.Marshal(msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	if probs := slacktest.ValidateBlocks(raw); len(probs) > 0 {
		t.Fatalf("nudge blocks: %v", probs)
	}
	if strings.Contains(string(raw), "<!channel>") {
		t.Fatal("the next step's text was not escaped")
	}
	got := map[string]button{}
	for _, b := range buttonsIn(raw) {
		if b.BlockID == "nudge.next.D-1" {
			got[b.ActionID] = b
		}
	}
	if len(got) != 3 || got[blocks.ActNextDone].Value != "D-1" || got[blocks.ActNextPush].Value != "D-1" || got[blocks.ActSnooze].Value != "D-1" {
		t.Fatalf("nudge buttons = %+v", got)
	}
	where := slacktest.Container{Channel: chanGeneral, IsEphemeral: true, MessageTS: "1.1"}
	press := func(user, action string) reply {
		t.Helper()
		b := got[action]
		return h.collect(h.emu.BlockAction(user, where, slacktest.Action{ActionID: b.ActionID, BlockID: b.BlockID, Value: b.Value}))
	}
	// Someone without rights: a clear ephemeral refusal, nothing written.
	r := press("U0DAN", blocks.ActNextDone)
	h.mustContain(r, "only a manager or admin")
	for _, m := range r.Msgs {
		if m.ResponseType == "in_channel" {
			t.Fatalf("refusal posted in the channel: %+v", m)
		}
	}
	if d := h.deal(t, "D-1"); d.NextStep == "" {
		t.Fatal("a refused Done cleared the step")
	}
	// The rep snoozes: the deal's nudges go quiet.
	press("U0BOB", blocks.ActSnooze)
	if n := nudge(); len(n.NextSteps) != 0 {
		t.Fatalf("snoozed deal still nudged: %+v", n.NextSteps)
	}
	// The manager pushes it a week from today; the admin marks it done.
	press("U0CAROL", blocks.ActNextPush)
	if d := h.deal(t, "D-1"); d.NextDue != today().AddDays(7) {
		t.Fatalf("push from the nudge: due %v", d.NextDue)
	}
	h.mustContain(press("U0ERIN", blocks.ActNextDone), "done")
	if d := h.deal(t, "D-1"); d.NextStep != "" {
		t.Fatalf("after Done: %q", d.NextStep)
	}
	h.noInvalid()
}

// The edit form shows and sets the next step: prefilled, a past due date
// is a field error with nothing written, an empty step marks it done.
func TestNextStepDealFormEndToEnd(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Hooli 20k stage:proposal")
	h.say("U0BOB", "/deal", "next D-1 send proposal due:+3d")
	open := func() *slacktest.View {
		t.Helper()
		before := len(h.emu.Calls("views.open"))
		h.say("U0BOB", "/deal", "edit D-1")
		calls := h.emu.Calls("views.open")
		if len(calls) != before+1 {
			t.Fatal("the edit form did not open")
		}
		return calls[len(calls)-1].View
	}
	v := open()
	init := map[string]string{}
	for _, f := range slacktest.Fields(*v) {
		init[f.BlockID] = f.Initial
	}
	if init["next"] != "send proposal" || init["next_due"] != today().AddDays(3).String() {
		t.Fatalf("next-step fields prefilled with %q %q", init["next"], init["next_due"])
	}
	before := h.deal(t, "D-1")
	id, err := h.emu.SubmitView("U0BOB", v.ID, map[string]string{"next_due": "2020-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if ack := h.collect(id).Ack; ack.Action != "errors" || !strings.Contains(ack.Errors["next_due"], "in the past") {
		t.Fatalf("past due ack = %+v", ack)
	}
	if d := h.deal(t, "D-1"); d.NextDue != before.NextDue || !d.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("a refused form changed the deal: %+v", d)
	}
	due := today().AddDays(10)
	id, _ = h.emu.SubmitView("U0BOB", v.ID, map[string]string{"next": "book the legal call", "next_due": due.String()})
	h.collect(id)
	if d := h.deal(t, "D-1"); d.NextStep != "book the legal call" || d.NextDue != due {
		t.Fatalf("after the form: %q %v", d.NextStep, d.NextDue)
	}
	v = open()
	id, _ = h.emu.SubmitView("U0BOB", v.ID, map[string]string{"next": "", "next_due": ""})
	h.collect(id)
	if d := h.deal(t, "D-1"); d.NextStep != "" || !d.NextDue.IsZero() || d.Amount != 2000000 {
		t.Fatalf("after emptying the step: %+v", d)
	}
	h.noInvalid()
}
