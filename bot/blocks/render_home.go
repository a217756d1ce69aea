package blocks

import (
	"fmt"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// ---- App Home ----

// RenderHome builds the Home tab: progress, a "Log a deal" button, open
// deals by stage with buttons, stale and overdue deals and, for managers,
// the team. It stays within the 100-block limit by summarising.
func RenderHome(h *commands.HomeView, o RenderOptions) slack.HomeTabViewRequest {
	cur := h.Currency
	if cur.Code == "" {
		cur = o.Currency
	}
	if cur.Code == "" {
		cur = sales.DefaultCurrency
	}
	b := &budget{max: MaxViewBlocks}
	b.add(header("Hi " + OrText(h.Name, "there") + " 👋"))
	b.add(Section("home.goal", "*Your quota*\n"+progressText(h.Goal.Progress, cur)))
	if a := goalActivityText(h.Goal.Activity); a != "" {
		b.add(Section("home.activity", "*Your activity goals*\n"+a))
	}
	if h.Forecast != nil {
		b.add(ContextBlock("home.forecast", ":crystal_ball: *Forecast, "+EscapeMd(h.Forecast.Period.Label())+":* "+EscapeMd(BriefText(h.Forecast, cur))))
	}
	b.add(slack.NewActionBlock("home.log", button(ActLog, "", "Log a deal", slack.StylePrimary), button(ActLogActivity, "", "Log activity…", "")))
	homeNextSteps(b, h)

	// Reserve room for the later parts so one long part cannot starve them.
	teamRoom := 0
	if h.Team != nil || len(h.TeamGoals) > 0 {
		teamRoom = 8
	}
	attention := append(append([]commands.DealCard(nil), h.Overdue...), h.Stale...)
	attnRoom := min(2*len(attention)+1, 25)
	b.add(slack.NewDividerBlock())
	b.add(Section("home.open.title", "*Your open deals*"))
	open := 0
	for _, sd := range h.ByStage {
		open += len(sd.Deals)
	}
	if open == 0 {
		b.add(ContextBlock("home.open.none", "No open deals. Press *Log a deal* or type `/deal add &lt;account&gt; &lt;amount&gt;`."))
	}
	openRoom := b.room() - attnRoom - teamRoom - 4
	for _, sd := range h.ByStage {
		if len(sd.Deals) == 0 {
			continue
		}
		if openRoom < 2 {
			b.add(ContextBlock("home.open.more", "… more stages not shown. See `/deal list`."))
			break
		}
		// The count is the stage's, as its total is: Deals holds at most
		// HomeDealsPerStage of them.
		count := max(sd.Count, len(sd.Deals))
		b.add(Section("home.stage:"+Clip(Sanitize(sd.Stage), 60), fmt.Sprintf("*%s* · %d · %s", EscClipMd(sd.Stage, 80), count, cur.Format(sd.Total))))
		openRoom--
		stageMore := func(shown int) {
			b.add(ContextBlock("home.stagemore:"+Clip(Sanitize(sd.Stage), 60), fmt.Sprintf("… and %d more in %s: `/deal list stage:%s`", count-shown, EscClipMd(sd.Stage, 60), EscClipMd(sd.Stage, 60))))
			openRoom--
		}
		for i := range sd.Deals {
			if openRoom < 2 {
				stageMore(i)
				break
			}
			c := &sd.Deals[i]
			var acc *slack.Accessory
			if el := stagePicker(c, o.Stages); el != nil {
				acc = slack.NewAccessory(el)
			} else if c.CanEdit {
				acc = slack.NewAccessory(button(ActWon, c.Deal.ID.String(), "Won", slack.StylePrimary))
			}
			b.add(slack.NewSectionBlock(md(Clip(dealLine(c), maxSectionText)), nil, acc,
				slack.SectionBlockOptionBlockID("home.deal:"+c.Deal.ID.String())))
			openRoom--
			if i == len(sd.Deals)-1 && count > len(sd.Deals) {
				stageMore(len(sd.Deals))
			}
		}
	}

	if len(attention) > 0 {
		b.add(slack.NewDividerBlock())
		// Counts of all of them, not of the capped lists shown.
		overdue, stale := max(h.OverdueCount, len(h.Overdue)), max(h.StaleCount, len(h.Stale))
		b.add(Section("home.attn.title", fmt.Sprintf("*Needs attention* · %d overdue · %d stale", overdue, stale)))
		seen := map[sales.DealID]bool{}
		room := b.room() - teamRoom - 1
		more := overdue > len(h.Overdue) || stale > len(h.Stale)
		for i := range attention {
			c := &attention[i]
			if seen[c.Deal.ID] {
				continue
			}
			if room < 2 {
				more = true
				break
			}
			seen[c.Deal.ID] = true
			id := c.Deal.ID.String()
			b.add(Section("home.attn:"+id, dealLine(c)))
			room--
			if c.CanEdit {
				b.add(slack.NewActionBlock("home.attn.act:"+id,
					button(ActAdvance, id, "Update stage", ""),
					button(ActPush, id, "Push close +7d", ""),
					button(ActSnooze, id, "Snooze 7d", ""),
					button(ActLost, id, "Mark lost", slack.StyleDanger),
					button(ActLogCall, id, "Log call", "")))
				room--
			}
		}
		if more {
			b.add(ContextBlock("home.attn.more", "… more deals need attention. See `/deal list`."))
		}
	}

	if h.Team != nil || len(h.TeamGoals) > 0 {
		b.add(slack.NewDividerBlock())
		b.add(Section("home.team.title", "*Your team*"))
		if h.Team != nil {
			b.add(slack.NewSectionBlock(nil, funnelFields(h.Team.Funnel, cur), nil, slack.SectionBlockOptionBlockID("home.team.funnel")))
			if h.Team.Progress != nil {
				b.add(Section("home.team.progress", progressText(*h.Team.Progress, cur)))
			}
			if h.TeamForecast != nil {
				b.add(ContextBlock("home.team.forecast", ":crystal_ball: *Team forecast, "+EscapeMd(h.TeamForecast.Period.Label())+":* "+EscapeMd(BriefText(h.TeamForecast, cur))))
			}
		}
		if len(h.TeamGoals) > 0 {
			lines := make([]string, len(h.TeamGoals))
			for i := range h.TeamGoals {
				lines[i] = goalLine(&h.TeamGoals[i], cur)
			}
			b.add(pack("home.team.goals", lines, min(3, b.room()))...)
		}
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: b.list}}
}

type budget struct {
	list []slack.Block
	max  int
}

func (b *budget) room() int { return b.max - len(b.list) }

func (b *budget) add(bs ...slack.Block) {
	for _, x := range bs {
		if x != nil && len(b.list) < b.max {
			b.list = append(b.list, x)
		}
	}
}
