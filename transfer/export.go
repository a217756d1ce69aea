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

// HubSpotStages names each of the team's stages as `export deals --preset
// hubspot` writes them (PipelineLabels of the hubspot preset): the labels
// of HubSpot's default pipeline, which is all its importer accepts there
// ("Deal Stage" must be a stage of the file's Pipeline), and which
// salesbot's import reads back to the same stages. fits is false when the
// team has more open stages than that pipeline; the labels are then the
// team's own stage names, which HubSpot accepts once its pipeline has
// stages of those names.
func HubSpotStages(set sales.StageSet) (labels map[sales.StageID]string, fits bool) {
	p, _ := Lookup("hubspot")
	return PipelineLabels(p, set)
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
