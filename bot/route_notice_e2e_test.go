package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// A routed digest whose channel refuses it for good (the bot was removed:
// not_in_channel; the channel archived: is_archived; both in
// https://api.slack.com/methods/chat.postMessage#errors) used to be tried
// three times and dropped with only a log line. Now it is dropped at the
// first refusal and the route's owner is told by DM, once, with the fix:
// the team's manager for a team digest, the admins for the company's.
func TestRefusedDigestRouteTellsItsOwner(t *testing.T) {
	const teamChan = "C0TEAMALICE"
	chans := botChannels()
	chans[teamChan] = "team-alice"
	emu := slacktest.New(slacktest.Options{Users: team, Channels: chans})
	t.Cleanup(emu.Close)
	h := newHarness(t, hopts{emu: emu, digests: func(db *storage.DB, out *outbox.Outbox) commands.Digests {
		dg, err := digest.New(digest.Config{Store: db, Poster: bot.NewDigestPoster(out).WithRouteOwners(db, []string{"U0ERIN"}),
			Locale: sales.Locale{Loc: time.UTC}, Channel: digestChan})
		if err != nil {
			t.Fatal(err)
		}
		return dg
	}})
	h.mustContain(h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager"), "Logged")
	h.mustContain(h.say("U0ERIN", "/salesbot", "manager <@U0BOB|bob> <@U0ALICE|alice>"), "Logged")
	h.mustContain(h.say("U0BOB", "/deal", "add Acme 5k"), "Logged")
	h.mustContain(h.say("U0ERIN", "/salesbot", "digest route <@U0ALICE|alice> <#"+teamChan+"|team-alice>"), "Logged")

	emu.Kick(teamChan)
	emu.Archive(digestChan)
	for round := 0; round < 2; round++ {
		h.mustContain(h.say("U0ERIN", "/salesbot", "digest now"), "Posting the digest now.")
		h.idle()
	}

	tries := map[string]int{}
	for _, c := range emu.Calls("chat.postMessage") {
		tries[c.Form.Get("channel")+" "+c.Error]++
	}
	// Two digests now, each refused once: no retries of a refusal.
	if tries[teamChan+" not_in_channel"] != 2 || tries[digestChan+" is_archived"] != 2 {
		t.Fatalf("post attempts = %v, want each refused digest tried once", tries)
	}
	told := func(user string) []string {
		var out []string
		for _, m := range emu.History(user) {
			if strings.Contains(m.Text, "could not be posted") {
				out = append(out, m.Text)
			}
		}
		return out
	}
	alice, erin := told("U0ALICE"), told("U0ERIN")
	if len(alice) != 2 || !strings.Contains(alice[0], "salesbot is not in that channel. Invite @salesbot to <#"+teamChan+">") ||
		!strings.Contains(alice[0], "/salesbot digest route <@U0ALICE> none") {
		t.Fatalf("alice (team route) was told %q", alice)
	}
	if len(erin) != 2 || !strings.Contains(erin[0], "<#"+digestChan+">: the channel is archived") ||
		!strings.Contains(erin[0], "/salesbot digest route #channel") {
		t.Fatalf("erin (admin, company digest) was told %q", erin)
	}
	for _, u := range []string{"U0BOB", "U0CAROL"} {
		if got := told(u); len(got) != 0 {
			t.Fatalf("%s, who owns no route, was told %q", u, got)
		}
	}
	h.noInvalid()
}
