package blocks

import "github.com/salesbot/salesbot/commands"

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
