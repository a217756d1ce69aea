package bot_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
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

// An app installed without a scope manifest.yaml asks for (here
// chat:write) gets missing_scope on every post
// (https://api.slack.com/methods/chat.postMessage#errors): like a refused
// token, that stops the outbox with one log line and a /healthz failure
// and keeps the posts, instead of dropping each after three tries.
func TestOutboxStopsOnMissingScopeAndKeepsPosts(t *testing.T) {
	var scopes []string
	for _, s := range slacktest.DefaultScopes {
		if s != "chat:write" {
			scopes = append(scopes, s)
		}
	}
	emu := slacktest.New(slacktest.Options{Users: team, Channels: botChannels(), Scopes: scopes})
	t.Cleanup(emu.Close)
	h := newHarness(t, hopts{emu: emu})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.say("U0BOB", "/deal", "add Beta 7k")
	h.say("U0BOB", "/deal", "won D-1")
	h.say("U0BOB", "/deal", "won D-2")
	if err := h.out.Health(); err == nil || !strings.Contains(err.Error(), "lacks the scope chat:write (missing_scope)") || !strings.Contains(err.Error(), "reinstall") {
		t.Fatalf("Health = %v, want the missing scope and the fix", err)
	}
	if n := len(emu.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("chat.postMessage called %d times after missing_scope, want 1", n)
	}
	if pending, _ := h.db.Pending(context.Background()); len(pending) != 2 {
		t.Fatalf("pending after the refusal = %d, want 2 (kept)", len(pending))
	}
	if n := strings.Count(h.logs.String(), "the bot token lacks a scope salesbot needs"); n != 1 {
		t.Fatalf("%d log lines about the missing scope, want 1:\n%s", n, h.logs.String())
	}
}

// A reply whose blocks Slack refuses (invalid_blocks, for a Block Kit
// limit the renderer missed: https://api.slack.com/methods/chat.postMessage#errors
// "invalid_blocks: Blocks submitted with this message are not valid") is
// sent again at once as plain text through the same response_url, so it
// still replaces the "Logging…" line instead of going elsewhere or
// nowhere.
func TestReplyWithRefusedBlocksGoesAsText(t *testing.T) {
	h := newHarness(t, hopts{})
	h.emu.Refuse("response_url", 1, "invalid_blocks")
	r := h.say("U0BOB", "/deal", "add Acme 5k")
	var ok []slacktest.Response
	for _, resp := range h.emu.Responses(r.EnvelopeID) {
		if resp.OK {
			ok = append(ok, resp)
		}
	}
	if len(ok) != 1 || len(ok[0].Msg.Blocks) != 0 && string(ok[0].Msg.Blocks) != "[]" || !ok[0].Msg.ReplaceOriginal || !strings.Contains(ok[0].Msg.Text, "Logged") {
		t.Fatalf("replies = %+v, want one text-only replacement saying Logged", ok)
	}
	if n := len(h.emu.Calls("chat.postEphemeral")) + len(h.emu.Calls("conversations.open")); n != 0 {
		t.Fatalf("%d calls to reply another way", n)
	}
	if !strings.Contains(h.logs.String(), "Slack refused the reply's blocks; sending it as text") {
		t.Fatal("the refusal is not in the logs")
	}
}

// Posts queued while Slack was down go out after a restart without a
// history lookup each: only the one step that was in flight when Slack
// stopped answering (its in-flight marker was recorded before it was
// sent) may already be in Slack, so only it is looked for.
// conversations.history is Tier 3 (docs.slack.dev/reference/methods/
// conversations.history): a lookup per queued post would spend the tier
// on a backlog, and each used to page up to 2,000 messages.
func TestQueuedPostsAfterRestartCheckOnlyTheStepInFlight(t *testing.T) {
	h := newHarness(t, hopts{})
	const n = 6
	for i := 1; i <= n; i++ {
		h.say("U0BOB", "/deal", "add Acme"+strings.Repeat("x", i)+" 5k")
	}
	h.emu.Fail("chat.postMessage", 1000, http.StatusServiceUnavailable, 0)
	for i := 1; i <= n; i++ {
		// Not h.say: the outbox is busy retrying, so the bot is not idle.
		id := h.emu.SlashCommand("U0BOB", chanGeneral, "/deal", "won D-"+string(rune('0'+i)))
		if _, err := h.emu.AwaitResponse(h.ctx(), id, func(r *slacktest.Response) bool { return r.OK }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.emu.AwaitCall(h.ctx(), "chat.postMessage", func(c *slacktest.Call) bool { return c.Fault == "503" }); err != nil {
		t.Fatal(err)
	}
	h.shutdown()
	h.emu.ClearFaults()
	from := h.emu.Len()
	h2 := newHarness(t, hopts{db: h.db, emu: h.emu})
	h2.idle()
	if wins := h2.wins(); len(wins) != n {
		t.Fatalf("%d win posts after the restart, want %d", len(wins), n)
	}
	lookups := 0
	for _, r := range h.emu.Since(from) {
		if r.Kind == slacktest.KindCall && (r.Call.Method == "conversations.history" || r.Call.Method == "conversations.replies") {
			lookups++
		}
	}
	if lookups != 1 {
		t.Fatalf("%d history lookups for %d queued posts, want 1 (the one in flight)", lookups, n)
	}
}

// The DM channel with a user is opened once and reused: the nudge
// fan-out DMs every rep, often more than once a day, and each
// conversations.open is a Web API call against the method's rate limit.
func TestOutboxOpensEachDMChannelOnce(t *testing.T) {
	h := newHarness(t, hopts{})
	for i := 0; i < 3; i++ {
		if err := h.out.Enqueue(h.ctx(), "test-dm:"+string(rune('a'+i)), outbox.Job{Kind: "nudge", Steps: []outbox.Step{
			{Op: outbox.OpDM, Channel: "U0CAROL", Text: "nudge " + string(rune('a'+i))}}}); err != nil {
			t.Fatal(err)
		}
	}
	h.idle()
	if n := len(h.emu.History("U0CAROL")); n != 3 {
		t.Fatalf("%d DMs, want 3", n)
	}
	if n := len(h.emu.Calls("conversations.open")); n != 1 {
		t.Fatalf("conversations.open called %d times for one user, want 1", n)
	}
}

// Nudges go to people who sell: Slack's user object says who is a bot,
// a deactivated account (deleted) or a guest (is_restricted,
// is_ultra_restricted; https://docs.slack.dev/reference/objects/user-object),
// and conversations.open answers user_disabled for a deactivated one. The
// outbox reads users.list once (paged) and skips those DMs instead of
// sending them or failing each three times.
func TestNudgesSkipBotsDeactivatedAndGuests(t *testing.T) {
	users := append([]slacktest.User{}, team...)
	users = append(users,
		slacktest.User{ID: "U0GONE", Name: "gone", Deleted: true},
		slacktest.User{ID: "U0ROBOT", Name: "robot", IsBot: true},
		slacktest.User{ID: "U0GUEST", Name: "guest", Restricted: true},
		slacktest.User{ID: "U0SOLO", Name: "solo", UltraRestricted: true})
	emu := slacktest.New(slacktest.Options{Users: users, Channels: botChannels()})
	t.Cleanup(emu.Close)
	h := newHarness(t, hopts{emu: emu})
	poster := bot.NewDigestPoster(h.out)
	loc := time.UTC
	for _, id := range []string{"U0BOB", "U0GONE", "U0ROBOT", "U0GUEST", "U0SOLO", "U0CAROL"} {
		n := &digest.Nudge{Person: sales.Person{SlackID: id, Name: strings.ToLower(id[2:])}, Now: time.Now(), Loc: loc,
			Currency: sales.DefaultCurrency, NoNewPipeline: true}
		if err := poster.SendNudge(h.ctx(), n, "test:"+id); err != nil {
			t.Fatal(err)
		}
	}
	h.idle()
	for id, want := range map[string]int{"U0BOB": 1, "U0CAROL": 1, "U0GONE": 0, "U0ROBOT": 0, "U0GUEST": 0, "U0SOLO": 0} {
		if got := len(emu.History(id)); got != want {
			t.Errorf("%s got %d nudges, want %d", id, got, want)
		}
	}
	if n := len(emu.Calls("users.list")); n != 1 {
		t.Errorf("users.list called %d times, want 1 for the whole fan-out", n)
	}
	if n := len(emu.Calls("conversations.open")); n != 2 {
		t.Errorf("conversations.open called %d times, want 2 (the two reps)", n)
	}
	if pending, _ := h.db.Pending(h.ctx()); len(pending) != 0 {
		t.Errorf("%d nudges left queued", len(pending))
	}
	h.noInvalid()
}
