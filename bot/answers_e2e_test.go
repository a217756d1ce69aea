package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/sales"
)

// A few seconds of 5xx on both the response_url and chat.postEphemeral
// used to exhaust the reply's few tries: the deal was stored, nobody was
// told, and the journal entry was cleared anyway. The answer is now
// retried with backoff while the response_url lives (30 minutes and 5
// posts, docs.slack.dev/interactivity/handling-user-interaction) and the
// entry is kept until it goes out.
func TestLoggedAnswerOutlivesAShortSlackOutage(t *testing.T) {
	h := newHarness(t, hopts{})
	h.emu.Fail("response_url", 5, http.StatusServiceUnavailable, 0)
	h.emu.Fail("chat.postEphemeral", 5, http.StatusServiceUnavailable, 0)
	r := h.say("U0BOB", "/deal", "add Acme 5k")
	h.mustContain(r, "Logged D-1: Acme")
	if len(r.Msgs) != 1 || !r.Msgs[0].ReplaceOriginal {
		t.Fatalf("the answer did not replace the Logging line: %+v", r.Msgs)
	}
	h.shutdown()
	if j, err := h.db.Journal(context.Background()); err != nil || len(j) != 0 {
		t.Fatalf("journal after the answer went out: %+v %v", j, err)
	}
}

// Slack stays down until the bot stops: the unanswered entry stays in the
// journal and the next start answers it.
func TestLoggedAnswerOwedAcrossRestartDuringOutage(t *testing.T) {
	h := newHarness(t, hopts{})
	h.emu.Fail("response_url", 1000, http.StatusServiceUnavailable, 0)
	h.emu.Fail("chat.postEphemeral", 1000, http.StatusServiceUnavailable, 0)
	id := h.emu.SlashCommand("U0BOB", chanGeneral, "/deal", "add Acme 5k")
	if _, err := h.emu.AwaitCall(h.ctx(), "chat.postEphemeral", func(c *slacktest.Call) bool { return c.Fault == "503" }); err != nil {
		t.Fatal(err)
	}
	h.shutdown()
	j, err := h.db.Journal(context.Background())
	if err != nil || len(j) != 1 || j[0].Key != id || j[0].Pending {
		t.Fatalf("journal after stopping mid-outage: %+v %v", j, err)
	}

	h.emu.ClearFaults()
	h2 := newHarness(t, hopts{db: h.db, emu: h.emu})
	resp, err := h2.emu.AwaitResponse(h2.ctx(), id, func(r *slacktest.Response) bool { return r.OK })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resp.Msg.Text, "Logged D-1: Acme") || !resp.Msg.ReplaceOriginal {
		t.Fatalf("late answer = %+v", resp.Msg)
	}
	h2.idle()
	if n := len(h2.deals(t)); n != 1 {
		t.Fatalf("%d deals, want 1", n)
	}
}

// The response_url is gone and the channel refuses ephemeral messages:
// the answer comes by DM.
func TestLoggedAnswerFallsBackToDM(t *testing.T) {
	h := newHarness(t, hopts{})
	h.emu.Fail("response_url", 1, http.StatusNotFound, 0)
	h.emu.Fail("chat.postEphemeral", 1, http.StatusForbidden, 0)
	h.say("U0BOB", "/deal", "add Acme 5k")
	dm := h.emu.History("U0BOB")
	if len(dm) != 1 || !strings.HasPrefix(dm[0].Text, "Logged D-1: Acme") {
		t.Fatalf("DMs to bob = %+v", dm)
	}
}

// journalAs records a journal entry the way a process that died would
// have left it.
func journalAs(t *testing.T, h *harness, key, text, respURL string, pending bool) {
	t.Helper()
	entry, _ := json.Marshal(map[string]any{"command": "/deal", "text": text, "user": "U0BOB", "user_name": "bob",
		"channel": chanGeneral, "response_url": respURL, "received": time.Now().Add(-time.Minute)})
	j := sales.Journal{Key: key, Entry: entry, Pending: pending}
	if _, err := h.db.MarkEnvelope(sales.WithJournal(context.Background(), j), key); err != nil {
		t.Fatal(err)
	}
}

// A write is acked at once with a "Logging…" line, and its envelope mark
// commits a pending journal entry. A process that dies after the mark and
// before the write's commit leaves that entry; the next start replaces
// the line (replace_original on the response_url: docs.slack.dev/
// interactivity/handling-user-interaction) with "not saved, please run it
// again", and does not run the command behind the user's back.
func TestAckedButUncommittedWriteIsAnsweredNotSaved(t *testing.T) {
	h := newHarness(t, hopts{})
	first := h.say("U0BOB", "/deal", "add Acme 5k")
	if first.Ack.Msg == nil || !strings.Contains(first.Ack.Msg.Text, "Logging `/deal add Acme 5k`") {
		t.Fatalf("write ack = %+v, want a Logging line", first.Ack.Msg)
	}
	url := h.emu.Responses(first.EnvelopeID)[0].URL
	h.shutdown()
	journalAs(t, h, "env-dead-1", "add Ghost 9k", url, true)

	h2 := newHarness(t, hopts{db: h.db, emu: h.emu})
	resp, err := h2.emu.AwaitResponse(h2.ctx(), first.EnvelopeID, func(r *slacktest.Response) bool {
		return r.OK && strings.Contains(r.Msg.Text, "Ghost")
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resp.Msg.Text, "Not saved: salesbot restarted before it could log `/deal add Ghost 9k`") ||
		!strings.Contains(resp.Msg.Text, "please run it again") || !resp.Msg.ReplaceOriginal {
		t.Fatalf("answer to the unsaved command = %+v", resp.Msg)
	}
	h2.idle()
	if deals := h2.deals(t); len(deals) != 1 || deals[0].Account != "Acme" {
		t.Fatalf("deals = %+v, want only Acme", deals)
	}
	h2.noInvalid()
	h2.shutdown()
	if j, _ := h2.db.Journal(context.Background()); len(j) != 0 {
		t.Fatalf("journal after answering = %+v", j)
	}
}

// The process died after its "Logged" went out and before it cleared the
// entry: the next start answers again, and must not claim it could not
// answer before.
func TestRepeatedLateAnswerSaysItMayRepeat(t *testing.T) {
	h := newHarness(t, hopts{})
	first := h.say("U0BOB", "/deal", "add Acme 5k")
	h.mustContain(first, "Logged D-1")
	url := h.emu.Responses(first.EnvelopeID)[0].URL
	h.shutdown()
	journalAs(t, h, first.EnvelopeID, "add Acme 5k", url, false)

	h2 := newHarness(t, hopts{db: h.db, emu: h.emu})
	h2.idle()
	resps := h2.emu.Responses(first.EnvelopeID)
	last := resps[len(resps)-1]
	if len(resps) != 2 || !strings.HasPrefix(last.Msg.Text, "Logged D-1: Acme") {
		t.Fatalf("responses = %+v", resps)
	}
	if strings.Contains(last.Msg.Text, "before it could answer") || !strings.Contains(last.Msg.Text, "you may have seen this already") {
		t.Fatalf("repeated answer = %q", last.Msg.Text)
	}
	if n := len(h2.deals(t)); n != 1 {
		t.Fatalf("%d deals, want 1", n)
	}
}
