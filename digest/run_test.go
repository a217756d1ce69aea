package digest_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// runner runs a Service's scheduler until stopped.
type runner struct {
	cancel context.CancelFunc
	done   chan error
	clock  *digesttest.Clock
}

func start(t *testing.T, s *digest.Service, clock *digesttest.Clock) *runner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{cancel: cancel, done: make(chan error, 1), clock: clock}
	go func() { r.done <- s.Run(ctx) }()
	t.Cleanup(r.stop)
	return r
}

func (r *runner) stop() {
	r.cancel()
	<-r.done
	r.done <- nil // let a second stop return
	r.clock.Drop()
}

// deadline is how long a test waits for the scheduler to act.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// idle waits until the scheduler is waiting on the clock again.
func idle(t *testing.T, c *digesttest.Clock) {
	t.Helper()
	if err := c.AwaitWaiters(deadline(t), 1); err != nil {
		t.Fatalf("scheduler did not settle: %v", err)
	}
}

func fx3() digesttest.Fixture { return digesttest.Fixtures[1] }

func TestEveryTwoSecondsOnePostPerSlot(t *testing.T) {
	p := digesttest.NewPoster()
	s, _, clock := digesttest.Setup(t, fx3(), func(c *digest.Config) { c.Poster, c.DigestSpec = p, "@every 2s" })
	start(t, s, clock)
	t0 := clock.Now()
	const slots = 5
	for i := 1; i <= slots; i++ {
		idle(t, clock)
		clock.Advance(2 * time.Second)
		if _, err := p.Await(deadline(t), "digest", i); err != nil {
			t.Fatalf("slot %d: %v", i, err)
		}
	}
	idle(t, clock)
	posts := p.Posts()
	if len(posts) != slots || p.Dups != 0 {
		t.Fatalf("got %d posts (%d repeated keys), want %d", len(posts), p.Dups, slots)
	}
	for i, post := range posts {
		slot := t0.Add(time.Duration(i+1) * 2 * time.Second).UTC().Format(time.RFC3339)
		if want := "digest/" + slot + "/all"; post.Key != want {
			t.Errorf("post %d key %q, want %q", i, post.Key, want)
		}
		if post.Channel != "C0DIGEST" || post.Digest == nil || post.Digest.Empty {
			t.Errorf("post %d: channel %q, digest %v", i, post.Channel, post.Digest != nil)
		}
	}
}

func TestRestartInsideSlotDoesNotRepost(t *testing.T) {
	p := digesttest.NewPoster()
	mod := func(c *digest.Config) { c.Poster, c.DigestSpec = p, "@every 2s" }
	s, db, clock := digesttest.Setup(t, fx3(), mod)
	r := start(t, s, clock)
	idle(t, clock)
	clock.Advance(2 * time.Second)
	if _, err := p.Await(deadline(t), "digest", 1); err != nil {
		t.Fatal(err)
	}
	r.stop()

	// Restart one second into the same slot, on the reopened file.
	clock.Advance(time.Second)
	db = storagetest.Reopen(t, db, storage.Options{Clock: clock})
	s2, err := digest.New(digest.Config{Store: db, Poster: p, Locale: sales.Locale{Clock: clock, Loc: time.UTC}, Channel: "C0DIGEST", DigestSpec: "@every 2s"})
	if err != nil {
		t.Fatal(err)
	}
	start(t, s2, clock)
	idle(t, clock)
	if n := len(p.Posts()); n != 1 || p.Dups != 0 {
		t.Fatalf("after restart inside the slot: %d posts, %d repeated keys; want 1, 0", n, p.Dups)
	}
	clock.Advance(time.Second) // the next slot
	if _, err := p.Await(deadline(t), "digest", 2); err != nil {
		t.Fatal(err)
	}
	idle(t, clock)
	if n := len(p.Posts()); n != 2 || p.Dups != 0 {
		t.Fatalf("%d posts, %d repeated keys; want 2, 0", n, p.Dups)
	}
}

// A crash after the poster durably queued the post but before the slot
// was claimed: the restart posts the same key again, which the outbox
// drops, so the channel sees one message.
func TestCrashBetweenPostAndClaim(t *testing.T) {
	p := digesttest.NewPoster()
	var once sync.Once
	p.Fail = func(digesttest.Post) (bool, error) {
		err := error(nil)
		once.Do(func() { err = errors.New("killed after enqueue") })
		return true, err
	}
	mod := func(c *digest.Config) { c.Poster, c.DigestSpec = p, "@every 2s" }
	s, db, clock := digesttest.Setup(t, fx3(), mod)
	r := start(t, s, clock)
	idle(t, clock)
	clock.Advance(2 * time.Second)
	if _, err := p.Await(deadline(t), "digest", 1); err != nil {
		t.Fatal(err)
	}
	r.stop()

	clock.Advance(500 * time.Millisecond)
	db = storagetest.Reopen(t, db, storage.Options{Clock: clock})
	s2, err := digest.New(digest.Config{Store: db, Poster: p, Locale: sales.Locale{Clock: clock, Loc: time.UTC}, Channel: "C0DIGEST", DigestSpec: "@every 2s"})
	if err != nil {
		t.Fatal(err)
	}
	start(t, s2, clock)
	idle(t, clock)
	posts := p.Posts()
	if len(posts) != 1 || p.Dups != 1 {
		t.Fatalf("got %d distinct posts and %d repeats, want 1 post re-sent once under the same key", len(posts), p.Dups)
	}
	last, err := db.LastSlot(context.Background(), digest.JobDigest)
	if err != nil || !strings.Contains(posts[0].Key, last.Format(time.RFC3339)) {
		t.Fatalf("slot not claimed after the catch-up: last=%v err=%v key=%s", last, err, posts[0].Key)
	}
}

// daily runs a "0 8 * * *" digest, stops, and restarts at `back`.
func daily(t *testing.T, back time.Duration) (*digesttest.Poster, string) {
	t.Helper()
	fx := fx3()
	fx.Now = fx.Now.Add(-24*time.Hour - time.Second) // Monday 07:59:59
	p := digesttest.NewPoster()
	mod := func(c *digest.Config) { c.Poster, c.DigestSpec = p, "0 8 * * *" }
	s, db, clock := digesttest.Setup(t, fx, mod)
	r := start(t, s, clock)
	idle(t, clock)
	clock.Advance(time.Second)
	if _, err := p.Await(deadline(t), "digest", 1); err != nil {
		t.Fatal(err)
	}
	r.stop()

	// Down through Tuesday 08:00; back at 08:00 + back.
	clock.Set(digesttest.FixedNow.Add(back))
	db = storagetest.Reopen(t, db, storage.Options{Clock: clock})
	var logs bytes.Buffer
	cfg := digest.Config{Store: db, Poster: p, Locale: sales.Locale{Clock: clock, Loc: time.UTC}, Channel: "C0DIGEST", DigestSpec: "0 8 * * *",
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	for i := 0; i < 2; i++ { // start twice: the catch-up happens once
		s2, err := digest.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		r2 := start(t, s2, clock)
		idle(t, clock)
		r2.stop()
		clock.Advance(time.Minute)
	}
	return p, logs.String()
}

func TestMissedSlotCaughtUpOnce(t *testing.T) {
	p, _ := daily(t, 30*time.Minute)
	posts := p.Posts()
	if len(posts) != 2 || p.Dups != 0 {
		t.Fatalf("got %d posts (%d repeats), want Monday's and Tuesday's caught up once", len(posts), p.Dups)
	}
	if want := "digest/2026-11-17T08:00:00Z/all"; posts[1].Key != want {
		t.Errorf("caught-up key %q, want %q", posts[1].Key, want)
	}
	// What moved covers the time since Monday's digest.
	if got := posts[1].Digest.Since; !got.Equal(time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("since = %v, want Monday's slot", got)
	}
}

func TestOldMissedSlotSkipped(t *testing.T) {
	p, logs := daily(t, 3*time.Hour)
	if n := len(p.Posts()); n != 1 {
		t.Fatalf("got %d posts, want only Monday's: Tuesday's slot is older than the grace window", n)
	}
	if !strings.Contains(logs, "missed slot skipped") || !strings.Contains(logs, "2026-11-17T08:00:00") {
		t.Errorf("no log line for the skipped slot:\n%s", logs)
	}
}

func TestPostNow(t *testing.T) {
	p := digesttest.NewPoster()
	s, db, _ := digesttest.Setup(t, fx3(), func(c *digest.Config) { c.Poster = p })
	ctx := context.Background()
	if err := s.PostNow(ctx); err != nil {
		t.Fatal(err)
	}
	if posts := p.Posts(); len(posts) != 1 || posts[0].Channel != "C0DIGEST" {
		t.Fatalf("posts %+v", posts)
	}
	// The digest.channel setting re-routes it.
	if err := db.SetCompanyDigestChannel(ctx, "C0OTHER"); err != nil {
		t.Fatal(err)
	}
	if err := s.PostNow(sales.WithIdempotencyKey(ctx, "Ev1")); err != nil {
		t.Fatal(err)
	}
	// A redelivered request posts nothing new.
	if err := s.PostNow(sales.WithIdempotencyKey(ctx, "Ev1")); err != nil {
		t.Fatal(err)
	}
	if posts := p.Posts(); len(posts) != 2 || posts[1].Channel != "C0OTHER" {
		t.Fatalf("posts %+v", posts)
	}

	// No channel anywhere: a clear error, nothing posted.
	s2, _, _ := digesttest.Setup(t, fx3(), func(c *digest.Config) { c.Poster, c.Channel = p, "" })
	err := s2.PostNow(ctx)
	if sales.ErrorCode(err) != sales.EINVALID || !strings.Contains(sales.ErrorMessage(err), "SALESBOT_DIGEST_CHANNEL") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewRejectsBadSchedules(t *testing.T) {
	db := storagetest.MustOpen(t)
	for _, spec := range []string{"every day", "0 8 * *", "CRON_TZ=Mars/Olympus 0 8 * * *", "CRON_TZ=UTC", "@every nope"} {
		_, err := digest.New(digest.Config{Store: db, DigestSpec: spec})
		if sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("%q: err = %v, want invalid", spec, err)
		}
	}
	for _, spec := range []string{"0 8 * * 1-5", "@daily", "@every 10s", "CRON_TZ=Europe/Berlin 0 8 * * 1-5", "TZ=UTC @hourly"} {
		if _, err := digest.New(digest.Config{Store: db, DigestSpec: spec, NudgeSpec: spec}); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
}
