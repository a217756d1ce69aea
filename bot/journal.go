package bot

import (
	"context"
	"encoding/json"
	"regexp"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/sales"
)

// A write command must never leave its user guessing. It is acked at
// once with a "Logging…" line that its answer replaces through the
// response_url (replace_original). Its envelope mark commits a pending
// journal entry in the mark's own transaction, which bbolt batches with
// the write, so it costs no extra fsync; the command's write replaces
// the entry with a committed one in its transaction (sales.WithJournal).
// The entry is cleared once an answer is out: an answer that cannot go
// out is retried with backoff (response_url and ephemeral while the
// response_url lives, then a DM) and the entry kept. At start-up the bot
// answers whatever is left: a committed entry by running the command
// again under its original idempotency key, which finds the committed
// writes and changes nothing, noting that the user may have seen the
// answer already; a pending one (acked, never committed) with "not
// saved, please run it again".
//
// Committing the entry before the ack would close the last gap (a crash
// after the ack and before the mark's batch commits, which leaves the
// "Logging…" line, itself saying what to do), but it would put an fsync
// in front of every write's ack, and the ack's latency is what Slack
// times.

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

// journalFor is the entry for a write command.
func journalFor(envID string, cmd slack.SlashCommand, received time.Time) sales.Journal {
	raw, err := json.Marshal(journalEntry{Command: cmd.Command, Text: cmd.Text, User: cmd.UserID, UserName: cmd.UserName,
		Channel: cmd.ChannelID, ResponseURL: cmd.ResponseURL, Received: received.UTC()})
	if err != nil {
		return sales.Journal{}
	}
	return sales.Journal{Key: envID, Entry: raw}
}

// replyOutcome says whether a command's answer went out.
type replyOutcome int

const (
	replied     replyOutcome = iota
	unreachable              // every way to the user refused it for good
	interrupted              // shutdown came first: the answer is still owed
)

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
			if b.answerLate(ctx, j) == interrupted {
				continue // still owed: the next start answers it
			}
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

// answerLate answers a command a previous process left in the journal.
func (b *Bot) answerLate(ctx context.Context, j sales.Journal) replyOutcome {
	var e journalEntry
	if err := json.Unmarshal(j.Entry, &e); err != nil || e.User == "" {
		b.log.Warn("unreadable unanswered command dropped", sales.LogKeyEnvelope, j.Key)
		return unreachable
	}
	age := b.cfg.Locale.Clock.Now().Sub(e.Received)
	name := commandName(e.Command, firstWord(e.Text))
	if age > journalMaxAge {
		b.log.Warn("unanswered command too old to answer", sales.LogKeyEnvelope, j.Key, sales.LogKeyUser, e.User,
			sales.LogKeyCommand, name, "age", age.Round(time.Second).String())
		return unreachable
	}
	// A redelivery of this envelope must be seen as handled.
	if _, err := b.store.MarkEnvelope(ctx, j.Key); err != nil {
		b.log.Warn("mark envelope failed", sales.LogKeyEnvelope, j.Key, sales.LogKeyError, redact(err))
	}
	// The answer replaces the "Logging…" line (or an answer the dead
	// process may have shown) while the response_url lives, and comes by
	// DM after that.
	rt := &replyTo{env: &envelope{b: b, id: j.Key, kind: "slash_commands", received: e.Received, acked: true}, channel: e.Channel, user: e.User,
		command: name, durable: true, replaceAck: true}
	if age < responseURLLife-time.Minute {
		rt.respURL = e.ResponseURL
	}
	said := "`" + blocks.EscClipMd(e.Command+" "+asTyped(e.Text), 200) + "`"
	if j.Pending {
		// Acked, never committed: running it now, maybe hours later,
		// could surprise; saying so lets the user decide.
		b.log.Info("answering an acked command that was never saved", sales.LogKeyEnvelope, j.Key, sales.LogKeyUser, e.User,
			sales.LogKeyCommand, name)
		b.m.commands.WithLabelValues(name, "not_saved").Inc()
		text := "Not saved: salesbot restarted before it could log " + said + ". Nothing was changed; please run it again."
		return b.respondDurably(ctx, rt, blocks.Message{Text: text, Blocks: []slack.Block{blocks.Section("not_saved", text)}}, slack.ResponseTypeEphemeral)
	}
	rctx := sales.WithJournal(sales.WithIdempotencyKey(ctx, "env:"+j.Key), j)
	res, herr := b.svc.Handle(rctx, b.request(ctx, e.Command, e.Text, e.User, e.UserName, e.Channel))
	// The process may have died after its answer went out and before it
	// cleared the entry: this may repeat what the user already read.
	rt.note = "salesbot restarted while answering " + said + ", so you may have seen this already."
	b.log.Info("answering a command from before the restart", sales.LogKeyEnvelope, j.Key, sales.LogKeyUser, e.User,
		sales.LogKeyCommand, rt.command)
	return b.deliver(ctx, rt, res, herr)
}

// loggingAck is a write command's ack: a line that says the command is
// being logged, replaced by its answer.
func loggingAck(cmd slack.SlashCommand) ackMessage {
	text := ":hourglass_flowing_sand: Logging `" + blocks.EscClipMd(cmd.Command+" "+asTyped(cmd.Text), 200) + "`… If this line stays, it was not saved: run it again."
	return ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: text, Blocks: []slack.Block{blocks.Section("logging", text)}}
}

// reEscaped is a user or channel Slack escaped in a command's text
// (should_escape): <@U0BOB|bob>, <#C0GENERAL|general>.
var reEscaped = regexp.MustCompile(`<([@#])[A-Z0-9]+\|([^>|]*)>`)

// asTyped shows a command's text as the user typed it: quoted in code,
// the escaped form would show as <#C0SALESEMEA|sales-emea>.
func asTyped(text string) string {
	return reEscaped.ReplaceAllString(text, "$1$2")
}
