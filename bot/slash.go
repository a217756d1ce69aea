package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// request builds a commands.Request, with names from the directory.
func (b *Bot) request(ctx context.Context, command, text, userID, handle, channel string) commands.Request {
	u := b.dir.get(ctx, userID, handle)
	name := handle
	if u.Name != "" {
		name = u.Name
	}
	return commands.Request{Command: command, Text: text, UserID: userID, UserName: name, RealName: u.RealName, Email: u.Email, ChannelID: channel}
}

// commandName is "/deal add" for metrics: the command and its first word,
// when that word is a plain verb (keeps the label set small).
func commandName(command, verb string) string {
	verb = strings.ToLower(verb)
	if len(command) > 16 || strings.Trim(command[min(1, len(command)):], "abcdefghijklmnopqrstuvwxyz") != "" {
		command = "other"
	}
	if len(verb) > 12 || strings.Trim(verb, "abcdefghijklmnopqrstuvwxyz") != "" {
		verb = ""
	}
	if verb == "" {
		return command
	}
	return command + " " + verb
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// writes reports whether a command changes data, so its reply waits for
// a commit and its ack should not. The form table decides
// (commands.Writes reads only the first words: this runs on the socket's
// event loop). Reads, forms, help and text that names no verb reply at
// once in the ack.
func (b *Bot) writes(_ context.Context, command, text string) bool {
	return commands.Writes(command, text)
}

// onSlash runs a slash command under its policy: a write acks at once and
// answers once committed; a read answers in the ack when it is quick.
func (b *Bot) onSlash(ctx context.Context, e *envelope, cmd slack.SlashCommand, writes bool) {
	rt := &replyTo{env: e, ackMsg: true, respURL: cmd.ResponseURL, channel: cmd.ChannelID,
		user: cmd.UserID, triggerID: cmd.TriggerID, command: commandName(cmd.Command, firstWord(cmd.Text))}
	if writes {
		b.slashWrite(ctx, e, rt, cmd)
		return
	}
	ictx := sales.WithIdempotencyKey(ctx, "env:"+e.id)
	e.mark(ictx)
	defer e.settle()
	creq := b.request(ctx, cmd.Command, cmd.Text, cmd.UserID, cmd.UserName, cmd.ChannelID)
	w := b.start(func() (*commands.Result, map[string]string, error) {
		res, err := b.svc.Handle(ictx, creq)
		return res, nil, err
	})
	if !e.waitFor(w.done, b.cfg.FastReply) {
		e.ack() // slow: the answer follows through the response_url
		<-w.done
	}
	// A read's reply does not wait for the dedupe mark's commit: that is
	// an fsync, which on a busy disk takes longer than the ack may wait,
	// and answering a redelivered read twice changes nothing.
	if !e.firstSoFar() {
		e.drop("duplicate")
		return
	}
	e.count("handled")
	b.deliver(ctx, rt, w.res, w.err)
}

// slashWrite is the write policy: ack at once with a "Logging…" line, so
// the ack never waits for the commit (an fsync), then replace that line
// with the answer. The mark commits a pending journal entry and the write
// a committed one (see journal.go).
func (b *Bot) slashWrite(ctx context.Context, e *envelope, rt *replyTo, cmd slack.SlashCommand) {
	if _, owed := b.owed.Load(e.id); owed {
		// Redelivered after the process that took it died: the start-up
		// answerer answers it from what that process committed. Running
		// it here could commit a write the answerer is telling its user
		// was not saved.
		e.drop("duplicate")
		return
	}
	// A copy of a write handled before gets an empty ack, not a
	// "Logging…" line: its answer went out (or the start-up answerer
	// sends it). A read is enough to know; it needs no commit.
	if seen, err := b.store.EnvelopeSeen(ctx, e.id); err == nil && seen {
		e.drop("duplicate")
		return
	}
	e.ackWith(loggingAck(cmd))
	rt.durable, rt.replaceAck = true, true
	ictx := sales.WithIdempotencyKey(ctx, "env:"+e.id)
	j := journalFor(e.id, cmd, e.received)
	hctx := sales.WithJournal(ictx, j)
	j.Pending = true
	e.mark(sales.WithJournal(ictx, j))
	defer e.settle()
	creq := b.request(ctx, cmd.Command, cmd.Text, cmd.UserID, cmd.UserName, cmd.ChannelID)
	w := b.runNow(func() (*commands.Result, map[string]string, error) {
		res, err := b.svc.Handle(hctx, creq)
		return res, nil, err
	})
	if e.first() {
		e.count("handled")
	} else {
		// Marked between the check above and this mark (a copy that
		// raced the first): this copy's "Logging…" line still needs
		// replacing, and the replay of the committed write (its
		// idempotency key changes nothing) answers.
		e.count("duplicate")
	}
	// Cleared once answered (a replay's entry is its own); an answer
	// still owed at shutdown keeps its entry for the next start.
	if b.deliver(ctx, rt, w.res, w.err) != interrupted {
		b.answeredNow(e.id)
	}
}
