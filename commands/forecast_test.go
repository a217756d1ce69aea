package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// /forecast gives each subject its own deals and quota, with the stage
// defaults as categories; with a young history it says it fell back.
func TestForecastRead(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/goal", "set <@UALICE|alice> 50k")
	e.must(manager, "/goal", "set <@UBOB|bob> 20k")
	e.add(alice, "A1 10k stage:proposal close:2026-11-28")
	e.add(alice, "A2 30k stage:won")
	e.add(alice, "A3 8k stage:negotiation close:2026-11-30")
	e.add(bob, "B1 5k stage:negotiation close:2026-11-27")
	e.add(carol, "C1 9k stage:negotiation close:2026-11-27")

	res := e.must(alice, "/forecast", "")
	if res.Kind != commands.KindForecast || res.Forecast == nil {
		t.Fatalf("forecast: %+v", res)
	}
	v := res.Forecast
	pr := v.Projection
	if v.Subject != "You" || !v.Quota.Has || v.Quota.Amount != 50_000_00 {
		t.Errorf("subject %q quota %+v", v.Subject, v.Quota)
	}
	// Defaults: Proposal is best case, Negotiation commit.
	if pr.WonToDate != 30_000_00 || pr.Totals.Commit() != 38_000_00 || pr.Totals.BestCase() != 48_000_00 {
		t.Errorf("won %v commit %v best %v", pr.WonToDate, pr.Totals.Commit(), pr.Totals.BestCase())
	}
	if !pr.Fallback || pr.Reason == "" {
		t.Errorf("a week of history should fall back to stage probabilities, with the reason: %+v", pr)
	}
	// Stage probabilities: 10k × 50% + 8k × 75% on top of the 30k won.
	if pr.Predicted != 30_000_00+5_000_00+6_000_00 {
		t.Errorf("projection %v", pr.Predicted)
	}

	team := e.must(manager, "/forecast", "team").Forecast
	if team.Subject != "maria's team" || team.Quota.Amount != 70_000_00 || team.Projection.Totals.Commit() != 43_000_00 {
		t.Errorf("team forecast %q quota %v commit %v", team.Subject, team.Quota.Amount, team.Projection.Totals.Commit())
	}
	all := e.must(carol, "/forecast", "all").Forecast
	if all.Projection.Totals.Commit() != 52_000_00 {
		t.Errorf("company commit %v", all.Projection.Totals.Commit())
	}
	e.fail(alice, "/forecast", "territory Nowhere", sales.ENOTFOUND, "no territory")
	e.fail(alice, "/forecast", "someday", sales.EINVALID, "")
}

// A rep's call is a snapshot; /forecast shows the latest beside the
// projection, and the team view says who has not called.
func TestForecastSubmit(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/goal", "set <@UALICE|alice> 50k")
	e.must(manager, "/goal", "set <@UBOB|bob> 20k")

	e.fail(alice, "/forecast", "submit 40k best 30k", sales.EINVALID, "below your commit")
	e.fail(alice, "/forecast", "submit", sales.EINVALID, "amount is missing")
	e.fail(alice, "/forecast", "submit 40k best", sales.EINVALID, "")
	e.fail(alice, "/forecast", "submit 40k 2026-10", sales.EINVALID, "is over")
	if calls, _ := e.db.ForecastCalls(e.ctx, sales.PeriodOf(sales.Month, now, now.Location())); len(calls) != 0 {
		t.Fatalf("a refused call was stored: %+v", calls)
	}

	res := e.must(alice, "/forecast", "submit 30k best 45k")
	if len(res.Lines) != 1 || !strings.Contains(res.Lines[0], "commit $30,000.00, best case $45,000.00") {
		t.Errorf("submit reply %v", res.Lines)
	}
	e.clock.Add(time.Hour)
	e.must(alice, "/forecast", "submit 35k")

	v := e.must(alice, "/forecast", "").Forecast
	if len(v.Calls) != 1 || v.Calls[0].Commit != 35_000_00 || v.Calls[0].Best != 35_000_00 {
		t.Errorf("alice's calls %+v", v.Calls)
	}
	team := e.must(manager, "/forecast", "team").Forecast
	if len(team.Calls) != 1 || len(team.Missing) != 1 || team.Missing[0] != "bob" {
		t.Errorf("team calls %+v missing %v", team.Calls, team.Missing)
	}
}

// A deal's forecast category is the stage's default until its owner or a
// manager sets one; /forecast counts it there, the card shows it, the
// history records it, and bad input changes nothing.
func TestDealForecastOverride(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.add(alice, "A1 10k stage:proposal close:2026-11-28")
	e.add(bob, "B1 5k stage:negotiation close:2026-11-27")
	e.add(alice, "A2 3k stage:won")

	res := e.must(alice, "/deal", "show D-1")
	if res.Deal.Forecast != "best case (stage default)" {
		t.Errorf("default on the card: %q", res.Deal.Forecast)
	}
	res = e.must(alice, "/deal", "set D-1 forecast:commit")
	if res.Deal.Forecast != "commit" || e.deal(1).Forecast != sales.ForecastCommit {
		t.Fatalf("after set: card %q, deal %v", res.Deal.Forecast, e.deal(1).Forecast)
	}
	if pr := e.must(alice, "/forecast", "").Forecast.Projection; pr.Totals.OpenCommit != 10_000_00 || pr.Totals.OpenBestCase != 0 {
		t.Errorf("forecast after the override: %+v", pr.Totals)
	}
	// A manager may set it on a rep's deal; "omitted" takes it out.
	e.must(manager, "/deal", "set D-2 forecast:omit")
	if e.deal(2).Forecast != sales.ForecastOmitted {
		t.Errorf("manager's override: %v", e.deal(2).Forecast)
	}
	// default goes back to the stage's.
	e.must(alice, "/deal", "set D-1 forecast:default")
	if e.deal(1).Forecast != 0 {
		t.Errorf("cleared: %v", e.deal(1).Forecast)
	}
	hist, err := e.db.DealHistory(e.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, ev := range hist {
		if ev.Field == sales.FieldForecast {
			changes = append(changes, ev.From+"→"+ev.To)
		}
	}
	if strings.Join(changes, ",") != "→commit,commit→" {
		t.Errorf("history %v", changes)
	}

	e.fail(alice, "/deal", "set D-1 forecast:maybe", sales.EINVALID, "use pipeline, best (best case), commit, omitted")
	e.fail(alice, "/deal", "set D-3 forecast:commit", sales.EINVALID, "forecast categories are for open deals")
	e.fail(bob, "/deal", "set D-1 forecast:commit", sales.EFORBIDDEN, "")
	e.fail(alice, "/deal", "add Z 1k stage:won forecast:commit", sales.EINVALID, "for open deals")
	e.must(alice, "/deal", "add Y 2k stage:qualified forecast:best")
	if d := e.deal(4); d.Forecast != sales.ForecastBestCase {
		t.Errorf("/deal add with forecast: %v", d.Forecast)
	}
}

// The deal form offers the forecast category: prefilled from the deal,
// saved on submit, refused when unreadable or on a closed stage.
func TestDealFormForecastCategory(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.add(alice, "A1 10k stage:proposal")
	res := e.must(alice, "/deal", "edit D-1")
	if f := res.Form; f == nil || !f.ShowForecast || f.Forecast != "default" || f.ForecastDefault != "best case" {
		t.Fatalf("edit form %+v", res.Form)
	}
	in := commands.FormInput{DealID: 1, Account: "A1", Amount: "10k", Stage: "Proposal", Forecast: "commit"}
	if _, errs, err := e.svc.SubmitDealForm(e.ctx, e.req(alice, "", ""), in); err != nil || len(errs) > 0 {
		t.Fatalf("submit: %v %v", errs, err)
	}
	if e.deal(1).Forecast != sales.ForecastCommit {
		t.Fatalf("override not saved: %v", e.deal(1).Forecast)
	}
	if f := e.must(alice, "/deal", "edit D-1").Form; f.Forecast != "commit" {
		t.Errorf("edit form after the override: %q", f.Forecast)
	}
	before := e.snapshot()
	in.Forecast = "maybe"
	if _, errs, err := e.svc.SubmitDealForm(e.ctx, e.req(alice, "", ""), in); err != nil || !strings.Contains(errs["forecast"], "not valid") {
		t.Fatalf("bad category: %v %v", errs, err)
	}
	_, errs, err := e.svc.SubmitDealForm(e.ctx, e.req(alice, "", ""), commands.FormInput{Account: "New", Amount: "5k", Stage: "Won", Forecast: "commit"})
	if err != nil || errs["forecast"] == "" {
		t.Fatalf("a new won deal with a category: %v %v", errs, err)
	}
	e.unchanged(before, "rejected forms")
}

// A call needs a quota to be measured against: the rep's, or a manager's
// team's; without one it is refused and nothing is written.
func TestForecastSubmitNeedsAQuota(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.fail(alice, "/forecast", "submit 10k", sales.EINVALID, "you have no quota for November 2026")
	e.fail(manager, "/forecast", "submit 10k", sales.EINVALID, "no quota")
	e.must(manager, "/goal", "set <@UALICE|alice> 50k")
	e.must(alice, "/forecast", "submit 10k")
	// The manager's team now has a composed quota: the manager may call it.
	e.must(manager, "/forecast", "submit 30k")
	e.fail(alice, "/forecast", "submit 10k 2027-Q1", sales.EINVALID, "no quota for Q1 2027")
}

// The Home tab carries the user's forecast (and a manager's team's), and
// the win notice says what the win did to the rep's projection: the
// numbers /forecast shows.
func TestHomeAndWinCarryTheForecast(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/goal", "set <@UALICE|alice> 50k")
	e.add(alice, "A1 10k stage:negotiation close:2026-11-28")
	e.add(alice, "A2 8k stage:proposal close:2026-11-29")
	e.must(alice, "/forecast", "submit 20k best 30k")
	home, err := e.svc.Home(e.ctx, e.req(alice, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	fv := e.must(alice, "/forecast", "").Forecast.Projection
	if f := home.Forecast; f == nil || f.Predicted != fv.Predicted || f.Commit != fv.Totals.Commit() || f.Call == nil || f.Call.Commit != 20_000_00 {
		t.Fatalf("Home forecast %+v, /forecast %+v", home.Forecast, fv)
	}
	mh, err := e.svc.Home(e.ctx, e.req(manager, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	team := e.must(manager, "/forecast", "team").Forecast.Projection
	if mh.TeamForecast == nil || mh.TeamForecast.Predicted != team.Predicted {
		t.Fatalf("manager's Home team forecast %+v, /forecast team %v", mh.TeamForecast, team.Predicted)
	}
	e.clock.Add(time.Minute)
	res := e.must(alice, "/deal", "won D-1")
	w := res.Win
	if w == nil || w.Forecast == nil || !w.Forecast.HasBefore {
		t.Fatalf("win notice %+v", w)
	}
	// The won 10k counted at Negotiation's 75% before; now in full.
	if got := w.Forecast.Predicted - w.Forecast.Before; got != 2_500_00 {
		t.Errorf("the win moved the projection by %v, want $2,500", got)
	}
}
