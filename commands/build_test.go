package commands_test

import (
	"reflect"
	"testing"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// TestBuiltCommands runs each command the bot builds for a button or a
// modal, and the text the bot used to assemble for it, on two copies of
// one database: replies, errors and what is stored must be the same.
func TestBuiltCommands(t *testing.T) {
	template := seededDB(t)
	const id = sales.DealID(40)
	cases := []struct {
		name  string
		build func(*commands.Service) commands.Cmd
		text  string
	}{
		{"advance", func(*commands.Service) commands.Cmd { return commands.AdvanceCmd(id) }, "advance D-40"},
		{"won", func(*commands.Service) commands.Cmd { return commands.WonCmd(id) }, "won D-40"},
		{"edit", func(*commands.Service) commands.Cmd { return commands.EditCmd(id) }, "edit D-40"},
		{"reopen", func(*commands.Service) commands.Cmd { return commands.DealCmd("reopen", id) }, "reopen D-40"},
		{"snooze", func(s *commands.Service) commands.Cmd { return s.SnoozeCmd(id, 7) }, "snooze D-40 7d"},
		{"push", func(s *commands.Service) commands.Cmd { return s.PushCmd(id, 7) }, "close D-40 +7d"},
		{"stage", func(*commands.Service) commands.Cmd { return commands.StageCmd(id, "proposal") }, "stage D-40 proposal"},
		{"forecast", func(*commands.Service) commands.Cmd { return commands.ForecastCmd(id, sales.ForecastCommit) }, "set D-40 forecast:commit"},
		{"forecast default", func(*commands.Service) commands.Cmd { return commands.ForecastCmd(id, 0) }, "set D-40 forecast:default"},
		{"stage unknown", func(*commands.Service) commands.Cmd { return commands.StageCmd(id, "Pitch") }, "stage D-40 Pitch"},
		{"lost", func(*commands.Service) commands.Cmd { return commands.LostCmd(id, " no budget\nthis year ") }, "lost D-40 no budget this year"},
		{"lost no reason", func(*commands.Service) commands.Cmd { return commands.LostCmd(id, "\n") }, "lost D-40"},
		{"missing deal", func(*commands.Service) commands.Cmd { return commands.WonCmd(999) }, "won D-999"},
		{"next done", func(*commands.Service) commands.Cmd { return commands.NextDoneCmd(id) }, "next D-40 done"},
		{"next push", func(*commands.Service) commands.Cmd { return commands.NextPushCmd(id, 7) }, "next D-40 push:1w"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			built, typed := envAt(t, template), envAt(t, template)
			for _, user := range []string{bob, alice} { // the owner, then someone who may not
				c := tc.build(built.svc)
				if got := c.Writes(); got != commands.Writes("/deal", tc.text) {
					t.Errorf("%s: Cmd.Writes %v, Writes(text) %v", tc.text, got, !got)
				}
				bres, berr := built.svc.Run(built.ctx, built.req(user, "/deal", ""), c)
				tres, terr := typed.do(user, "/deal", tc.text)
				if sales.ErrorMessage(berr) != sales.ErrorMessage(terr) || sales.ErrorCode(berr) != sales.ErrorCode(terr) {
					t.Errorf("%s as %s: built error %v, typed error %v", tc.text, user, berr, terr)
				}
				if !reflect.DeepEqual(bres, tres) {
					t.Errorf("%s as %s: built reply\n%+v\ntyped reply\n%+v", tc.text, user, bres, tres)
				}
				if b, ty := built.snapshot(), typed.snapshot(); !reflect.DeepEqual(b, ty) {
					t.Errorf("%s as %s: the databases differ:\nbuilt %+v\ntyped %+v", tc.text, user, b, ty)
				}
			}
		})
	}
}
