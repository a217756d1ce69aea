package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// maxAckPayload keeps ack payloads under slack-go's (and Slack's) 20 KiB
// limit with room for the envelope id.
const maxAckPayload = 19 * 1024

// handle runs one envelope to completion: exactly one ack, the work, the
// reply. A copy of an envelope already in flight here is acked and dropped.
func (b *Bot) handle(ctx context.Context, ev socketmode.Event, received time.Time, writes bool) {
	id := ev.Request.EnvelopeID
	if _, dup := b.active.LoadOrStore(id, struct{}{}); dup {
		b.m.envelopes.WithLabelValues(string(ev.Type), "duplicate").Inc()
		b.ack(id, nil, received)
		return
	}
	defer b.active.Delete(id)
	switch d := ev.Data.(type) {
	case slack.SlashCommand:
		b.onSlash(ctx, ev.Request, d, received, writes)
	case slack.InteractionCallback:
		b.onInteraction(ctx, ev.Request, d, received)
	case slackevents.EventsAPIEvent:
		b.onEventsAPI(ctx, ev.Request, d, received)
	default:
		b.m.envelopes.WithLabelValues(string(ev.Type), "ignored").Inc()
		b.ack(id, nil, received)
	}
}

func envelopeIDOf(raw []byte) string {
	var e struct {
		EnvelopeID string `json:"envelope_id"`
	}
	_ = json.Unmarshal(raw, &e)
	return e.EnvelopeID
}

// marker records envelope (and event) ids in the store while the work
// runs: bbolt batches the mark with the command's own write, so dedupe
// across restarts costs no extra commit on the hot path.
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
	go func() {
		defer close(w.done)
		defer func() {
			if r := recover(); r != nil {
				b.log.Error("command panic", "panic", fmt.Sprint(r))
				w.err = sales.Errorf(sales.EINTERNAL, "panic")
			}
		}()
		w.res, w.errs, w.err = fn()
	}()
	return w
}

// waitDone waits for done until deadline; false when the deadline came
// first.
func waitDone(done <-chan struct{}, deadline time.Time) bool {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// replyTo says where and how a command's answer goes.
type replyTo struct {
	envID     string
	received  time.Time
	acked     bool // the envelope is acked already
	ackMsg    bool // the ack may carry the reply (slash commands)
	respURL   string
	replace   bool // replace the message the button was on
	channel   string
	user      string
	home      bool // the action came from the Home tab
	triggerID string
	command   string // for metrics: "/deal add"
	note      string // mrkdwn said under the reply (a late answer)
	// durable: a journal entry waits for this answer, so it is retried
	// until it goes out (respondDurably) rather than a few times.
	durable bool
	// replaceAck: the answer replaces what the ack showed ("Logging…"),
	// whatever the outcome.
	replaceAck bool
}

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

// ---- slash commands ----

// writes reports whether a command changes data, so its reply waits for
// a commit and its ack should not. The form table decides
// (commands.Writes reads only the first words: this runs on the socket's
// event loop). Reads, forms, help and text that names no verb reply at
// once in the ack.
func (b *Bot) writes(_ context.Context, command, text string) bool {
	return commands.Writes(command, text)
}

func (b *Bot) onSlash(ctx context.Context, req *socketmode.Request, cmd slack.SlashCommand, received time.Time, writes bool) {
	envID := req.EnvelopeID
	if _, owed := b.owed.Load(envID); owed && writes {
		// Redelivered after the process that took it died: the start-up
		// answerer answers it from what that process committed. Running
		// it here could commit a write the answerer is telling its user
		// was not saved.
		b.m.envelopes.WithLabelValues("slash_commands", "duplicate").Inc()
		b.ack(envID, nil, received)
		return
	}
	if writes {
		// A copy of a write handled before gets an empty ack, not a
		// "Logging…" line: its answer went out (or the start-up answerer
		// sends it). A read is enough to know; it needs no commit.
		if seen, err := b.store.EnvelopeSeen(ctx, envID); err == nil && seen {
			b.m.envelopes.WithLabelValues("slash_commands", "duplicate").Inc()
			b.ack(envID, nil, received)
			return
		}
	}
	rt := &replyTo{envID: envID, received: received, ackMsg: true, respURL: cmd.ResponseURL, channel: cmd.ChannelID,
		user: cmd.UserID, triggerID: cmd.TriggerID, command: commandName(cmd.Command, firstWord(cmd.Text))}
	ictx := sales.WithIdempotencyKey(ctx, "env:"+envID)
	mctx, hctx := ictx, ictx
	if writes {
		// A write's reply waits for its commit (an fsync), its ack does
		// not: it shows a "Logging…" line at once, which the answer
		// replaces through the response_url. The mark commits a pending
		// journal entry and the write a committed one (see journal.go).
		b.ack(envID, loggingAck(cmd), received)
		rt.acked, rt.durable, rt.replaceAck = true, true, true
		j := journalFor(envID, cmd, received)
		hctx = sales.WithJournal(ictx, j)
		j.Pending = true
		mctx = sales.WithJournal(ictx, j)
	}
	m := b.mark(mctx, envID)
	creq := b.request(ctx, cmd.Command, cmd.Text, cmd.UserID, cmd.UserName, cmd.ChannelID)
	w := b.start(func() (*commands.Result, map[string]string, error) {
		res, err := b.svc.Handle(hctx, creq)
		return res, nil, err
	})
	// The handler is not done (WaitIdle, shutdown) before the mark is.
	defer func() { <-m.done }()
	if writes {
		<-w.done
		<-m.done
		if m.first {
			b.m.envelopes.WithLabelValues("slash_commands", "handled").Inc()
		} else {
			// Marked between the check above and this mark (a copy that
			// raced the first): this copy's "Logging…" line still needs
			// replacing, and the replay of the committed write (its
			// idempotency key changes nothing) answers.
			b.m.envelopes.WithLabelValues("slash_commands", "duplicate").Inc()
		}
		// Cleared once answered (a replay's entry is its own); an answer
		// still owed at shutdown keeps its entry for the next start.
		if b.deliver(ctx, rt, w.res, w.err) != interrupted {
			b.answeredNow(envID)
		}
		return
	}
	if !waitDone(w.done, received.Add(b.cfg.FastReply)) {
		// Slow: ack now, answer through the response_url when done.
		b.ack(envID, nil, received)
		rt.acked = true
		<-w.done
	}
	// A read's reply does not wait for the dedupe mark's commit: that is
	// an fsync, which on a busy disk takes longer than the ack may wait,
	// and answering a redelivered read twice changes nothing.
	first := true
	select {
	case <-m.done:
		first = m.first
	default:
	}
	if !first {
		b.m.envelopes.WithLabelValues("slash_commands", "duplicate").Inc()
		if !rt.acked {
			b.ack(envID, nil, received)
		}
		return
	}
	b.m.envelopes.WithLabelValues("slash_commands", "handled").Inc()
	b.deliver(ctx, rt, w.res, w.err)
}

// deliver sends a command's outcome: side effects first (durable win
// post, digest), then the reply in the ack, the response_url, an
// ephemeral message or the Home tab.
func (b *Bot) deliver(ctx context.Context, rt *replyTo, res *commands.Result, err error) replyOutcome {
	outcome := "ok"
	if err != nil {
		outcome = sales.ErrorCode(err)
		if outcome == sales.EINTERNAL {
			b.log.Error("command failed", sales.LogKeyCommand, rt.command, sales.LogKeyUser, rt.user, sales.LogKeyError, redact(err))
		}
	}
	b.m.commands.WithLabelValues(rt.command, outcome).Inc()

	var msg blocks.Message
	public := false
	switch {
	case err != nil:
		msg = blocks.RenderError(err)
	case res != nil && res.Kind == commands.KindDealForm && res.Form != nil:
		if !rt.acked {
			b.ack(rt.envID, nil, rt.received)
			rt.acked = true
		}
		meta := blocks.ModalMeta{Channel: rt.channel}
		if rt.replace {
			meta.ResponseURL = rt.respURL
		}
		if b.openModal(ctx, rt.triggerID, blocks.DealModal(res.Form, meta)) {
			return replied
		}
		msg = blocks.RenderMessage(&commands.Result{Lines: []string{"The deal form could not open in time. Run /deal again, or use /deal add <account> <amount>."}})
	default:
		if res.Win != nil {
			b.celebrate(ctx, res.Win)
		}
		if res.StagesChanged {
			b.forgetStages()
		}
		msg = blocks.Render(res, b.renderOptions(ctx))
		public = res.Public
	}
	if rt.note != "" {
		msg = blocks.WithNote(msg, rt.note)
	}

	if rt.home {
		b.goTrack(func() { b.publishHome(ctx, rt.user, msg.Text) })
		return replied
	}
	respType := slack.ResponseTypeEphemeral
	if public {
		respType = slack.ResponseTypeInChannel
	}
	if !rt.acked && rt.ackMsg {
		payload := ackMessage{ResponseType: respType, Text: msg.Text, Blocks: msg.Blocks}
		if raw, jerr := json.Marshal(payload); jerr == nil && len(raw) < maxAckPayload {
			if b.ack(rt.envID, payload, rt.received) {
				b.m.replyTime.WithLabelValues("ack").Observe(time.Since(rt.received).Seconds())
			}
			return replied
		}
	}
	if !rt.acked {
		b.ack(rt.envID, nil, rt.received)
		rt.acked = true
	}
	if rt.durable {
		out := b.respondDurably(ctx, rt, msg, respType)
		if out == replied {
			b.m.replyTime.WithLabelValues("response_url").Observe(time.Since(rt.received).Seconds())
		}
		return out
	}
	replace := rt.replace && err == nil && res != nil && (res.Kind == commands.KindDeal || res.Kind == commands.KindDealList)
	if b.respond(ctx, rt, msg, respType, replace) {
		b.m.replyTime.WithLabelValues("response_url").Observe(time.Since(rt.received).Seconds())
	}
	return replied
}

// ackMessage is a slash command reply carried in the ack.
type ackMessage struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func (b *Bot) renderOptions(ctx context.Context) blocks.RenderOptions {
	o := blocks.RenderOptions{Currency: b.cfg.Locale.Currency}
	for _, s := range b.stages(ctx).Stages {
		o.Stages = append(o.Stages, s.Name)
	}
	return o
}

// respond answers through the response_url (retrying 429 and 5xx a few
// times), or with an ephemeral message when there is none.
func (b *Bot) respond(ctx context.Context, rt *replyTo, msg blocks.Message, respType string, replace bool) bool {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)}
	channel := rt.channel
	switch {
	case rt.respURL != "":
		opts = append(opts, slack.MsgOptionResponseURL(rt.respURL, respType))
		if replace {
			opts = append(opts, slack.MsgOptionReplaceOriginal(rt.respURL))
		}
	case rt.channel != "" && rt.user != "":
		opts = append(opts, slack.MsgOptionPostEphemeral(rt.user))
	case rt.user != "":
		channel = rt.user // a DM from the bot
	default:
		return false
	}
	err := retrySlack(ctx, 4, func(ctx context.Context) error {
		b.replies.acquire()
		t0 := time.Now()
		_, _, _, err := b.api.SendMessageContext(ctx, channel, opts...)
		b.replies.release(time.Since(t0))
		return err
	})
	if err != nil && rt.respURL != "" && rt.channel != "" && rt.user != "" && !replace {
		// The response_url is spent or gone: say it as an ephemeral message.
		b.log.Warn("response_url failed; replying with chat.postEphemeral", sales.LogKeyEnvelope, rt.envID, sales.LogKeyError, redact(err))
		err = retrySlack(ctx, 2, func(ctx context.Context) error {
			_, err := b.api.PostEphemeralContext(ctx, rt.channel, rt.user, slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...))
			return err
		})
	}
	if err != nil {
		b.log.Error("reply failed", sales.LogKeyEnvelope, rt.envID, sales.LogKeyError, redact(err))
		return false
	}
	return true
}

// maxReplyBackoff caps the wait between rounds of a durable answer: a
// round is cheap, and the user is waiting.
const maxReplyBackoff = 30 * time.Second

// respondDurably puts a write command's answer in front of its user,
// however long Slack takes to come back. A response_url takes 5 posts
// within 30 minutes of the command (docs.slack.dev/interactivity/
// handling-user-interaction, "Message responses"), so while it lives each
// round tries it (replacing the "Logging…" line) and then
// chat.postEphemeral; after that, or once both refused for good, a DM.
// Rounds back off from 200ms to maxReplyBackoff, or wait out Retry-After.
// It gives up when every way refused for good (unreachable), the entry
// is a day old, or the bot shuts down (interrupted: the entry stays, and
// the next start answers).
func (b *Bot) respondDurably(ctx context.Context, rt *replyTo, msg blocks.Message, respType string) replyOutcome {
	urlUntil := rt.received.Add(responseURLLife - time.Minute)
	until := rt.received.Add(journalMaxAge)
	useURL, useEph, useDM := rt.respURL != "", rt.channel != "" && rt.user != "", rt.user != ""
	gone := func(err error) bool {
		kind, _ := outbox.Classify(err)
		return kind == outbox.Permanent || kind == outbox.AuthRefused
	}
	wait := 200 * time.Millisecond
	for round := 1; ; round++ {
		if time.Now().After(urlUntil) {
			useURL, useEph = false, false
		}
		var err error
		if useURL {
			opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...),
				slack.MsgOptionResponseURL(rt.respURL, respType)}
			if rt.replaceAck {
				opts = append(opts, slack.MsgOptionReplaceOriginal(rt.respURL))
			}
			err = b.replyOnce(ctx, func(ctx context.Context) error {
				_, _, _, err := b.api.SendMessageContext(ctx, rt.channel, opts...)
				return err
			})
			if err == nil {
				return replied
			}
			useURL = !gone(err)
		}
		if useEph {
			err = b.replyOnce(ctx, func(ctx context.Context) error {
				_, err := b.api.PostEphemeralContext(ctx, rt.channel, rt.user, slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...))
				return err
			})
			if err == nil {
				return replied
			}
			useEph = !gone(err)
		}
		if !useURL && !useEph && useDM {
			err = b.replyOnce(ctx, func(ctx context.Context) error {
				_, _, err := b.api.PostMessageContext(ctx, rt.user, slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...))
				return err
			})
			if err == nil {
				return replied
			}
			useDM = !gone(err)
		}
		if !useURL && !useEph && !useDM {
			b.log.Error("reply failed: Slack refused every way to the user", sales.LogKeyEnvelope, rt.envID, sales.LogKeyUser, rt.user,
				sales.LogKeyError, redact(err))
			return unreachable
		}
		d := wait
		if kind, after := outbox.Classify(err); kind == outbox.RateLimited {
			d = max(d, after)
		}
		wait = min(wait*2, maxReplyBackoff)
		if time.Now().Add(d).After(until) {
			b.log.Error("reply failed for a day; giving up", sales.LogKeyEnvelope, rt.envID, sales.LogKeyError, redact(err))
			return unreachable
		}
		if round == 1 || round%10 == 0 {
			b.log.Warn("reply failed; will retry", sales.LogKeyEnvelope, rt.envID, "round", round, "wait", d, sales.LogKeyError, redact(err))
		}
		t := time.NewTimer(d)
		select {
		case <-b.quit:
			t.Stop()
			b.log.Warn("shutting down with a reply still owed; the next start sends it", sales.LogKeyEnvelope, rt.envID)
			return interrupted
		case <-ctx.Done():
			t.Stop()
			return interrupted
		case <-t.C:
		}
	}
}

// replyOnce makes one reply call within the reply limiter.
func (b *Bot) replyOnce(ctx context.Context, call func(context.Context) error) error {
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	b.replies.acquire()
	t0 := time.Now()
	err := call(cctx)
	b.replies.release(time.Since(t0))
	return err
}

// retrySlack runs call, retrying rate limits after Retry-After and
// transient failures with a short backoff.
func retrySlack(ctx context.Context, attempts int, call func(context.Context) error) error {
	var err error
	for i := 0; i < attempts; i++ {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err = call(cctx)
		cancel()
		if err == nil {
			return nil
		}
		kind, wait := outbox.Classify(err)
		if kind == outbox.Permanent || kind == outbox.AuthRefused {
			return err
		}
		if wait == 0 {
			wait = time.Duration(200*(1<<i)) * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return err
}

func (b *Bot) openModal(ctx context.Context, trigger string, v slack.ModalViewRequest) bool {
	if trigger == "" {
		return false
	}
	// A trigger lives 3 seconds and works once: no retries.
	octx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.api.OpenViewContext(octx, trigger, v); err != nil {
		b.log.Warn("views.open failed", sales.LogKeyError, redact(err))
		return false
	}
	return true
}

// celebrate queues the win post; the key makes a redelivered "won" post
// nothing new.
func (b *Bot) celebrate(ctx context.Context, w *commands.WinNotice) {
	if b.cfg.WinsChannel == "" {
		return
	}
	msg := blocks.RenderWin(w, b.cfg.Locale.Currency)
	key := fmt.Sprintf("win:%s:%d", w.Deal.ID, w.Deal.ClosedAt.Unix())
	j := outbox.Job{Kind: "win", Steps: []outbox.Step{
		{Op: outbox.OpPost, Channel: b.cfg.WinsChannel, Text: msg.Text, Blocks: outbox.BlocksJSON(msg.Blocks)},
		{Op: outbox.OpReact, Name: "tada"},
	}}
	if err := b.out.Enqueue(ctx, key, j); err != nil {
		b.log.Error("queue win post failed", sales.LogKeyDeal, w.Deal.ID.String(), sales.LogKeyError, redact(err))
	}
}

// publishHome renders and publishes a user's Home tab; notice, when set,
// is the outcome of the button they just pressed (already escaped).
func (b *Bot) publishHome(ctx context.Context, userID, notice string) {
	req := b.request(ctx, "/home", "", userID, "", "")
	h, err := b.svc.Home(ctx, req)
	var view slack.HomeTabViewRequest
	if err != nil {
		m := blocks.RenderError(err)
		view = slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: m.Blocks}}
	} else {
		view = blocks.RenderHome(h, b.renderOptions(ctx))
	}
	if notice != "" {
		note := blocks.ContextBlock("home.notice", blocks.Clip(notice, blocks.MaxContextText))
		kit := append([]slack.Block{note}, view.Blocks.BlockSet...)
		if len(kit) > blocks.MaxViewBlocks {
			kit = kit[:blocks.MaxViewBlocks]
		}
		view.Blocks.BlockSet = kit
	}
	err = retrySlack(ctx, 3, func(ctx context.Context) error {
		_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		return err
	})
	if err != nil {
		b.log.Error("views.publish failed", sales.LogKeyUser, userID, sales.LogKeyError, redact(err))
	}
}

// ---- interactivity ----

func (b *Bot) onInteraction(ctx context.Context, req *socketmode.Request, cb slack.InteractionCallback, received time.Time) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		// Block actions take no ack payload: ack first, then work.
		b.ack(req.EnvelopeID, nil, received)
		b.onBlockAction(ctx, req.EnvelopeID, cb, received)
	case slack.InteractionTypeViewSubmission:
		b.onViewSubmission(ctx, req.EnvelopeID, cb, received)
	default:
		b.m.envelopes.WithLabelValues("interactive", "ignored").Inc()
		b.ack(req.EnvelopeID, nil, received)
	}
}

// actionCommand is what a button or menu does: a built command (cmd), or
// command text the button carries (the page button's "list …", and ""
// for the bare /deal form), or lost: the deal whose lost-reason modal to
// open. No command text is assembled here: the form table's builders
// make the Cmd, and the handlers see what a typed command gives them.
func (b *Bot) actionCommand(ctx context.Context, a *slack.BlockAction) (cmd *commands.Cmd, text string, lost string, err error) {
	dealArg := func(v string) (sales.DealID, error) {
		id, ok := sales.ParseDealID(v)
		if !ok {
			return 0, sales.Errorf(sales.EINVALID, "that button does not name a deal (%q)", v)
		}
		return id, nil
	}
	built := func(c commands.Cmd) (*commands.Cmd, string, string, error) { return &c, "", "", nil }
	switch a.ActionID {
	case blocks.ActAdvance, blocks.ActWon, blocks.ActEdit, blocks.ActSnooze, blocks.ActPush, blocks.ActLost:
		id, err := dealArg(a.Value)
		if err != nil {
			return nil, "", "", err
		}
		switch a.ActionID {
		case blocks.ActAdvance:
			return built(commands.AdvanceCmd(id))
		case blocks.ActWon:
			return built(commands.WonCmd(id))
		case blocks.ActEdit:
			return built(commands.EditCmd(id))
		case blocks.ActSnooze:
			return built(b.svc.SnoozeCmd(id, 7))
		case blocks.ActPush:
			return built(b.svc.PushCmd(id, 7))
		default:
			return nil, "", id.String(), nil
		}
	case blocks.ActStage:
		v := a.SelectedOption.Value
		i := strings.IndexByte(v, '|')
		if i < 0 {
			return nil, "", "", sales.Errorf(sales.EINVALID, "that stage choice is malformed (%q)", v)
		}
		id, err := dealArg(v[:i])
		if err != nil {
			return nil, "", "", err
		}
		stage := strings.TrimSpace(v[i+1:])
		if strings.EqualFold(stage, b.stages(ctx).Lost().Name) {
			return nil, "", id.String(), nil
		}
		return built(commands.StageCmd(id, stage))
	case blocks.ActLog:
		return nil, "", "", nil
	case blocks.ActPage:
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(a.Value), "/deal"))
		if !strings.HasPrefix(strings.ToLower(t), "list") {
			return nil, "", "", sales.Errorf(sales.EINVALID, "that page button is malformed")
		}
		return nil, t, "", nil
	}
	return nil, "", "", sales.Errorf(sales.EINVALID, "unknown action %q", a.ActionID)
}

func (b *Bot) onBlockAction(ctx context.Context, envID string, cb slack.InteractionCallback, received time.Time) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	a := cb.ActionCallback.BlockActions[0]
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	rt := &replyTo{envID: envID, received: received, acked: true, respURL: cb.ResponseURL, channel: channel,
		user: cb.User.ID, triggerID: cb.TriggerID, home: cb.Container.Type == "view" && cb.View.Type == slack.VTHomeTab,
		command: "action " + a.ActionID}
	// A button on a deal card or a page button updates that message in place.
	rt.replace = strings.HasPrefix(a.BlockID, "deal:") || a.ActionID == blocks.ActPage

	cmd, text, lost, err := b.actionCommand(ctx, a)
	if err != nil {
		b.m.envelopes.WithLabelValues("interactive", "handled").Inc()
		b.deliver(ctx, rt, nil, err)
		return
	}
	if lost != "" {
		m := b.mark(ctx, envID)
		<-m.done
		if !m.first {
			return
		}
		meta := blocks.ModalMeta{Channel: channel}
		if rt.replace {
			meta.ResponseURL = cb.ResponseURL
		}
		if !b.openModal(ctx, cb.TriggerID, blocks.LostModal(lost, meta)) {
			b.deliver(ctx, rt, nil, sales.Errorf(sales.EINVALID, "the form could not open in time; use /deal lost %s <reason>", lost))
		}
		return
	}
	ictx := sales.WithIdempotencyKey(ctx, "env:"+envID)
	m := b.mark(ictx, envID)
	creq := b.request(ctx, "/deal", text, cb.User.ID, cb.User.Name, channel)
	var res *commands.Result
	var herr error
	if cmd != nil {
		res, herr = b.svc.Run(ictx, creq, *cmd)
	} else {
		res, herr = b.svc.Handle(ictx, creq)
	}
	<-m.done
	if !m.first {
		b.m.envelopes.WithLabelValues("interactive", "duplicate").Inc()
		return
	}
	b.m.envelopes.WithLabelValues("interactive", "handled").Inc()
	b.deliver(ctx, rt, res, herr)
}

// formInput reads the deal modal's state.
func formInput(v slack.View, meta blocks.ModalMeta) commands.FormInput {
	var in commands.FormInput
	if v.State == nil {
		return in
	}
	get := func(block string) slack.BlockAction {
		return v.State.Values[block][block]
	}
	in.Account = get(blocks.FieldAccount).Value
	in.Amount = get(blocks.FieldAmount).Value
	in.Stage = get(blocks.FieldStage).SelectedOption.Value
	in.CloseDate = get(blocks.FieldClose).SelectedDate
	in.OwnerSlack = get(blocks.FieldOwner).SelectedUser
	t := get(blocks.FieldTerritory)
	in.Territory = t.SelectedOption.Value
	if in.Territory == "" {
		in.Territory = t.Value
	}
	if id, ok := sales.ParseDealID(meta.Deal); ok {
		in.DealID = id
	}
	return in
}

// inputBlocks lists the input block ids of a submitted view.
func inputBlocks(v slack.View) map[string]bool {
	out := map[string]bool{}
	if v.State != nil {
		for id := range v.State.Values {
			out[id] = true
		}
	}
	for _, bl := range v.Blocks.BlockSet {
		if bl.BlockType() == slack.MBTInput {
			out[bl.ID()] = true
		}
	}
	return out
}

// fieldErrors maps errors onto blocks the modal has; errors for fields it
// lacks go on the first field, so Slack never rejects the response.
func fieldErrors(errs map[string]string, v slack.View, fallbackField string) map[string]string {
	have := inputBlocks(v)
	out := map[string]string{}
	for k, msg := range errs {
		msg = blocks.Clip(blocks.Escape(msg), 300)
		if !have[k] {
			k = fallbackField
		}
		if prev, ok := out[k]; ok {
			msg = blocks.Clip(prev+" "+msg, 300)
		}
		out[k] = msg
	}
	return out
}

func (b *Bot) onViewSubmission(ctx context.Context, envID string, cb slack.InteractionCallback, received time.Time) {
	meta := blocks.DecodeMeta(cb.View.PrivateMetadata)
	// A modal's writes are keyed by the view, not the envelope: pressing
	// Submit again after a slow or lost answer is a new envelope for the
	// same form, and must not log the deal twice. A rejected submission
	// writes nothing, so the corrected one still goes through.
	key := "env:" + envID
	if cb.View.ID != "" {
		key = "view:" + cb.View.ID
	}
	ictx := sales.WithIdempotencyKey(ctx, key)
	rt := &replyTo{envID: envID, received: received, respURL: meta.ResponseURL, replace: meta.ResponseURL != "",
		channel: meta.Channel, user: cb.User.ID, home: meta.Channel == "" && meta.ResponseURL == ""}
	var w *work
	fallbackField := blocks.FieldAccount
	switch cb.View.CallbackID {
	case blocks.CallbackDealForm:
		rt.command = "modal deal"
		in := formInput(cb.View, meta)
		creq := b.request(ctx, "/deal", "", cb.User.ID, cb.User.Name, meta.Channel)
		w = b.start(func() (*commands.Result, map[string]string, error) {
			return b.svc.SubmitDealForm(ictx, creq, in)
		})
	case blocks.CallbackLost:
		rt.command = "modal lost"
		fallbackField = blocks.FieldReason
		reason := ""
		if cb.View.State != nil {
			reason = cb.View.State.Values[blocks.FieldReason][blocks.FieldReason].Value
		}
		id, ok := sales.ParseDealID(meta.Deal)
		creq := b.request(ctx, "/deal", "", cb.User.ID, cb.User.Name, meta.Channel)
		w = b.start(func() (*commands.Result, map[string]string, error) {
			if !ok {
				return nil, nil, sales.Errorf(sales.EINVALID, "that form does not name a deal (%q)", meta.Deal)
			}
			res, err := b.svc.Run(ictx, creq, commands.LostCmd(id, reason))
			return res, nil, err
		})
	default:
		b.m.envelopes.WithLabelValues("interactive", "ignored").Inc()
		b.ack(envID, nil, received)
		return
	}
	m := b.mark(ictx, envID)
	defer func() { <-m.done }() // the handler is not done before the mark
	// Field errors must ride in the ack, so wait as long as the deadline
	// allows.
	deadline := received.Add(ackBudget - 300*time.Millisecond)
	if !waitDone(w.done, deadline) {
		b.ack(envID, nil, received) // closes the modal; the outcome follows
		rt.acked = true
		<-w.done
	}
	rejected := len(w.errs) > 0 || w.err != nil && sales.ErrorCode(w.err) != sales.EINTERNAL
	first := true
	switch {
	case rejected && !rt.acked:
		// Field errors changed nothing: they need not wait for the dedupe
		// mark's commit (an fsync that a busy disk can make slower than
		// the ack deadline).
		select {
		case <-m.done:
			first = m.first
		default:
		}
	case !rt.acked && !waitDone(m.done, deadline):
		b.ack(envID, nil, received)
		rt.acked = true
		<-m.done
		first = m.first
	default:
		<-m.done
		first = m.first
	}
	if !first {
		b.m.envelopes.WithLabelValues("interactive", "duplicate").Inc()
		if !rt.acked {
			b.ack(envID, nil, received)
		}
		return
	}
	b.m.envelopes.WithLabelValues("interactive", "handled").Inc()
	if !rt.acked {
		errs := w.errs
		if w.err != nil && sales.ErrorCode(w.err) != sales.EINTERNAL {
			field := fallbackField
			if sales.ErrorCode(w.err) == sales.EFORBIDDEN && inputBlocks(cb.View)[blocks.FieldOwner] {
				field = blocks.FieldOwner
			}
			errs = map[string]string{field: sales.ErrorMessage(w.err)}
		}
		if len(errs) > 0 {
			b.m.commands.WithLabelValues(rt.command, sales.EINVALID).Inc()
			b.ack(envID, slack.NewErrorsViewSubmissionResponse(fieldErrors(errs, cb.View, fallbackField)), received)
			return
		}
		b.ack(envID, nil, received)
		rt.acked = true
	}
	if len(w.errs) > 0 && w.err == nil {
		w.err = sales.Errorf(sales.EINVALID, "the form was not saved: %s", joinErrs(w.errs))
	}
	b.deliver(ctx, rt, w.res, w.err)
}

func joinErrs(m map[string]string) string {
	var parts []string
	for _, k := range []string{blocks.FieldAccount, blocks.FieldAmount, blocks.FieldStage, blocks.FieldClose, blocks.FieldOwner, blocks.FieldTerritory} {
		if v, ok := m[k]; ok {
			parts = append(parts, k+": "+v)
		}
	}
	return strings.Join(parts, "; ")
}

// ---- Events API ----

func (b *Bot) onEventsAPI(ctx context.Context, req *socketmode.Request, ev slackevents.EventsAPIEvent, received time.Time) {
	b.ack(req.EnvelopeID, nil, received)
	ids := []string{req.EnvelopeID}
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.EventID != "" {
		ids = append(ids, "event:"+cb.EventID)
	}
	m := b.mark(ctx, ids...)
	<-m.done
	if !m.first {
		b.m.envelopes.WithLabelValues("events_api", "duplicate").Inc()
		return
	}
	b.m.envelopes.WithLabelValues("events_api", "handled").Inc()
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "home" || e.Tab == "" {
			b.m.commands.WithLabelValues("app_home_opened", "ok").Inc()
			b.publishHome(ctx, e.User, "")
		}
	case *slackevents.AppMentionEvent:
		b.m.commands.WithLabelValues("app_mention", "ok").Inc()
		thread := e.ThreadTimeStamp
		if thread == "" {
			thread = e.TimeStamp
		}
		msg := blocks.HelpReply()
		j := outbox.Job{Kind: "mention", Steps: []outbox.Step{{Op: outbox.OpPost, Channel: e.Channel, ThreadTS: thread, Text: msg.Text,
			Blocks: outbox.BlocksJSON(msg.Blocks)}}}
		if err := b.out.Enqueue(ctx, "mention:"+ids[len(ids)-1], j); err != nil {
			b.log.Error("queue mention reply failed", sales.LogKeyError, redact(err))
		}
	}
}
