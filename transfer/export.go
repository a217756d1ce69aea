package transfer

import (
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// HubSpotColumns are the columns `export deals --preset hubspot` writes:
// the labels of HubSpot's default deal properties, which its importer maps
// with no manual step. Deal name, pipeline and deal stage are the three it
// requires; Deal owner holds the owner's email, the only way its importer
// assigns one. No Record ID: the importer takes one as an update of an
// existing HubSpot deal and rejects the ids of another system.
var HubSpotColumns = []string{"Deal Name", "Pipeline", "Deal Stage", "Amount", "Close Date", "Create Date", "Deal owner", "Closed Lost Reason"}

// HubSpotPipeline is the label of the pipeline every HubSpot portal starts
// with; its stages are the preset's.
const HubSpotPipeline = "Sales Pipeline"

// HubSpotStages names each of the team's stages by a stage of HubSpot's
// default pipeline, which is all its importer accepts there: Won and Lost
// as Closed Won and Closed Lost, an open stage named like a HubSpot one
// keeps it, and the rest follow pipeline order (salesbot's defaults become
// Appointment Scheduled, Qualified To Buy, Presentation Scheduled and
// Decision Maker Bought-In). Reading the file back maps those labels by
// HubSpot's probabilities, so open stages may not come back the same.
func HubSpotStages(set sales.StageSet) map[sales.StageID]string {
	p, _ := Lookup("hubspot")
	var open []sales.Stage // HubSpot's open stages as sales.Stage for spread
	out := map[sales.StageID]string{}
	for _, h := range p.Stages {
		switch h.Kind {
		case sales.StageOpen:
			open = append(open, sales.Stage{Name: h.Label, Probability: h.Probability})
		case sales.StageWon:
			out[set.Won().ID] = h.Label
		case sales.StageLost:
			out[set.Lost().ID] = h.Label
		}
	}
	team := set.Open()
	for i, s := range team {
		if h, ok := sameName(open, s.Name); ok {
			out[s.ID] = h.Name
			continue
		}
		out[s.ID] = spread(open, i, len(team)).Name
	}
	for _, s := range set.Stages {
		if _, ok := out[s.ID]; !ok { // a second won or lost stage
			switch s.Kind {
			case sales.StageWon:
				out[s.ID] = "Closed Won"
			case sales.StageLost:
				out[s.ID] = "Closed Lost"
			}
		}
	}
	return out
}

// HubSpotOwner is the Deal owner cell: the email when salesbot knows one
// (HubSpot matches owners by their user's email), else the name, which
// HubSpot reports as an unknown owner and imports the deal without one.
func HubSpotOwner(p sales.Person) string {
	if e := strings.TrimSpace(p.Email); e != "" {
		return e
	}
	return p.Label()
}
