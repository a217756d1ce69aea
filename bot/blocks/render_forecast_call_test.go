package blocks_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

func callProjection() forecast.Projection {
	pr := forecast.Projection{WonToDate: 30_000_00, Predicted: 72_500_00, Low: 50_000_00, High: 95_000_00,
		Chance: sales.Some(0.4), CommitGap: 10_000_00, Units: 12, Unit: "month"}
	pr.Totals.ClosedWon, pr.Totals.OpenCommit, pr.Totals.OpenBestCase = 30_000_00, 20_000_00, 15_000_00
	return pr
}

// The weekly call DM and the manager's roll-up: golden, within Block Kit
// limits, user text escaped, and the button carries what the modal needs.
func TestRenderForecastCallGolden(t *testing.T) {
	nov := sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
	q := sales.ComposeQuota(nov, 60_000_00, true, nil, nil)
	c := &digest.ForecastCall{Person: sales.Person{ID: 2, Name: "Bob <!here>", SlackID: "U0BOB"}, Period: nov, Quota: q,
		Projection: callProjection(), Last: &sales.ForecastCall{Commit: 40_000_00, Best: 55_000_00, At: digesttest.FixedNow.Unix()},
		Loc: time.UTC, Currency: sales.DefaultCurrency}
	m := blocks.RenderForecastCall(c)
	checkKit(t, "call", m)
	period, commit, best, ok := blocks.ParseForecastCallValue(blocks.ForecastCallValue(nov, 50_000_00, 65_000_00, sales.DefaultCurrency))
	if !ok || period != "2026-11" || commit != "50000.00" || best != "65000.00" {
		t.Errorf("button value round trip: %q %q %q %v", period, commit, best, ok)
	}
	js, err := json.MarshalIndent(msgOf(m), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	digestGolden(t, "forecast_call", append(js, '\n'))

	r := &digest.ForecastRollup{Manager: sales.Person{ID: 1, Name: "Alice", SlackID: "U0ALICE"}, Period: nov, Quota: q,
		Projection: callProjection(), CalledCommit: 40_000_00, CalledBest: 55_000_00, Missing: 1,
		Since: digesttest.FixedNow.AddDate(0, 0, -7), Loc: time.UTC, Currency: sales.DefaultCurrency,
		Calls: []digest.CallLine{
			{Name: "Bob", SlackID: "U0BOB", Called: true, Commit: 40_000_00, Best: 55_000_00, At: digesttest.FixedNow, Quota: 30_000_00, Projected: 41_000_00},
			{Name: "Carol <!channel>", SlackID: "", Quota: 30_000_00, Projected: 31_500_00},
		},
		Changes: []digest.ChangeLine{
			{Change: forecast.Change{Kind: forecast.AddedToCommit, ID: 4, To: 12_000_00}, Account: "Acme *bold* <!here>", Owner: "Bob"},
			{Change: forecast.Change{Kind: forecast.PushedOut, ID: 5, To: 8_000_00, CloseTo: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)}, Account: "Globex", Owner: "Carol"},
			{Change: forecast.Change{Kind: forecast.AmountChanged, ID: 6, From: 5_000_00, To: 7_500_00}, Account: "Initech", Owner: "Bob"},
		},
	}
	r.ChangesTotal = len(r.Changes)
	m = blocks.RenderForecastRollup(r)
	checkKit(t, "rollup", m)
	js, err = json.MarshalIndent(msgOf(m), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	digestGolden(t, "forecast_rollup", append(js, '\n'))
	if s := string(js); strings.Contains(s, "<!here>") || strings.Contains(s, "<!channel>") {
		t.Errorf("a ping survived:\n%s", s)
	}

	// A big team and a busy week still fit one message.
	for i := 0; i < 400; i++ {
		r.Calls = append(r.Calls, digest.CallLine{Name: fmt.Sprintf("rep %d", i), Quota: 10_000_00})
		r.Changes = append(r.Changes, r.Changes[i%3])
	}
	r.ChangesTotal = len(r.Changes)
	checkKit(t, "big rollup", blocks.RenderForecastRollup(r))
}
