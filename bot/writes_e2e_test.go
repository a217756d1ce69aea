package bot_test

import (
	"strings"
	"testing"
)

// Whether a command is acked with the "Logging…" line (and journaled) or
// answered in the ack comes from the form table, not from a list kept in
// the bot: "/salesbot stage add" writes (it was answered in the ack with
// no journal because the read form "stages" has the alias "stage"), and
// "/salesbot digest" only reads (it showed "Logging… if this line stays,
// it was not saved").
func TestAckPolicyFollowsTheFormTable(t *testing.T) {
	h := newHarness(t, hopts{})
	for _, tc := range []struct {
		text   string
		writes bool
	}{
		{"stage add Demo 30% after:Qualified", true},
		{"stage set Demo stale:9", true},
		{"stage remove Demo", true},
		{"digest", false},
		{"stages", false},
		{"whoami", false},
	} {
		r := h.say("U0ERIN", "/salesbot", tc.text)
		logging := r.Ack.Msg != nil && strings.Contains(r.Ack.Msg.Text, "Logging `/salesbot "+tc.text+"`")
		if logging != tc.writes {
			t.Errorf("/salesbot %s: ack %+v, want a Logging line: %v", tc.text, r.Ack.Msg, tc.writes)
		}
		if len(r.Msgs) == 0 || strings.Contains(r.Msgs[len(r.Msgs)-1].Text, "Logging") {
			t.Errorf("/salesbot %s: no answer replaced the ack: %+v", tc.text, r.Msgs)
		}
	}
}
