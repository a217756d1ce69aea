package bot

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/sales"
)

// A write command is acked on receipt and answered after its commit. If
// the process dies between the commit and the answer, the user would see
// nothing, try again and log the deal twice. So each write carries a
// journal entry that commits with it (sales.WithJournal) and is cleared
// once the answer is out; at start-up the bot answers whatever is left by
// running the command again under its original idempotency key, which
// finds the committed writes and changes nothing.

// journalEntry is an unanswered write command as the journal keeps it.
type journalEntry struct {
	Command     string    `json:"command"`
	Text        string    `json:"text"`
	User        string    `json:"user"`
	UserName    string    `json:"user_name,omitempty"`
	Channel     string    `json:"channel,omitempty"`
	ResponseURL string    `json:"response_url,omitempty"`
	Received    time.Time `json:"received"`
}

const (
	// responseURLLife is how long Slack accepts posts to a response_url.
	responseURLLife = 30 * time.Minute
	// journalMaxAge bounds how late an answer is still worth sending.
	journalMaxAge = 24 * time.Hour
)

// withJournal returns ctx carrying the entry for a write command.
func withJournal(ctx context.Context, envID string, cmd slack.SlashCommand, received time.Time) context.Context {
	raw, err := json.Marshal(journalEntry{Command: cmd.Command, Text: cmd.Text, User: cmd.UserID, UserName: cmd.UserName,
		Channel: cmd.ChannelID, ResponseURL: cmd.ResponseURL, Received: received.UTC()})
	if err != nil {
		return ctx
	}
	return sales.WithJournal(ctx, sales.Journal{Key: envID, Entry: raw})
}

// clearer forgets answered commands in the background, many per write:
// while one clear commits, the next keys gather.
type clearer struct {
	mu   sync.Mutex
	keys []string
	kick chan struct{}
}

func newClearer() *clearer { return &clearer{kick: make(chan struct{}, 1)} }

// answered queues key to be cleared.
func (c *clearer) answered(key string) {
	c.mu.Lock()
	c.keys = append(c.keys, key)
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// run clears until ctx ends, then clears what is left.
func (b *Bot) runClearer(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			b.flushClears()
			return
		case <-b.clear.kick:
			b.flushClears()
		}
	}
}

func (b *Bot) flushClears() {
	b.clear.mu.Lock()
	keys := b.clear.keys
	b.clear.keys = nil
	b.clear.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	if err := b.store.ClearJournal(context.Background(), keys...); err != nil {
		// The worst case is answering these again after a restart.
		b.log.Warn("clear answered commands failed", "count", len(keys), sales.LogKeyError, redact(err))
	}
}

// answerJournal starts answering the write commands a previous process
// committed but never answered. It lists them before the socket connects
// and marks them owed, so that a redelivery of one of those envelopes,
// handled meanwhile, leaves its entry to the answerer instead of clearing
// it; the answers themselves go out in the background, so a slow or
// unreachable Slack does not hold up the connection.
func (b *Bot) answerJournal(ctx context.Context) {
	entries, err := b.store.Journal(ctx)
	if err != nil {
		b.log.Error("read unanswered commands failed", sales.LogKeyError, redact(err))
		return
	}
	if len(entries) == 0 {
		return
	}
	for _, j := range entries {
		b.owed.Store(j.Key, true)
	}
	b.log.Info("answering commands from before the restart", "count", len(entries))
	b.goTrack(func() {
		for _, j := range entries {
			if ctx.Err() != nil {
				return // left in the journal for the next start
			}
			b.answerLate(ctx, j)
			if err := b.store.ClearJournal(context.WithoutCancel(ctx), j.Key); err != nil {
				b.log.Warn("clear an answered command failed", sales.LogKeyEnvelope, j.Key, sales.LogKeyError, redact(err))
			}
			b.owed.Delete(j.Key)
		}
	})
}

// answeredNow queues a write command's journal entry to be cleared,
// unless the start-up answerer still owes its answer.
func (b *Bot) answeredNow(key string) {
	if _, owed := b.owed.Load(key); !owed {
		b.clear.answered(key)
	}
}

func (b *Bot) answerLate(ctx context.Context, j sales.Journal) {
	var e journalEntry
	if err := json.Unmarshal(j.Entry, &e); err != nil || e.User == "" {
		b.log.Warn("unreadable unanswered command dropped", sales.LogKeyEnvelope, j.Key)
		return
	}
	age := b.cfg.Clock.Now().Sub(e.Received)
	if age > journalMaxAge {
		b.log.Warn("unanswered command too old to answer", sales.LogKeyEnvelope, j.Key, sales.LogKeyUser, e.User,
			sales.LogKeyCommand, commandName(e.Command, firstWord(e.Text)), "age", age.Round(time.Second).String())
		return
	}
	// A redelivery of this envelope must be seen as handled.
	if _, err := b.store.MarkEnvelope(ctx, j.Key); err != nil {
		b.log.Warn("mark envelope failed", sales.LogKeyEnvelope, j.Key, sales.LogKeyError, redact(err))
	}
	rctx := sales.WithJournal(sales.WithIdempotencyKey(ctx, "env:"+j.Key), j)
	res, herr := b.svc.Handle(rctx, b.request(ctx, e.Command, e.Text, e.User, e.UserName, e.Channel))
	rt := &replyTo{envID: j.Key, received: e.Received, acked: true, channel: e.Channel, user: e.User,
		command: commandName(e.Command, firstWord(e.Text)),
		note:    "salesbot restarted before it could answer `" + EscClipMd(e.Command+" "+e.Text, 200) + "`: this is that answer."}
	if age < responseURLLife-time.Minute {
		rt.respURL = e.ResponseURL
	}
	if res != nil {
		res.DigestNow = false // a side effect of the first run, not of the answer
	}
	b.log.Info("answering a command from before the restart", sales.LogKeyEnvelope, j.Key, sales.LogKeyUser, e.User,
		sales.LogKeyCommand, rt.command)
	b.deliver(ctx, rt, res, herr)
}
