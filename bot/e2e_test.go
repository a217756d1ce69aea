package bot_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

func (h *harness) deals(t *testing.T) []sales.Deal {
	t.Helper()
	ds, err := h.db.FindDeals(context.Background(), sales.DealFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func (h *harness) deal(t *testing.T, id string) sales.Deal {
	t.Helper()
	did, ok := sales.ParseDealID(id)
	if !ok {
		t.Fatalf("bad deal id %q", id)
	}
	d, err := h.db.Deal(context.Background(), did)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// wins returns the celebrations posted to the wins channel.
func (h *harness) wins() []slacktest.Msg { return h.emu.History(winsChannel) }

func TestCommandsEndToEnd(t *testing.T) {
	h := newHarness(t, hopts{})
	// erin is an admin (SALESBOT_ADMINS); she makes alice a manager and
	// bob alice's rep.
	h.mustContain(h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager"), "manager")

	add := h.say("U0BOB", "/deal", `add "Acme Corp" $12,500 stage:proposal close:2030-01-15`)
	// A write is acked with a "Logging…" line once its pending journal
	// entry is on disk; "Logged" replaces that line after the commit, by
	// response_url with replace_original.
	resps := h.emu.Responses(add.EnvelopeID)
	if add.Ack.Msg == nil || !strings.Contains(add.Ack.Msg.Text, "Logging `/deal add") || len(resps) != 1 || !resps[0].Msg.ReplaceOriginal {
		t.Fatalf("write reply path: ack %+v, responses %+v", add.Ack.Msg, resps)
	}
	h.mustContain(add, "Logged", "D-1", "Acme Corp", "$12,500.00", "Proposal")
	if d := h.deal(t, "D-1"); d.Amount != 1250000 || d.Account != "Acme Corp" {
		t.Fatalf("stored deal = %+v", d)
	}
	h.mustContain(h.say("U0BOB", "/deal", "add Globex 48k"), "D-2", "Globex")
	list := h.say("U0BOB", "/deal", "list")
	h.mustContain(list, "Acme Corp", "Globex")
	if list.Ack.Msg == nil {
		t.Fatal("a fast read did not ride in the ack")
	}
	h.mustContain(h.say("U0BOB", "/deal", "show D-1"), "History")
	h.mustContain(h.say("U0BOB", "/deal", "stage D-1 negotiation"), "Negotiation")
	h.mustContain(h.say("U0ALICE", "/goal", "set <@U0BOB|bob> 50k month"), "bob")
	h.mustContain(h.say("U0BOB", "/goal", ""), "of $50,000.00")

	won := h.say("U0BOB", "/deal", "won D-1 13,500")
	h.mustContain(won, "won")
	if w := h.wins(); len(w) != 1 || !strings.Contains(plainJSON(w[0].Blocks), "<@U0BOB>") || !strings.Contains(plainJSON(w[0].Blocks), "$13,500.00") ||
		!strings.Contains(plainJSON(w[0].Blocks), "27%") {
		t.Fatalf("win celebration = %s", w[0].Blocks)
	}
	if !strings.Contains(plainJSON(h.wins()[0].Blocks), "First win") {
		t.Error("first win of the period has no flourish")
	}
	if len(h.emu.Calls("reactions.add")) != 1 {
		t.Error("the celebration got no reaction")
	}
	h.mustContain(h.say("U0BOB", "/deal", "lost Globex went with a competitor"), "lost")
	if d := h.deal(t, "D-2"); d.LostReason != "went with a competitor" {
		t.Fatalf("lost reason = %q", d.LostReason)
	}
	h.mustContain(h.say("U0BOB", "/pipeline", ""), "Win rate", "50%")
	h.mustContain(h.say("U0ALICE", "/pipeline", "team"), "Pipeline")
	h.mustContain(h.say("U0ALICE", "/territory", "add EMEA"), "EMEA")
	h.mustContain(h.say("U0ALICE", "/territory", "assign EMEA <@U0BOB|bob>"), "bob")
	h.mustContain(h.say("U0BOB", "/territory", "list"), "EMEA")
	h.mustContain(h.say("U0BOB", "/salesbot", "help"), "/deal add")

	// Permissions: a rep cannot set quotas; the error is specific and
	// changes nothing.
	forbidden := h.say("U0BOB", "/goal", "set <@U0BOB|bob> 1 month")
	h.mustContain(forbidden, "only a manager or admin")
	// Bad input: a specific error with the right form.
	h.mustContain(h.say("U0BOB", "/deal", "add Initech lots"), "amount", "/deal add")
	if n := len(h.deals(t)); n != 2 {
		t.Fatalf("bad input changed something: %d deals", n)
	}
	h.noInvalid()
}

func TestSlowCommandRepliesThroughResponseURL(t *testing.T) {
	h := newHarness(t, hopts{cfg: func(c *bot.Config) { c.FastReply = time.Nanosecond }})
	h.say("U0BOB", "/deal", "add Acme 5k")
	r := h.say("U0BOB", "/deal", "show D-1") // a read: it may answer in the ack when fast
	if r.Ack.Payload != nil {
		t.Fatalf("slow path acked with a payload: %s", r.Ack.Payload)
	}
	h.mustContain(r, "D-1", "Acme")
	if len(h.emu.Responses(r.EnvelopeID)) != 1 {
		t.Fatalf("responses = %+v", h.emu.Responses(r.EnvelopeID))
	}
}

func TestDealModal(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager")
	r := h.say("U0ALICE", "/deal", "")
	open, err := h.emu.AwaitCall(h.ctx(), "views.open", nil)
	if err != nil || !open.OK {
		t.Fatalf("views.open: %+v %v", open, err)
	}
	if r.Ack.Payload != nil {
		t.Fatalf("ack of /deal carried %s", r.Ack.Payload)
	}
	fields := map[string]bool{}
	for _, f := range slacktest.Fields(*open.View) {
		fields[f.BlockID] = true
	}
	for _, want := range []string{"account", "amount", "stage", "close", "owner"} {
		if !fields[want] {
			t.Errorf("the modal lacks %s (managers see owner)", want)
		}
	}
	viewID := open.View.ID

	// Invalid amount: field errors keyed by block_id, nothing written.
	id, err := h.emu.SubmitView("U0ALICE", viewID, map[string]string{"account": "Initech", "amount": "a lot", "stage": "Qualified"})
	if err != nil {
		t.Fatal(err)
	}
	ack := h.collect(id).Ack
	if ack.Action != "errors" || ack.Errors["amount"] == "" {
		t.Fatalf("ack = %+v", ack)
	}
	if len(h.deals(t)) != 0 {
		t.Fatal("an invalid form wrote a deal")
	}
	id, err = h.emu.SubmitView("U0ALICE", viewID, map[string]string{"account": "Initech", "amount": "12.5k", "stage": "Qualified",
		"close": "2030-02-01", "owner": "@bob"})
	if err != nil {
		t.Fatal(err)
	}
	ack = h.collect(id).Ack
	if ack.Action != "" || ack.Payload != nil {
		t.Fatalf("valid submission ack = %+v", ack)
	}
	if v, _ := h.emu.View(viewID); !v.Closed {
		t.Fatal("modal still open")
	}
	// Confirmed through the /deal command's response_url, which the modal
	// carried: it works wherever the command was typed.
	conf, err := h.emu.AwaitResponse(h.ctx(), r.EnvelopeID, func(r *slacktest.Response) bool { return r.OK })
	if err != nil || !strings.Contains(conf.Msg.Text, "Initech") || conf.Msg.ReplaceOriginal {
		t.Fatalf("confirmation = %+v %v", conf.Msg, err)
	}
	ds := h.deals(t)
	if len(ds) != 1 || ds[0].Amount != 1250000 || ds[0].CloseDate.Format("2006-01-02") != "2030-02-01" {
		t.Fatalf("deals = %+v", ds)
	}
	bob, _ := h.db.PersonBySlackID(context.Background(), "U0BOB")
	if ds[0].Owner != bob.ID {
		t.Fatalf("owner = %v, want bob %v", ds[0].Owner, bob.ID)
	}
	// Submit pressed again (the first answer was late or lost): the same
	// form logs nothing twice.
	id, err = h.emu.ResubmitView("U0ALICE", viewID)
	if err != nil {
		t.Fatal(err)
	}
	h.collect(id)
	h.idle()
	if ds := h.deals(t); len(ds) != 1 {
		t.Fatalf("a resubmitted form logged %d deals", len(ds))
	}

	// A rep's modal has no owner field.
	h.say("U0DAN", "/deal", "")
	v, err := h.emu.AwaitCall(h.ctx(), "views.open", func(c *slacktest.Call) bool { return c.View != nil && c.View.User == "U0DAN" })
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range slacktest.Fields(*v.View) {
		if f.BlockID == "owner" {
			t.Error("a rep's modal offers the owner field")
		}
	}
	h.noInvalid()
}

func TestDealCardButtons(t *testing.T) {
	h := newHarness(t, hopts{})
	add := h.say("U0BOB", "/deal", "add Hooli 20k stage:qualified")
	card := add.Msgs[0]
	where := slacktest.Container{Channel: chanGeneral, IsEphemeral: true, MessageTS: "1.1"}
	press := func(user string, b button) reply {
		t.Helper()
		return h.collect(h.emu.BlockAction(user, where, slacktest.Action{ActionID: b.ActionID, BlockID: b.BlockID, Value: b.Value}))
	}

	// Advance replaces the card in place.
	r := press("U0BOB", findButton(t, card, "deal.advance"))
	if len(r.Msgs) != 1 || !r.Msgs[0].ReplaceOriginal {
		t.Fatalf("advance reply = %+v", r.Msgs)
	}
	if d := h.deal(t, "D-1"); d.Stage != 3 {
		t.Fatalf("stage after advance = %d", d.Stage)
	}
	// Someone else's deal: the same permissions as commands.
	r = press("U0DAN", findButton(t, card, "deal.won"))
	h.mustContain(r, "only a manager or admin")
	if len(h.wins()) != 0 {
		t.Fatal("a forbidden button posted a win")
	}
	// Edit opens the modal prefilled.
	press("U0BOB", findButton(t, card, "deal.edit"))
	open, err := h.emu.AwaitCall(h.ctx(), "views.open", nil)
	if err != nil {
		t.Fatal(err)
	}
	init := map[string]string{}
	for _, f := range slacktest.Fields(*open.View) {
		init[f.BlockID] = f.Initial
	}
	if init["account"] != "Hooli" || init["stage"] != "Proposal" {
		t.Fatalf("edit modal initial values = %v", init)
	}
	id, _ := h.emu.SubmitView("U0BOB", open.View.ID, map[string]string{"amount": "22k"})
	h.collect(id)
	if d := h.deal(t, "D-1"); d.Amount != 2200000 {
		t.Fatalf("amount after edit = %v", d.Amount)
	}
	// Lost asks for a reason in a modal.
	press("U0BOB", findButton(t, card, "deal.lost"))
	lost, err := h.emu.AwaitCall(h.ctx(), "views.open", func(c *slacktest.Call) bool { return c.View.CallbackID == "deal.lost" })
	if err != nil {
		t.Fatal(err)
	}
	id, _ = h.emu.SubmitView("U0BOB", lost.View.ID, map[string]string{"reason": "budget cut <!channel>"})
	h.collect(id)
	if d := h.deal(t, "D-1"); !strings.HasPrefix(d.LostReason, "budget cut") || d.ClosedAt.IsZero() {
		t.Fatalf("after lost modal: %+v", d)
	}
	// The stage picker on list rows, and won from a button.
	h.say("U0BOB", "/deal", "add Pied Piper 9k")
	h.collect(h.emu.BlockAction("U0BOB", where, slacktest.Action{ActionID: "deal.stage", BlockID: "deal.row:D-2", Type: "static_select", Selected: "D-2|Negotiation"}))
	if d := h.deal(t, "D-2"); d.Stage != 4 {
		t.Fatalf("stage after picker = %d", d.Stage)
	}
	press("U0BOB", button{BlockID: "deal:D-2", ActionID: "deal.won", Value: "D-2"})
	if len(h.wins()) != 1 {
		t.Fatalf("wins = %d", len(h.wins()))
	}
	// Snooze and push (the nudge buttons).
	h.say("U0BOB", "/deal", "add Aviato 3k close:2030-03-01")
	press("U0BOB", button{BlockID: "nudge.D-3", ActionID: "deal.snooze", Value: "D-3"})
	press("U0BOB", button{BlockID: "nudge.D-3", ActionID: "deal.push", Value: "D-3"})
	d := h.deal(t, "D-3")
	if d.SnoozedUntil.IsZero() || d.CloseDate.Format("2006-01-02") == "2030-03-01" {
		t.Fatalf("snooze/push did nothing: %+v", d)
	}
	// A forged button value is refused with a specific error.
	h.mustContain(press("U0BOB", button{BlockID: "deal:x", ActionID: "deal.won", Value: "<!channel>"}), "does not name a deal")
	h.noInvalid()
}

func TestAppHomeAndMention(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	// An overdue deal (commands refuse past close dates, so write it directly).
	bob, err := h.db.PersonBySlackID(context.Background(), "U0BOB")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateDeal(context.Background(), sales.Deal{Account: "Overdue Inc", Amount: 100000, Owner: bob.ID,
		CloseDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, bob.ID); err != nil {
		t.Fatal(err)
	}
	h.collect(h.emu.AppHomeOpened("U0BOB"))
	home, ok := h.emu.Home("U0BOB")
	if !ok {
		t.Fatal("no Home tab published")
	}
	for _, want := range []string{"deal.log", "Acme", "Needs attention", "Overdue Inc"} {
		if !strings.Contains(plainJSON(home.Blocks), want) {
			t.Errorf("Home lacks %q", want)
		}
	}
	// A button in the Home tab works and republishes it with the outcome.
	before := len(h.emu.Calls("views.publish"))
	h.collect(h.emu.BlockAction("U0BOB", slacktest.Container{Type: "view", ViewID: home.ID},
		slacktest.Action{ActionID: "deal.won", BlockID: "home.deal:D-1", Value: "D-1"}))
	calls := h.emu.Calls("views.publish")
	if len(calls) != before+1 || !strings.Contains(plainJSON(calls[len(calls)-1].View.Blocks), "won") {
		t.Fatalf("Home not republished with the outcome")
	}
	// "Log a deal" opens the modal.
	h.collect(h.emu.BlockAction("U0BOB", slacktest.Container{Type: "view", ViewID: home.ID}, slacktest.Action{ActionID: "deal.log", BlockID: "home.log"}))
	if _, err := h.emu.AwaitCall(h.ctx(), "views.open", nil); err != nil {
		t.Fatal(err)
	}
	// An @mention gets short help in the thread.
	h.collect(h.emu.AppMention("U0CAROL", chanGeneral, "what can you do?"))
	post, err := h.emu.AwaitCall(h.ctx(), "chat.postMessage", func(c *slacktest.Call) bool { return c.Msg != nil && c.Msg.Channel == chanGeneral })
	if err != nil || post.Msg.ThreadTS == "" || !strings.Contains(post.Msg.Text, "/deal add") {
		t.Fatalf("mention reply = %+v %v", post.Msg, err)
	}
	// users.info was cached and the zone stored on the person.
	if n := len(h.emu.Calls("users.info")); n != 1 {
		t.Errorf("users.info calls = %d, want one for bob's many requests", n)
	}
	p, err := h.db.PersonBySlackID(context.Background(), "U0BOB")
	if err != nil || p.TZ != "America/New_York" {
		t.Errorf("bob's zone = %q, %v", p.TZ, err)
	}
	if u, ok := h.bot.User("U0BOB"); !ok || u.RealName != "Bob Baker" {
		t.Errorf("directory = %+v", u)
	}
	h.noInvalid()
}

func TestDuplicateEnvelopeChangesNothingTwice(t *testing.T) {
	h := newHarness(t, hopts{})
	r := h.say("U0BOB", "/deal", "add Acme 5k")
	won := h.say("U0BOB", "/deal", "won D-1")
	for _, id := range []string{r.EnvelopeID, won.EnvelopeID} {
		if err := h.emu.Redeliver(id, "timeout"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.emu.Await(h.ctx(), 0, func(rec *slacktest.Record) bool {
			return rec.Kind == slacktest.KindAck && rec.Ack.EnvelopeID == id && rec.Ack.Duplicate
		}); err != nil {
			t.Fatal(err)
		}
	}
	h.idle()
	if n := len(h.deals(t)); n != 1 {
		t.Fatalf("deals = %d", n)
	}
	if n := len(h.wins()); n != 1 {
		t.Fatalf("wins = %d", n)
	}
	for _, a := range h.emu.Acks(r.EnvelopeID) {
		if a.Duplicate && a.Payload != nil {
			t.Fatalf("the duplicate got a second reply: %s", a.Payload)
		}
	}
	// The dedupe survives a restart: a new bot on the same file ignores
	// the redelivered envelope.
	h.shutdown()
	h2 := newHarness(t, hopts{db: h.db, emu: h.emu})
	_ = h.emu.Redeliver(r.EnvelopeID, "timeout")
	seen := 0
	if _, err := h2.emu.Await(h2.ctx(), 0, func(rec *slacktest.Record) bool {
		if rec.Kind == slacktest.KindAck && rec.Ack.EnvelopeID == r.EnvelopeID {
			seen++
		}
		return seen == 3
	}); err != nil {
		t.Fatal(err)
	}
	h2.idle()
	if n := len(h2.deals(t)); n != 1 {
		t.Fatalf("deals after restart = %d", n)
	}
	if acks := h.emu.Acks(r.EnvelopeID); acks[len(acks)-1].Payload != nil {
		t.Fatal("the redelivery after restart was answered again")
	}
}

// TestCommandDuringReconnect: a command typed while the socket is down
// fails for its user with dispatch_failed, as Slack holds no commands
// for a disconnected app (github.com/slackapi/bolt-js/issues/2216); once
// slack-go has reconnected, the same command typed again is logged.
func TestCommandDuringReconnect(t *testing.T) {
	h := newHarness(t, hopts{})
	for i, fail := range []func(){h.emu.DropSockets, func() { h.emu.Disconnect("refresh_requested") }, func() { h.emu.Disconnect("warning") }} {
		// slack-go may not reconnect before the command is typed.
		_, release := h.emu.Hold("apps.connections.open")
		fail()
		lost := h.emu.SlashCommand("U0BOB", chanGeneral, "/deal", fmt.Sprintf("add Account%d 1k", i))
		release()
		if err := h.emu.AwaitConnections(h.ctx(), i+2); err != nil {
			t.Fatal(err)
		}
		if f := h.emu.DispatchFailures(); len(f) != i+1 || f[i].EnvelopeID != lost {
			t.Fatalf("dispatch failures = %+v, want the command typed while down", f)
		}
		r := h.say("U0BOB", "/deal", fmt.Sprintf("add Account%d 1k", i))
		h.mustContain(r, "Logged")
	}
	if n := len(h.deals(t)); n != 3 {
		t.Fatalf("deals = %d", n)
	}
	if !h.bot.Connected() {
		t.Fatal("bot reports disconnected")
	}
}

// TestRestartAnswersCommandsWhileDraining: on SIGTERM the bot keeps its
// socket until in-flight work is done, and a command typed meanwhile is
// told to try again rather than left to Slack's "dispatch_failed" or
// operation_timeout (Slack never redelivers a slash command,
// github.com/slackapi/bolt-js/issues/2216). The restart is in the logs.
func TestRestartAnswersCommandsWhileDraining(t *testing.T) {
	h := newHarness(t, hopts{})
	held, release := h.emu.Hold("response_url")
	defer release()
	// A write whose "Logged" reply Slack is slow to take: still in flight.
	first := h.emu.SlashCommand("U0BOB", chanGeneral, "/deal", "add Acme 5k")
	if _, err := h.emu.AwaitAck(h.ctx(), first); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-h.ctx().Done():
		t.Fatal("the reply never reached the response_url")
	}
	h.stop() // SIGTERM
	select {
	case <-h.bot.Stopping():
	case <-h.ctx().Done():
		t.Fatal("the bot never started draining")
	}
	late := h.emu.SlashCommand("U0ALICE", chanGeneral, "/pipeline", "")
	ack, err := h.emu.AwaitAck(h.ctx(), late)
	if err != nil {
		t.Fatalf("a command typed during the restart was never answered: %v", err)
	}
	if ack.Msg == nil || !strings.Contains(ack.Msg.Text, "salesbot is restarting, try again in a few seconds") {
		t.Fatalf("ack during restart = %+v", ack.Msg)
	}
	release()
	h.shutdown()
	if _, err := h.emu.AwaitResponse(h.ctx(), first, func(r *slacktest.Response) bool {
		return r.OK && strings.Contains(r.Msg.Text, "Logged")
	}); err != nil {
		t.Fatalf("the in-flight write was not answered before the stop: %v", err)
	}
	if f := h.emu.DispatchFailures(); len(f) != 0 {
		t.Fatalf("dispatch failures during a drain: %+v", f)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"msg":"salesbot restarting"`) || !strings.Contains(logs, `"msg":"bot stopped"`) {
		t.Fatalf("the restart is not in the logs:\n%s", logs)
	}
}

func TestWinPostRateLimitedPostsOnce(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.emu.RateLimit("chat.postMessage", 2, time.Second)
	h.say("U0BOB", "/deal", "won D-1")
	posts := h.emu.Calls("chat.postMessage")
	var limited, ok int
	for _, c := range posts {
		switch {
		case c.Fault == "429":
			limited++
		case c.OK:
			ok++
		}
	}
	if limited != 2 || ok != 1 || len(h.wins()) != 1 {
		t.Fatalf("429s=%d posts=%d wins=%d", limited, ok, len(h.wins()))
	}
}

func TestOutboxSurvivesOutageAndRestart(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	// Slack is down for the win post: the post stays queued across a
	// restart and goes out exactly once when Slack is back.
	h.emu.Fail("chat.postMessage", 1000, http.StatusServiceUnavailable, 0)
	// Acked and replied at once; the post waits in the outbox.
	if _, err := h.emu.AwaitAck(h.ctx(), h.emu.SlashCommand("U0BOB", chanGeneral, "/deal", "won D-1")); err != nil {
		t.Fatal(err)
	}
	if _, err := h.emu.AwaitCall(h.ctx(), "chat.postMessage", func(c *slacktest.Call) bool { return c.Fault == "503" }); err != nil {
		t.Fatal(err)
	}
	pending, _ := h.db.Pending(context.Background())
	if len(pending) != 1 {
		t.Fatalf("pending = %d", len(pending))
	}
	h.shutdown()
	h.emu.ClearFaults()
	h2 := newHarness(t, hopts{db: h.db, emu: h.emu})
	h2.idle()
	if n := len(h2.wins()); n != 1 {
		t.Fatalf("wins after recovery = %d", n)
	}
}

// Slack posted the win but its answer was lost (a 500 after the fact):
// the retry finds the message by its metadata instead of posting twice,
// and the :tada: lands on it.
func TestWinPostAnswerLostPostsOnce(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.emu.FailAfter("chat.postMessage", 1, http.StatusInternalServerError)
	h.say("U0BOB", "/deal", "won D-1")
	if _, err := h.emu.AwaitCall(h.ctx(), "reactions.add", func(c *slacktest.Call) bool { return c.OK }); err != nil {
		t.Fatal(err)
	}
	h.idle()
	wins := h.wins()
	if len(wins) != 1 || !strings.Contains(wins[0].Text, "Acme") {
		for _, w := range wins {
			t.Logf("win post %s: %q", w.TS, w.Text)
		}
		t.Fatalf("%d win posts, want 1", len(wins))
	}
	if n := len(h.emu.Calls("conversations.history")); n != 1 {
		t.Errorf("history looked up %d times, want 1 (before the retry)", n)
	}
	if !strings.Contains(h.logs.String(), "the post was already made") {
		t.Error("no log line says the retry found the post")
	}
}

// The process that posted the digest died before it recorded the post;
// the next one finds the main message by its metadata and posts only
// what is missing: the chart and the thread replies, under it.
func TestDigestResumesAfterCrashWithoutReposting(t *testing.T) {
	h := newHarness(t, hopts{cfg: func(c *bot.Config) { c.DigestChannel = "C0DIGEST" }})
	h.say("U0BOB", "/deal", "add Acme 5k")
	// The main post is made but its answer is lost, and Slack then stays
	// down until the process stops: the job is left pending, its first
	// message already in the channel.
	h.emu.FailAfter("chat.postMessage", 1, http.StatusInternalServerError)
	if err := newDigest(t, h).PostNow(h.ctx()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.emu.AwaitCall(h.ctx(), "chat.postMessage", func(c *slacktest.Call) bool { return c.Fault == "500" }); err != nil {
		t.Fatal(err)
	}
	h.emu.Fail("conversations.history", 1000, http.StatusServiceUnavailable, 0)
	h.emu.Fail("chat.postMessage", 1000, http.StatusServiceUnavailable, 0)
	h.shutdown()
	if pending, _ := h.db.Pending(context.Background()); len(pending) != 1 {
		t.Fatalf("pending after the crash = %d", len(pending))
	}

	h.emu.ClearFaults()
	h2 := newHarness(t, hopts{db: h.db, emu: h.emu, cfg: func(c *bot.Config) { c.DigestChannel = "C0DIGEST" }})
	h2.idle()
	if pending, _ := h2.db.Pending(context.Background()); len(pending) != 0 {
		t.Fatalf("pending after restart = %d", len(pending))
	}
	posts := h.emu.History("C0DIGEST")
	var top []slacktest.Msg
	for _, m := range posts {
		if m.ThreadTS == "" {
			top = append(top, m)
		}
	}
	if len(top) != 1 {
		t.Fatalf("the digest was posted %d times (%d messages)", len(top), len(posts))
	}
	for _, p := range posts[1:] {
		if p.ThreadTS != top[0].TS {
			t.Fatalf("a thread reply is not under the one main post: %+v", p)
		}
	}
	if files := h.emu.Files(); len(files) != 1 {
		t.Fatalf("chart uploaded %d times", len(files))
	}
	if !strings.Contains(h2.logs.String(), "the post was already made") {
		t.Error("the restarted bot did not say it found the earlier post")
	}
	h2.noInvalid()
}

// The chart was shared but Slack's answer to the share was lost: the
// retry finds the file in the digest's thread instead of uploading it
// again. Slack shares after answering (the emulator's ShareDelay,
// github.com/slackapi/bolt-js/issues/2115), so the first look finds
// nothing yet and the retry must look again rather than upload.
func TestDigestChartShareAnswerLostUploadsOnce(t *testing.T) {
	h := newHarness(t, hopts{cfg: func(c *bot.Config) { c.DigestChannel = "C0DIGEST" }})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.emu.FailAfter("files.completeUploadExternal", 1, http.StatusInternalServerError)
	if err := newDigest(t, h).PostNow(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.idle()
	if pending, _ := h.db.Pending(context.Background()); len(pending) != 0 {
		t.Fatalf("pending = %d", len(pending))
	}
	if files := h.emu.Files(); len(files) != 1 {
		t.Fatalf("the chart was uploaded %d times", len(files))
	}
	if !strings.Contains(h.logs.String(), "the file was already shared") {
		t.Error("no log line says the retry found the shared file")
	}
	if !strings.Contains(h.logs.String(), "may still be being shared") {
		t.Error("the retry found the share at its first look: the test no longer covers a share that completes late")
	}
	h.noInvalid()
}

func TestDigestPosterThroughEmulator(t *testing.T) {
	// The digest service's end-to-end tests live in digest/; here the
	// poster's multi-step job: main post, chart, thread replies, in order.
	h := newHarness(t, hopts{cfg: func(c *bot.Config) { c.DigestChannel = "C0DIGEST" }})
	h.say("U0BOB", "/deal", "add Acme 5k")
	dg := newDigest(t, h)
	if err := dg.PostNow(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.idle()
	posts := h.emu.History("C0DIGEST")
	if len(posts) == 0 || posts[0].ThreadTS != "" {
		for _, c := range h.emu.Calls("") {
			t.Logf("call %s ok=%v err=%s fault=%s invalid=%v", c.Method, c.OK, c.Error, c.Fault, c.Invalid)
		}
		t.Logf("logs: %s", h.logs.String())
		t.Fatalf("digest posts = %+v", posts)
	}
	for _, p := range posts[1:] {
		if p.ThreadTS != posts[0].TS {
			t.Fatalf("thread reply not under the main post: %+v", p)
		}
	}
	files := h.emu.Files()
	if len(files) == 0 || files[0].AltText == "" || !strings.HasPrefix(string(files[0].Data), "\x89PNG") {
		t.Fatalf("chart = %+v", files)
	}
	h.noInvalid()
}

func TestHostileInputs(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	huge := strings.Repeat("A", 200000)
	inputs := []struct{ cmd, text string }{
		{"/deal", "add " + huge + " 5k"},
		{"/deal", "add Acme " + huge},
		{"/deal", huge},
		{"/deal", "add Nul\x00Byte 5k"},
		{"/deal", "add \x00\x00\x00 5k"},
		{"/deal", "add <!channel> 5k"},
		{"/deal", "add \"<!here> & <@U0ALICE>\" 5k"},
		{"/deal", "add <!subteam^S123|@sales> 5k"},
		{"/deal", "add <http://evil.example|Bank> 5k"},
		{"/deal", "add שלום-עולם 5k"},
		{"/deal", "add مرحبا 5k"},
		{"/deal", "add \u202Egnp.exe 5k"},
		{"/deal", "add 🚀🔥💰 5k"},
		{"/deal", "add 👩‍👩‍👧‍👦 Family 5k"},
		{"/deal", "show D-999999"},
		{"/deal", "won D-18446744073709551615"},
		{"/deal", "stage D-1 <!channel>"},
		{"/deal", "list <@U0NOBODY|ghost>"},
		{"/goal", "<@U0NOBODY>"},
		{"/goal", "set <@U0BOB> -5k month"},
		{"/pipeline", "territory <!everyone>"},
		{"/territory", "assign Nowhere <@U0BOB>"},
		{"/salesbot", "role <@U0BOB> emperor"},
		{"/deal", "add Acme 1e309"},
		{"/deal", "add Acme 99999999999999999999999"},
		{"/deal", "add \"unterminated 5k"},
		{"/deal", "add Acme 5k close:2026-02-30"},
		{"/deal", "add Acme 5k owner:<@U0NOBODY|x>"},
		{"/nonsense", "add Acme 5k"},
		{"/deal", "lost D-1 " + strings.Repeat("<!channel> ", 3000)},
		{"/deal", "\xff\xfe invalid utf8"},
	}
	for i, in := range inputs {
		r := h.say("U0BOB", in.cmd, in.text)
		if len(r.Msgs) == 0 {
			t.Fatalf("input %d got no reply", i)
		}
		for _, m := range r.Msgs {
			raw := m.Text + plainJSON(m.Blocks)
			for _, bad := range []string{"<!channel>", "<!here>", "<!subteam", "<http://evil", "<!everyone>", "\\u0000", "<@U0NOBODY"} {
				if strings.Contains(raw, bad) {
					t.Errorf("input %d (%.40q): reply contains %q", i, in.text, bad)
				}
			}
			if strings.Contains(raw, "Something went wrong") {
				t.Errorf("input %d (%.40q): internal error instead of a specific one", i, in.text)
			}
		}
	}
	if probs := h.emu.Invalid(); len(probs) > 0 {
		t.Fatalf("Slack would reject %d replies: %v", len(probs), probs[:min(3, len(probs))])
	}
	if !h.bot.Connected() {
		t.Fatal("the bot lost its socket")
	}
	// The escaped names round-trip: stored raw, shown escaped.
	for _, d := range h.deals(t) {
		if strings.ContainsRune(d.Account, 0) {
			t.Errorf("NUL stored in %q", d.Account)
		}
	}
}

func TestMetricsAndHealth(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0BOB", "/deal", "add Acme 5k")
	h.emu.RateLimit("users.info", 1, time.Second)
	h.say("U0CAROL", "/deal", "list")
	srv := httptest.NewServer(promhttp.HandlerFor(h.bot.Gatherer(), promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`salesbot_envelopes_total{outcome="handled",type="slash_commands"}`,
		`salesbot_ack_latency_seconds_bucket`,
		`salesbot_commands_total{command="/deal add",outcome="ok"}`,
		`salesbot_slack_api_calls_total{method="users.info",status="429"}`,
		`salesbot_socket_connected 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestShutdownFinishesInFlight(t *testing.T) {
	h := newHarness(t, hopts{})
	var ids []string
	for i := 0; i < 30; i++ {
		ids = append(ids, h.emu.SlashCommand("U0BOB", chanGeneral, "/deal", fmt.Sprintf("add Burst%d 1k", i)))
	}
	// Stop as soon as the first envelope is acked: the rest are in flight
	// or not yet taken.
	if _, err := h.emu.AwaitAck(h.ctx(), ids[0]); err != nil {
		t.Fatal(err)
	}
	h.shutdown()
	// Every envelope the bot acked with "Logged" is in the file; none was
	// acked twice.
	logged := 0
	for _, id := range ids {
		acks := h.emu.Acks(id)
		if len(acks) > 1 {
			t.Fatalf("%s acked %d times", id, len(acks))
		}
		for _, r := range h.emu.Responses(id) {
			if !r.OK || !strings.HasPrefix(r.Msg.Text, "Logged") {
				continue
			}
			if len(acks) != 1 {
				t.Fatalf("%s replied without an ack", id)
			}
			logged++
			id := dealIDRe(r.Msg.Text)
			if _, err := h.db.Deal(context.Background(), mustID(t, id)); err != nil {
				t.Fatalf("%s said logged but %v", id, err)
			}
		}
	}
	if logged == 0 {
		t.Fatal("nothing was logged")
	}
}

func newDigest(t *testing.T, h *harness) *digest.Service {
	t.Helper()
	dg, err := digest.New(digest.Config{Store: h.db, Poster: bot.NewDigestPoster(h.out), Locale: sales.Locale{Loc: time.UTC}, Channel: "C0DIGEST"})
	if err != nil {
		t.Fatal(err)
	}
	return dg
}

func mustID(t *testing.T, s string) sales.DealID {
	id, ok := sales.ParseDealID(s)
	if !ok {
		t.Fatalf("no deal id in %q", s)
	}
	return id
}

func TestBadFramesAndUnknownEnvelopes(t *testing.T) {
	h := newHarness(t, hopts{})
	h.emu.SendRaw([]byte(`{"type":"events_api","envelope_id":"bad-1","payload":{"type":"event_callback","event":{"type":"no_such_event"}}}`))
	h.emu.SendRaw([]byte(`not json at all`))
	id := h.emu.Push("interactive", map[string]any{"type": "shortcut", "callback_id": "x", "trigger_id": "t", "user": map[string]any{"id": "U0BOB"}}, false)
	if _, err := h.emu.AwaitAck(h.ctx(), id); err != nil {
		t.Fatal(err)
	}
	h.mustContain(h.say("U0BOB", "/deal", "add Acme 5k"), "Logged")
}

func TestRejectsBadTokens(t *testing.T) {
	emu := slacktest.New(slacktest.Options{Users: team})
	defer emu.Close()
	db := storagetest.MustOpenPath(t, t.TempDir()+"/x.db", storage.Options{})
	for _, cfg := range []bot.Config{
		{AppToken: "nope", BotToken: emu.BotToken(), APIURL: emu.APIURL()},
		{AppToken: emu.AppToken(), BotToken: "xoxb-wrong-secret", APIURL: emu.APIURL()},
	} {
		b := bot.New(cfg, nil, db, outbox.New(outbox.Config{}, db))
		ctx, cancel := context.WithTimeout(testCtx(t), 10*time.Second)
		err := b.Run(ctx)
		cancel()
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Fatalf("Run = %v", err)
		}
	}
}

func TestListPaging(t *testing.T) {
	h := newHarness(t, hopts{})
	var ids []string
	for i := 0; i < 23; i++ {
		ids = append(ids, h.emu.SlashCommand("U0BOB", chanGeneral, "/deal", fmt.Sprintf("add Page%02d 1k", i)))
	}
	for _, id := range ids {
		if _, err := h.emu.AwaitResponse(h.ctx(), id, nil); err != nil {
			t.Fatal(err)
		}
	}
	list := h.say("U0BOB", "/deal", "list")
	next := findButton(t, list.Msgs[0], "list.page")
	r := h.collect(h.emu.BlockAction("U0BOB", slacktest.Container{Channel: chanGeneral, IsEphemeral: true, MessageTS: "1.1"},
		slacktest.Action{ActionID: next.ActionID, BlockID: next.BlockID, Value: next.Value}))
	if len(r.Msgs) != 1 || !r.Msgs[0].ReplaceOriginal {
		t.Fatalf("page 2 reply = %+v", r.Msgs)
	}
	h.mustContain(r, "Page 2: 3 deals")
	h.noInvalid()
}

func TestReplyFallsBackWhenResponseURLFails(t *testing.T) {
	h := newHarness(t, hopts{})
	h.emu.Fail("response_url", 100, http.StatusNotFound, 0)
	r := h.say("U0BOB", "/deal", "add Acme 5k")
	eph, err := h.emu.AwaitCall(h.ctx(), "chat.postEphemeral", nil)
	if err != nil || !strings.HasPrefix(eph.Msg.Text, "Logged") || eph.Msg.User != "U0BOB" {
		t.Fatalf("fallback = %+v %v (reply %+v)", eph.Msg, err, r)
	}
}
