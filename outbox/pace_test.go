package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// fakeClock is a clock whose sleep moves it.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) sleep(_ context.Context, d time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.slept += d
	return true
}

func TestPacer(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name           string
		method, chanID string
		calls          int
		hold           time.Duration // a 429's Retry-After before the calls
		wantSlept      time.Duration // at least
		wantMaxSlept   time.Duration
	}{
		{"a Tier 3 budget goes out at once", "conversations.open", "", 50, 0, 0, 0},
		{"the 51st waits for the first to leave the minute", "conversations.open", "", 51, 0, time.Minute, time.Minute + time.Second},
		{"Tier 2: 41 calls take two minutes", "users.list", "", 41, 0, 2 * time.Minute, 2*time.Minute + time.Second},
		{"posts are budgeted per channel", "chat.postMessage", "C1", 60, 0, 0, 0},
		{"a method without a tier is not paced", "auth.test", "", 500, 0, 0, 0},
		{"Retry-After holds the method", "reactions.add", "", 1, 7 * time.Second, 7 * time.Second, 7 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
			p := outbox.NewPacer(c.now, c.sleep)
			p.Hold(tt.method, tt.chanID, tt.hold)
			for range tt.calls {
				if !p.Wait(ctx, tt.method, tt.chanID) {
					t.Fatal("Wait returned false")
				}
			}
			if c.slept < tt.wantSlept || c.slept > tt.wantMaxSlept {
				t.Fatalf("slept %v, want %v to %v", c.slept, tt.wantSlept, tt.wantMaxSlept)
			}
		})
	}
	// Another channel's posts have their own budget.
	c := &fakeClock{t: time.Unix(0, 0)}
	p := outbox.NewPacer(c.now, c.sleep)
	for i := range 120 {
		p.Wait(ctx, "chat.postMessage", fmt.Sprintf("C%d", i%2))
	}
	if c.slept != 0 {
		t.Fatalf("two channels' 60 posts each slept %v", c.slept)
	}
}

// memStore is an outbox.Store in memory: the test is about Slack's
// tiers, and 3,000 jobs' fsyncs would only make it slow.
type memStore struct {
	mu    sync.Mutex
	items []sales.OutboxItem
	done  map[uint64]bool
	keys  map[string]bool
	prog  map[uint64]sales.OutboxProgress
}

func newMemStore() *memStore {
	return &memStore{done: map[uint64]bool{}, keys: map[string]bool{}, prog: map[uint64]sales.OutboxProgress{}}
}

func (m *memStore) Enqueue(_ context.Context, it sales.OutboxItem) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys[it.Key] {
		return false, nil
	}
	m.keys[it.Key] = true
	it.ID = uint64(len(m.items) + 1)
	m.items = append(m.items, it)
	return true, nil
}

func (m *memStore) Pending(context.Context) ([]sales.OutboxItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sales.OutboxItem
	for _, it := range m.items {
		if !m.done[it.ID] {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memStore) Done(_ context.Context, id uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[id] = true
	return nil
}

func (m *memStore) Retry(_ context.Context, id uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[id-1].Tries++
	return nil
}

func (m *memStore) OutboxProgress(_ context.Context, id uint64) (sales.OutboxProgress, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.prog[id], nil
}

func (m *memStore) SetOutboxProgress(_ context.Context, id uint64, p sales.OutboxProgress) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prog[id] = p
	return nil
}

// TestFanOutWithinTiersAt1000Reps sends what a Monday 9:00 brings a
// 1,000-rep workspace (a nudge DM to every rep, then every rep's weekly
// forecast DM, the digest with its thread, chart and reaction, and 70 win
// posts in one channel) through the emulator, whose clock moves only
// when the pacer waits. Not one call may be refused for its tier, and
// everything must be posted.
func TestFanOutWithinTiersAt1000Reps(t *testing.T) {
	const reps = 1000
	users := make([]slacktest.User, reps)
	for i := range users {
		users[i] = slacktest.User{ID: fmt.Sprintf("U%07d", i), Name: fmt.Sprintf("rep%d", i)}
	}
	const pipeline = "C0PIPELINE"
	emu := slacktest.New(slacktest.Options{Users: users, Channels: map[string]string{pipeline: "pipeline"}})
	defer emu.Close()
	start := emu.Now()
	pacer := outbox.NewPacer(emu.Now, func(_ context.Context, d time.Duration) bool { emu.Advance(d); return true })
	out := outbox.New(outbox.Config{Pacer: pacer}, newMemStore())

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	enqueue := func(key string, j outbox.Job) {
		t.Helper()
		if err := out.Enqueue(ctx, key, j); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range users {
		enqueue("nudge:"+u.ID, outbox.Job{Kind: "nudge", Steps: []outbox.Step{{Op: outbox.OpDM, Channel: u.ID, Text: "Nudge", Person: true}}})
	}
	digest := []outbox.Step{{Op: outbox.OpPost, Channel: pipeline, Text: "Digest"}}
	for i := range 12 {
		digest = append(digest, outbox.Step{Op: outbox.OpPost, Thread: true, Text: fmt.Sprintf("Team %d", i)})
	}
	digest = append(digest, outbox.Step{Op: outbox.OpUpload, Thread: true, Data: []byte("rep,amount\n"), Name: "reps.csv", Title: "All reps"},
		outbox.Step{Op: outbox.OpReact, Name: "chart_with_upwards_trend"})
	enqueue("digest:monday", outbox.Job{Kind: "digest", Steps: digest})
	for i := range 70 {
		enqueue(fmt.Sprintf("win:%d", i), outbox.Job{Kind: "win", Steps: []outbox.Step{{Op: outbox.OpPost, Channel: pipeline, Text: "Won"}}})
	}
	for _, u := range users {
		enqueue("forecast-call:"+u.ID, outbox.Job{Kind: "forecast_call", Steps: []outbox.Step{{Op: outbox.OpDM, Channel: u.ID, Text: "Your call", Person: true}}})
	}

	api := slack.New(emu.BotToken(), slack.OptionAPIURL(emu.APIURL()))
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); out.Run(rctx, api) }()
	if err := out.WaitIdle(ctx); err != nil {
		t.Fatalf("outbox not idle: %v", err)
	}
	stop()
	<-done

	if refused := emu.TierRefusals(); len(refused) > 0 {
		t.Errorf("calls refused for their tier: %v", refused)
	}
	count := func(method string) (ok int) {
		for _, c := range emu.Calls(method) {
			if c.OK {
				ok++
			}
		}
		return ok
	}
	for method, want := range map[string]int{
		"chat.postMessage": 2*reps + 13 + 70, "conversations.open": reps, "users.list": 6, // 1,001 members (the bot too), 200 a page
		"reactions.add": 1, "files.completeUploadExternal": 1,
	} {
		if got := count(method); got != want {
			t.Errorf("%s: %d calls succeeded, want %d", method, got, want)
		}
	}
	// 1,000 conversations.open at Tier 3 (50 a minute) take 19 minutes
	// past the first minute's burst: the pacer waited, Slack did not
	// have to refuse.
	if took := emu.Now().Sub(start); took < 19*time.Minute || took > 25*time.Minute {
		t.Errorf("the fan-out took %v on the emulator's clock, want about 20 minutes", took)
	}
}
