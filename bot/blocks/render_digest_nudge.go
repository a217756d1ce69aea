package blocks

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/digest"
)

// RenderNudge lays out a coaching DM: each stale or overdue deal gets the
// deal.stage select and the deal.lost, deal.snooze and deal.push buttons
// (value = deal id), handled by the bot like the deal card's buttons.
func RenderNudge(n *digest.Nudge) DigestMsg {
	c := n.Currency
	name := n.Person.Label()
	var blocks []slack.Block
	var summary []string
	blocks = append(blocks, slack.NewSectionBlock(dgMd(fmt.Sprintf("Hi %s! :wave: Here is what could use your attention today.", escDigestMd(dgClip(name, 40)))), nil, nil))

	if n.Streak >= 2 {
		blocks = append(blocks, slack.NewSectionBlock(dgMd(fmt.Sprintf(":fire: *%d wins in a row!* Whatever you are doing, keep doing it.", n.Streak)), nil, nil))
		summary = append(summary, fmt.Sprintf("%d wins in a row", n.Streak))
	}
	pr := n.Progress
	if n.Behind {
		t := fmt.Sprintf(":chart_with_downwards_trend: *Behind pace:* %s of your %s %s quota with %d of %d working days gone.",
			pr.Attainment.Percent(), c.Abbrev(pr.Quota), escDigestMd(pr.Period.Label()), pr.WorkingDaysElapsed, pr.WorkingDaysTotal)
		if pr.WorkingDays > 0 && pr.PerWorkingDay.OK {
			t += fmt.Sprintf(" *%s per working day* over the %s left gets you there.", pr.PerWorkingDay.Money(c), dgPlural(pr.WorkingDays, "working day"))
		} else {
			t += fmt.Sprintf(" %s still to win.", c.Abbrev(pr.Remaining))
		}
		blocks = append(blocks, slack.NewSectionBlock(dgMd(t), nil, nil))
		summary = append(summary, "behind pace")
	}
	if n.NoNewPipeline {
		t := ":seedling: *No new deals in the last 7 days.*"
		if pr.Coverage.OK {
			t += fmt.Sprintf(" Your open pipeline covers %s of the %s still to win;", digest.CoverageText(pr.Coverage), c.Abbrev(pr.Remaining))
		} else {
			t += fmt.Sprintf(" You have %s still to win and no open pipeline;", c.Abbrev(pr.Remaining))
		}
		t += fmt.Sprintf(" add *%s* to reach %.0f× coverage.", c.Abbrev(n.NeedPipeline), n.TargetCoverage)
		blocks = append(blocks,
			slack.NewSectionBlock(dgMd(t), nil, nil),
			slack.NewActionBlock("nudge.pipeline", slack.NewButtonBlockElement("deal.log", "", dgPlain("Log a deal")).WithStyle(slack.StylePrimary)))
		summary = append(summary, "no new pipeline")
	}
	dealBlocks := func(title string, l []digest.NudgeDeal, line func(digest.NudgeDeal) string) {
		if len(l) == 0 {
			return
		}
		blocks = append(blocks, slack.NewSectionBlock(dgMd(title), nil, nil))
		for _, d := range l {
			blocks = append(blocks,
				slack.NewSectionBlock(dgMd(dgClipText(line(d), dgMaxSection)), nil, nil),
				dgNudgeActions(n, d))
		}
	}
	dealBlocks(fmt.Sprintf(":calendar: *Past the close date (%d)*", len(n.Overdue)), n.Overdue, func(d digest.NudgeDeal) string {
		return fmt.Sprintf("*%s* (%s) · %s · %s · was due %s (%s ago). Still happening? Update the stage or push the date.",
			escDigestMd(dgClip(d.Account, dgMaxAccount)), d.ID, escDigestMd(d.Stage), c.Abbrev(d.Amount), digest.DateText(d.CloseDate), dgPlural(d.Days, "day"))
	})
	dealBlocks(fmt.Sprintf(":hourglass: *Gone quiet (%d)*", len(n.Stale)), n.Stale, func(d digest.NudgeDeal) string {
		next := "close it"
		if d.NextStage != "" {
			next = "move it to " + escDigestMd(d.NextStage)
		}
		return fmt.Sprintf("*%s* (%s) · %s · %s · no activity for %s. What would it take to %s?",
			escDigestMd(dgClip(d.Account, dgMaxAccount)), d.ID, escDigestMd(d.Stage), c.Abbrev(d.Amount), dgPlural(d.Days, "day"), next)
	})
	if k := len(n.Overdue) + len(n.Stale); k > 0 {
		summary = append(summary, dgPlural(k+n.More, "deal")+" to look at")
	}
	if n.More > 0 {
		blocks = append(blocks, dgContext(fmt.Sprintf("… and %d more: `/deal list` shows them all.", n.More)))
	}
	if k := len(n.NextSteps); k > 0 {
		blocks = append(blocks, nudgeNextSteps(n)...)
		summary = append(summary, dgPlural(k+n.MoreNextSteps, "overdue next step"))
	}
	blocks = append(blocks, dgContext("Snoozed deals stay quiet for 7 days. Turn these messages off with `/salesbot nudges off`."))
	return DigestMsg{Text: escDigest("Your sales nudge: " + strings.Join(summary, ", ") + "."), Blocks: blocks}
}

// dgNudgeActions are one deal's buttons. block_id carries the deal so
// block_actions always have one.
func dgNudgeActions(n *digest.Nudge, d digest.NudgeDeal) slack.Block {
	id := d.ID.String()
	var opts []*slack.OptionBlockObject
	for _, s := range n.Stages {
		v := id + "|" + s
		if strings.EqualFold(s, d.Stage) || len(v) > dgMaxValue || len(opts) == 100 {
			continue
		}
		opts = append(opts, slack.NewOptionBlockObject(v, dgPlain(escDigest(dgClip(s, dgMaxOptionText/2))), nil))
	}
	var els []slack.BlockElement
	if len(opts) > 0 {
		els = append(els, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, dgPlain("Update stage"), "deal.stage", opts...))
	} else {
		els = append(els, slack.NewButtonBlockElement("deal.advance", id, dgPlain("Advance stage")))
	}
	els = append(els,
		slack.NewButtonBlockElement("deal.push", id, dgPlain("Push close +7d")),
		slack.NewButtonBlockElement("deal.snooze", id, dgPlain("Snooze 7 days")),
		slack.NewButtonBlockElement("deal.lost", id, dgPlain("Mark lost")).WithStyle(slack.StyleDanger),
	)
	return slack.NewActionBlock("nudge."+id, els...)
}

// RenderNudgeSummary lays out a manager's weekly review of their reps'
// nudges and what changed after.
func RenderNudgeSummary(s *digest.NudgeSummary) DigestMsg {
	loc := s.Loc
	if loc == nil {
		loc = s.From.Location()
	}
	var blocks []slack.Block
	blocks = append(blocks,
		dgHeader("Nudge summary · week of "+s.From.In(loc).Format("Mon 2 Jan")),
		slack.NewSectionBlock(dgMd(fmt.Sprintf("Your reps got *%s* about *%s*; *%d* of those deals changed afterwards.",
			dgPlural(s.Nudges, "nudge"), dgPlural(s.Deals, "deal"), s.Acted)), nil, nil))
	var lines []string
	for _, r := range s.Reps {
		head := fmt.Sprintf("*%s* · %s", escDigestMd(dgClip(r.Name, 40)), dgPlural(r.Nudges, "nudge"))
		if r.Behind {
			head += " · behind pace"
		}
		var b strings.Builder
		b.WriteString(head)
		for i, it := range r.Items {
			if i == 8 {
				fmt.Fprintf(&b, "\n   _… and %d more_", len(r.Items)-i)
				break
			}
			mark := ":white_circle:"
			if it.Acted {
				mark = ":white_check_mark:"
			}
			fmt.Fprintf(&b, "\n   %s *%s* (%s), %s → %s", mark, escDigestMd(dgClip(it.Account, dgMaxAccount)), it.Deal, it.About, escDigestMd(it.Outcome))
		}
		lines = append(lines, b.String())
	}
	body := dgSections("", lines, false)
	if len(body) > dgMaxBlocks-3 {
		body = append(body[:dgMaxBlocks-4], dgContext("… more reps than fit in one message."))
	}
	blocks = append(blocks, body...)
	blocks = append(blocks, dgContext(":white_check_mark: changed after the nudge · :white_circle: no change yet"))
	return DigestMsg{Text: escDigest(fmt.Sprintf("Nudge summary: %d nudges, %d of %d deals changed after.", s.Nudges, s.Acted, s.Deals)), Blocks: blocks}
}
