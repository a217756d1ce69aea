package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/sales"
)

// UserInfo is what the directory knows about a Slack user.
type UserInfo struct {
	ID       string
	Name     string // handle / display name
	RealName string
	Email    string // only when Slack says it is confirmed; "" without users:read.email
	TZ       string // IANA zone
	IsAdmin  bool   // Slack workspace admin
	IsOwner  bool   // Slack workspace owner
	IsBot    bool
}

const (
	dirTTL       = time.Hour
	dirWait      = 400 * time.Millisecond // how long a command waits for a first lookup
	dirRetryWait = 30 * time.Second
)

// directory caches users.info. A command waits briefly for a user's first
// lookup (a confirmed email links an imported person); later lookups are served from
// memory and refreshed in the background. Each fetch also stores the
// user's name and time zone on their person, for nudges in their zone.
type directory struct {
	b     *Bot
	mu    sync.Mutex
	users map[string]*dirEntry
}

type dirEntry struct {
	info     UserInfo
	ok       bool
	fetched  time.Time
	retryAt  time.Time
	fetching chan struct{} // non-nil while a fetch runs
}

func newDirectory(b *Bot) *directory {
	return &directory{b: b, users: map[string]*dirEntry{}}
}

// get returns what is known about id, fetching it when missing or stale.
func (d *directory) get(ctx context.Context, id, handle string) UserInfo {
	if id == "" {
		return UserInfo{}
	}
	now := time.Now()
	d.mu.Lock()
	e := d.users[id]
	if e == nil {
		e = &dirEntry{}
		d.users[id] = e
	}
	if e.fetching == nil && now.After(e.retryAt) && (!e.ok || now.Sub(e.fetched) > dirTTL) {
		e.fetching = make(chan struct{})
		ch := e.fetching
		d.b.goTrack(func() { d.fetch(id, e, ch) })
	}
	ch, ok := e.fetching, e.ok
	d.mu.Unlock()
	if !ok && ch != nil {
		t := time.NewTimer(dirWait)
		select {
		case <-ch:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if e.ok {
		return e.info
	}
	return UserInfo{ID: id, Name: handle}
}

// Lookup returns the cached entry without fetching.
func (d *directory) lookup(id string) (UserInfo, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.users[id]; e != nil && e.ok {
		return e.info, true
	}
	return UserInfo{}, false
}

func (d *directory) fetch(id string, e *dirEntry, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Within users.info's tier, shared with the outbox's calls (a
	// burst of first-time users at 9:00 would otherwise draw 429s).
	if !d.b.out.Pacer().Wait(ctx, "users.info", "") {
		d.mu.Lock()
		e.fetching, e.retryAt = nil, time.Now().Add(dirRetryWait)
		d.mu.Unlock()
		close(done)
		return
	}
	u, err := d.b.api.GetUserInfoContext(ctx, id)
	d.mu.Lock()
	e.fetching = nil
	if err != nil {
		wait := dirRetryWait
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			wait = max(rl.RetryAfter, time.Second)
		}
		e.retryAt = time.Now().Add(wait)
		d.mu.Unlock()
		close(done)
		d.b.log.Warn("users.info failed", sales.LogKeyUser, id, sales.LogKeyError, redact(err))
		return
	}
	name := u.Profile.DisplayName
	if name == "" {
		name = u.Name
	}
	e.info = UserInfo{ID: u.ID, Name: name, RealName: u.RealName, TZ: u.TZ, IsAdmin: u.IsAdmin, IsOwner: u.IsOwner, IsBot: u.IsBot}
	// An unconfirmed address is anyone's claim, and it links imported
	// people, so only a confirmed one is kept.
	if u.IsEmailConfirmed {
		e.info.Email = u.Profile.Email
	}
	e.ok, e.fetched = true, time.Now()
	info := e.info
	d.mu.Unlock()
	close(done)
	if !info.IsBot {
		d.persist(ctx, info)
	}
}

// persist links the Slack user to a person and keeps their zone current.
func (d *directory) persist(ctx context.Context, u UserInfo) {
	p, err := d.b.store.EnsurePerson(ctx, u.ID, u.Name, u.RealName, u.Email)
	if err != nil {
		d.b.log.Warn("directory: ensure person", sales.LogKeyUser, u.ID, sales.LogKeyError, redact(err))
		return
	}
	if u.TZ == "" || p.TZ == u.TZ {
		return
	}
	if _, err := time.LoadLocation(u.TZ); err != nil {
		return
	}
	if _, err := d.b.store.ModifyPerson(ctx, p.ID, func(q *sales.Person) error {
		q.TZ = u.TZ
		return nil
	}); err != nil {
		d.b.log.Warn("directory: store time zone", sales.LogKeyUser, u.ID, sales.LogKeyError, redact(err))
	}
}

// User returns what the directory has cached about a Slack user: names,
// time zone, and whether they are a workspace admin or owner.
func (b *Bot) User(id string) (UserInfo, bool) { return b.dir.lookup(id) }
