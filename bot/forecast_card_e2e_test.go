package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/sales"
)

// The deal card's forecast menu overrides the category (issue 10: "from
// the deal card"), back to the stage default too; another rep may not; a
// forged value is refused; each change is a forecast event.
func TestDealCardForecastMenu(t *testing.T) {
	h := newHarness(t, hopts{})
	add := h.say("U0BOB", "/deal", "add Hooli 20k stage:proposal")
	if !strings.Contains(string(add.Msgs[0].Blocks), `"action_id":"deal.forecast"`) {
		t.Fatalf("the card has no forecast menu: %s", add.Msgs[0].Blocks)
	}
	where := slacktest.Container{Channel: chanGeneral, IsEphemeral: true, MessageTS: "1.1"}
	pick := func(user, value string) reply {
		t.Helper()
		return h.collect(h.emu.BlockAction(user, where, slacktest.Action{ActionID: "deal.forecast", BlockID: "deal:D-1", Type: "static_select", Selected: value}))
	}
	pick("U0BOB", "D-1|commit")
	if d := h.deal(t, "D-1"); d.Forecast != sales.ForecastCommit {
		t.Fatalf("after picking commit: %v", d.Forecast)
	}
	h.mustContain(pick("U0DAN", "D-1|omitted"), "only")
	if d := h.deal(t, "D-1"); d.Forecast != sales.ForecastCommit {
		t.Fatalf("another rep changed the category to %v", d.Forecast)
	}
	h.mustContain(pick("U0BOB", "D-1|maybe"), "forecast category \"maybe\" is not valid")
	h.mustContain(pick("U0BOB", "garbage"), "malformed")
	pick("U0BOB", "D-1|default")
	if d := h.deal(t, "D-1"); d.Forecast != 0 {
		t.Fatalf("after default: %v", d.Forecast)
	}
	evs, err := h.db.DealHistory(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Field == sales.FieldForecast {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("forecast events = %d, want 2: %+v", n, evs)
	}
	h.noInvalid()
}
