package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// handle runs one envelope to completion: exactly one ack, the work, the
// reply. A copy of an envelope already in flight here is acked and dropped.
func (b *Bot) handle(ctx context.Context, ev socketmode.Event, received time.Time, writes bool) {
	id := ev.Request.EnvelopeID
	e := b.newEnvelope(string(ev.Type), id, received)
	if _, dup := b.active.LoadOrStore(id, struct{}{}); dup {
		e.drop("duplicate")
		return
	}
	defer b.active.Delete(id)
	switch d := ev.Data.(type) {
	case slack.SlashCommand:
		b.onSlash(ctx, e, d, writes)
	case slack.InteractionCallback:
		b.onInteraction(ctx, e, d)
	case slackevents.EventsAPIEvent:
		b.onEventsAPI(ctx, e, d)
	default:
		e.drop("ignored")
	}
}

func envelopeIDOf(raw []byte) string {
	var e struct {
		EnvelopeID string `json:"envelope_id"`
	}
	_ = json.Unmarshal(raw, &e)
	return e.EnvelopeID
}

// envelope is one Socket Mode delivery from receipt to answer, the one
// lifecycle every handler shares: it is acked exactly once (empty, or
// carrying the reply or the modal's field errors), marked in the store so
// a redelivery after a restart is known, and counted once. Handlers only
// say their policy: a write acks first; a read answers in the ack when it
// is quick; a modal waits for its field errors.
type envelope struct {
	b        *Bot
	id       string
	kind     string // as Socket Mode names it; the metrics label
	received time.Time
	acked    bool
	m        *marker
}

func (b *Bot) newEnvelope(kind, id string, received time.Time) *envelope {
	return &envelope{b: b, id: id, kind: kind, received: received}
}

// ack acks empty, once; later calls do nothing.
func (e *envelope) ack() {
	if !e.acked {
		e.b.ack(e.id, nil, e.received)
		e.acked = true
	}
}

// ackWith acks carrying payload (a reply, or a modal's errors); false
// when the ack missed its deadline.
func (e *envelope) ackWith(payload any) bool {
	if e.acked {
		return false
	}
	e.acked = true
	return e.b.ack(e.id, payload, e.received)
}

// count records how the envelope ended: handled, duplicate or ignored.
func (e *envelope) count(outcome string) {
	e.b.m.envelopes.WithLabelValues(e.kind, outcome).Inc()
}

// drop acks a copy (or a kind we do not handle) and counts it.
func (e *envelope) drop(outcome string) {
	e.ack()
	e.count(outcome)
}

// mark starts recording the envelope's id (and extra ids, such as an
// event id) in the store, under ctx: bbolt batches the mark with the
// command's own write, so dedupe across restarts costs no extra commit on
// the hot path.
func (e *envelope) mark(ctx context.Context, extra ...string) {
	e.m = e.b.mark(ctx, append([]string{e.id}, extra...)...)
}

// first waits for the mark and reports whether this is the first
// delivery of the envelope.
func (e *envelope) first() bool {
	<-e.m.done
	return e.m.first
}

// firstSoFar reports what is known without waiting for the mark's commit
// (an fsync): false only once the mark has found an earlier delivery.
func (e *envelope) firstSoFar() bool {
	select {
	case <-e.m.done:
		return e.m.first
	default:
		return true
	}
}

// settle waits for the mark, so the handler is not done (WaitIdle,
// shutdown) before its mark is.
func (e *envelope) settle() {
	if e.m != nil {
		<-e.m.done
	}
}

// waitFor waits for done until after has passed since receipt; false
// when that deadline came first.
func (e *envelope) waitFor(done <-chan struct{}, after time.Duration) bool {
	t := time.NewTimer(time.Until(e.received.Add(after)))
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// marker is the store mark of an envelope's ids, running beside the work.
type marker struct {
	done  chan struct{}
	first bool
}

func (b *Bot) mark(ctx context.Context, ids ...string) *marker {
	m := &marker{done: make(chan struct{}), first: true}
	go func() {
		defer close(m.done)
		for _, id := range ids {
			first, err := b.store.MarkEnvelope(ctx, id)
			if err != nil {
				// Writes are idempotent by key, so handling twice is the
				// safe side of a storage hiccup.
				b.log.Warn("mark envelope failed", sales.LogKeyEnvelope, id, sales.LogKeyError, err.Error())
				continue
			}
			if !first {
				m.first = false
			}
		}
	}()
	return m
}

// work runs fn concurrently and reports through done.
type work struct {
	done chan struct{}
	res  *commands.Result
	errs map[string]string
	err  error
}

func (b *Bot) start(fn func() (*commands.Result, map[string]string, error)) *work {
	w := &work{done: make(chan struct{})}
	go b.do(w, fn)
	return w
}

// runNow is start for a caller that would only wait for it: the work
// runs on the caller's goroutine (no new goroutine, whose stack would
// grow again through the handler, per command).
func (b *Bot) runNow(fn func() (*commands.Result, map[string]string, error)) *work {
	w := &work{done: make(chan struct{})}
	b.do(w, fn)
	return w
}

func (b *Bot) do(w *work, fn func() (*commands.Result, map[string]string, error)) {
	defer close(w.done)
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("command panic", "panic", fmt.Sprint(r))
			w.err = sales.Errorf(sales.EINTERNAL, "panic")
		}
	}()
	w.res, w.errs, w.err = fn()
}
