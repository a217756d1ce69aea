package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/sales"
)

// activities counts what is stored, by Slack user and type.
func (h *harness) activities(t *testing.T, slackID, typ string) int {
	t.Helper()
	ctx := context.Background()
	p, err := h.db.PersonBySlackID(ctx, slackID)
	if err != nil {
		return 0
	}
	c, err := h.db.ActivityCounts(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return c.Of(p.ID, typ)
}

func (h *harness) allActivities(t *testing.T) int {
	t.Helper()
	n := 0
	if err := h.db.ScanActivities(context.Background(), time.Time{}, time.Time{}, func(sales.Activity) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestActivityButtonsAndModal: a rep logs a call in one tap from the deal
// card (ephemeral, the card stays), and an activity with details from the
// modal; a manager and an admin may too, another rep may not; bad input
// writes nothing; a redelivered press logs nothing twice.
func TestActivityButtonsAndModal(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager")
	add := h.say("U0BOB", "/deal", "add Hooli 20k stage:qualified")
	card := add.Msgs[0]
	where := slacktest.Container{Channel: chanGeneral, IsEphemeral: true, MessageTS: "1.1"}
	press := func(user string, b button) reply {
		t.Helper()
		return h.collect(h.emu.BlockAction(user, where, slacktest.Action{ActionID: b.ActionID, BlockID: b.BlockID, Value: b.Value}))
	}

	// One tap, as the owner: an ephemeral confirmation, the card kept.
	call := findButton(t, card, "deal.logcall")
	r := press("U0BOB", call)
	if len(r.Msgs) != 1 || r.Msgs[0].ReplaceOriginal || r.Msgs[0].ResponseType != "ephemeral" || !strings.Contains(r.Msgs[0].Text, "Logged: call on D-1 Hooli") {
		t.Fatalf("log call reply = %+v", r.Msgs)
	}
	if n := h.activities(t, "U0BOB", "call"); n != 1 {
		t.Fatalf("bob's calls = %d", n)
	}
	// Slack redelivers the press: nothing is logged twice.
	if err := h.emu.Redeliver(r.EnvelopeID, "timeout"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.emu.Await(h.ctx(), 0, func(rec *slacktest.Record) bool {
		return rec.Kind == slacktest.KindAck && rec.Ack.EnvelopeID == r.EnvelopeID && rec.Ack.Duplicate
	}); err != nil {
		t.Fatal(err)
	}
	h.idle()
	if n := h.allActivities(t); n != 1 {
		t.Fatalf("after a redelivered press: %d activities", n)
	}

	// Another rep may not; the manager and the admin may.
	h.mustContain(press("U0DAN", call), "only a manager or admin can log activities")
	h.mustContain(press("U0ALICE", call), "Logged: call on D-1")
	h.mustContain(h.say("U0ERIN", "/deal", "meeting D-1 demo for <!channel>"), "Logged: meeting on D-1")
	if got := h.allActivities(t); got != 3 {
		t.Fatalf("activities = %d, want 3", got)
	}

	// The modal: type, outcome and notes.
	press("U0BOB", findButton(t, card, "deal.activity"))
	open, err := h.emu.AwaitCall(h.ctx(), "views.open", func(c *slacktest.Call) bool { return c.View.CallbackID == "deal.activity" })
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, f := range slacktest.Fields(*open.View) {
		fields[f.BlockID] = true
	}
	for _, want := range []string{"act_type", "act_outcome", "act_text"} {
		if !fields[want] {
			t.Errorf("the activity modal lacks %s", want)
		}
	}
	if fields["act_deal"] {
		t.Error("a card's activity modal asks for the deal")
	}
	id, err := h.emu.SubmitView("U0BOB", open.View.ID, map[string]string{"act_type": "email", "act_outcome": "sent", "act_text": "proposal for <!here>"})
	if err != nil {
		t.Fatal(err)
	}
	if ack := h.collect(id).Ack; ack.Action != "" {
		t.Fatalf("valid submission ack = %+v", ack)
	}
	h.idle()
	if n := h.activities(t, "U0BOB", "email"); n != 1 {
		t.Fatalf("bob's emails = %d", n)
	}
	acts, _, err := h.db.DealActivities(context.Background(), 1, 0)
	if err != nil || acts[len(acts)-1].Outcome != "sent" || acts[len(acts)-1].Text != "proposal for <!here>" {
		t.Fatalf("stored = %+v %v", acts, err)
	}

	// /deal show lists them, escaped.
	show := h.say("U0DAN", "/deal", "show D-1")
	h.mustContain(show, "Activities", "email (sent): proposal for")
	if strings.Contains(string(show.Msgs[0].Blocks), "<!here>") || strings.Contains(string(show.Msgs[0].Blocks), "<!channel>") {
		t.Fatal("user text reached mrkdwn unescaped")
	}

	// Typed bad input: a clear message, nothing written.
	before := h.allActivities(t)
	for _, tt := range []struct{ user, text, want string }{
		{"U0BOB", "call D-99", "D-99 not found"},
		{"U0DAN", "call D-1 hi", "only a manager or admin"},
		{"U0BOB", "activity D-1 fax hello", `unknown activity type "fax"`},
		{"U0BOB", "note D-1", "the text is missing"},
	} {
		h.mustContain(h.say(tt.user, "/deal", tt.text), tt.want)
	}
	if got := h.allActivities(t); got != before {
		t.Fatalf("bad input wrote %d activities", got-before)
	}
	h.noInvalid()
}

// TestActivityFromHome: the Home tab's "Log activity…" asks for the deal
// too; its attention rows have "Log call".
func TestActivityFromHome(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.collect(h.emu.AppHomeOpened("U0BOB"))
	home, ok := h.emu.Home("U0BOB")
	if !ok || !strings.Contains(plainJSON(home.Blocks), "deal.activity") {
		t.Fatal("the Home tab has no Log activity button")
	}
	h.collect(h.emu.BlockAction("U0BOB", slacktest.Container{Type: "view", ViewID: home.ID}, slacktest.Action{ActionID: "deal.activity", BlockID: "home.log"}))
	open, err := h.emu.AwaitCall(h.ctx(), "views.open", func(c *slacktest.Call) bool { return c.View.CallbackID == "deal.activity" })
	if err != nil {
		t.Fatal(err)
	}
	// An unknown deal is refused on the form, and nothing is written.
	id, err := h.emu.SubmitView("U0BOB", open.View.ID, map[string]string{"act_deal": "Nope Corp", "act_type": "call"})
	if err != nil {
		t.Fatal(err)
	}
	if ack := h.collect(id).Ack; ack.Action != "errors" || ack.Errors["act_deal"] == "" {
		t.Fatalf("unknown deal ack = %+v", ack)
	}
	if n := h.allActivities(t); n != 0 {
		t.Fatalf("a refused form wrote %d activities", n)
	}
	id, err = h.emu.SubmitView("U0BOB", open.View.ID, map[string]string{"act_deal": "Acme", "act_type": "meeting", "act_text": "kick-off"})
	if err != nil {
		t.Fatal(err)
	}
	h.collect(id)
	h.idle()
	if n := h.activities(t, "U0BOB", "meeting"); n != 1 {
		t.Fatalf("meetings from Home = %d", n)
	}
	h.noInvalid()
}
