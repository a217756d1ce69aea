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
type limiter struct {
	mu     sync.Mutex
	cond   *sync.Cond
	active int
	mean   time.Duration // exponentially weighted
}

const (
	limitMin  = 2
	limitMax  = 32
	limitStep = 5 * time.Millisecond
)

func newLimiter() *limiter {
	l := &limiter{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

func (l *limiter) limit() int {
	return min(limitMin+int(l.mean/limitStep), limitMax)
}

func (l *limiter) acquire() {
	l.mu.Lock()
	for l.active >= l.limit() {
		l.cond.Wait()
	}
	l.active++
	l.mu.Unlock()
}

func (l *limiter) release(took time.Duration) {
	l.mu.Lock()
	l.active--
	l.mean += (took - l.mean) / 8
	l.cond.Broadcast()
	l.mu.Unlock()
}
