package commands

import (
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// HelpTopic renders one form's help from the table.
func (f *Form) HelpTopic() HelpTopic {
	return HelpTopic{
		Command:  f.Name(),
		Usage:    f.Usage(),
		Summary:  f.Summary,
		Examples: append([]string(nil), f.Examples...),
		Who:      f.Who,
	}
}

// Help returns the help for a topic, generated from the table of forms:
//   - "" : every form of every command, with one example each (an
//     overview that fits one message);
//   - "deal" or "/deal": every /deal form with all its examples;
//   - "deal add", "/goal set team", "deal new" (aliases work): one form.
func Help(topic string) ([]HelpTopic, error) {
	topic = strings.TrimSpace(topic)
	if topic == "" {
		var out []HelpTopic
		for _, f := range forms {
			h := f.HelpTopic()
			if len(h.Examples) > 1 {
				h.Examples = h.Examples[:1]
			}
			out = append(out, h)
		}
		return out, nil
	}
	toks, err := tokenize(topic)
	if err != nil {
		return nil, err
	}
	resolved, err := resolveTopic("salesbot", toks)
	if err != nil {
		return nil, err
	}
	return helpFor(resolved), nil
}

// helpFor returns the topics of a resolved topic ("deal", "deal add").
func helpFor(topic string) []HelpTopic {
	cmd, verb, _ := strings.Cut(topic, " ")
	var out []HelpTopic
	for _, f := range FormsOf(cmd) {
		if verb == "" || f.Verb == verb {
			out = append(out, f.HelpTopic())
		}
	}
	return out
}

func (r *run) help(c Cmd) (*Result, error) { return helpResult(c), nil }

// helpResult answers a help command.
func helpResult(c Cmd) *Result {
	var topics []HelpTopic
	title := "salesbot help"
	switch {
	case c.Topic != "":
		topics = helpFor(c.Topic)
		title = "Help: /" + c.Topic
	case c.Command == "salesbot":
		topics, _ = Help("")
	default:
		topics = helpFor(c.Command)
		title = "Help: /" + c.Command
	}
	lines := []string{
		"Deals are named by id (D-42) or account name. Amounts: " + amountForms + ".",
		"Dates: " + DateForms + ". Periods: " + sales.PeriodForms + ".",
	}
	return &Result{Kind: KindHelp, Title: title, Help: topics, Lines: lines}
}
