package slacktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/salesbot/salesbot/bot/slacktest"
)

var testUsers = []slacktest.User{
	{ID: "U0ALICE", Name: "alice", RealName: "Alice Adams", TZ: "Europe/Berlin", IsAdmin: true},
	{ID: "U0BOB", Name: "bob", RealName: "Bob Brown", TZ: "America/New_York"},
}

func newServer(t *testing.T) *slacktest.Server {
	t.Helper()
	s := slacktest.New(slacktest.Options{Users: testUsers, Channels: map[string]string{"C1": "general"},
		Outside: map[string]string{"C0OTHER": "other", "G0SECRET": "secret"}})
	t.Cleanup(s.Close)
	return s
}

// TestChannelMembership: a bot posts only in channels it was invited to,
// and conversations.info tells it whether it is in one. Slack:
// chat.postMessage "not_in_channel: Cannot post user messages to a
// channel they are not in" (https://api.slack.com/methods/chat.postMessage#errors);
// the conversations.info channel carries is_member
// (https://docs.slack.dev/reference/objects/conversation-object) and needs
// channels:read or groups:read
// (https://docs.slack.dev/reference/scopes/groups:read).
func TestChannelMembership(t *testing.T) {
	s := newServer(t)
	c := api(s)
	ctx := ctxT(t)
	for _, tc := range []struct{ channel, err string }{
		{"C1", ""}, {"#general", ""}, {"C0OTHER", "not_in_channel"}, {"G0SECRET", "not_in_channel"},
		{"C0NOWHERE", "channel_not_found"}, {"U0BOB", ""},
	} {
		_, _, err := c.PostMessageContext(ctx, tc.channel, slack.MsgOptionText("hi", false))
		if got := errString(err); got != tc.err {
			t.Errorf("post to %s: err %q, want %q", tc.channel, got, tc.err)
		}
	}
	for _, tc := range []struct {
		channel string
		member  bool
		err     string
	}{
		{"C1", true, ""}, {"C0OTHER", false, ""}, {"G0SECRET", false, "channel_not_found"}, {"C0NOWHERE", false, "channel_not_found"},
	} {
		ch, err := c.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: tc.channel})
		if got := errString(err); got != tc.err || err == nil && ch.IsMember != tc.member {
			t.Errorf("info %s: err %q member %v, want %q %v", tc.channel, got, err == nil && ch.IsMember, tc.err, tc.member)
		}
	}
	s.Invite("C0OTHER")
	if ch, err := c.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0OTHER"}); err != nil || !ch.IsMember {
		t.Errorf("after invite: %v, %v", ch, err)
	}
	if _, _, err := c.PostMessageContext(ctx, "C0OTHER", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("post after invite: %v", err)
	}
	// Removed from a channel, or the channel archived: Slack refuses the
	// post with not_in_channel or is_archived
	// (https://api.slack.com/methods/chat.postMessage#errors).
	s.Kick("C0OTHER")
	s.Archive("C1")
	for ch, want := range map[string]string{"C0OTHER": "not_in_channel", "C1": "is_archived"} {
		if _, _, err := c.PostMessageContext(ctx, ch, slack.MsgOptionText("hi", false)); errString(err) != want {
			t.Errorf("post to %s: %v, want %s", ch, err, want)
		}
	}
	noRead := slacktest.New(slacktest.Options{Scopes: []string{"chat:write"}, Channels: map[string]string{"C1": "general"}})
	t.Cleanup(noRead.Close)
	if _, err := api(noRead).GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"}); errString(err) != "missing_scope" {
		t.Errorf("info without channels:read: %v, want missing_scope", err)
	}
	// Each method needs its scope ("Required scopes" on its page, e.g.
	// https://docs.slack.dev/reference/methods/chat.postMessage).
	bare := slacktest.New(slacktest.Options{Scopes: []string{"channels:read"}, Channels: map[string]string{"C1": "general"}})
	t.Cleanup(bare.Close)
	if _, _, err := api(bare).PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); errString(err) != "missing_scope" {
		t.Errorf("post without chat:write: %v", err)
	}
	var se slack.SlackErrorResponse
	if _, err := api(bare).GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"}); !errors.As(err, &se) ||
		se.Err != "missing_scope" || se.Needed != "channels:history" {
		t.Errorf("history without channels:history: %v (needed %q)", err, se.Needed)
	}
	// Refuse answers an API error as Slack does, once per call asked.
	s.Refuse("chat.postMessage", 1, "invalid_blocks")
	if _, _, err := c.PostMessageContext(ctx, "C0OTHER", slack.MsgOptionText("hi", false)); errString(err) != "invalid_blocks" {
		t.Errorf("refused post: %v", err)
	}
}

// TestEphemeralNeedsMembership: chat.postEphemeral shows a message to a
// user in a conversation the bot is in, and nowhere else. Slack lists
// channel_not_found ("Value passed for channel was invalid") among its
// errors (https://api.slack.com/methods/chat.postEphemeral#errors); a DM
// or group DM between people is a conversation the bot cannot see, and a
// channel it was not invited to answers not_in_channel as
// chat.postMessage does. A modal's confirmation sent this way was lost
// whenever /deal was typed outside the bot's channels.
func TestEphemeralNeedsMembership(t *testing.T) {
	s := newServer(t)
	c := api(s)
	ctx := ctxT(t)
	for _, tc := range []struct{ channel, err string }{
		{"C1", ""}, {"D0ALICE", ""},
		{"C0OTHER", "not_in_channel"}, {"C0NOWHERE", "channel_not_found"},
		{s.DMBetween("U0ALICE", "U0BOB"), "channel_not_found"},
		{s.DMBetween("U0ALICE", "U0BOB", "U0CAROL"), "not_in_channel"},
	} {
		_, err := c.PostEphemeralContext(ctx, tc.channel, "U0ALICE", slack.MsgOptionText("hi", false))
		if got := errString(err); got != tc.err {
			t.Errorf("ephemeral in %s: err %q, want %q", tc.channel, got, tc.err)
		}
		if _, _, err := c.PostMessageContext(ctx, tc.channel, slack.MsgOptionText("hi", false)); errString(err) != tc.err {
			t.Errorf("post in %s: err %q, want %q", tc.channel, errString(err), tc.err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func api(s *slacktest.Server) *slack.Client {
	return slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(s.AppToken()),
		slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}))
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// recv takes the next value from ch, failing the test at its deadline
// instead of blocking forever.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	ctx := ctxT(t)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		t.Fatalf("nothing arrived: %v", ctx.Err())
		panic("unreachable")
	}
}

// send hands v to the test without ever blocking the client's event
// loop (a redelivered envelope finds the buffer full and is dropped).
func send[T any](ch chan<- T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// runClient runs an unmodified slack-go socketmode client that hands every
// envelope event to onEvent (which must ack).
func runClient(t *testing.T, s *slacktest.Server, onEvent func(*socketmode.Client, socketmode.Event)) *socketmode.Client {
	t.Helper()
	sm := socketmode.New(api(s), socketmode.OptionLog(log.New(io.Discard, "", 0)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sm.RunContext(ctx)
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-sm.Events:
				if ev.Request != nil && ev.Request.EnvelopeID != "" {
					onEvent(sm, ev)
				}
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	if err := s.AwaitConnections(ctxT(t), 1); err != nil {
		t.Fatalf("client never connected: %v", err)
	}
	return sm
}

func TestSlashCommandAckAndLatency(t *testing.T) {
	s := newServer(t)
	got := make(chan slack.SlashCommand, 1)
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		if cmd, ok := ev.Data.(slack.SlashCommand); ok {
			send(got, cmd)
			_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, map[string]any{"response_type": "ephemeral", "text": "hi " + cmd.Text})
		}
	})
	id := s.SlashCommand("U0ALICE", "", "/deal", "list")
	ack, err := s.AwaitAck(ctxT(t), id)
	if err != nil {
		t.Fatal(err)
	}
	cmd := recv(t, got)
	if cmd.UserName != "alice" || cmd.Command != "/deal" || !strings.Contains(cmd.ResponseURL, "/resp/") || cmd.TriggerID == "" {
		t.Fatalf("payload decoded as %+v", cmd)
	}
	if ack.Msg == nil || ack.Msg.Text != "hi list" || ack.Latency <= 0 || ack.Latency > 3*time.Second || ack.Duplicate {
		t.Fatalf("ack = %+v", ack)
	}
}

// TestDisconnectedCommandsFailEventsWait: Slack holds no slash command
// for an app without a socket; the user sees dispatch_failed
// (github.com/slackapi/bolt-js/issues/2216). Events wait and come as
// retries (github.com/slackapi/bolt-python/issues/1071: Slack "does
// retries for Events API messages"); a button click is not an event, and
// fails as a command does.
func TestDisconnectedCommandsFailEventsWait(t *testing.T) {
	s := newServer(t)
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, nil)
	})
	ctx := ctxT(t)
	for i, fail := range []func(){s.DropSockets, func() { s.Disconnect("refresh_requested") }} {
		// The client may not reconnect before both are typed.
		_, release := s.Hold("apps.connections.open")
		fail()
		cmd := s.SlashCommand("U0BOB", "", "/deal", fmt.Sprint("after failure ", i))
		ev := s.AppMention("U0BOB", "C1", fmt.Sprint("after failure ", i))
		click := s.BlockAction("U0BOB", slacktest.Container{}, slacktest.Action{ActionID: "deal.won", BlockID: "deal:D-1", Value: "D-1"})
		release()
		if err := s.AwaitConnections(ctx, i+2); err != nil {
			t.Fatalf("no reconnect after failure %d: %v", i, err)
		}
		if _, err := s.AwaitAck(ctx, ev); err != nil {
			t.Fatalf("queued event %d never acked: %v", i, err)
		}
		for _, r := range s.Since(0) {
			if r.Kind == slacktest.KindEnvelope && (r.Envelope.EnvelopeID == cmd || r.Envelope.EnvelopeID == click) {
				t.Fatalf("the command or click made while disconnected was delivered later")
			}
			if r.Kind == slacktest.KindEnvelope && r.Envelope.EnvelopeID == ev && r.Envelope.RetryAttempt != 1 {
				t.Fatalf("the event that waited went out as attempt %d, want retry 1", r.Envelope.RetryAttempt)
			}
		}
		f := s.DispatchFailures()
		if len(f) != 2*(i+1) || f[2*i].EnvelopeID != cmd || f[2*i].Command != "/deal" || f[2*i].User != "U0BOB" {
			t.Fatalf("dispatch failures = %+v", f)
		}
		if c := f[2*i+1]; c.EnvelopeID != click || c.Interaction != "block_actions" || c.Text != "deal.won" || c.User != "U0BOB" || c.Command != "" {
			t.Fatalf("click's dispatch failure = %+v", c)
		}
	}
	if s.Pending() != 0 {
		t.Fatalf("pending = %d", s.Pending())
	}
}

func TestRedeliverMarksDuplicates(t *testing.T) {
	s := newServer(t)
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, nil)
	})
	ctx := ctxT(t)
	id := s.AppMention("U0BOB", "C1", "hello")
	if _, err := s.AwaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.Redeliver(id, "timeout"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Await(ctx, 0, func(r *slacktest.Record) bool {
		return r.Kind == slacktest.KindAck && r.Ack.EnvelopeID == id && r.Ack.Duplicate
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWebAPITokensAndFaults(t *testing.T) {
	s := newServer(t)
	ctx := ctxT(t)
	c := api(s)
	if _, _, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("hello", false)); err != nil {
		t.Fatal(err)
	}
	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL()))
	if _, _, err := bad.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("wrong token: %v", err)
	}
	s.RateLimit("chat.postMessage", 1, time.Second)
	_, _, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("429: %v", err)
	}
	s.Fail("chat.postMessage", 1, 503, 0)
	_, _, err = c.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 503 {
		t.Fatalf("503: %v", err)
	}
	if _, _, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("after", false)); err != nil {
		t.Fatal(err)
	}
	if h := s.History("C1"); len(h) != 2 || h[1].Text != "after" {
		t.Fatalf("history = %+v", h)
	}
	calls := s.Calls("chat.postMessage")
	if len(calls) != 5 || calls[0].Auth != "form" || calls[1].Auth != "bad" || calls[2].Fault != "429" {
		t.Fatalf("calls = %+v", calls)
	}
	if _, err := c.AuthTestContext(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestBlockKitLimits(t *testing.T) {
	section := func(n int) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", strings.Repeat("x", n), false, false), nil, nil)
	}
	many := func(n int) []slack.Block {
		out := make([]slack.Block, n)
		for i := range out {
			out[i] = section(1)
		}
		return out
	}
	fields := func(n, size int) slack.Block {
		var fs []*slack.TextBlockObject
		for i := 0; i < n; i++ {
			fs = append(fs, slack.NewTextBlockObject("mrkdwn", strings.Repeat("f", size), false, false))
		}
		return slack.NewSectionBlock(nil, fs, nil)
	}
	button := func(n int) slack.Block {
		return slack.NewActionBlock("a", slack.NewButtonBlockElement("x", "v", slack.NewTextBlockObject("plain_text", strings.Repeat("b", n), false, false)))
	}
	header := func(n int) slack.Block {
		return slack.NewHeaderBlock(slack.NewTextBlockObject("plain_text", strings.Repeat("h", n), false, false))
	}
	tests := []struct {
		name   string
		blocks []slack.Block
		ok     bool
	}{
		{"50 blocks", many(50), true},
		{"51 blocks", many(51), false},
		{"section 3000", []slack.Block{section(3000)}, true},
		{"section 3001", []slack.Block{section(3001)}, false},
		{"header 150", []slack.Block{header(150)}, true},
		{"header 151", []slack.Block{header(151)}, false},
		{"10 fields", []slack.Block{fields(10, 2000)}, true},
		{"11 fields", []slack.Block{fields(11, 1)}, false},
		{"field 2001", []slack.Block{fields(1, 2001)}, false},
		{"button 75", []slack.Block{button(75)}, true},
		{"button 76", []slack.Block{button(76)}, false},
		{"empty section", []slack.Block{section(0)}, false},
	}
	s := newServer(t)
	c := api(s)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.PostMessageContext(ctxT(t), "C1", slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(tc.blocks...))
			if tc.ok != (err == nil) {
				t.Fatalf("ok=%v err=%v", tc.ok, err)
			}
			if !tc.ok && err.Error() != "invalid_blocks" {
				t.Fatalf("err = %v", err)
			}
		})
	}
	if len(s.Invalid()) == 0 {
		t.Fatal("Invalid() does not list the rejected blocks")
	}
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: many(100)}}
	if _, err := c.PublishViewContext(ctxT(t), slack.PublishViewContextRequest{UserID: "U0BOB", View: home}); err != nil {
		t.Fatalf("100-block home: %v", err)
	}
	home.Blocks.BlockSet = many(101)
	if _, err := c.PublishViewContext(ctxT(t), slack.PublishViewContextRequest{UserID: "U0BOB", View: home}); err == nil {
		t.Fatal("101-block home accepted")
	}
}

func dealModal() slack.ModalViewRequest {
	pt := func(s string) *slack.TextBlockObject { return slack.NewTextBlockObject("plain_text", s, false, false) }
	stage := slack.NewOptionsSelectBlockElement("static_select", pt("Stage"), "stage",
		slack.NewOptionBlockObject("Prospecting", pt("Prospecting"), nil), slack.NewOptionBlockObject("Won", pt("Won"), nil))
	close := slack.NewInputBlock("close", pt("Close date"), nil, slack.NewDatePickerBlockElement("close"))
	close.Optional = true
	owner := slack.NewInputBlock("owner", pt("Owner"), nil, slack.NewOptionsSelectBlockElement("users_select", pt("Owner"), "owner"))
	owner.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: pt("New deal"), Submit: pt("Save"), CallbackID: "deal.form", PrivateMetadata: "C1",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("account", pt("Account"), nil, slack.NewPlainTextInputBlockElement(nil, "account")),
			slack.NewInputBlock("stage", pt("Stage"), nil, stage),
			close, owner,
		}},
	}
}

func TestModalFlow(t *testing.T) {
	s := newServer(t)
	subs := make(chan slack.InteractionCallback, 4)
	var triggerOnce = make(chan string, 1)
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		switch d := ev.Data.(type) {
		case slack.SlashCommand:
			send(triggerOnce, d.TriggerID)
			_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, nil)
		case slack.InteractionCallback:
			send(subs, d)
			var resp any
			if d.View.State.Values["account"]["account"].Value == "bad" {
				resp = slack.NewErrorsViewSubmissionResponse(map[string]string{"account": "no"})
			}
			_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, resp)
		}
	})
	ctx := ctxT(t)
	c := api(s)
	s.SlashCommand("U0ALICE", "C1", "/deal", "")
	trig := recv(t, triggerOnce)
	v, err := c.OpenViewContext(ctx, trig, dealModal())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenViewContext(ctx, trig, dealModal()); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Fatalf("reused trigger: %v", err)
	}
	if _, err := s.SubmitView("U0ALICE", v.ID, map[string]string{"stage": "Nope"}); err == nil {
		t.Fatal("missing account and bad stage accepted")
	}
	id, err := s.SubmitView("U0ALICE", v.ID, map[string]string{"account": "bad", "stage": "won", "owner": "@bob", "close": "2026-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := s.AwaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	sub := recv(t, subs)
	vals := sub.View.State.Values
	if sub.Type != slack.InteractionTypeViewSubmission || vals["stage"]["stage"].SelectedOption.Value != "Won" ||
		vals["owner"]["owner"].SelectedUser != "U0BOB" || vals["close"]["close"].SelectedDate != "2026-12-01" ||
		sub.View.PrivateMetadata != "C1" {
		t.Fatalf("submission = %+v", sub.View.State)
	}
	if ack.Action != "errors" || ack.Errors["account"] != "no" {
		t.Fatalf("ack = %+v", ack)
	}
	if got, _ := s.View(v.ID); got.Closed || got.Errors["account"] != "no" {
		t.Fatalf("view after errors = %+v", got)
	}
	id, _ = s.SubmitView("U0ALICE", v.ID, map[string]string{"account": "Acme", "stage": "Prospecting"})
	if _, err := s.AwaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.View(v.ID); !got.Closed {
		t.Fatal("empty ack did not close the modal")
	}
}

func TestResponseURLAndBlockAction(t *testing.T) {
	s := newServer(t)
	urls := make(chan string, 2)
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		if cb, ok := ev.Data.(slack.InteractionCallback); ok {
			if len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].ActionID != "deal.won" {
				t.Errorf("actions = %+v", cb.ActionCallback)
			}
			send(urls, cb.ResponseURL)
		}
		_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, nil)
	})
	ctx := ctxT(t)
	id := s.BlockAction("U0BOB", slacktest.Container{Channel: "C1", MessageTS: "1.2", IsEphemeral: true},
		slacktest.Action{ActionID: "deal.won", BlockID: "deal:D-1", Value: "D-1"})
	u := recv(t, urls)
	if _, _, err := api(s).PostMessageContext(ctx, "", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral),
		slack.MsgOptionText("won!", false), slack.MsgOptionReplaceOriginal(u)); err != nil {
		t.Fatal(err)
	}
	// Recorded before the app had its answer: no waiting needed.
	if n := len(s.Responses(id)); n != 1 {
		t.Fatalf("responses recorded when the POST returned = %d", n)
	}
	r, err := s.AwaitResponse(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Msg.Text != "won!" || !r.Msg.ReplaceOriginal {
		t.Fatalf("response = %+v", r)
	}
}

// TestResponseURLLimits: a response_url takes five posts within 30
// minutes (https://api.slack.com/interactivity/slash-commands, "Delayed
// responses and multiple responses"); after either it answers 404.
func TestResponseURLLimits(t *testing.T) {
	s := newServer(t)
	urls := make(chan string, 4)
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		if cmd, ok := ev.Data.(slack.SlashCommand); ok {
			send(urls, cmd.ResponseURL)
		}
		_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, nil)
	})
	ctx := ctxT(t)
	post := func(u string) error {
		_, _, err := api(s).PostMessageContext(ctx, "", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("hi", false))
		return err
	}
	s.SlashCommand("U0BOB", "C1", "/deal", "list")
	u := recv(t, urls)
	for i := 1; i <= 5; i++ {
		if err := post(u); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	if err := post(u); err == nil {
		t.Fatal("a sixth post was accepted")
	}
	id := s.SlashCommand("U0BOB", "C1", "/deal", "list")
	u = recv(t, urls)
	s.Advance(29 * time.Minute)
	if err := post(u); err != nil {
		t.Fatalf("post at 29 minutes: %v", err)
	}
	s.Advance(2 * time.Minute)
	if err := post(u); err == nil {
		t.Fatal("a post at 31 minutes was accepted")
	}
	rs := s.Responses(id)
	if len(rs) != 2 || rs[1].OK || rs[1].Status != http.StatusNotFound {
		t.Fatalf("responses = %+v", rs)
	}
}

func TestUsersAndConversations(t *testing.T) {
	s := newServer(t)
	ctx := ctxT(t)
	c := api(s)
	u, err := c.GetUserInfoContext(ctx, "U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if u.TZ != "Europe/Berlin" || !u.IsAdmin || u.RealName != "Alice Adams" || u.Name != "alice" {
		t.Fatalf("user = %+v", u)
	}
	if _, err := c.GetUserInfoContext(ctx, "U0NOBODY"); err == nil || err.Error() != "user_not_found" {
		t.Fatalf("unknown user: %v", err)
	}
	ch, _, _, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0BOB"}})
	if err != nil || ch.ID != "D0BOB" {
		t.Fatalf("open = %+v, %v", ch, err)
	}
	_, ts, err := c.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("dm", false))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddReactionContext(ctx, "tada", slack.ItemRef{Channel: ch.ID, Timestamp: ts}); err != nil {
		t.Fatal(err)
	}
}

func TestFileUploadV2(t *testing.T) {
	s := newServer(t)
	ctx := ctxT(t)
	c := api(s)
	_, ts, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("digest", false))
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\nfake")
	f, err := c.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: strings.NewReader(string(png)), FileSize: len(png), Filename: "chart.png", Title: "Funnel",
		AltTxt: "Funnel by stage", Channel: "C1", ThreadTimestamp: ts,
	})
	if err != nil {
		t.Fatal(err)
	}
	files := s.Files()
	if len(files) != 1 || files[0].ID != f.ID || string(files[0].Data) != string(png) ||
		files[0].AltText != "Funnel by stage" || files[0].ThreadTS != ts || files[0].Channel != "C1" {
		t.Fatalf("files = %+v", files)
	}
	// Slack shares after answering (bolt-js #2115): the thread shows the
	// file only once the share completes.
	shared := func() bool {
		msgs, _, _, err := c.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: ts})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if len(m.Files) == 1 && m.Files[0].ID == f.ID {
				return true
			}
		}
		return false
	}
	if shared() {
		t.Fatal("the file's message was in the thread as soon as the upload answered")
	}
	s.Advance(2 * time.Second)
	if !shared() {
		t.Fatal("the file's message never showed in the thread")
	}
}

func TestAwaitHonoursContext(t *testing.T) {
	s := newServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.AwaitAck(ctx, "env-nope"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestValidateBlocksJSON(t *testing.T) {
	raw := json.RawMessage(`[{"type":"section","text":{"type":"mrkdwn","text":"ok"}},{"type":"bogus"}]`)
	if probs := slacktest.ValidateBlocks(raw); len(probs) != 1 || !strings.Contains(probs[0], "bogus") {
		t.Fatalf("problems = %v", probs)
	}
}

func TestOverflowedEnvelopesGoOutWithoutReconnect(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes thousands of envelopes")
	}
	s := newServer(t)
	// More than a socket's buffer holds arrives while no socket is up: on
	// connect the buffer fills, and the rest must follow on the same
	// socket, in order, not wait for another reconnect.
	var last string
	for i := 0; i < 4096+64; i++ {
		last = s.AppMention("U0BOB", "C1", fmt.Sprint("burst ", i))
	}
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, nil)
	})
	if _, err := s.AwaitAck(ctxT(t), last); err != nil {
		t.Fatalf("the overflow never went out: %v (pending %d)", err, s.Pending())
	}
	prev := ""
	for _, r := range s.Since(0) {
		if r.Kind == slacktest.KindEnvelope {
			if r.Envelope.EnvelopeID <= prev {
				t.Fatalf("envelope %s sent after %s", r.Envelope.EnvelopeID, prev)
			}
			prev = r.Envelope.EnvelopeID
		}
	}
}

func TestHistoryMetadataAndLostAnswers(t *testing.T) {
	s := newServer(t)
	ctx := ctxT(t)
	c := api(s)
	meta := func(k string) slack.MsgOption {
		return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "test_post", EventPayload: map[string]any{"key": k}})
	}
	_, first, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("one", false), meta("a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(first), meta("r")); err != nil {
		t.Fatal(err)
	}
	// Slack posts, but the answer is lost: the client sees a 500.
	s.FailAfter("chat.postMessage", 1, 500)
	_, _, err = c.PostMessageContext(ctx, "C1", slack.MsgOptionText("two", false), meta("b"))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 500 {
		t.Fatalf("lost answer: %v", err)
	}

	h, err := c.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Limit: 1, IncludeAllMetadata: true})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Text != "two" || h.Messages[0].Metadata.EventPayload["key"] != "b" || !h.HasMore {
		t.Fatalf("history page 1 = %+v, %v", h, err)
	}
	h, err = c.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Cursor: h.ResponseMetaData.NextCursor})
	if err != nil || len(h.Messages) != 1 || h.Messages[0].Text != "one" || h.Messages[0].Metadata.EventType != "" || h.HasMore {
		t.Fatalf("history page 2 (no thread replies, no metadata unless asked) = %+v, %v", h, err)
	}
	h, err = c.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: "9999999999"})
	if err != nil || len(h.Messages) != 0 {
		t.Fatalf("history after oldest = %+v, %v", h, err)
	}
	msgs, _, _, err := c.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: first, IncludeAllMetadata: true})
	if err != nil || len(msgs) != 2 || msgs[0].Text != "one" || msgs[1].Text != "reply" || msgs[1].Metadata.EventPayload["key"] != "r" {
		t.Fatalf("replies = %+v, %v", msgs, err)
	}
	if _, _, _, err := c.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: "1.2"}); err == nil {
		t.Fatal("replies of an unknown thread succeeded")
	}
}

// conversations.history is Tier 3 for internal apps, 50 calls a minute
// (https://docs.slack.dev/reference/methods/conversations.history); past
// it Slack answers 429 with Retry-After (https://api.slack.com/apis/rate-limits).
func TestHistoryRateTier(t *testing.T) {
	s := newServer(t)
	c := api(s)
	ctx := ctxT(t)
	read := func() error {
		_, err := c.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
		return err
	}
	for i := 0; i < 50; i++ {
		if err := read(); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	var rl *slack.RateLimitedError
	if err := read(); !errors.As(err, &rl) || rl.RetryAfter < time.Second || rl.RetryAfter > time.Minute {
		t.Fatalf("call 51: %v, want a 429 with Retry-After", err)
	}
	s.Advance(time.Minute)
	if err := read(); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

// users.list pages by cursor (https://docs.slack.dev/reference/methods/users.list)
// and shows deleted, is_bot and the guest flags; conversations.open
// answers user_disabled for a deactivated account.
func TestUsersListAndInactiveUsers(t *testing.T) {
	var users []slacktest.User
	for i := 0; i < 450; i++ {
		users = append(users, slacktest.User{ID: fmt.Sprintf("U%04d", i), Name: fmt.Sprint("u", i)})
	}
	users = append(users, slacktest.User{ID: "UGONE", Deleted: true}, slacktest.User{ID: "UGUEST", Restricted: true})
	s := slacktest.New(slacktest.Options{Users: users})
	t.Cleanup(s.Close)
	c := api(s)
	ctx := ctxT(t)
	all, err := c.GetUsersContext(ctx, slack.GetUsersOptionLimit(200))
	if err != nil || len(all) != 453 { // with the bot user
		t.Fatalf("users.list: %d users, %v", len(all), err)
	}
	if n := len(s.Calls("users.list")); n != 3 {
		t.Errorf("users.list pages = %d, want 3", n)
	}
	flags := map[string]string{}
	for _, u := range all {
		flags[u.ID] = fmt.Sprint(u.Deleted, u.IsBot, u.IsRestricted)
	}
	if flags["UGONE"] != "true false false" || flags["UGUEST"] != "false false true" || flags[slacktest.DefaultBotUser] != "false true false" {
		t.Errorf("flags = gone %s guest %s bot %s", flags["UGONE"], flags["UGUEST"], flags[slacktest.DefaultBotUser])
	}
	if _, _, _, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"UGONE"}}); errString(err) != "user_disabled" {
		t.Errorf("open a DM with a deactivated user: %v", err)
	}
}

// An event not acked in time is retried by Slack with retry_attempt one
// higher and a retry_reason (github.com/slackapi/bolt-python/issues/1484
// shows the envelope's retry_attempt and retry_reason; schedule per
// PROTOCOL.md §1); slash commands are not.
func TestUnackedEventIsRetried(t *testing.T) {
	s := slacktest.New(slacktest.Options{Users: testUsers, Channels: map[string]string{"C1": "general"}, AckTimeout: 100 * time.Millisecond})
	t.Cleanup(s.Close)
	seen := map[string]int{}
	var mu sync.Mutex
	runClient(t, s, func(sm *socketmode.Client, ev socketmode.Event) {
		mu.Lock()
		seen[ev.Request.EnvelopeID]++
		n := seen[ev.Request.EnvelopeID]
		mu.Unlock()
		if n > 1 || ev.Type != socketmode.EventTypeEventsAPI { // the first delivery of an event is "lost"
			_ = sm.AckCtx(context.Background(), ev.Request.EnvelopeID, nil)
		}
	})
	ctx := ctxT(t)
	ev := s.AppMention("U0BOB", "C1", "hello")
	cmd := s.SlashCommand("U0BOB", "", "/deal", "list")
	r, err := s.Await(ctx, 0, func(r *slacktest.Record) bool {
		return r.Kind == slacktest.KindEnvelope && r.Envelope.EnvelopeID == ev && r.Envelope.RetryAttempt == 1
	})
	if err != nil {
		t.Fatalf("the unacked event was never retried: %v", err)
	}
	if _, err := s.AwaitAck(ctx, ev); err != nil || r.Envelope.RetryAttempt != 1 {
		t.Fatal(err)
	}
	if _, err := s.AwaitAck(ctx, cmd); err != nil {
		t.Fatal(err)
	}
	for _, rec := range s.Since(0) {
		if rec.Kind == slacktest.KindEnvelope && rec.Envelope.EnvelopeID == cmd && rec.Envelope.RetryAttempt > 0 {
			t.Fatal("a slash command was retried")
		}
	}
}
