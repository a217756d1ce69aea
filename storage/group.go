package storage

import (
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// committer is a group commit: concurrent writes share one transaction
// and one fsync. A write that finds no commit running commits at once,
// with whatever queued; writes that arrive meanwhile queue, and the next
// commit takes them all (after a short gather once there is load, see
// gatherMax). bbolt's Batch instead closes a batch on a 10ms
// timer whether or not the write lock is free, so under load its batches
// queued one behind another for the lock, each small, and a command
// waited for several commits (the load tool's closed loop spent 50ms of
// its 70ms there). Here a batch grows with the load and a lone write
// waits for nothing.
//
// There is no goroutine of its own: the first waiting writer leads a
// round (runs the transaction for everyone queued), then hands the lead
// to the next one waiting, so each writer returns once its own commit is
// done.
type committer struct {
	path    string
	mu      sync.Mutex
	leading bool
	queue   []*groupCall
	last    int           // writes in the last round
	want    int           // a gathering leader waits until this many are queued
	full    chan struct{} // closed when they are
}

type groupCall struct {
	fn   func(*bolt.Tx) error
	done chan error // buffered: errLead, errSolo or the commit's result
}

// maxGroup bounds one transaction's writes (bbolt's MaxBatchSize).
const maxGroup = 1000

// gatherMax bounds how long a round waits for company (bbolt's
// MaxBatchDelay). A commit costs about the same CPU whether it carries
// one write or sixty (the same few leaf pages take the new keys, then two
// fdatasyncs, whose kernel time was the largest part), and under load the
// bot is short of CPU, not disk. So once the last round was shared, the
// next waits, at most this long, until as many writes as that one had are
// queued. A lone writer (the last round held one write) never waits.
const gatherMax = 10 * time.Millisecond

var (
	errLead = errors.New("storage: lead the next group commit")
	errSolo = errors.New("storage: run this write alone")
)

// do runs fn in a shared write transaction and returns once that
// transaction committed. fn may run more than once (a batch with a
// failing write is rolled back and run again without it), and a write
// that fails runs once more alone so its error is its own.
func (c *committer) do(db *bolt.DB, fn func(*bolt.Tx) error) error {
	call := &groupCall{fn: fn, done: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, call)
	if c.full != nil && len(c.queue) >= c.want {
		close(c.full)
		c.full = nil
	}
	lead := !c.leading
	c.leading = true
	c.mu.Unlock()
	if !lead {
		if err := <-call.done; err != errLead {
			if err == errSolo {
				return db.Update(fn)
			}
			return err
		}
	}
	c.round(db)
	if err := <-call.done; err != errSolo {
		return err
	}
	return db.Update(fn)
}

// round commits what is queued (this leader's own write among it), then
// passes the lead on.
func (c *committer) round(db *bolt.DB) {
	c.mu.Lock()
	if c.last > 1 && len(c.queue) < c.last {
		c.want, c.full = c.last, make(chan struct{})
		full := c.full
		c.mu.Unlock()
		t := time.NewTimer(gatherMax)
		select {
		case <-full:
		case <-t.C:
		}
		t.Stop()
		c.mu.Lock()
		c.full = nil
	}
	n := min(len(c.queue), maxGroup)
	calls := c.queue[:n:n]
	c.queue = c.queue[n:]
	c.last = n
	c.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			// A damaged page panicked in the commit itself: every write in the
			// round failed, and the lead must still pass on.
			err := damaged(c.path, fmt.Sprint(r))
			for _, call := range calls {
				call.done <- err
			}
		}
		c.mu.Lock()
		if len(c.queue) > 0 {
			c.queue[0].done <- errLead
		} else {
			c.leading = false
			c.queue = nil
		}
		c.mu.Unlock()
	}()
	for len(calls) > 0 {
		failed := -1
		err := db.Update(func(tx *bolt.Tx) error {
			for i, call := range calls {
				if err := safeCall(call.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed >= 0 {
			calls[failed].done <- errSolo
			calls = append(calls[:failed:failed], calls[failed+1:]...)
			continue
		}
		for _, call := range calls {
			call.done <- err
		}
		calls = nil
	}
}

// safeCall runs fn, a panic (a damaged page) becoming its error: the
// write then runs alone, where its caller's guard reports it, and the
// others commit without it.
func safeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn(tx)
}
