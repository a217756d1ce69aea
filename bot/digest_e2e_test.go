package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// The digest scheduler's end-to-end tests (issue 4's acceptance): the real
// digest.Service on a manual clock, the real outbox (bot.DigestPoster) as its Poster, run by the bot, over
// the emulator's socket and Web API, and a real bbolt file that survives
// restarts. Only the clock is fake, so no test sleeps; the one real wait is
// the bot honouring a 1s Retry-After.

const (
	digestChan   = "C0DIGEST"
	digestEvery  = 2 * time.Second
	digestBudget = 30 * time.Second // each test's own deadline
)

// digestRig is one digest service and one bot on a shared file and clock;
// restart replaces both as a redeploy would.
type digestRig struct {
	t     *testing.T
	ctx   context.Context
	emu   *slacktest.Server
	clock *digesttest.Clock
	db    *storage.DB
	grace time.Duration
	logs  *lockedBuffer // the scheduler's log lines
	h     *harness

	stopSched context.CancelFunc
	schedDone chan error
}

func newDigestRig(t *testing.T, grace time.Duration) *digestRig {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), digestBudget)
	t.Cleanup(cancel)
	// The 3-rep fixture: a digest with stages, reps and a chart.
	_, db, clock := digesttest.Setup(t, digesttest.Fixtures[1], nil)
	emu := slacktest.New(slacktest.Options{Users: team, Channels: map[string]string{
		digestChan: "sales-digest", winsChannel: "wins", chanGeneral: "general"}})
	t.Cleanup(emu.Close)
	r := &digestRig{t: t, ctx: ctx, emu: emu, clock: clock, db: db, grace: grace, logs: &lockedBuffer{}}
	r.start()
	return r
}

// start runs a new bot and a new scheduler on the rig's file and clock and
// waits until the scheduler waits for its next slot.
func (r *digestRig) start() {
	r.t.Helper()
	r.h = newHarness(r.t, hopts{db: r.db, emu: r.emu, cfg: func(c *bot.Config) {
		c.DigestChannel, c.Locale.Clock = digestChan, r.clock
	}})
	svc, err := digest.New(digest.Config{
		Store: r.db, Poster: bot.NewDigestPoster(r.h.out), Locale: sales.Locale{Clock: r.clock, Loc: time.UTC, Currency: sales.DefaultCurrency},
		Channel: digestChan, DigestSpec: "@every 2s", Grace: r.grace,
		Logger: slog.New(slog.NewTextHandler(r.logs, nil)),
	})
	if err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stopSched, r.schedDone = cancel, make(chan error, 1)
	go func() { r.schedDone <- svc.Run(ctx) }()
	// Registered after the harness's: the scheduler stops before the bot.
	r.t.Cleanup(r.halt)
	r.schedIdle()
}

// halt stops the scheduler, then the bot, as SIGTERM would.
func (r *digestRig) halt() {
	if r.stopSched == nil {
		return
	}
	r.stopSched()
	r.stopSched = nil
	select {
	case err := <-r.schedDone:
		if err != nil {
			r.t.Errorf("digest Run returned %v", err)
		}
	case <-r.ctx.Done():
		r.t.Errorf("digest scheduler did not stop: %v", r.ctx.Err())
	}
	r.clock.Drop() // the old scheduler's timer must not count as the new one's
	r.h.shutdown()
}

// restart stops everything, sets the clock to at (time passes while the
// bot is down), reopens the file and starts a new bot and scheduler.
func (r *digestRig) restart(at time.Time) {
	r.t.Helper()
	r.halt()
	r.clock.Set(at)
	r.db = storagetest.Reopen(r.t, r.db, storage.Options{Clock: r.clock})
	r.start()
}

func (r *digestRig) schedIdle() {
	r.t.Helper()
	if err := r.clock.AwaitWaiters(r.ctx, 1); err != nil {
		r.t.Fatalf("the scheduler never settled: %v", err)
	}
}

// settle waits until the scheduler waits for its next slot and the bot's
// outbox has delivered everything queued (PostDigest returns only after
// the durable enqueue, so idle means the whole job went out).
func (r *digestRig) settle() {
	r.t.Helper()
	r.schedIdle()
	if err := r.h.bot.WaitIdle(r.ctx); err != nil {
		r.t.Fatalf("the bot never went idle: %v", err)
	}
}

// advance moves the clock once the scheduler is waiting on it.
func (r *digestRig) advance(d time.Duration) {
	r.t.Helper()
	r.schedIdle()
	r.clock.Advance(d)
}

// isMainPost says whether a call is a chat.postMessage of a digest's main
// message (not a thread reply), whatever the emulator answered.
func isMainPost(c *slacktest.Call) bool {
	return c.Method == "chat.postMessage" && c.Form.Get("channel") == digestChan && c.Form.Get("thread_ts") == ""
}

// mainPosts are the digest main messages Slack accepted.
func (r *digestRig) mainPosts() []slacktest.Msg {
	var out []slacktest.Msg
	for _, c := range r.emu.Calls("chat.postMessage") {
		if isMainPost(&c) && c.OK {
			out = append(out, *c.Msg)
		}
	}
	return out
}

// awaitMain waits until Slack has accepted n digest main posts in all.
func (r *digestRig) awaitMain(n int) {
	r.t.Helper()
	seen := 0
	if _, err := r.emu.Await(r.ctx, 0, func(rec *slacktest.Record) bool {
		if rec.Kind == slacktest.KindCall && isMainPost(rec.Call) && rec.Call.OK {
			seen++
		}
		return seen >= n
	}); err != nil {
		r.t.Fatalf("waiting for digest post %d: saw %d: %v\nscheduler log:\n%s", n, seen, err, r.logs.String())
	}
}

func (r *digestRig) mustMain(n int, when string) []slacktest.Msg {
	r.t.Helper()
	got := r.mainPosts()
	if len(got) != n {
		r.t.Fatalf("%s: %d digest posts, want %d\nscheduler log:\n%s", when, len(got), n, r.logs.String())
	}
	return got
}

// claimed checks the slot record in the file.
func (r *digestRig) claimed(want time.Time) {
	r.t.Helper()
	last, err := r.db.LastSlot(r.ctx, digest.JobDigest)
	if err != nil || !last.Equal(want) {
		r.t.Fatalf("last claimed slot = %v (%v), want %v", last, err, want)
	}
}

// charts are the PNG uploads that completed.
func (r *digestRig) charts() []slacktest.File {
	var out []slacktest.File
	for _, f := range r.emu.Files() {
		if strings.HasSuffix(f.Name, ".png") {
			out = append(out, f)
		}
	}
	return out
}

// noDuplicates fails when a digest's thread holds the same reply or file
// twice (a job resumed by replaying a step it had done). Main posts are
// counted per slot instead: two quiet slots may well read the same.
func (r *digestRig) noDuplicates() {
	r.t.Helper()
	seen := map[string]bool{}
	for _, m := range r.emu.History(digestChan) {
		if m.ThreadTS == "" {
			continue
		}
		k := m.ThreadTS + "\x00" + m.Text + "\x00" + string(m.Blocks)
		if seen[k] {
			r.t.Fatalf("posted twice in thread %q: %.80q", m.ThreadTS, m.Text)
		}
		seen[k] = true
	}
	for _, f := range r.emu.Files() {
		k := "file\x00" + f.ThreadTS + "\x00" + f.Name
		if seen[k] {
			r.t.Fatalf("file %s uploaded twice to thread %q", f.Name, f.ThreadTS)
		}
		seen[k] = true
	}
}

func TestDigestEveryTwoSecondsOnePostPerSlotE2E(t *testing.T) {
	r := newDigestRig(t, 0)
	t0 := r.clock.Now()
	const slots = 4
	for i := 1; i <= slots; i++ {
		r.advance(digestEvery)
		r.awaitMain(i)
		r.settle()
		// Exactly one new main post in this slot, and the slot is claimed.
		r.mustMain(i, fmt.Sprintf("after slot %d", i))
		r.claimed(t0.Add(time.Duration(i) * digestEvery))
	}
	// Half a period on: no slot is due and nothing more is posted.
	r.advance(digestEvery / 2)
	r.settle()
	posts := r.mustMain(slots, "half a period after the last slot")
	// Each slot's post is its own message with its own chart in its thread.
	ts := map[string]bool{}
	for _, p := range posts {
		if ts[p.TS] || !strings.Contains(p.Text+plainJSON(p.Blocks), "Pipeline") {
			t.Fatalf("main post %+v", p)
		}
		ts[p.TS] = true
	}
	charts := r.charts()
	if len(charts) != slots {
		t.Fatalf("%d charts for %d slots", len(charts), slots)
	}
	for _, f := range charts {
		if !ts[f.ThreadTS] {
			t.Fatalf("chart %s not in a digest's thread (%q)", f.ID, f.ThreadTS)
		}
		delete(ts, f.ThreadTS)
	}
	r.noDuplicates()
	r.h.noInvalid()
}

func TestDigestRestartInsideSlotDoesNotRepostE2E(t *testing.T) {
	r := newDigestRig(t, 0)
	t0 := r.clock.Now()
	r.advance(digestEvery)
	r.awaitMain(1)
	r.settle()
	// Redeploy one second into the same slot, on the same file.
	r.restart(t0.Add(digestEvery + time.Second))
	r.settle()
	r.mustMain(1, "after a restart inside the slot")
	r.claimed(t0.Add(digestEvery))
	// The new scheduler is live: the next slot posts once.
	r.advance(time.Second)
	r.awaitMain(2)
	r.settle()
	r.mustMain(2, "the next slot after the restart")
	if n := len(r.charts()); n != 2 {
		t.Fatalf("%d charts, want 2", n)
	}
	r.noDuplicates()
}

// A stop in the middle of a digest's job (main post out, chart not yet):
// the new bot resumes the job from the step after the main post.
func TestDigestRestartMidJobResumesWithoutRepostE2E(t *testing.T) {
	r := newDigestRig(t, 0)
	t0 := r.clock.Now()
	r.emu.Fail("files.getUploadURLExternal", 1000, http.StatusServiceUnavailable, 0)
	r.advance(digestEvery)
	r.awaitMain(1)
	if _, err := r.emu.AwaitCall(r.ctx, "files.getUploadURLExternal", func(c *slacktest.Call) bool { return c.Fault == "503" }); err != nil {
		t.Fatal(err)
	}
	r.schedIdle()
	r.claimed(t0.Add(digestEvery))
	r.halt()
	if p, err := r.db.Pending(r.ctx); err != nil || len(p) != 1 {
		t.Fatalf("pending after the stop = %d (%v), want the half-done digest", len(p), err)
	}
	r.emu.ClearFaults()
	r.restart(t0.Add(digestEvery + time.Second))
	r.settle()
	main := r.mustMain(1, "after resuming the job")
	charts := r.charts()
	if len(charts) != 1 || charts[0].ThreadTS != main[0].TS {
		t.Fatalf("charts after resume = %+v, want one in thread %s", charts, main[0].TS)
	}
	if p, err := r.db.Pending(r.ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending after resume = %d (%v)", len(p), err)
	}
	r.noDuplicates()
}

func TestDigestMissedSlotCaughtUpOnceE2E(t *testing.T) {
	const grace = time.Second
	r := newDigestRig(t, grace)
	t0 := r.clock.Now()
	r.advance(digestEvery)
	r.awaitMain(1)
	r.settle()

	// Down across slot t0+4s; back 0.5s after it, within grace: caught up.
	missed := t0.Add(2 * digestEvery)
	r.restart(missed.Add(grace / 2))
	r.awaitMain(2)
	r.settle()
	r.mustMain(2, "after the catch-up")
	r.claimed(missed)
	// Another restart in the same slot: the catch-up does not repeat.
	r.restart(missed.Add(grace * 3 / 4))
	r.settle()
	r.mustMain(2, "after a second start in the caught-up slot")

	// Down across slot t0+6s; back 1.5s after it, beyond grace: skipped
	// with a log line, nothing posted.
	old := t0.Add(3 * digestEvery)
	r.restart(old.Add(grace * 3 / 2))
	r.settle()
	r.mustMain(2, "after a restart past the grace window")
	r.claimed(missed)
	if logs := r.logs.String(); !strings.Contains(logs, "missed slot skipped") || !strings.Contains(logs, "slot="+old.Format("2006-01-02T15:04:05")) {
		t.Errorf("no log line for the skipped slot %v:\n%s", old, logs)
	}
	// The scheduler carries on with the next slot.
	r.advance(t0.Add(4 * digestEvery).Sub(r.clock.Now()))
	r.awaitMain(3)
	r.settle()
	r.mustMain(3, "the slot after the skipped one")
	r.claimed(t0.Add(4 * digestEvery))
	r.noDuplicates()
}

func TestDigestChartUploadedAsPNGE2E(t *testing.T) {
	r := newDigestRig(t, 0)
	r.advance(digestEvery)
	r.awaitMain(1)
	r.settle()
	main := r.mustMain(1, "after one slot")[0]

	// The files v2 flow, in order, after the main post: get an upload URL
	// (with alt text), upload the bytes, complete into the digest's thread.
	var seq []string
	var getURL, complete *slacktest.Call
	for _, rec := range r.emu.Since(0) {
		if rec.Kind != slacktest.KindCall {
			continue
		}
		c := rec.Call
		switch {
		case isMainPost(c) && c.OK:
			seq = append(seq, "post")
		case c.Method == "files.getUploadURLExternal" && strings.HasSuffix(c.Form.Get("filename"), ".png"):
			seq, getURL = append(seq, c.Method), c
		case c.Method == "upload" && getURL != nil && c.File != nil && c.File.ID == getURL.File.ID:
			seq = append(seq, c.Method)
		case c.Method == "files.completeUploadExternal" && getURL != nil && c.File != nil && c.File.ID == getURL.File.ID:
			seq, complete = append(seq, c.Method), c
		}
	}
	if want := "post files.getUploadURLExternal upload files.completeUploadExternal"; strings.Join(seq, " ") != want {
		t.Fatalf("call sequence = %v, want %s", seq, want)
	}
	if !getURL.OK || !complete.OK || complete.Form.Get("thread_ts") != main.TS {
		t.Fatalf("files v2: get %+v complete %+v", getURL, complete)
	}

	charts := r.charts()
	if len(charts) != 1 {
		t.Fatalf("%d charts, want 1", len(charts))
	}
	f := charts[0]
	if f.Channel != digestChan || f.ThreadTS != main.TS {
		t.Fatalf("chart in %s/%q, want the digest's thread %s/%s", f.Channel, f.ThreadTS, digestChan, main.TS)
	}
	if alt := strings.TrimSpace(f.AltText); alt == "" || len([]rune(alt)) > 1000 || alt != getURL.Form.Get("alt_txt") {
		t.Fatalf("alt text = %q", f.AltText)
	}
	if f.Length != len(f.Data) || len(f.Data) == 0 || len(f.Data) >= 5<<20 {
		t.Fatalf("chart size: declared %d, uploaded %d bytes", f.Length, len(f.Data))
	}
	img, err := png.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatalf("the chart is not a valid PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 200 || b.Dx() > 4000 || b.Dy() > 4000 {
		t.Fatalf("chart is %dx%d", b.Dx(), b.Dy())
	}
	if f.Title == "" {
		t.Error("the chart has no title")
	}
	r.h.noInvalid()
}

func TestDigestRateLimitedPostRetriedOnceE2E(t *testing.T) {
	r := newDigestRig(t, 0)
	t0 := r.clock.Now()
	r.emu.RateLimit("chat.postMessage", 2, time.Second)
	r.advance(digestEvery)
	r.awaitMain(1)
	r.settle()
	r.mustMain(1, "after two 429s")
	r.claimed(t0.Add(digestEvery))

	// Every main-post attempt: two 429s, each honoured, then one success.
	var got []string
	var last429, ok time.Time
	for _, rec := range r.emu.Since(0) {
		if rec.Kind != slacktest.KindCall || !isMainPost(rec.Call) {
			continue
		}
		switch c := rec.Call; {
		case c.Fault == "429":
			got, last429 = append(got, "429"), rec.At
		case c.OK:
			got, ok = append(got, "ok"), rec.At
		default:
			got = append(got, c.Error)
		}
	}
	if strings.Join(got, " ") != "429 429 ok" {
		t.Fatalf("main post attempts = %v, want 429 429 ok", got)
	}
	if wait := ok.Sub(last429); wait < 900*time.Millisecond {
		t.Errorf("retried %v after a 429 with Retry-After: 1", wait)
	}
	if n := len(r.charts()); n != 1 {
		t.Fatalf("%d charts, want 1", n)
	}
	// Another slot goes out normally: the limit left nothing stuck.
	r.advance(digestEvery)
	r.awaitMain(2)
	r.settle()
	r.mustMain(2, "the next slot")
	r.noDuplicates()
}

// "/salesbot digest now" reaches the digest through commands.Digests,
// wired as app wires it: the reply says it is posting, the outbox posts
// the digest once, and a redelivery of the same envelope posts nothing
// twice.
func TestDigestNowFromSlackPostsOnce(t *testing.T) {
	h := newHarness(t, hopts{digests: func(db *storage.DB, out *outbox.Outbox) commands.Digests {
		dg, err := digest.New(digest.Config{Store: db, Poster: bot.NewDigestPoster(out), Locale: sales.Locale{Loc: time.UTC}, Channel: digestChan})
		if err != nil {
			t.Fatal(err)
		}
		return dg
	}})
	h.say("U0BOB", "/deal", "add Acme 5k")
	id := h.emu.SlashCommand("U0ERIN", chanGeneral, "/salesbot", "digest now")
	h.mustContain(h.collect(id), "Posting the digest now.")
	h.idle()
	if err := h.emu.Redeliver(id, "timeout"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.emu.AwaitAck(h.ctx(), id); err != nil {
		t.Fatal(err)
	}
	h.idle()
	var top int
	for _, m := range h.emu.History(digestChan) {
		if m.ThreadTS == "" {
			top++
		}
	}
	if top != 1 {
		t.Fatalf("the digest was posted %d times, want 1", top)
	}
}
