package bot

import (
	"sync"
	"time"
)

// limiter bounds concurrent reply POSTs, adapting to how long they take.
// After a batch commit dozens of replies are ready at once; when Slack
// answers fast (the calls are CPU-bound) running them all together only
// starves the socket reader and delays the next acks, so few run at a
// time. When Slack is slow (the calls wait on the network) more run
// together, so replies do not queue behind a slow round trip. The limit
// is 2 + the recent mean call time / 5ms, at most 32.
//
// Waiters queue in arrival order, each on its own channel, and a release
// wakes only the ones it admits: under a flood thousands of replies wait
// here, and waking them all on every release (a sync.Cond broadcast)
// took a third of the bot's CPU in the load tool's profile.
type limiter struct {
	mu      sync.Mutex
	active  int
	mean    time.Duration // exponentially weighted
	waiting []chan struct{}
}

const (
	limitMin  = 2
	limitMax  = 32
	limitStep = 5 * time.Millisecond
)

func newLimiter() *limiter { return &limiter{} }

func (l *limiter) limit() int {
	return min(limitMin+int(l.mean/limitStep), limitMax)
}

func (l *limiter) acquire() {
	l.mu.Lock()
	if l.active < l.limit() && len(l.waiting) == 0 {
		l.active++
		l.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	l.waiting = append(l.waiting, ch)
	l.mu.Unlock()
	<-ch // admitted: release counted us active
}

func (l *limiter) release(took time.Duration) {
	l.mu.Lock()
	l.active--
	l.mean += (took - l.mean) / 8
	for l.active < l.limit() && len(l.waiting) > 0 {
		ch := l.waiting[0]
		l.waiting[0] = nil
		l.waiting = l.waiting[1:]
		l.active++
		close(ch)
	}
	l.mu.Unlock()
}
