package bot

import (
	"context"
	"testing"
)

func TestWritesClassification(t *testing.T) {
	b := &Bot{}
	tests := []struct {
		cmd, text string
		want      bool
	}{
		{"/deal", "add Acme 5k", true}, {"/deal", "new Acme 5k", true}, {"/deal", "won D-1", true},
		{"/deal", "lost D-1 reason", true}, {"/deal", "stage D-1 won", true}, {"/deal", "advance D-1", true},
		{"/deal", "snooze D-1", true}, {"/deal", "close D-1 +7d", true}, {"/deal", "set D-1 amount:5k", true},
		{"/deal", "", false}, {"/deal", "list", false}, {"/deal", "show D-1", false}, {"/deal", "edit D-1", false},
		{"/deal", "gibberish", false}, {"/goal", "", false}, {"/goal", "<@U1>", false}, {"/goal", "set <@U1> 5k", true},
		{"/goal", "team", false}, {"/pipeline", "team", false}, {"/territory", "list", false}, {"/territory", "", false},
		{"/territory", "add EMEA", true}, {"/salesbot", "help", false}, {"/salesbot", "role <@U1> admin", true},
		{"/salesbot", "digest now", true}, {"/salesbot", "nudges off", true}, {"/DEAL", "ADD x 1", true},
	}
	for _, tc := range tests {
		if got := b.writes(context.Background(), tc.cmd, tc.text); got != tc.want {
			t.Errorf("writes(%s %s) = %v, want %v", tc.cmd, tc.text, got, tc.want)
		}
	}
}
