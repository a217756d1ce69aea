package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

// The kill -9 test runs the bot in a child process: this test binary,
// re-executed with childEnv set (see TestMain).
const childEnv = "SALESBOT_TEST_CHILD_BOT"

func runChildBot() int {
	db, err := storage.Open(os.Getenv("CHILD_DB"), storage.Options{})
	if err != nil {
		return fatalf("child: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	out := outbox.New(outbox.Config{Logger: logger}, db)
	svc := commands.New(db, commands.Config{Locale: sales.Locale{Loc: time.UTC}, Logger: logger})
	b := bot.New(bot.Config{AppToken: os.Getenv("CHILD_APP"), BotToken: os.Getenv("CHILD_BOT"), APIURL: os.Getenv("CHILD_API"),
		WinsChannel: winsChannel, Logger: logger}, svc, db, out)
	if err := b.Run(context.Background()); err != nil {
		return fatalf("child: %v", err)
	}
	return 0
}

func TestKill9MidBurstLosesNoLoggedDeal(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a bot process")
	}
	emu := slacktest.New(slacktest.Options{Users: team})
	// A cleanup, not a defer: it must run after the restarted bot's
	// shutdown (cleanups run last-registered first).
	t.Cleanup(emu.Close)
	path := filepath.Join(t.TempDir(), "kill.db")
	// Create the file first so the child and the checks agree on it.
	db0, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = db0.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "CHILD_DB="+path, "CHILD_API="+emu.APIURL(),
		"CHILD_APP="+emu.AppToken(), "CHILD_BOT="+emu.BotToken())
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// However the test ends, the child does not outlive it.
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	ctx := testCtx(t)
	if err := emu.AwaitConnections(ctx, 1); err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("child bot never connected: %v\n%s", err, stderr.String())
	}

	const burst = 400
	ids := make([]string, burst)
	for i := range ids {
		ids[i] = emu.SlashCommand(team[i%4].ID, chanGeneral, "/deal", fmt.Sprintf("add Burst%03d %dk", i, i+1))
	}
	// Kill mid-burst: once the first replies are out, while commits, acks
	// and replies are all in flight.
	answered := 0
	if _, err := emu.Await(ctx, 0, func(r *slacktest.Record) bool {
		if r.Kind == slacktest.KindResponse {
			answered++
		}
		return answered >= 20
	}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-ctx.Done():
		t.Fatalf("the killed bot process never exited: %v", ctx.Err())
	}

	// What the dead bot acked, by envelope: each of these users saw a
	// "Logging…" line, and nothing may leave them with only that line
	// unless the line itself says what to do.
	ackedByDead := map[string]*slacktest.Msg{}
	for _, a := range emu.Acks("") {
		ackedByDead[a.EnvelopeID] = a.Msg
	}

	// Every deal whose reply said "Logged" is on disk with its account.
	db := storagetest.MustOpenPath(t, path, storage.Options{})
	logged := loggedReplies(emu) // account → deal id
	if len(logged) == 0 || len(logged) == burst {
		t.Fatalf("the kill did not land mid-burst: %d of %d logged", len(logged), burst)
	}
	for account, id := range logged {
		d, err := db.Deal(ctx, mustID(t, id))
		if err != nil {
			t.Fatalf("%s (%s) said logged but is not stored: %v", id, account, err)
		}
		if d.Account != account {
			t.Fatalf("%s holds %q, the reply said %q", id, d.Account, account)
		}
	}
	t.Logf("killed after %d replies said logged (%d acks, %d envelopes sent); all on disk", len(logged), len(emu.Acks("")), len(ids)-len(notSent(emu, ids)))

	// A restarted bot handles the redelivered rest without duplicating
	// what the dead one had committed but not acked.
	h := newHarness(t, hopts{db: db, emu: emu})
	redelivered := emu.RedeliverUnacked()
	for _, id := range append(redelivered, notSent(emu, ids)...) {
		if _, err := emu.AwaitAck(ctx, id); err != nil {
			t.Fatalf("envelope %s never handled after restart: %v", id, err)
		}
	}
	h.idle()
	deals := h.deals(t)
	seen := map[string]int{}
	for _, d := range deals {
		seen[d.Account]++
	}
	// Nothing may be stored twice. An envelope the dead bot acked but
	// never committed is not redelivered (it was acked). When its pending
	// journal entry (in the envelope mark's transaction) committed, the
	// restarted bot tells its user it was not saved; when the kill came
	// before even that, the "Logging…" line the ack showed says so.
	stored, notSaved, leftLogging := 0, 0, 0
	for i, id := range ids {
		account := fmt.Sprintf("Burst%03d", i)
		ack, acked := ackedByDead[id]
		switch n := seen[account]; {
		case n > 1:
			t.Fatalf("%s stored %d times", account, n)
		case n == 1:
			stored++
		case acked:
			told := false
			for _, r := range emu.Responses(id) {
				told = told || r.OK && strings.HasPrefix(r.Msg.Text, "Not saved") && r.Msg.ReplaceOriginal
			}
			switch {
			case told:
				notSaved++
			case ack != nil && strings.Contains(ack.Text, "Logging") && strings.Contains(ack.Text, "If this line stays, it was not saved: run it again."):
				leftLogging++
			default:
				t.Fatalf("%s (%s) was acked, is not stored, and its user was never told it was not saved (ack %+v)", account, id, ack)
			}
		}
	}
	t.Logf("after restart: %d of %d stored, none twice; of the %d acked by the dead bot, %d unsaved and told so at start-up, %d left at the Logging line",
		stored, burst, len(ackedByDead), notSaved, leftLogging)

	// Every stored deal was answered "Logged" with its id: by the dead bot,
	// or, when it died between the commit and the reply, by the restarted
	// one from the journal that committed with the deal. So no user is
	// left guessing and typing the command again.
	told := loggedReplies(emu)
	// A late answer cannot know whether the dead bot's own answer went
	// out before it died, so it says it may repeat one.
	late := 0
	for _, r := range emu.Responses("") {
		if r.OK && strings.Contains(r.Msg.Text, "salesbot restarted while answering") {
			late++
			if !strings.Contains(r.Msg.Text, "you may have seen this already") {
				t.Fatalf("late answer claims more than it knows: %q", r.Msg.Text)
			}
		}
	}
	for _, d := range deals {
		if strings.HasPrefix(d.Account, "Burst") && told[d.Account] != d.ID.String() {
			t.Fatalf("%s (%s) is stored but its user was never told it was logged (reply said %q)", d.ID, d.Account, told[d.Account])
		}
	}
	h.shutdown()
	if j, err := db.Journal(ctx); err != nil || len(j) != 0 {
		t.Fatalf("%d commands left unanswered in the journal after a clean stop (%v)", len(j), err)
	}
	t.Logf("%d answered late from the journal", late)
}

// loggedReplies maps each account a "Logged" reply named (in an ack or a
// response_url post) to the deal id it gave.
func loggedReplies(emu *slacktest.Server) map[string]string {
	logged := map[string]string{}
	note := func(text string) {
		if !strings.HasPrefix(text, "Logged") {
			return
		}
		account := strings.TrimSpace(strings.SplitN(strings.SplitN(text, ": ", 2)[1], ",", 2)[0])
		logged[account] = dealIDRe(text)
	}
	for _, a := range emu.Acks("") {
		if a.Msg != nil {
			note(a.Msg.Text)
		}
	}
	for _, r := range emu.Responses("") {
		if r.OK {
			note(r.Msg.Text)
		}
	}
	return logged
}

// notSent lists envelopes that never reached the dead bot and are still
// queued; the emulator delivers them to the new connection on its own.
// Commands that found no socket failed for their users (dispatch_failed,
// as in Slack) and are not among them.
func notSent(emu *slacktest.Server, ids []string) []string {
	sent := map[string]bool{}
	for _, r := range emu.Since(0) {
		if r.Kind == slacktest.KindEnvelope {
			sent[r.Envelope.EnvelopeID] = true
		}
		if r.Kind == slacktest.KindDispatchFailed {
			sent[r.Dispatch.EnvelopeID] = true
		}
	}
	var out []string
	for _, id := range ids {
		if !sent[id] {
			out = append(out, id)
		}
	}
	return out
}
