package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/sales"
)

// The weekly forecast call end to end: the DM reaches the rep, its button
// opens the call form prefilled with their commit and best case, a bad
// amount is a field error that writes nothing, and a good submission is
// recorded as the rep's call and confirmed on the button's response_url.
func TestForecastCallButtonAndModal(t *testing.T) {
	h := newHarness(t, hopts{})
	h.say("U0ERIN", "/salesbot", "role <@U0ALICE|alice> manager")
	h.say("U0ALICE", "/salesbot", "manager <@U0BOB|bob> <@U0ALICE|alice>")
	h.say("U0ALICE", "/goal", "set <@U0BOB|bob> 60k")
	end := sales.PeriodOf(sales.Month, time.Now().UTC(), time.UTC).LastDay()
	h.mustContain(h.say("U0BOB", "/deal", "add Acme 20k stage:negotiation close:"+end.String()), "Logged")
	h.mustContain(h.say("U0BOB", "/deal", "add Globex 15k stage:proposal close:"+end.String()), "Logged")
	bob, err := h.db.PersonBySlackID(h.ctx(), "U0BOB")
	if err != nil {
		t.Fatal(err)
	}

	// Now is after the deals were logged: a projection sees what existed.
	now := time.Now().UTC().Add(time.Second)
	dg := newDigest(t, h)
	c, ok, err := dg.ForecastCallFor(h.ctx(), bob, now)
	if err != nil || !ok {
		t.Fatalf("no forecast call for bob: %v %v", ok, err)
	}
	if err := bot.NewDigestPoster(h.out).SendForecastCall(h.ctx(), c, "test/1"); err != nil {
		t.Fatal(err)
	}
	dm, err := h.emu.AwaitCall(h.ctx(), "chat.postMessage", func(c *slacktest.Call) bool {
		return c.Msg != nil && strings.Contains(string(c.Msg.Blocks), "forecast.call")
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dm.Msg.Text, "commit $20,000.00, best case $35,000.00") {
		t.Errorf("DM text %q", dm.Msg.Text)
	}
	b := findButton(t, *dm.Msg, "forecast.call")
	press := h.emu.BlockAction("U0BOB", slacktest.Container{Channel: dm.Msg.Channel, MessageTS: dm.Msg.TS},
		slacktest.Action{ActionID: b.ActionID, BlockID: b.BlockID, Value: b.Value})
	open, err := h.emu.AwaitCall(h.ctx(), "views.open", func(c *slacktest.Call) bool { return c.View.CallbackID == "forecast.call" })
	if err != nil || !open.OK {
		t.Fatalf("views.open: %+v %v", open, err)
	}
	init := map[string]string{}
	for _, f := range slacktest.Fields(*open.View) {
		init[f.BlockID] = f.Initial
	}
	if init["commit"] != "20000.00" || init["best"] != "35000.00" {
		t.Fatalf("call form prefilled with %v", init)
	}

	for _, bad := range []map[string]string{{"commit": "a lot", "best": "70k"}, {"commit": "50k", "best": "40k"}} {
		id, err := h.emu.SubmitView("U0BOB", open.View.ID, bad)
		if err != nil {
			t.Fatal(err)
		}
		if ack := h.collect(id).Ack; ack.Action != "errors" || len(ack.Errors) == 0 {
			t.Fatalf("%v: ack %+v", bad, ack)
		}
	}
	p := sales.PeriodOf(sales.Month, now, time.UTC)
	if calls, _ := h.db.ForecastCalls(h.ctx(), p); len(calls) != 0 {
		t.Fatalf("a rejected form recorded a call: %+v", calls)
	}
	id, err := h.emu.SubmitView("U0BOB", open.View.ID, map[string]string{"commit": "50k", "best": "70k"})
	if err != nil {
		t.Fatal(err)
	}
	h.collect(id)
	calls, err := h.db.ForecastCalls(h.ctx(), p)
	if err != nil || calls[bob.ID].Commit != 50_000_00 || calls[bob.ID].Best != 70_000_00 {
		t.Fatalf("recorded calls %+v %v", calls, err)
	}
	conf, err := h.emu.AwaitResponse(h.ctx(), press, func(r *slacktest.Response) bool { return r.OK })
	if err != nil || !strings.Contains(conf.Msg.Text, "commit $50,000.00, best case $70,000.00") {
		t.Fatalf("confirmation %+v %v", conf, err)
	}
	h.noInvalid()
}
