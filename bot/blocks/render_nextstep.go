package blocks

import (
	"fmt"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// nextStepText is a deal's next step for its card and lists: the text
// (escaped), its due date and an overdue flag; "" when it has none.
func nextStepText(c *commands.DealCard) string {
	if c.Deal.NextStep == "" {
		return ""
	}
	s := EscClipMd(c.Deal.NextStep, 300)
	if !c.Deal.NextDue.IsZero() {
		s += " · due " + c.Deal.NextDue.String()
	}
	if c.NextOverdue {
		s += " · :warning: overdue"
	}
	return s
}

// Next-step buttons (value: the deal id), on the Home tab and in nudges.
const (
	ActNextDone = "next.done"
	ActNextPush = "next.push"
)

// nextButtons are a next step's Done and Push a week buttons.
func nextButtons(blockID string, id sales.DealID, more ...slack.BlockElement) slack.Block {
	ref := id.String()
	els := []slack.BlockElement{button(ActNextDone, ref, "Done", slack.StylePrimary), button(ActNextPush, ref, "Push a week", "")}
	return slack.NewActionBlock(blockID, append(els, more...)...)
}

// homeNextSteps is the Home tab's "My next steps": by due date, overdue
// first and flagged, each with its buttons; beyond HomeNextSteps a count.
func homeNextSteps(b *budget, h *commands.HomeView) {
	if h.NextStepCount == 0 {
		return
	}
	b.add(slack.NewDividerBlock())
	title := fmt.Sprintf("*My next steps* · %d", h.NextStepCount)
	if h.NextOverdueCount > 0 {
		title += fmt.Sprintf(" · :warning: %d overdue", h.NextOverdueCount)
	}
	b.add(Section("home.next.title", title))
	for i := range h.NextSteps {
		c := &h.NextSteps[i]
		id := c.Deal.ID.String()
		b.add(Section("home.next:"+id, Clip(dealTitle(c)+" · "+nextStepText(c), maxSectionText)))
		if c.CanEdit {
			b.add(nextButtons("home.next.act:"+id, c.Deal.ID))
		}
	}
	if more := h.NextStepCount - len(h.NextSteps); more > 0 {
		b.add(ContextBlock("home.next.more", fmt.Sprintf("… and %d more next steps: `/deal next &lt;deal&gt;` shows one.", more)))
	}
}

// nudgeNextSteps are a nudge's overdue next steps, each with Done, Push a
// week and Snooze (the deal's snooze: nudges about it go quiet).
func nudgeNextSteps(n *digest.Nudge) []slack.Block {
	bs := []slack.Block{slack.NewSectionBlock(dgMd(fmt.Sprintf(":alarm_clock: *Next steps overdue (%d)*", len(n.NextSteps)+n.MoreNextSteps)), nil, nil)}
	for _, d := range n.NextSteps {
		t := fmt.Sprintf("*%s* (%s) · %s · was due %s (%s ago). Done, or when will it happen?",
			escDigestMd(dgClip(d.Account, dgMaxAccount)), d.ID, escDigestMd(dgClip(d.Step, 300)), d.Due, dgPlural(d.Days, "day"))
		bs = append(bs, slack.NewSectionBlock(dgMd(dgClipText(t, dgMaxSection)), nil, nil),
			nextButtons("nudge.next."+d.ID.String(), d.ID, slack.NewButtonBlockElement(ActSnooze, d.ID.String(), dgPlain("Snooze 7 days"))))
	}
	if n.MoreNextSteps > 0 {
		bs = append(bs, dgContext(fmt.Sprintf("… and %d more: the Home tab lists them all.", n.MoreNextSteps)))
	}
	return bs
}

// Field block ids of the deal form's next-step inputs.
const (
	FieldNext    = commands.FieldNext
	FieldNextDue = commands.FieldNextDue
)

// nextInputs are the edit form's next-step text and due date, prefilled.
func nextInputs(f *commands.DealForm, input func(id, label string, el slack.BlockElement, hint string, optional bool) *slack.InputBlock) []slack.Block {
	text := slack.NewPlainTextInputBlockElement(plain("Send the proposal"), FieldNext).WithMaxLength(sales.MaxNextStep)
	if f.NextStep != "" {
		text = text.WithInitialValue(plainInput(f.NextStep, sales.MaxNextStep))
	}
	due := slack.NewDatePickerBlockElement(FieldNextDue)
	due.Placeholder = plain("Due")
	due.InitialDate = f.NextDue
	return []slack.Block{
		input(FieldNext, "Next step", text, "Empty it when the step is done.", true),
		input(FieldNextDue, "Next step due", due, "", true),
	}
}
