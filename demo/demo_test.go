package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/demo"
	"github.com/salesbot/salesbot/storage"
)

func runDemo(t *testing.T, script string, args ...string) (string, int) {
	t.Helper()
	var out, errw bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if !slices.Contains(args, "--charts") {
		args = append(args, "--charts", t.TempDir()) // not the shared temporary directory
	}
	code := demo.Main(ctx, args, strings.NewReader(script), &out, &errw)
	if errw.Len() > 0 {
		t.Logf("stderr: %s", errw.String())
	}
	return out.String(), code
}

func TestDemoPiped(t *testing.T) {
	out, code := runDemo(t, "/deal add Acme 5k\n")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"You are @alice (a rep) in #general. Admin: @erin. Managers: none yet",
		"alice> /deal add Acme 5k", "Logged D-1", "Acme", "[1] Advance → Qualified", "[2] Won"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDemoFlows(t *testing.T) {
	script := strings.Join([]string{
		"/deal add Acme 5k",
		"2", // Won
		"/deal",
		"account=Globex Corp",
		"amount=lots",
		"/submit",
		"/submit amount=12k stage=Qualified",
		"/as @bob",
		"/deal add \"<!channel> & Co\" 1k",
		"/home",
		"/as @erin",
		"/salesbot role @alice manager",
		"/as @alice",
		"/goal set @bob 50k",
		"/pipeline",
		"/digest",
		"/nope",
		"7",
		"",
	}, "\n")
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	out, code := runDemo(t, script, "--db", db)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"#wins · salesbot:", "just won Acme", "(salesbot reacted :tada:)", // the win celebration
		"┌─ Log a deal", "✗ amount:", "Logged D-2: Globex Corp", // the modal with a field error
		"you are now @bob", "<!channel> & Co", // user text shown as typed, not as a ping
		"App Home of @bob", "Log a deal",
		"alice is now a manager", "Pipeline",
		"unknown command /nope",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
	// --db keeps the data.
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.CountDeals(context.Background()); n != 3 {
		t.Fatalf("deals kept = %d", n)
	}
}

func TestDemoSeed(t *testing.T) {
	charts := t.TempDir()
	out, code := runDemo(t, "/deal list\n/as @erin\n/digest\n/territory route EMEA #sales-emea\n/invite @salesbot #sales-emea\n/territory route EMEA #sales-emea\n/salesbot digest\n/as @dan\n/nudge\n/leaderboard quarter\n", "--seed", "--charts", charts)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	// The digest's chart is saved where the user can open it, and the
	// output says where.
	pngs, _ := filepath.Glob(filepath.Join(charts, "digest-*.png"))
	if len(pngs) != 1 || !strings.Contains(out, "saved as "+pngs[0]+": open it to see the image") {
		t.Errorf("charts saved = %v; output:\n%s", pngs, out)
	} else if data, err := os.ReadFile(pngs[0]); err != nil || !strings.HasPrefix(string(data), "\x89PNG") {
		t.Errorf("%s is not a PNG (%v)", pngs[0], err)
	}
	for _, want := range []string{"You are @alice (a manager) in #general. Admin: @erin. Managers: @alice.",
		"Your open deals", "#sales-digest · salesbot:", "uploaded", "alt text:", "DM to @dan",
		"Company digest → #sales-digest", "EMEA digest → #sales-emea",
		// #sales-emea exists, but the bot is not in it until invited.
		"salesbot is not in #sales-emea: invite it with /invite @salesbot, then run this again",
		"salesbot was added to #sales-emea", "Logged: EMEA's digest goes to #sales-emea.",
		"── Leaderboard · Q"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
}

func TestDemoBadFlag(t *testing.T) {
	if _, code := runDemo(t, "", "--nope"); code != 2 {
		t.Fatalf("exit %d", code)
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestRunServesHealthAndStopsCleanly(t *testing.T) {
	emu := slacktest.New(slacktest.Options{})
	defer emu.Close()
	addr := freePort(t)
	cfg := app.Config{AppToken: emu.AppToken(), BotToken: emu.BotToken(), APIURL: emu.APIURL(),
		DB: filepath.Join(t.TempDir(), "run.db"), DigestSchedule: "0 8 * * 1-5", NudgeSchedule: "0 9 * * 1-5",
		Timezone: "UTC", Currency: "USD", HTTPAddr: addr}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, cfg, slog.New(slog.NewJSONHandler(&logs, nil))) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if err := emu.AwaitConnections(wctx, 1); err != nil {
		t.Fatal(err)
	}
	// Once a command is answered the socket has said hello (it comes first
	// on the socket) and the HTTP listener is up (it starts before the bot).
	id := emu.SlashCommand("U0X", "", "/deal", "add Acme 5k")
	if _, err := emu.AwaitResponse(wctx, id, nil); err != nil {
		t.Fatal(err)
	}
	hresp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Socket bool `json:"socket_connected"`
		DB     bool `json:"db_open"`
		Outbox bool `json:"outbox_posting"`
	}
	_ = json.NewDecoder(hresp.Body).Decode(&health)
	hresp.Body.Close()
	if hresp.StatusCode != http.StatusOK || !health.Socket || !health.DB || !health.Outbox {
		t.Fatalf("healthz = %d %+v", hresp.StatusCode, health)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `salesbot_commands_total{command="/deal add",outcome="ok"} 1`) {
		t.Errorf("metrics:\n%s", body)
	}
	cancel() // SIGTERM
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return")
	}
	// The database was closed: it opens again at once.
	st, err := storage.Open(cfg.DB, storage.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("database still locked: %v", err)
	}
	st.Close()
	if strings.Contains(logs.String(), emu.BotToken()) || strings.Contains(logs.String(), emu.AppToken()) {
		t.Fatal("a token reached the logs")
	}
}

func TestRunRejectsBadToken(t *testing.T) {
	emu := slacktest.New(slacktest.Options{})
	defer emu.Close()
	cfg := app.Config{AppToken: emu.AppToken(), BotToken: "xoxb-not-the-right-one", APIURL: emu.APIURL(),
		DB: filepath.Join(t.TempDir(), "run.db"), DigestSchedule: "@daily", NudgeSchedule: "@daily", Timezone: "UTC", Currency: "USD"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := app.Run(ctx, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err == nil || strings.Contains(err.Error(), "not-the-right-one") {
		t.Fatalf("Run = %v", err)
	}
}

// Slack's envelope, view and event ids are unique; the emulator numbered
// them from 1 in every process, and the bot remembers ids for 7 days, so
// a second playground session on the same file had its commands dropped
// as redeliveries of the first one's, with no reply. Both sessions'
// commands, buttons, forms and Home tabs must be answered and written.
func TestDemoTwiceOnOneFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "play.db")
	session := "/deal add %[1]s 5k\n1\n/deal\n/submit account=%[1]s-form amount=2k\n/home\n/deal list\n"
	for i, account := range []string{"Acme", "Beta"} {
		out, code := runDemo(t, fmt.Sprintf(session, account), "--db", db)
		if code != 0 {
			t.Fatalf("session %d: exit %d\n%s", i+1, code, out)
		}
		for _, want := range []string{
			fmt.Sprintf("Logged D-%d: %s", 2*i+1, account),      // a command
			account + " is now in Qualified",                    // a button
			fmt.Sprintf("Logged D-%d: %s-form", 2*i+2, account), // a form
			"App Home of @alice",                                // an event
			"Acme-form", account,                                // the list shows the first session's deals
		} {
			if !strings.Contains(out, want) {
				t.Errorf("session %d lacks %q", i+1, want)
			}
		}
		if t.Failed() {
			t.Fatalf("session %d:\n%s", i+1, out)
		}
	}
	st, err := storage.Open(db, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.CountDeals(context.Background()); n != 4 {
		t.Fatalf("deals written by both sessions = %d, want 4", n)
	}
}

// /nudge stands in for the morning's DM, which skips whoever turned nudges
// off; a mention gets the bot's help in the thread, as in Slack.
func TestDemoNudgesOffAndMentions(t *testing.T) {
	out, code := runDemo(t, "/as @dan\n/salesbot nudges off\n/nudge\n@salesbot help\n", "--seed")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"no nudge: @dan turned coaching nudges off", "#general · salesbot (in the thread):", "I track deals"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "DM to @dan") {
		t.Errorf("dan got a nudge DM with nudges off:\n%s", out)
	}
}
