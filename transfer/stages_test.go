package transfer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

func TestMapStages(t *testing.T) {
	def := sales.DefaultStages()
	custom := sales.StageSet{Stages: []sales.Stage{
		{ID: 1, Name: "Discovery", Probability: 1000},
		{ID: 2, Name: "Contact Made", Probability: 3000},
		{ID: 3, Name: "Closing", Probability: 8000},
		{ID: 8, Name: "Signed", Probability: 10000, Kind: sales.StageWon},
		{ID: 9, Name: "Dead", Probability: 0, Kind: sales.StageLost},
	}}
	open := func(label string, prob int) transfer.StageLabel {
		return transfer.StageLabel{Label: label, Probability: prob}
	}
	tests := []struct {
		name   string
		preset string
		labels []transfer.StageLabel
		set    sales.StageSet
		want   []string // "label → stage (how)"
	}{
		{"maven by name and order", "maven",
			[]transfer.StageLabel{open("Engaging", -1), open("Won", -1), open("Prospecting", -1), open("Lost", -1)}, def,
			[]string{"Engaging → Qualified (order 2 of 2 → Qualified)", "Won → Won (won)", "Prospecting → Prospecting (same name)", "Lost → Lost (lost)"}},
		{"hubspot by default probability", "hubspot",
			[]transfer.StageLabel{open("Appointment Scheduled", -1), open("Contract Sent", -1), open("Closed Won", -1), open("Closed Lost", -1)}, def,
			[]string{"Appointment Scheduled → Qualified (probability 20% → Qualified 25%)", "Contract Sent → Negotiation (probability 90% → Negotiation 75%)", "Closed Won → Won (won)", "Closed Lost → Lost (lost)"}},
		{"the file's probability beats the CRM default", "salesforce",
			[]transfer.StageLabel{open("Needs Analysis", 5000), open("Closed Won", 10000)}, def,
			[]string{"Needs Analysis → Proposal (probability 50% → Proposal 50%)", "Closed Won → Won (won)"}},
		{"the team's own stage names and Won/Lost", "pipedrive",
			[]transfer.StageLabel{open("Contact Made", -1), open("Qualified", -1), open("Proposal Made", -1), {Label: "Lost it", Probability: -1, Kind: sales.StageLost}}, custom,
			[]string{"Contact Made → Contact Made (same name)", "Qualified → Discovery (order 1 of 3 → Discovery)", "Proposal Made → Closing (order 3 of 3 → Closing)", "Lost it → Dead (lost)"}},
		{"more labels than stages spread evenly", "",
			[]transfer.StageLabel{open("A", -1), open("B", -1), open("C", -1), open("D", -1), open("E", -1)},
			sales.StageSet{Stages: []sales.Stage{{ID: 1, Name: "Early"}, {ID: 2, Name: "Late"}, {ID: 5, Name: "Won", Kind: sales.StageWon}, {ID: 6, Name: "Lost", Kind: sales.StageLost}}},
			[]string{"A → Early (order 1 of 5 → Early)", "B → Early (order 2 of 5 → Early)", "C → Late (order 3 of 5 → Late)", "D → Late (order 4 of 5 → Late)", "E → Late (order 5 of 5 → Late)"}},
		{"unknown labels without a preset go by file order", "",
			[]transfer.StageLabel{open("Intro", -1), open("Pilot", -1), open("closed won", -1)}, def,
			[]string{"Intro → Prospecting (order 1 of 2 → Prospecting)", "Pilot → Qualified (order 2 of 2 → Qualified)", "closed won → Won (won)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := transfer.Lookup(tt.preset)
			got := transfer.MapStages(p, tt.labels, tt.set)
			if len(got) != len(tt.labels) {
				t.Fatalf("%d maps for %d labels", len(got), len(tt.labels))
			}
			var lines []string
			for _, m := range got {
				lines = append(lines, fmt.Sprintf("%s → %s (%s)", m.Label, m.Stage.Name, m.How))
			}
			if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
