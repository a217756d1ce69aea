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
	six := sales.StageSet{Stages: []sales.Stage{
		{ID: 1, Name: "Stage 1", Probability: 1000}, {ID: 2, Name: "Stage 2", Probability: 2000}, {ID: 3, Name: "Stage 3", Probability: 3000},
		{ID: 4, Name: "Stage 4", Probability: 4000}, {ID: 5, Name: "Stage 5", Probability: 5000}, {ID: 6, Name: "Stage 6", Probability: 6000},
		{ID: 7, Name: "Won", Probability: 10000, Kind: sales.StageWon}, {ID: 8, Name: "Lost", Kind: sales.StageLost},
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
		{"hubspot's default labels back as export writes them, the fifth by probability", "hubspot",
			[]transfer.StageLabel{open("Appointment Scheduled", 2000), open("Decision Maker Bought-In", -1), open("Contract Sent", -1), open("Closed Won", -1), open("Closed Lost", -1)}, def,
			[]string{"Appointment Scheduled → Prospecting (pipeline order 1 of 5 → Prospecting, as export --preset hubspot writes it)",
				"Decision Maker Bought-In → Negotiation (pipeline order 4 of 5 → Negotiation, as export --preset hubspot writes it)",
				"Contract Sent → Negotiation (probability 90% → Negotiation 75%)", "Closed Won → Won (won)", "Closed Lost → Lost (lost)"}},
		{"hubspot into a team with more open stages than its pipeline: by probability", "hubspot",
			[]transfer.StageLabel{open("Appointment Scheduled", -1), open("Stage 6", -1)}, six,
			[]string{"Appointment Scheduled → Stage 2 (probability 20% → Stage 2 20%)", "Stage 6 → Stage 6 (same name)"}},
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

// Every stage the HubSpot export writes reads back to the stage it was
// written from: salesbot's defaults, custom names (one named like a HubSpot
// stage), fewer stages, and more open stages than HubSpot's pipeline has.
func TestHubSpotStagesRoundTrip(t *testing.T) {
	p, _ := transfer.Lookup("hubspot")
	named := func(names ...string) sales.StageSet {
		var ss sales.StageSet
		for i, n := range names {
			ss.Stages = append(ss.Stages, sales.Stage{ID: sales.StageID(i + 1), Name: n, Probability: 1000 * (i + 1)})
		}
		return sales.StageSet{Stages: append(ss.Stages,
			sales.Stage{ID: 20, Name: "Signed", Probability: 10000, Kind: sales.StageWon},
			sales.Stage{ID: 21, Name: "Gone", Kind: sales.StageLost})}
	}
	tests := []struct {
		name string
		set  sales.StageSet
		fits bool
		want []string // labels of the set's stages, in order
	}{
		{"defaults", sales.DefaultStages(), true,
			[]string{"Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In", "Closed Won", "Closed Lost"}},
		{"custom names, one HubSpot's", named("Discovery", "Demo", "Contract Sent"), true,
			[]string{"Appointment Scheduled", "Qualified To Buy", "Contract Sent", "Closed Won", "Closed Lost"}},
		{"five open stages", named("A", "B", "C", "D", "E"), true,
			[]string{"Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In", "Contract Sent", "Closed Won", "Closed Lost"}},
		{"six open stages keep their names", named("A", "B", "C", "D", "E", "F"), false,
			[]string{"A", "B", "C", "D", "E", "F", "Closed Won", "Closed Lost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels, fits := transfer.HubSpotStages(tt.set)
			var got []string
			var file []transfer.StageLabel
			for _, s := range tt.set.Stages {
				got = append(got, labels[s.ID])
				file = append(file, transfer.StageLabel{Label: labels[s.ID], Probability: -1})
			}
			if fits != tt.fits || strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Fatalf("labels %q fits %v, want %q %v", got, fits, tt.want, tt.fits)
			}
			for i, m := range transfer.MapStages(p, file, tt.set) {
				if want := tt.set.Stages[i]; m.Stage.ID != want.ID {
					t.Errorf("%s was written as %q and read back as %s (%s)", want.Name, m.Label, m.Stage.Name, m.How)
				}
			}
		})
	}
}
