package outbox

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// methodTiers are the per-minute budgets of the Web API methods salesbot
// calls, from Slack's rate-limit tiers (https://docs.slack.dev/apis/web-api/rate-limits:
// Tier 2 20+, Tier 3 50+, Tier 4 100+ a minute, per method, app and
// workspace) and each method's reference page (e.g.
// https://api.slack.com/methods/conversations.open: Tier 3). The "+" is
// Slack's slack, not ours: the pacer keeps to the number.
var methodTiers = map[string]int{
	"users.list":                   20,  // Tier 2
	"conversations.open":           50,  // Tier 3
	"conversations.history":        50,  // Tier 3 for internal apps
	"conversations.replies":        50,  // Tier 3 for internal apps
	"reactions.add":                50,  // Tier 3
	"users.info":                   100, // Tier 4
	"files.getUploadURLExternal":   100, // Tier 4
	"files.completeUploadExternal": 100, // Tier 4
}

// postsPerChannel is chat.postMessage's special tier: "one message per
// second per channel", short bursts allowed (same page, "Posting
// messages"), kept as 60 in any minute per channel. Its workspace-wide
// limit is not published, so nothing paces posts across channels.
const postsPerChannel = 60

// paceMargin keeps the pacer's window a little longer than Slack's, so
// clocks that disagree by a few milliseconds do not turn the budget's
// last call into a 429.
const paceMargin = 50 * time.Millisecond

// Pacer spaces Web API calls so that no method exceeds its tier: each
// method (chat.postMessage: each channel) may make its budget of calls in
// any minute, bursts included, and waits for the oldest of them to leave
// the window before the next. A 429 (Retry-After) holds the method until
// then. One Pacer serves the outbox worker and the bot's background calls
// (the daily users.list), so their calls of one method share one budget.
// It is safe for concurrent use.
type Pacer struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) bool
	mu    sync.Mutex
	calls map[string][]time.Time // key → the recent calls, oldest first
	hold  map[string]time.Time   // key → no call before (Retry-After)
}

// NewPacer paces on now and waits with sleep (nil: the wall clock and a
// timer); tests pass a fake clock whose sleep advances it.
func NewPacer(now func() time.Time, sleep func(ctx context.Context, d time.Duration) bool) *Pacer {
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = realSleep
	}
	return &Pacer{now: now, sleep: sleep, calls: map[string][]time.Time{}, hold: map[string]time.Time{}}
}

// budget is key's calls per minute; 0: not paced.
func budget(method, channel string) (key string, n int) {
	if method == "chat.postMessage" {
		return method + ":" + channel, postsPerChannel
	}
	return method, methodTiers[method]
}

// Wait blocks until method (for chat.postMessage: in channel) may be
// called and counts the call; false when ctx ended first.
func (p *Pacer) Wait(ctx context.Context, method, channel string) bool {
	key, n := budget(method, channel)
	if n == 0 {
		return ctx.Err() == nil
	}
	for {
		p.mu.Lock()
		now := p.now()
		recent := p.calls[key]
		for len(recent) > 0 && now.Sub(recent[0]) >= time.Minute+paceMargin {
			recent = recent[1:]
		}
		p.calls[key] = recent
		var wait time.Duration
		if len(recent) >= n {
			wait = recent[0].Add(time.Minute + paceMargin).Sub(now)
		}
		if h := p.hold[key].Sub(now); h > wait {
			wait = h
		}
		if wait <= 0 {
			p.calls[key] = append(recent, now)
			p.mu.Unlock()
			return true
		}
		p.mu.Unlock()
		if !p.sleep(ctx, wait) {
			return false
		}
	}
}

// Hold keeps method (in channel) from being called for d: Slack answered
// 429 with Retry-After d.
func (p *Pacer) Hold(method, channel string, d time.Duration) {
	if d <= 0 {
		return
	}
	key, _ := budget(method, channel)
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := p.now().Add(d); until.After(p.hold[key]) {
		p.hold[key] = until
	}
}

func realSleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// UserLister pages users.list (*slack.Client has it).
type UserLister interface {
	GetUsersPaginated(options ...slack.GetUsersOption) slack.UserPagination
}

// ListUsers reads every member from users.list, 200 a page (the most
// Slack advises, https://docs.slack.dev/reference/methods/users.list),
// each page within the method's Tier 2 budget and after any Retry-After:
// 1,000 members are 5 calls.
func ListUsers(ctx context.Context, api UserLister, p *Pacer) ([]slack.User, error) {
	var all []slack.User
	page := api.GetUsersPaginated(slack.GetUsersOptionLimit(200))
	for {
		if !p.Wait(ctx, "users.list", "") {
			return all, ctx.Err()
		}
		next, err := page.Next(ctx)
		if err == nil {
			all = append(all, next.Users...)
			if next.Cursor == "" {
				return all, nil // the last page: no call left to pace
			}
			page = next
			continue
		}
		if page.Done(err) {
			return all, nil
		}
		if kind, wait := Classify(err); kind == RateLimited {
			p.Hold("users.list", "", wait)
			continue
		}
		return all, err
	}
}
