package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// maxAckPayload keeps ack payloads under slack-go's (and Slack's) 20 KiB
// limit with room for the envelope id.
const maxAckPayload = 19 * 1024

// replyTo says where and how a command's answer goes.
type replyTo struct {
	env     *envelope
	ackMsg  bool // the ack may carry the reply (slash commands)
	respURL string
	replace bool // replace the message the button was on
	channel string
	user    string
	home    bool // the action came from the Home tab
	// modal: the answer to a modal's submission. The user has left the
	// conversation the modal came from, which the bot may not even be in,
	// so past the response_url it goes by DM, not chat.postEphemeral.
	modal     bool
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
		rt.env.ack()
		meta := blocks.ModalMeta{Channel: rt.channel, ResponseURL: rt.respURL, Replace: rt.replace}
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
	if !rt.env.acked && rt.ackMsg {
		payload := ackMessage{ResponseType: respType, Text: msg.Text, Blocks: msg.Blocks}
		if raw, jerr := json.Marshal(payload); jerr == nil && len(raw) < maxAckPayload {
			if rt.env.ackWith(payload) {
				b.m.replyTime.WithLabelValues("ack").Observe(time.Since(rt.env.received).Seconds())
			}
			return replied
		}
	}
	rt.env.ack()
	if rt.durable {
		out := b.respondDurably(ctx, rt, msg, respType)
		if out == replied {
			b.m.replyTime.WithLabelValues("response_url").Observe(time.Since(rt.env.received).Seconds())
		}
		return out
	}
	replace := rt.replace && err == nil && res != nil && (res.Kind == commands.KindDeal || res.Kind == commands.KindDealList)
	if b.respond(ctx, rt, msg, respType, replace) {
		b.m.replyTime.WithLabelValues("response_url").Observe(time.Since(rt.env.received).Seconds())
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
// times); without one, or once it is spent, expired or refused, with an
// ephemeral message in the command's channel (not for a modal), and
// last by DM, which reaches the user wherever they typed the command.
func (b *Bot) respond(ctx context.Context, rt *replyTo, msg blocks.Message, respType string, replace bool) bool {
	var err error
	// try makes one way's attempts and, when Slack refuses the blocks,
	// once more as plain text.
	try := func(n int, send func(ctx context.Context, m blocks.Message) error) error {
		err := retrySlack(ctx, n, func(ctx context.Context) error { return send(ctx, msg) })
		if err != nil && b.blocksRefused(rt, &msg, err) {
			err = retrySlack(ctx, n, func(ctx context.Context) error { return send(ctx, msg) })
		}
		return err
	}
	if rt.respURL != "" {
		err = try(4, func(ctx context.Context, m blocks.Message) error {
			b.replies.acquire()
			t0 := time.Now()
			err := b.postResponse(ctx, rt.respURL, m, respType, replace)
			b.replies.release(time.Since(t0))
			return err
		})
		if err == nil {
			return true
		}
		b.log.Warn("response_url failed; replying another way", sales.LogKeyEnvelope, rt.env.id, sales.LogKeyError, redact(err))
	}
	if rt.channel != "" && rt.user != "" && !rt.modal {
		err = try(2, func(ctx context.Context, m blocks.Message) error {
			_, err := b.api.PostEphemeralContext(ctx, rt.channel, rt.user, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...))
			return err
		})
		if err == nil {
			return true
		}
		b.log.Warn("chat.postEphemeral failed; replying by DM", sales.LogKeyEnvelope, rt.env.id, sales.LogKeyError, redact(err))
	}
	if rt.user != "" {
		err = try(2, func(ctx context.Context, m blocks.Message) error { return b.dm(ctx, rt.user, m) })
		if err == nil {
			return true
		}
	}
	if err != nil {
		b.log.Error("reply failed", sales.LogKeyEnvelope, rt.env.id, sales.LogKeyUser, rt.user, sales.LogKeyError, redact(err))
	}
	return false
}

// dm posts msg in the bot's DM with user: conversations.open names the
// channel (im:write), chat.postMessage posts there.
//
// The channel is cached per user (b.dms): it does not change, and a DM per
// answer would otherwise open it every time.
func (b *Bot) dm(ctx context.Context, user string, msg blocks.Message) error {
	id, _ := b.dms.Load(user)
	ch, _ := id.(string)
	if ch == "" {
		c, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err != nil {
			return err
		}
		ch = c.ID
		b.dms.Store(user, ch)
	}
	_, _, err := b.api.PostMessageContext(ctx, ch, slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...))
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "channel_not_found" {
		b.dms.Delete(user) // stale: open it again next time
	}
	return err
}

// responseBody is what a response_url takes: the fields slack-go's
// SendMessageContext sends there.
type responseBody struct {
	Text            string        `json:"text,omitempty"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ResponseType    string        `json:"response_type,omitempty"`
	ReplaceOriginal bool          `json:"replace_original"`
	DeleteOriginal  bool          `json:"delete_original"`
}

// postResponse posts msg to a response_url, with slack-go's errors
// (RateLimitedError on 429 with Retry-After, StatusCodeError on any other
// status but 200, SlackErrorResponse on "ok": false), so outbox.Classify
// reads them the same. slack-go's SendMessageContext builds the body
// from its 60-field Msg by reflection and validates and compacts the
// blocks' JSON once more inside it: under the load tool's closed loop
// that was ~95µs of the bot's ~760µs CPU per /deal add, on cores it
// shares with everything else. One json.Marshal of the five fields
// costs a fraction of it.
func (b *Bot) postResponse(ctx context.Context, url string, msg blocks.Message, respType string, replace bool) error {
	// goccy/go-json writes what encoding/json does, in about half the
	// time: this is every write command's answer.
	body, err := gojson.Marshal(responseBody{Text: msg.Text, Blocks: msg.Blocks, ResponseType: respType, ReplaceOriginal: replace})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := b.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != "" {
		secs, perr := strconv.ParseInt(resp.Header.Get("Retry-After"), 10, 64)
		if perr != nil {
			return perr
		}
		return &slack.RateLimitedError{RetryAfter: time.Duration(secs) * time.Second}
	}
	if resp.StatusCode != http.StatusOK {
		return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
	}
	if err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/json" {
		if string(raw) != "ok" {
			return errors.New(string(raw))
		}
		return nil
	}
	var r slack.SlackResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	return r.Err()
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
	urlUntil := rt.env.received.Add(responseURLLife - time.Minute)
	until := rt.env.received.Add(journalMaxAge)
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
			err = b.replyOnce(ctx, func(ctx context.Context) error {
				return b.postResponse(ctx, rt.respURL, msg, respType, rt.replaceAck)
			})
			if err == nil {
				return replied
			}
			if b.blocksRefused(rt, &msg, err) {
				round--
				continue // at once, as text
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
			if b.blocksRefused(rt, &msg, err) {
				round--
				continue
			}
			useEph = !gone(err)
		}
		if !useURL && !useEph && useDM {
			err = b.replyOnce(ctx, func(ctx context.Context) error { return b.dm(ctx, rt.user, msg) })
			if err == nil {
				return replied
			}
			if b.blocksRefused(rt, &msg, err) {
				round--
				continue
			}
			useDM = !gone(err)
		}
		if !useURL && !useEph && !useDM {
			b.log.Error("reply failed: Slack refused every way to the user", sales.LogKeyEnvelope, rt.env.id, sales.LogKeyUser, rt.user,
				sales.LogKeyError, redact(err))
			return unreachable
		}
		d := wait
		if kind, after := outbox.Classify(err); kind == outbox.RateLimited {
			d = max(d, after)
		}
		wait = min(wait*2, maxReplyBackoff)
		if time.Now().Add(d).After(until) {
			b.log.Error("reply failed for a day; giving up", sales.LogKeyEnvelope, rt.env.id, sales.LogKeyError, redact(err))
			return unreachable
		}
		if round == 1 || round%10 == 0 {
			b.log.Warn("reply failed; will retry", sales.LogKeyEnvelope, rt.env.id, "round", round, "wait", d, sales.LogKeyError, redact(err))
		}
		t := time.NewTimer(d)
		select {
		case <-b.quit:
			t.Stop()
			b.log.Warn("shutting down with a reply still owed; the next start sends it", sales.LogKeyEnvelope, rt.env.id)
			return interrupted
		case <-ctx.Done():
			t.Stop()
			return interrupted
		case <-t.C:
		}
	}
}

// blocksRefused reports whether Slack refused msg's blocks
// (invalid_blocks: a Block Kit limit the renderer missed); it then logs
// it and strips the blocks, so the caller retries once with the text
// alone, which every reply carries in full. A text-only message refused
// again is not retried this way.
func (b *Bot) blocksRefused(rt *replyTo, msg *blocks.Message, err error) bool {
	var se slack.SlackErrorResponse
	if len(msg.Blocks) == 0 || !errors.As(err, &se) || se.Err != "invalid_blocks" {
		return false
	}
	b.log.Error("Slack refused the reply's blocks; sending it as text", sales.LogKeyEnvelope, rt.env.id, sales.LogKeyCommand, rt.command,
		"problems", strings.Join(se.ResponseMetadata.Messages, "; "))
	msg.Blocks = nil
	return true
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
	}}
	if !w.Muted { // celebrations off: the win is announced, not cheered
		j.Steps = append(j.Steps, outbox.Step{Op: outbox.OpReact, Name: "tada"})
	}
	if err := b.out.Enqueue(ctx, key, j); err != nil {
		b.log.Error("queue win post failed", sales.LogKeyDeal, w.Deal.ID.String(), sales.LogKeyError, redact(err))
	}
}
