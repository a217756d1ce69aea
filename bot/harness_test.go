package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// The demo team: ids follow PLAN.md's seed contract.
var team = []slacktest.User{
	{ID: "U0ALICE", Name: "alice", RealName: "Alice Anders", TZ: "Europe/Berlin"},
	{ID: "U0BOB", Name: "bob", RealName: "Bob Baker", TZ: "America/New_York"},
	{ID: "U0CAROL", Name: "carol", RealName: "Carol Chen", TZ: "Asia/Singapore"},
	{ID: "U0DAN", Name: "dan", RealName: "Dan Diaz"},
	{ID: "U0ERIN", Name: "erin", RealName: "Erin Evans", IsAdmin: true, IsOwner: true},
}

const (
	winsChannel = "C0WINS"
	chanGeneral = slacktest.DefaultChannel
)

// harness is the real bot on a real bbolt file talking to the emulator
// over a real WebSocket through the unmodified slack-go client.
type harness struct {
	t    *testing.T
	tctx context.Context // the test's own deadline (testCtx)
	emu  *slacktest.Server
	db   *storage.DB
	out  *outbox.Outbox
	bot  *bot.Bot
	stop context.CancelFunc
	done chan error
	logs *lockedBuffer
}

type hopts struct {
	db  *storage.DB
	emu *slacktest.Server
	cfg func(*bot.Config)
	// digests builds what "/salesbot digest" reaches, on the file and the
	// outbox the bot will post through (as app wires it); nil = none.
	digests func(*storage.DB, *outbox.Outbox) commands.Digests
}

// botChannels are the channels the bot was invited to in the emulated
// workspace; it can post nowhere else.
func botChannels() map[string]string {
	return map[string]string{winsChannel: "wins", chanGeneral: "general", digestChan: "sales-digest"}
}

func newHarness(t *testing.T, o hopts) *harness {
	t.Helper()
	h := &harness{t: t, tctx: testCtx(t), emu: o.emu, db: o.db, logs: &lockedBuffer{}}
	if h.emu == nil {
		h.emu = slacktest.New(slacktest.Options{Users: team, Channels: botChannels()})
		t.Cleanup(h.emu.Close)
	}
	if h.db == nil {
		h.db = storagetest.MustOpenPath(t, filepath.Join(t.TempDir(), "salesbot.db"), storage.Options{})
	}
	h.start(o)
	return h
}

// start wires the stack as app does: outbox, digest, commands, bot.
func (h *harness) start(o hopts) {
	h.t.Helper()
	logger := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := bot.Config{
		AppToken: h.emu.AppToken(), BotToken: h.emu.BotToken(), APIURL: h.emu.APIURL(),
		WinsChannel: winsChannel, Locale: sales.Locale{Loc: time.UTC, Currency: sales.DefaultCurrency}, Logger: logger,
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	h.out = outbox.New(outbox.Config{Locale: cfg.Locale, Logger: logger}, h.db)
	var dg commands.Digests
	if o.digests != nil {
		dg = o.digests(h.db, h.out)
	}
	svc := commands.New(h.db, commands.Config{Admins: []string{"U0ERIN"}, Locale: cfg.Locale, Logger: logger, Digests: dg,
		Channels: bot.NewChannels(cfg)})
	h.bot = bot.New(cfg, svc, h.db, h.out)
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- h.bot.Run(ctx) }()
	h.t.Cleanup(h.shutdown)
	wait := h.ctx()
	select {
	case <-h.bot.Ready():
	case err := <-h.done:
		h.stop = nil
		h.t.Fatalf("bot stopped before connecting: %v", err)
	case <-wait.Done():
		h.t.Fatalf("bot did not connect: %v", wait.Err())
	}
}

// shutdown stops the bot as SIGTERM would and checks it returned nil.
func (h *harness) shutdown() {
	if h.stop == nil {
		return
	}
	h.stop()
	h.stop = nil
	// Run's own drain is bounded (DrainTimeout, 10s by default).
	wait, cancel := context.WithTimeout(h.tctx, 20*time.Second)
	defer cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run returned %v", err)
		}
	case <-wait.Done():
		h.t.Errorf("bot did not stop: %v", wait.Err())
		return
	}
	// Every frame the bot wrote before closing its socket has been read
	// and recorded once the emulator has seen the socket close.
	if err := h.emu.AwaitSocketsClosed(wait); err != nil {
		h.t.Errorf("the emulator never saw the bot's socket close: %v", err)
	}
	if out := h.logs.String(); strings.Contains(out, h.emu.BotToken()) || strings.Contains(out, h.emu.AppToken()) {
		h.t.Error("a token appeared in the logs")
	}
}

// ctx bounds one wait: 20 seconds, and never past the test's deadline.
func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(h.tctx, 20*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// testBudget is each end-to-end test's own deadline. Every wait in a test
// derives its context from it; a watchdog fails the run with every
// goroutine's stack shortly after it passes, so a stuck test fails in
// minutes with its name instead of hanging the suite until -timeout.
const testBudget = 2 * time.Minute

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testBudget)
	name := t.Name()
	const grace = 30 * time.Second // for cleanups (shutdown) after the deadline
	dog := time.AfterFunc(testBudget+grace, func() {
		debug.SetTraceback("all")
		panic(fmt.Sprintf("%s is stuck: still running %v after its %v deadline", name, grace, testBudget))
	})
	t.Cleanup(func() {
		dog.Stop()
		cancel()
	})
	return ctx
}

func (h *harness) idle() {
	h.t.Helper()
	if err := h.bot.WaitIdle(h.ctx()); err != nil {
		h.t.Fatalf("bot never went idle: %v", err)
	}
}

// reply is what a user saw in answer to an envelope: the ack payload or
// the response_url posts.
type reply struct {
	EnvelopeID string
	Ack        slacktest.Ack
	Msgs       []slacktest.Msg
}

func (r reply) text() string {
	var b strings.Builder
	for _, m := range r.Msgs {
		b.WriteString(m.Text)
		b.WriteByte('\n')
		b.WriteString(plainJSON(m.Blocks))
		b.WriteByte('\n')
	}
	return b.String()
}

// plainJSON re-encodes JSON without Go's \u003c escaping, so tests see
// the characters Slack would see.
func plainJSON(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}

// say runs "/command text" as user and returns the reply once the bot
// is idle again.
func (h *harness) say(user, command, text string) reply {
	h.t.Helper()
	id := h.emu.SlashCommand(user, chanGeneral, command, text)
	return h.collect(id)
}

func (h *harness) collect(id string) reply {
	h.t.Helper()
	ack, err := h.emu.AwaitAck(h.ctx(), id)
	if err != nil {
		h.t.Fatalf("no ack for %s: %v", id, err)
	}
	if ack.Latency > 3*time.Second {
		h.t.Errorf("ack of %s took %v", id, ack.Latency)
	}
	h.idle()
	r := reply{EnvelopeID: id, Ack: ack}
	if ack.Msg != nil {
		r.Msgs = append(r.Msgs, *ack.Msg)
	}
	for _, resp := range h.emu.Responses(id) {
		if !resp.OK {
			continue
		}
		// replace_original takes the place of the message shown last,
		// as on screen (a write's "Logging…" ack line).
		if resp.Msg.ReplaceOriginal && len(r.Msgs) > 0 {
			r.Msgs[len(r.Msgs)-1] = resp.Msg
			continue
		}
		r.Msgs = append(r.Msgs, resp.Msg)
	}
	return r
}

var dealIDRe = func(s string) string {
	i := strings.Index(s, "D-")
	if i < 0 {
		return ""
	}
	j := i + 2
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return s[i:j]
}

func (h *harness) mustContain(r reply, want ...string) {
	h.t.Helper()
	txt := r.text()
	for _, w := range want {
		if !strings.Contains(txt, w) {
			h.t.Fatalf("reply to %s lacks %q:\n%s", r.EnvelopeID, w, txt)
		}
	}
}

func (h *harness) noInvalid() {
	h.t.Helper()
	if probs := h.emu.Invalid(); len(probs) > 0 {
		h.t.Fatalf("Slack would have rejected blocks: %v", probs)
	}
}

// actionsIn returns the (block_id, action_id, value) of each button in a
// message's blocks.
type button struct{ BlockID, ActionID, Value, Text string }

func buttonsIn(blocks json.RawMessage) []button {
	var bs []struct {
		Type      string `json:"type"`
		BlockID   string `json:"block_id"`
		Elements  []json.RawMessage
		Accessory json.RawMessage
	}
	_ = json.Unmarshal(blocks, &bs)
	var out []button
	for _, b := range bs {
		for _, e := range b.Elements {
			var el struct {
				Type     string `json:"type"`
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
				Text     struct{ Text string }
			}
			_ = json.Unmarshal(e, &el)
			if el.Type == "button" {
				out = append(out, button{b.BlockID, el.ActionID, el.Value, el.Text.Text})
			}
		}
	}
	return out
}

func findButton(t *testing.T, m slacktest.Msg, action string) button {
	t.Helper()
	for _, b := range buttonsIn(m.Blocks) {
		if b.ActionID == action {
			return b
		}
	}
	t.Fatalf("no %s button in %s", action, m.Blocks)
	return button{}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ io.Writer = (*lockedBuffer)(nil)

func TestMain(m *testing.M) {
	// The kill -9 test re-executes this binary as a bot process.
	if os.Getenv(childEnv) != "" {
		os.Exit(runChildBot())
	}
	os.Exit(m.Run())
}

func fatalf(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	return 2
}
