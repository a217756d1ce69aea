package blocks

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// ---- pipeline and goals ----

func progressText(p sales.Progress, cur sales.Currency) string {
	head, pace := progressParts(p, cur)
	if pace == "" {
		return head
	}
	return head + "\n" + pace
}

// progressParts is the attainment line and the pace line (empty without a
// quota). Pace and coverage are multiples formatted by the digest's
// helpers ("0.87×") and judged by sales.Verdict, so /goal, /pipeline, Home
// and the digest agree.
func progressParts(p sales.Progress, cur sales.Currency) (head, pace string) {
	if !p.HasQuota {
		return fmt.Sprintf("No quota for %s. Won so far: %s · open pipeline %s.", p.Period.Label(), cur.Format(p.Won+p.WonBeside), cur.Format(p.Open)), ""
	}
	share := 0.0
	if p.Attainment.OK {
		share = p.Attainment.V
	}
	head = fmt.Sprintf("`%s` *%s* of %s for %s · won %s", sales.Bar(share, 10), p.Attainment.Percent(), cur.Format(p.Quota), p.Period.Label(), cur.Format(p.Won))
	if p.WonBeside > 0 {
		head += fmt.Sprintf(" · +%s won by people without a quota", cur.Abbrev(p.WonBeside))
	}
	switch p.Verdict {
	case sales.PaceQuotaReached:
		pace = ":trophy: quota reached"
	case sales.PaceJustStarted:
		pace = fmt.Sprintf(":hourglass_flowing_sand: period just started (%d of %d working days ended)", p.WorkingDaysElapsed, p.WorkingDaysTotal)
	case sales.PaceNotStarted:
		pace = fmt.Sprintf(":calendar: period not started (starts %s, %d working days)", p.Period.FirstDay().Long(), p.WorkingDaysTotal)
	case sales.PaceEndedShort:
		pace = ":checkered_flag: period ended short of quota by " + cur.Format(p.Remaining)
	case sales.PaceBehind:
		pace = ":warning: behind pace (" + digest.PaceText(p.Pace) + ")"
	case sales.PaceAhead:
		pace = ":rocket: ahead of pace (" + digest.PaceText(p.Pace) + ")"
	default:
		pace = ":white_check_mark: on pace (" + digest.PaceText(p.Pace) + ")"
	}
	if p.Won < p.Quota {
		pace += " · coverage " + digest.CoverageText(p.Coverage)
		var aside []string
		if p.Pipeline.Later > 0 {
			aside = append(aside, cur.Abbrev(p.Pipeline.Later)+" closing later")
		}
		if p.Pipeline.NoDate > 0 {
			aside = append(aside, cur.Abbrev(p.Pipeline.NoDate)+" with no close date")
		}
		if len(aside) > 0 {
			pace += " (" + strings.Join(aside, ", ") + ", not counted)"
		}
		if p.PerWorkingDay.OK {
			pace += fmt.Sprintf(" · %s per working day to go (%d left)", p.PerWorkingDay.Money(cur), p.WorkingDays)
		}
	}
	return head, pace
}

func funnelFields(f sales.Funnel, cur sales.Currency) []*slack.TextBlockObject {
	// A figure that cannot be computed says why ("n/a (no deals closed
	// in the window)"); a sales cycle that leaves deals out says which.
	why := func(n sales.Num, shown string) string {
		if !n.OK {
			shown = sales.NA
		}
		if n.Why != "" {
			shown += " _(" + EscapeMd(n.Why) + ")_"
		}
		return shown
	}
	kv := [][2]string{
		{"Open deals", fmt.Sprint(f.Open)},
		{"Pipeline value", cur.Format(f.PipelineValue)},
		{"Weighted", cur.Format(f.Weighted)},
		{"Won", fmt.Sprintf("%d · %s", f.Won, cur.Format(f.WonValue))},
		{"Win rate", why(f.WinRate, f.WinRate.Percent())},
		{"Avg deal size", why(f.AvgDealSize, f.AvgDealSize.Money(cur))},
		{"Avg sales cycle", why(f.AvgCycleDays, f.AvgCycleDays.Fixed(1)+" days")},
		{"Velocity", why(f.Velocity, f.Velocity.Money(cur)+"/day")},
	}
	out := make([]*slack.TextBlockObject, len(kv))
	for i, p := range kv {
		out[i] = md("*" + p[0] + "*\n" + p[1])
	}
	return out
}

func renderPipeline(res *commands.Result, o RenderOptions) Message {
	pv := res.Pipeline
	cur := pv.Currency
	if cur.Code == "" {
		cur = o.Currency
	}
	title := "Pipeline · " + OrText(pv.Subject, "team")
	bs := []slack.Block{header(title), ContextBlock("pipeline.period", pipelineWhen(pv))}
	bs = append(bs, slack.NewSectionBlock(nil, funnelFields(pv.Funnel, cur), nil, slack.SectionBlockOptionBlockID("pipeline.funnel")))
	if len(pv.ByStage) > 0 {
		lines := make([]string, len(pv.ByStage))
		for i, r := range pv.ByStage {
			lines[i] = fmt.Sprintf("*%s* — %d · %s · weighted %s", EscClipMd(r.Stage, 60), r.Count, cur.Format(r.Value), cur.Format(r.Weighted))
		}
		bs = append(bs, pack("pipeline.stages", append([]string{"*By stage*"}, lines...), 3)...)
	}
	if pv.Progress != nil {
		bs = append(bs, Section("pipeline.progress", "*Quota*\n"+progressText(*pv.Progress, cur)))
	}
	for _, l := range res.Lines {
		bs = append(bs, ContextBlock(fmt.Sprintf("pipeline.note.%d", len(bs)), EscapeMd(l)))
		if len(bs) >= maxMessageBlocks {
			break
		}
	}
	f := pv.Funnel
	return Message{Text: fallback(title, fmt.Sprintf("%d open deals, %s", f.Open, cur.Format(f.PipelineValue))), Blocks: bs}
}

func goalLine(g *commands.GoalView, cur sales.Currency) string {
	who := EscClipMd(OrText(g.Subject, "you"), 120)
	if isSlackID(g.SlackID) {
		who = "<@" + g.SlackID + ">"
	}
	line := "*" + who + "*"
	if !g.NoQuota {
		line += "  " + progressText(g.Progress, cur)
	}
	if a := goalActivityText(g.Activity); a != "" {
		line += "\n" + a
	}
	if g.Streak != "" {
		line += "\n:fire: " + EscClipMd(g.Streak, 200)
	}
	return line
}

// goalActivityText is one line per activity goal, under the quota's progress.
func goalActivityText(acts []commands.ActivityLine) string {
	lines := make([]string, 0, len(acts))
	for _, a := range acts {
		icon := ":white_check_mark:"
		switch {
		case a.Progress.Behind():
			icon = ":warning:"
		case a.Progress.Verdict != sales.PaceQuotaReached:
			icon = ":chart_with_upwards_trend:"
		}
		lines = append(lines, icon+" "+EscClipMd(a.Text, 300))
	}
	return strings.Join(lines, "\n")
}

func renderGoals(res *commands.Result, o RenderOptions) Message {
	title := OrText(res.Title, "Quota progress")
	bs := []slack.Block{header(title)}
	if len(res.Goals) == 0 && len(res.Lines) == 0 {
		bs = append(bs, Section("goals.empty", "No quotas yet. A manager sets one with `/goal set @user 50k month`."))
	}
	lines := make([]string, 0, len(res.Goals)+len(res.Lines))
	for i := range res.Goals {
		cur := res.Goals[i].Currency
		if cur.Code == "" {
			cur = o.Currency
		}
		lines = append(lines, goalLine(&res.Goals[i], cur))
	}
	lines = append(lines, escLines(res.Lines, res.Mentions)...)
	if len(res.Goals) <= 12 {
		// Few subjects: one section each reads best.
		for i, l := range lines {
			bs = append(bs, Section(fmt.Sprintf("goals.%d", i), l))
		}
	} else {
		bs = append(bs, pack("goals", lines, maxMessageBlocks-len(bs)-1)...)
	}
	// "See the math" for the subject the reply is about, so a manager can
	// check the headline numbers by hand.
	if len(res.Goals) > 0 && res.Goals[0].Progress.HasQuota {
		g := res.Goals[0]
		cur := g.Currency
		if cur.Code == "" {
			cur = o.Currency
		}
		bs = append(bs, ContextBlock("goals.math", "See the math: "+EscapeMd(g.Progress.SeeTheMath(cur))))
	}
	first := ""
	if len(res.Goals) > 0 {
		g := res.Goals[0]
		first = g.Subject + " " + g.Progress.Attainment.Percent()
	}
	return Message{Text: fallback(title, first), Blocks: bs}
}

// pipelineWhen says which deals the funnel counts and at what moment.
func pipelineWhen(pv *commands.PipelineView) string {
	if pv.Past {
		return "Closed deals counted in " + pv.Period.Label() + "; open deals as they stood at its end (" + pv.Period.LastDay().Long() + "), from stage history."
	}
	return "Closed deals counted in " + pv.Period.Label() + "; open deals as of now."
}
