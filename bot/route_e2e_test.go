package bot_test

import (
	"testing"

	"github.com/salesbot/salesbot/bot/slacktest"
)

// A digest route to a channel the bot was never invited to used to be
// logged, and every digest sent there was then refused by Slack with
// not_in_channel (https://api.slack.com/methods/chat.postMessage#errors)
// and dropped. The bot now asks conversations.info (is_member,
// https://docs.slack.dev/reference/objects/conversation-object) when the
// route is set, refuses it with what to do, and writes nothing.
func TestRouteToChannelWithoutBotIsRefused(t *testing.T) {
	const outside = "C0ELSEWHERE"
	emu := slacktest.New(slacktest.Options{Users: team, Channels: botChannels(), Outside: map[string]string{outside: "elsewhere"}})
	t.Cleanup(emu.Close)
	h := newHarness(t, hopts{emu: emu})
	h.mustContain(h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager"), "Logged")
	h.mustContain(h.say("U0ERIN", "/territory", "add EMEA"), "Logged")
	alice, err := h.db.PersonBySlackID(h.ctx(), "U0ALICE")
	if err != nil {
		t.Fatal(err)
	}

	const refusal = "salesbot is not in #elsewhere: invite it with /invite @salesbot, then run this again"
	routes := []struct{ command, text string }{
		{"/salesbot", "digest route <#" + outside + "|elsewhere>"},
		{"/salesbot", "digest route <@U0ALICE|alice> <#" + outside + "|elsewhere>"},
		{"/territory", "route EMEA <#" + outside + "|elsewhere>"},
	}
	for _, r := range routes {
		h.mustContain(h.say("U0ERIN", r.command, r.text), refusal)
	}
	// A channel typed as plain text reaches the bot as "#name", with no id
	// to ask conversations.info about: refused with how to link it.
	const unlinked = "salesbot cannot check #elsewhere by its name: type # and pick the channel from the list"
	h.mustContain(h.say("U0ERIN", "/salesbot", "digest route #elsewhere"), unlinked)
	h.mustContain(h.say("U0ERIN", "/territory", "route EMEA #elsewhere"), unlinked)
	routed := func() []string {
		set, err := h.db.DigestChannels(h.ctx())
		if err != nil {
			t.Fatal(err)
		}
		main, team := set.Company, set.Managers[alice.ID]
		emea, err := h.db.TerritoryByName(h.ctx(), "EMEA")
		if err != nil {
			t.Fatal(err)
		}
		return []string{main, team, emea.Channel}
	}
	for i, ch := range routed() {
		if ch != "" {
			t.Errorf("refused route %q was written: %q", routes[i].text, ch)
		}
	}

	// Once invited, the same commands go through.
	emu.Invite(outside)
	for _, r := range routes {
		h.mustContain(h.say("U0ERIN", r.command, r.text), "Logged")
	}
	for i, ch := range routed() {
		if ch != outside {
			t.Errorf("route %q after the invite: %q, want %s", routes[i].text, ch, outside)
		}
	}
}
