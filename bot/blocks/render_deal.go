package blocks

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// ---- deals ----

// dealTitle is "*D-42 · Acme Corp*"; EscClipMd keeps an account such as
// "x *bold*" from closing the bold early.
func dealTitle(c *commands.DealCard) string {
	return "*" + c.Deal.ID.String() + " · " + EscClipMd(OrText(c.Deal.Account, "(no account)"), 200) + "*"
}

func dealFlags(c *commands.DealCard) []string {
	var f []string
	switch c.StageKind {
	case sales.StageWon:
		f = append(f, ":trophy: won")
	case sales.StageLost:
		f = append(f, ":x: lost")
	}
	if c.Overdue {
		f = append(f, ":warning: past close date")
	}
	if c.Stale {
		f = append(f, ":hourglass_flowing_sand: stale")
	}
	return f
}

// dealLine is one deal on one line, for lists and the Home tab.
func dealLine(c *commands.DealCard) string {
	parts := []string{dealTitle(c)}
	if c.Amount != "" {
		parts = append(parts, Escape(c.Amount))
	}
	parts = append(parts, EscClipMd(c.StageName, 60))
	if c.OwnerSlackID != "" || c.OwnerName != "" {
		parts = append(parts, Mention(c.OwnerSlackID, c.OwnerName))
	}
	if !c.Deal.CloseDate.IsZero() {
		parts = append(parts, "closes "+c.Deal.CloseDate.Format("2006-01-02"))
	}
	parts = append(parts, dealFlags(c)...)
	return strings.Join(parts, " · ")
}

// dealButtons are the card's actions; nil when the viewer may neither
// edit nor log activities.
func dealButtons(c *commands.DealCard, blockID string) slack.Block {
	if !c.CanEdit && !c.CanLog {
		return nil
	}
	id := c.Deal.ID.String()
	var els []slack.BlockElement
	if c.CanEdit && c.StageKind == sales.StageOpen {
		if c.NextStage != "" {
			els = append(els, button(ActAdvance, id, "Advance → "+c.NextStage, ""))
		}
		els = append(els, button(ActWon, id, "Won", slack.StylePrimary), button(ActLost, id, "Lost", slack.StyleDanger))
	}
	if c.CanEdit {
		els = append(els, button(ActEdit, id, "Edit", ""))
	}
	if el := forecastPicker(c); el != nil {
		els = append(els, el)
	}
	if c.CanLog {
		els = append(els, button(ActLogCall, id, "Log call", ""), button(ActLogActivity, id, "Log activity…", ""))
	}
	return slack.NewActionBlock(blockID, els...)
}

// forecastChoices are the card's forecast menu, in the order a manager
// reads a forecast; "default" puts the deal back on its stage's category.
var forecastChoices = []struct {
	cat   sales.ForecastCategory
	value string
	label string
}{
	{sales.ForecastCommit, "commit", "Commit"},
	{sales.ForecastBestCase, "best", "Best case"},
	{sales.ForecastPipeline, "pipeline", "Pipeline"},
	{sales.ForecastOmitted, "omitted", "Omitted"},
	{0, "default", "Stage default"},
}

// forecastPicker is the deal.forecast select for editable open deals,
// showing the override in force (or the stage default).
func forecastPicker(c *commands.DealCard) slack.BlockElement {
	if !c.CanEdit || c.StageKind != sales.StageOpen {
		return nil
	}
	id := c.Deal.ID.String()
	opts := make([]*slack.OptionBlockObject, 0, len(forecastChoices))
	var initial *slack.OptionBlockObject
	for _, ch := range forecastChoices {
		o := slack.NewOptionBlockObject(id+"|"+ch.value, plain(ch.label), nil)
		if ch.cat == c.Deal.Forecast {
			initial = o
		}
		opts = append(opts, o)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Forecast…"), ActForecast, opts...)
	if initial != nil {
		sel = sel.WithInitialOption(initial)
	}
	return sel
}

// stagePicker is a deal.stage select over stages, for editable open deals.
func stagePicker(c *commands.DealCard, stages []string) slack.BlockElement {
	if !c.CanEdit || c.StageKind != sales.StageOpen || len(stages) == 0 {
		return nil
	}
	id := c.Deal.ID.String()
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, s := range stages {
		v := id + "|" + s
		if utf8.RuneCountInString(v) > maxOptionValue || len(opts) == maxSelectOptions {
			continue
		}
		o := slack.NewOptionBlockObject(v, plain(EscClip(s, maxOptionText)), nil)
		if strings.EqualFold(s, c.StageName) {
			initial = o
		}
		opts = append(opts, o)
	}
	if len(opts) == 0 {
		return nil
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Move to…"), ActStage, opts...)
	if initial != nil {
		sel = sel.WithInitialOption(initial)
	}
	return sel
}

// DealCard renders one deal: title, fields, flags, notes, history (when
// the card has it) and buttons.
func DealCard(c *commands.DealCard, o RenderOptions) []slack.Block {
	id := c.Deal.ID.String()
	var fields []*slack.TextBlockObject
	field := func(label, value string) {
		if value != "" && len(fields) < maxFields {
			fields = append(fields, md("*"+label+"*\n"+Clip(value, maxFieldText-len(label)-4)))
		}
	}
	field("Amount", Escape(OrText(c.Amount, "not set")))
	stage := EscClipMd(c.StageName, 100)
	if c.Probability != "" {
		stage += " · " + Escape(c.Probability)
	}
	field("Stage", stage)
	field("Owner", Mention(c.OwnerSlackID, c.OwnerName))
	field("Forecast", Escape(c.Forecast))
	if !c.Deal.CloseDate.IsZero() {
		field("Close date", c.Deal.CloseDate.Format("2006-01-02"))
	}
	field("Next step", nextStepText(c))
	if c.TerritoryName != "" {
		field("Territory", EscClipMd(c.TerritoryName, 200))
	}
	if c.Deal.Product != "" {
		field("Product", EscClipMd(c.Deal.Product, 200))
	}
	bs := []slack.Block{slack.NewSectionBlock(md(dealTitle(c)), fields, nil, slack.SectionBlockOptionBlockID("deal.card:"+id))}
	var notes []string
	notes = append(notes, dealFlags(c)...)
	if c.Deal.LostReason != "" {
		notes = append(notes, "reason: "+EscClipMd(c.Deal.LostReason, 500))
	}
	if c.Deal.Notes != "" {
		notes = append(notes, "notes: "+EscClipMd(c.Deal.Notes, 1000))
	}
	if len(notes) > 0 {
		bs = append(bs, ContextBlock("deal.flags:"+id, strings.Join(notes, " · ")))
	}
	if len(c.History) > 0 {
		lines := make([]string, 0, len(c.History))
		for _, h := range c.History {
			line := EscClipMd(h.Text, 300)
			if h.Actor != "" {
				line = EscClipMd(h.Actor, 80) + ": " + line
			}
			if h.At != "" {
				line = "`" + Escape(h.At) + "` " + line
			}
			lines = append(lines, line)
		}
		// Newest last; keep the latest that fit one section.
		text := "*History*"
		kept, size := 0, utf8.RuneCountInString(text)+40
		for i := len(lines) - 1; i >= 0; i-- {
			size += utf8.RuneCountInString(lines[i]) + 1
			if size > maxSectionText {
				break
			}
			kept++
		}
		if skipped := len(lines) - kept; skipped > 0 {
			text += fmt.Sprintf("\n_… %d earlier changes_", skipped)
		}
		for _, l := range lines[len(lines)-kept:] {
			text += "\n" + l
		}
		bs = append(bs, Section("deal.history:"+id, text))
	}
	if len(c.Activities) > 0 {
		bs = append(bs, Section("deal.activities:"+id, activityText(c)))
	}
	if b := dealButtons(c, "deal:"+id); b != nil {
		bs = append(bs, b)
	}
	return bs
}

// activityText is the card's "Activities" section: the latest that fit
// one section, newest last, with the count of the rest.
func activityText(c *commands.DealCard) string {
	lines := make([]string, 0, len(c.Activities))
	for _, a := range c.Activities {
		lines = append(lines, fmt.Sprintf("`%s` %s: %s", Escape(a.At), EscClipMd(a.Actor, 80), EscClipMd(a.Text, 300)))
	}
	head := fmt.Sprintf("*Activities* (%d)", c.ActivityTotal)
	kept, size := 0, utf8.RuneCountInString(head)+40
	for i := len(lines) - 1; i >= 0; i-- {
		size += utf8.RuneCountInString(lines[i]) + 1
		if size > maxSectionText {
			break
		}
		kept++
	}
	text := head
	if earlier := c.ActivityTotal - kept; earlier > 0 {
		text += fmt.Sprintf("\n_… %d earlier_", earlier)
	}
	for _, l := range lines[len(lines)-kept:] {
		text += "\n" + l
	}
	return text
}

func renderDeal(res *commands.Result, o RenderOptions) Message {
	var bs []slack.Block
	if len(res.Lines) > 0 {
		bs = append(bs, Section("deal.msg", EscapeMd(strings.Join(res.Lines, "\n"))))
	}
	bs = append(bs, DealCard(res.Deal, o)...)
	lead := res.Title
	if len(res.Lines) > 0 {
		lead = res.Lines[0]
	}
	c := res.Deal
	return Message{Text: fallback(lead, c.Deal.ID.String()+" "+c.Deal.Account+" "+c.Amount+" ("+c.StageName+")"), Blocks: bs}
}

func renderDealList(res *commands.Result, o RenderOptions) Message {
	bs := []slack.Block{header(OrText(res.Title, "Deals"))}
	switch {
	case len(res.Deals) == 0 && len(res.Lines) > 0:
		// The command says why the list is empty (or the page is past the
		// end); the generic hint would repeat it.
		bs = append(bs, Section("list.empty", EscapeMd(strings.Join(res.Lines, "\n"))))
	case len(res.Deals) == 0:
		bs = append(bs, Section("list.empty", "No deals here yet. Log one with `/deal add &lt;account&gt; &lt;amount&gt;`."))
	case len(res.Lines) > 0:
		bs = append(bs, ContextBlock("list.summary", EscapeMd(strings.Join(res.Lines, " · "))))
	}
	// Leave room for the overflow note and paging.
	room := maxMessageBlocks - len(bs) - 2
	shown := 0
	for i := range res.Deals {
		if shown == room {
			break
		}
		c := &res.Deals[i]
		var acc *slack.Accessory
		if el := stagePicker(c, o.Stages); el != nil {
			acc = slack.NewAccessory(el)
		}
		bs = append(bs, slack.NewSectionBlock(md(Clip(dealLine(c), maxSectionText)), nil, acc,
			slack.SectionBlockOptionBlockID("deal.row:"+c.Deal.ID.String())))
		shown++
	}
	if left := len(res.Deals) - shown; left > 0 {
		bs = append(bs, ContextBlock("list.more", fmt.Sprintf("… and %d more. Narrow the list: `/deal list @user stage:&lt;stage&gt;`.", left)))
	}
	if next := res.NextPage; next != "" && utf8.RuneCountInString(next) <= 2000 {
		bs = append(bs, slack.NewActionBlock("list.page", button(ActPage, next, "Next page →", "")))
	}
	return Message{Text: fallback(OrText(res.Title, "Deals"), fmt.Sprintf("%d deals", len(res.Deals))), Blocks: bs}
}
