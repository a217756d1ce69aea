package bot_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/slacktest"
)

// seen is everything user was shown in answer to the command or button
// envelope env: what reached its response_url, and the bot's DMs.
func (h *harness) seen(env, user string) string {
	h.t.Helper()
	var b strings.Builder
	for _, r := range h.emu.Responses(env) {
		if r.OK {
			b.WriteString(r.Msg.Text + "\n")
		}
	}
	for _, m := range h.emu.History(user) {
		b.WriteString(m.Text + "\n")
	}
	for _, c := range h.emu.Calls("chat.postEphemeral") {
		if c.OK && c.Msg != nil && c.Msg.User == user {
			b.WriteString(c.Msg.Text + "\n")
		}
	}
	return b.String()
}

// openedModal waits for a modal opened for user at or after record from.
func (h *harness) openedModal(from int, user string) slacktest.View {
	h.t.Helper()
	r, err := h.emu.Await(h.ctx(), from, func(r *slacktest.Record) bool {
		return r.Kind == slacktest.KindCall && r.Call.Method == "views.open" && r.Call.OK && r.Call.View.User == user
	})
	if err != nil {
		h.t.Fatalf("no modal opened for %s: %v", user, err)
	}
	return *r.Call.View
}

// A modal carries no response_url of its own, so its confirmation went by
// chat.postEphemeral into the command's channel; in a DM between people,
// a group DM or a channel the bot is not in, Slack refuses that
// (channel_not_found / not_in_channel,
// https://api.slack.com/methods/chat.postEphemeral#errors): the deal was
// saved and the user saw nothing. The command's response_url works
// wherever the command was typed (https://api.slack.com/interactivity/slash-commands,
// "Delayed responses and multiple responses"), so the modal carries it.
func TestDealFormConfirmedOutsideBotChannels(t *testing.T) {
	h := newHarness(t, hopts{})
	h.emu.AddUser(slacktest.User{ID: "U0CAROL", Name: "carol", RealName: "Carol Chen"})
	for i, where := range []struct{ name, channel string }{
		{"DM between people", h.emu.DMBetween("U0BOB", "U0ALICE")},
		{"group DM", h.emu.DMBetween("U0BOB", "U0ALICE", "U0CAROL")},
		{"channel without the bot", "C0OUTSIDE"},
	} {
		account := []string{"Initech", "Globex", "Umbrella"}[i]
		from := h.emu.Len()
		env := h.emu.SlashCommand("U0BOB", where.channel, "/deal", "")
		h.collect(env)
		v := h.openedModal(from, "U0BOB")
		id, err := h.emu.SubmitView("U0BOB", v.ID, map[string]string{"account": account, "amount": "12k", "stage": "Qualified"})
		if err != nil {
			t.Fatal(err)
		}
		h.collect(id)
		if got := h.seen(env, "U0BOB"); !strings.Contains(got, "Logged") || !strings.Contains(got, account) {
			t.Errorf("%s: the user saw no confirmation of %s:\n%s", where.name, account, got)
		}
	}
	// The response_url refused (spent, expired): a DM still reaches the
	// user, where chat.postEphemeral could not.
	h.emu.Fail("response_url", 100, http.StatusNotFound, 0)
	from := h.emu.Len()
	env := h.emu.SlashCommand("U0BOB", h.emu.DMBetween("U0BOB", "U0ALICE"), "/deal", "")
	h.collect(env)
	id, err := h.emu.SubmitView("U0BOB", h.openedModal(from, "U0BOB").ID, map[string]string{"account": "Hooli", "amount": "3k", "stage": "Qualified"})
	if err != nil {
		t.Fatal(err)
	}
	h.collect(id)
	dm := h.emu.History("U0BOB")
	if len(dm) == 0 || !strings.Contains(dm[len(dm)-1].Text, "Logged") || !strings.Contains(dm[len(dm)-1].Text, "Hooli") {
		t.Fatalf("no DM confirmed Hooli: %+v", dm)
	}
	if n := len(h.deals(t)); n != 4 {
		t.Fatalf("deals = %d, want 4", n)
	}
	h.noInvalid()
}

// A response_url takes five posts within 30 minutes
// (https://api.slack.com/interactivity/slash-commands, "Delayed responses
// and multiple responses"). A modal opened from a card's Edit keeps that
// button's response_url to replace the card; submitted after it expired,
// the edit was saved and confirmed nowhere. It is confirmed by DM.
func TestCardModalSubmittedAfterExpiryConfirmsByDM(t *testing.T) {
	h := newHarness(t, hopts{})
	card := h.say("U0BOB", "/deal", "add Hooli 20k stage:qualified").Msgs[0]
	edit := findButton(t, card, "deal.edit")
	from := h.emu.Len()
	press := h.emu.BlockAction("U0BOB", slacktest.Container{Channel: chanGeneral, IsEphemeral: true, MessageTS: "1.1"},
		slacktest.Action{ActionID: edit.ActionID, BlockID: edit.BlockID, Value: edit.Value})
	h.collect(press)
	v := h.openedModal(from, "U0BOB")

	h.emu.Advance(31 * time.Minute) // the user came back from lunch
	id, err := h.emu.SubmitView("U0BOB", v.ID, map[string]string{"amount": "22k"})
	if err != nil {
		t.Fatal(err)
	}
	h.collect(id)
	if d := h.deal(t, "D-1"); d.Amount != 2200000 {
		t.Fatalf("amount after edit = %v", d.Amount)
	}
	for _, r := range h.emu.Responses(press) {
		if r.OK {
			t.Fatalf("an expired response_url took a post: %+v", r)
		}
	}
	dm := h.emu.History("U0BOB")
	if len(dm) == 0 || !strings.Contains(dm[len(dm)-1].Text, "Hooli") || !strings.Contains(dm[len(dm)-1].Text, "$22,000") {
		t.Fatalf("the edit was not confirmed by DM: %+v", dm)
	}
	t.Logf("DM: %s", dm[len(dm)-1].Text)
	h.noInvalid()
}
