package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// A write whose reply never went out (the process died after the commit)
// is answered by the next start: by DM once its response_url has expired
// (a response_url lives 30 minutes, docs.slack.dev/interactivity/
// handling-user-interaction), and not at all once it is a day old.
func TestUnansweredWritesAreAnsweredAfterRestart(t *testing.T) {
	db := storagetest.MustOpenPath(t, filepath.Join(t.TempDir(), "j.db"), storage.Options{})
	ctx := context.Background()
	journal := func(key, text string, age time.Duration) {
		t.Helper()
		entry, _ := json.Marshal(map[string]any{"command": "/deal", "text": text, "user": "U0ALICE", "user_name": "alice",
			"channel": chanGeneral, "response_url": "http://127.0.0.1:1/expired", "received": time.Now().Add(-age)})
		jctx := sales.WithJournal(ctx, sales.Journal{Key: key, Entry: entry})
		if err := db.SetSetting(jctx, "test.touch", key); err != nil {
			t.Fatal(err)
		}
	}
	journal("Ehours", "add LateCo 5k", 2*time.Hour)
	journal("Edays", "add AncientCo 9k", 72*time.Hour)

	// Slack fails the first try of the late answer; it is tried again.
	emu := slacktest.New(slacktest.Options{Users: team, Channels: botChannels()})
	t.Cleanup(emu.Close)
	emu.Fail("chat.postMessage", 1, http.StatusServiceUnavailable, 0)
	h := newHarness(t, hopts{db: db, emu: emu})
	call, err := h.emu.AwaitCall(h.ctx(), "chat.postMessage", func(c *slacktest.Call) bool {
		return c.OK && c.Msg != nil && strings.Contains(c.Msg.Text, "LateCo")
	})
	if err != nil {
		t.Fatal(err)
	}
	if slacktest.DMUser(call.Form.Get("channel")) != "U0ALICE" || !strings.HasPrefix(call.Msg.Text, "Logged D-1: LateCo") ||
		!strings.Contains(call.Msg.Text, "salesbot restarted while answering `/deal add LateCo 5k`, so you may have seen this already") {
		t.Fatalf("late answer: %+v %q", call.Form, call.Msg.Text)
	}
	if n := len(h.emu.Calls("chat.postEphemeral")); n != 0 {
		t.Fatalf("%d ephemeral answers past the response_url's life, want only the DM", n)
	}
	h.idle()
	deals := h.deals(t)
	if len(deals) != 1 || deals[0].Account != "LateCo" {
		t.Fatalf("deals after the late answers: %+v", deals)
	}
	h.noInvalid()
	h.shutdown()
	if j, err := db.Journal(ctx); err != nil || len(j) != 0 {
		t.Fatalf("journal after answering: %v %v", j, err)
	}
	if !strings.Contains(h.logs.String(), "unanswered command too old to answer") {
		t.Error("the day-old command was dropped without a log line")
	}
}
