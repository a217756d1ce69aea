package bot_test

import (
	"strings"
	"testing"
)

// /leaderboard through Slack: ties share a rank, the caller's place, a
// manager without a quota is not ranked, bad input says the right form;
// and /salesbot celebrations off announces a win by name only.
func TestLeaderboardEndToEnd(t *testing.T) {
	h := newHarness(t, hopts{})
	h.mustContain(h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager"), "manager")
	for _, d := range []struct{ user, account, amount string }{
		{"U0BOB", "Acme", "10k"}, {"U0CAROL", "Globex", "10k"}, {"U0ALICE", "Initech", "90k"},
	} {
		h.mustContain(h.say(d.user, "/deal", "add "+d.account+" "+d.amount), "Logged")
	}
	h.mustContain(h.say("U0BOB", "/deal", "won D-1"), "won")
	h.mustContain(h.say("U0CAROL", "/deal", "won D-2"), "won")
	h.mustContain(h.say("U0ALICE", "/deal", "won D-3"), "won")

	// dan mutes celebrations, then wins: announced by name, no mention,
	// no reaction, no milestone (it is his first win of the month).
	h.mustContain(h.say("U0DAN", "/salesbot", "celebrations off"), "Logged", "by name only")
	h.mustContain(h.say("U0DAN", "/salesbot", "whoami"), "Celebrations are off")
	h.mustContain(h.say("U0DAN", "/deal", "add Umbrella 5k"), "D-4")
	reactions := len(h.emu.Calls("reactions.add"))
	h.mustContain(h.say("U0DAN", "/deal", "won D-4"), "won")
	w := h.wins()
	if len(w) != 4 {
		t.Fatalf("%d win posts, want 4", len(w))
	}
	muted := plainJSON(w[3].Blocks)
	if strings.Contains(muted, "<@U0DAN>") || strings.Contains(muted, "First win") || !strings.Contains(muted, "Umbrella") || !strings.Contains(muted, "$5,000.00") {
		t.Errorf("a muted win post: %s", muted)
	}
	if n := len(h.emu.Calls("reactions.add")); n != reactions {
		t.Errorf("a muted win got a reaction (%d → %d)", reactions, n)
	}
	if first := plainJSON(w[0].Blocks); !strings.Contains(first, "<@U0BOB>") || !strings.Contains(first, "First win") {
		t.Errorf("bob's win post: %s", first)
	}

	// bob and carol tie at #1 (same medal), dan is #3; alice, a manager
	// without a quota, is not ranked for all her 90k.
	board := h.say("U0DAN", "/leaderboard", "")
	h.mustContain(board, "Leaderboard", " · won", "You are #3 of 3")
	txt := board.text()
	if strings.Count(txt, ":first_place_medal:") != 2 || !strings.Contains(txt, ":third_place_medal:") || strings.Contains(txt, "$90k") {
		t.Errorf("/leaderboard: %s", txt)
	}
	h.mustContain(h.say("U0ALICE", "/leaderboard", "deals"), "managers are ranked only with a quota")
	h.mustContain(h.say("U0BOB", "/leaderboard", "attainment"), "Nobody has a quota")
	h.mustContain(h.say("U0ALICE", "/goal", "set <@U0BOB|bob> 20k month"), "bob")
	h.mustContain(h.say("U0BOB", "/leaderboard", "month attainment"), "You are #1 of 1", "50%", "2 reps with wins have no quota")

	// Bad input: the right form, nothing written.
	h.mustContain(h.say("U0BOB", "/leaderboard", "wins2"), "nor a ranking (won, deals, attainment, activities)", "/leaderboard [period] [won|deals|attainment|activities]")
	h.mustContain(h.say("U0BOB", "/leaderboard", "2026-13"), "is not valid")
	h.mustContain(h.say("U0BOB", "/salesbot", "celebrations maybe"), "is not on or off", "/salesbot celebrations on|off")

	// Back on: the next win mentions him again.
	h.mustContain(h.say("U0DAN", "/salesbot", "celebrations on"), "Logged")
	h.mustContain(h.say("U0DAN", "/deal", "add Hooli 1k"), "D-5")
	h.mustContain(h.say("U0DAN", "/deal", "won D-5"), "won")
	if w := h.wins(); len(w) != 5 || !strings.Contains(plainJSON(w[4].Blocks), "<@U0DAN>") {
		t.Errorf("unmuted win post: %d posts, last %s", len(w), plainJSON(w[len(w)-1].Blocks))
	}
	h.noInvalid()
}
