package blocks

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// renderForecast is /forecast: the categories and the projection as
// fields, what it takes against the quota, and the terms of the
// projection ("see the math") so a manager can follow the number.
func renderForecast(res *commands.Result, o RenderOptions) Message {
	v := res.Forecast
	cur := v.Currency
	if cur.Code == "" {
		cur = o.Currency
	}
	pr := v.Projection
	title := "Forecast · " + OrText(v.Subject, "team")
	asOf := pr.AsOf
	if v.Loc != nil {
		asOf = asOf.In(v.Loc)
	}
	bs := []slack.Block{header(title), ContextBlock("forecast.period",
		fmt.Sprintf("%s, as of %s.", v.Period.Label(), asOf.Format("Mon 2 Jan 2006 15:04 MST")))}

	quota, chance := "no quota for "+v.Period.Label(), sales.NA+" (no quota)"
	if v.Quota.Has {
		quota = cur.Format(v.Quota.Amount)
		chance = chanceText(pr.Chance)
	}
	rng := rangeText(pr, cur)
	kv := [][2]string{
		{"Closed won", cur.Format(pr.WonToDate)},
		{"Commit", cur.Format(pr.Totals.Commit())},
		{"Best case", cur.Format(pr.Totals.BestCase())},
		{"Pipeline (open)", cur.Format(pr.Totals.OpenPipeline)},
		{"Projection", cur.Format(pr.Predicted)},
		{"80% range", rng},
		{"Quota", quota},
		{"Chance of reaching it", chance},
	}
	fields := make([]*slack.TextBlockObject, len(kv))
	for i, f := range kv {
		fields[i] = md("*" + f[0] + "*\n" + f[1])
	}
	bs = append(bs, slack.NewSectionBlock(nil, fields, nil, slack.SectionBlockOptionBlockID("forecast.numbers")))

	if v.Quota.Has {
		var takes []string
		if pr.MoreNeeded > 0 {
			takes = append(takes, fmt.Sprintf("the projection is %s short of quota", cur.Format(pr.MoreNeeded)))
		} else {
			takes = append(takes, "the projection reaches the quota")
		}
		if pr.CommitGap > 0 {
			takes = append(takes, fmt.Sprintf("%s more in commit would cover it", cur.Format(pr.CommitGap)))
		} else {
			takes = append(takes, "commit already covers it")
		}
		bs = append(bs, Section("forecast.takes", "*What it takes:* "+strings.Join(takes, "; ")+"."))
	}

	if len(v.Calls)+len(v.Missing) > 0 {
		bs = append(bs, Section("forecast.calls", forecastCalls(v, cur)))
	}
	bs = append(bs, Section("forecast.math", forecastMath(v, cur)))
	if pr.Reason != "" {
		bs = append(bs, ContextBlock("forecast.fallback", EscapeMd(pr.Reason)))
	} else {
		note := fmt.Sprintf("Range from replaying the method on the last %d %ss", pr.Units, pr.Unit)
		if pr.TeamUnits {
			note += " of the whole team (too few of this group's own)"
		}
		bs = append(bs, ContextBlock("forecast.range", note+"; salesbot forecast --backtest shows how it did."))
	}
	return Message{Text: fallback(title, fmt.Sprintf("projection %s, range %s", cur.Format(pr.Predicted), rng)), Blocks: bs}
}

// forecastMath lists the projection's terms: won to date, the open deals
// closing in the period by category and stage, deals not yet created and
// deals that slipped out.
func forecastMath(v *commands.ForecastView, cur sales.Currency) string {
	pr := v.Projection
	lines := []string{"*See the math*",
		fmt.Sprintf("Won to date %s + open deals %s + deals not yet created %s = %s",
			cur.Format(pr.WonToDate), cur.Format(pr.FromOpen), cur.Format(pr.FromNew), cur.Format(pr.Predicted))}
	var cats []string
	for c := forecast.Pipeline; c < forecast.Closed; c++ {
		if pr.ByCategory[c] > 0 {
			cats = append(cats, fmt.Sprintf("%s %s", c, cur.Format(pr.ByCategory[c])))
		}
	}
	if len(cats) > 0 {
		lines = append(lines, "Open deals by category: "+strings.Join(cats, " · "))
	}
	for _, t := range pr.ByStage {
		if t.Deals == 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf("• %s: %s × chance = %s expected",
			EscClipMd(OrText(v.StageNames[t.Stage], "stage"), 60), dgPluralDeals(t.Deals, cur.Format(t.Amount)), cur.Format(t.Expected)))
	}
	if n := len(pr.Slipped); n > 0 {
		var amt sales.Money
		for _, s := range pr.Slipped {
			amt += s.Amount
		}
		lines = append(lines, fmt.Sprintf("Slipped out of %s since it began: %s (%s), not counted", v.Period.Label(), dgPlural(n, "deal"), cur.Format(amt)))
	}
	return Clip(strings.Join(lines, "\n"), maxSectionText)
}

func dgPluralDeals(n int, amount string) string { return dgPlural(n, "deal") + " " + amount }

// forecastCalls lists the people's calls beside the projection, and who
// has not called yet.
func forecastCalls(v *commands.ForecastView, cur sales.Currency) string {
	lines := []string{"*Calls*"}
	var commit, best sales.Money
	for i, c := range v.Calls {
		commit += c.Commit
		best += c.Best
		if i < 20 {
			at := c.At
			if v.Loc != nil {
				at = at.In(v.Loc)
			}
			lines = append(lines, fmt.Sprintf("• %s: commit %s, best case %s (%s)", EscClipMd(c.Name, 60), cur.Format(c.Commit), cur.Format(c.Best), at.Format("Mon 2 Jan")))
		}
	}
	if n := len(v.Calls); n > 20 {
		lines = append(lines, fmt.Sprintf("…and %d more", n-20))
	}
	if len(v.Calls) > 1 {
		lines = append(lines, fmt.Sprintf("Calls add up to commit %s, best case %s; the projection is %s.", cur.Format(commit), cur.Format(best), cur.Format(v.Projection.Predicted)))
	}
	if n := len(v.Missing); n > 0 {
		// Named up to the same 20 as the calls: a company roll-up of a
		// thousand reps would otherwise be clipped mid-name.
		names := make([]string, 0, min(n, 20))
		for _, m := range v.Missing[:min(n, 20)] {
			names = append(names, EscClipMd(m, 40))
		}
		list := strings.Join(names, ", ")
		if n > 20 {
			list = fmt.Sprintf("%d people: %s and %d more", n, list, n-20)
		}
		lines = append(lines, "Not in yet: "+list+" "+EscapeMd("(/forecast submit <commit> best <amount>)"))
	}
	return Clip(strings.Join(lines, "\n"), maxSectionText)
}
