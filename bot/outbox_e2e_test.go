package bot_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/slacktest"
)

// Slack posted the win but its answer was lost, and the history the retry
// reads to find that post is rate limited. conversations.history is a
// Tier 3 method ("Tier 3: 50+ per minute",
// docs.slack.dev/reference/methods/conversations.history) and a limited
// call answers HTTP 429 with Retry-After (docs.slack.dev/apis/web-api/rate-limits).
// An unreadable history is "unknown", not "not posted": the worker waits
// and checks again instead of posting a second time.
func TestWinPostAnswerLostWhileHistoryRateLimitedPostsOnce(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.emu.FailAfter("chat.postMessage", 1, http.StatusInternalServerError)
	h.emu.RateLimit("conversations.history", 3, time.Second)
	h.say("U0BOB", "/deal", "won D-1")
	if _, err := h.emu.AwaitCall(h.ctx(), "reactions.add", func(c *slacktest.Call) bool { return c.OK }); err != nil {
		t.Fatal(err)
	}
	h.idle()
	if wins := h.wins(); len(wins) != 1 {
		t.Fatalf("%d win posts, want 1", len(wins))
	}
	var limited, read int
	var last time.Time
	for _, c := range h.emu.Calls("conversations.history") {
		switch {
		case c.Fault == "429":
			limited++
		case c.OK:
			read++
		}
	}
	for _, r := range h.emu.Since(0) {
		if r.Kind == slacktest.KindCall && r.Call.Method == "conversations.history" {
			if !last.IsZero() && r.At.Sub(last) < 900*time.Millisecond {
				t.Errorf("history asked again %v after a 429 with Retry-After: 1", r.At.Sub(last))
			}
			last = r.At
		}
	}
	if limited != 3 || read != 1 {
		t.Fatalf("history: %d rate limited, %d read; want 3 and 1", limited, read)
	}
}

// A refused token (HTTP 401 here; invalid_auth, token_revoked,
// account_inactive and not_authed alike) will refuse every post after
// it: the outbox stops with one log line, /healthz fails through
// the outbox's Health, and the queued posts stay for the restart that follows
// a token fix, instead of being dropped as undeliverable.
func TestOutboxStopsOnRefusedTokenAndKeepsPosts(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.say("U0BOB", "/deal", "add Beta 7k")
	h.emu.Fail("chat.postMessage", 10, http.StatusUnauthorized, 0)
	h.say("U0BOB", "/deal", "won D-1")
	h.say("U0BOB", "/deal", "won D-2") // queued while stopped
	if err := h.out.Health(); err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("Health = %v, want the refusal", err)
	}
	if n := len(h.emu.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("chat.postMessage called %d times after a 401, want 1", n)
	}
	if pending, _ := h.db.Pending(context.Background()); len(pending) != 2 {
		t.Fatalf("pending after the refusal = %d, want 2 (kept)", len(pending))
	}
	if n := strings.Count(h.logs.String(), "Slack refused the bot token"); n != 1 {
		t.Fatalf("%d log lines about the refused token, want 1:\n%s", n, h.logs.String())
	}
	h.shutdown()

	h.emu.ClearFaults()
	h2 := newHarness(t, hopts{db: h.db, emu: h.emu})
	h2.idle()
	if err := h2.out.Health(); err != nil {
		t.Fatalf("Health after restart = %v", err)
	}
	if wins := h2.wins(); len(wins) != 2 {
		t.Fatalf("%d win posts after restart, want 2", len(wins))
	}
}
