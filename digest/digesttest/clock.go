// Package digesttest has test doubles for the digest scheduler: a manual
// clock whose timers fire when a test advances it, and a recording poster
// that dedupes by key like the bot's outbox.
//
// Tests only: it may import digest, sales and storage/storagetest.
package digesttest

import (
	"context"
	"sync"
	"time"
)

// Clock is a manual clock. It implements sales.Clock and digest.Timer:
// After's channel fires when Advance or Set moves the time past its
// deadline, so schedulers run without sleeping.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	changed chan struct{} // closed and replaced whenever waiters change
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t, changed: make(chan struct{})} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the time once the clock reaches
// now+d. d <= 0 fires at once.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	c.notify()
	return ch
}

// Advance moves the clock forward by d and fires due timers.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the clock to t and fires due timers.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(t) {
			w.ch <- t
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
	c.notify()
}

func (c *Clock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Waiters is the number of timers not yet fired.
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// AwaitWaiters blocks until at least n timers are pending (the scheduler
// is idle, waiting for its next slot) or ctx ends.
func (c *Clock) AwaitWaiters(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		k, ch := len(c.waiters), c.changed
		c.mu.Unlock()
		if k >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Drop forgets every pending timer, as if their owners were gone: call it
// after stopping a scheduler so AwaitWaiters counts only the next one.
func (c *Clock) Drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waiters = nil
	c.notify()
}
