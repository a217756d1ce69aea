package transfer

import (
	"slices"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// Field is a salesbot deal field an export column can fill.
type Field string

// The fields presets map. Outcome fields (Status, IsWon, IsClosed,
// Probability) decide won and lost; the time fields create history.
const (
	FieldID           Field = "id"
	FieldAccount      Field = "account"
	FieldTitle        Field = "title"
	FieldAmount       Field = "amount"
	FieldCurrency     Field = "currency"
	FieldStage        Field = "stage"
	FieldStatus       Field = "status"    // open / won / lost
	FieldIsWon        Field = "is_won"    // true/false, 1/0
	FieldIsClosed     Field = "is_closed" // true/false, 1/0
	FieldProbability  Field = "probability"
	FieldClose        Field = "close_date"
	FieldCreated      Field = "created"
	FieldOwner        Field = "owner"
	FieldOwnerEmail   Field = "owner_email"
	FieldTerritory    Field = "territory"
	FieldProduct      Field = "product"
	FieldPipeline     Field = "pipeline"
	FieldWonTime      Field = "won_time"
	FieldLostTime     Field = "lost_time"
	FieldClosedTime   Field = "closed_time"
	FieldStageChanged Field = "stage_changed"
	FieldLostReason   Field = "lost_reason"
)

// StageHint is one stage of a CRM's default pipeline: its label, what it
// means and its default probability in basis points (-1 when the CRM sets
// none by default).
type StageHint struct {
	Label       string
	Kind        sales.StageKind
	Probability int
}

// Preset is what salesbot knows about one CRM's deal export.
type Preset struct {
	Name  string // as given to --preset
	Title string // for --list-presets
	// Source says where the conventions come from.
	Source string
	// Fields lists, per salesbot field, the header names that CRM writes,
	// best first. Matching ignores case, spaces, "-", "_" and a trailing
	// "*" (Pipedrive marks required columns so).
	Fields map[Field][]string
	// Signature are the headers that identify this CRM; Detect needs all
	// of them.
	Signature []string
	// Stages is the CRM's default pipeline in order, open stages first.
	Stages []StageHint
	// ProbabilityFraction: the probability column holds 0..1, not percent.
	ProbabilityFraction bool
	// Exported: `export deals --preset NAME` writes this CRM's file, so
	// its default stage labels read back to the stages they were written
	// from (PipelineLabels).
	Exported bool
	// Outcome explains, for --list-presets and the dry run, how won and
	// lost are decided.
	Outcome string
}

// Field spellings shared by every preset: salesbot's own export and plain
// spreadsheets.
var generic = map[Field][]string{
	FieldID:           {"external_id", "crm_id", "deal_id", "id"},
	FieldAccount:      {"account", "account_name", "company", "customer", "organization", "organisation"},
	FieldTitle:        {"title", "deal", "deal_name", "name", "opportunity", "opportunity_name"},
	FieldAmount:       {"amount", "value", "deal_value", "deal_size", "deal_amount"},
	FieldCurrency:     {"currency", "currency_code"},
	FieldStage:        {"stage", "deal_stage", "pipeline_stage"},
	FieldStatus:       {"status", "deal_status"},
	FieldProbability:  {"probability", "probability_(%)", "win_probability"},
	FieldClose:        {"close_date", "expected_close", "expected_close_date", "close"},
	FieldCreated:      {"created", "created_at", "create_date", "created_date", "date_created"},
	FieldOwner:        {"owner", "rep", "owner_name", "deal_owner", "sales_rep"},
	FieldOwnerEmail:   {"owner_email"},
	FieldTerritory:    {"territory", "region"},
	FieldProduct:      {"product"},
	FieldWonTime:      {"won_time", "won_at", "won_date"},
	FieldLostTime:     {"lost_time", "lost_at", "lost_date"},
	FieldClosedTime:   {"closed", "closed_at", "closed_date", "date_closed"},
	FieldStageChanged: {"stage_entered", "stage_entered_at", "stage_changed", "last_stage_change_date"},
	FieldLostReason:   {"lost_reason", "loss_reason", "reason_lost"},
}

var presets = []*Preset{
	{
		Name:  "hubspot",
		Title: "HubSpot deals export (CRM > Deals > Export)",
		Source: "HubSpot deal property labels (Record ID, Deal Name, Deal Stage, Amount, Close Date, Create Date, Deal owner, Pipeline, Is Closed Won); " +
			"default pipeline and probabilities per https://www.skills.sh/pfoy/growth-skills/hubspot-deal-stages and " +
			"https://developers.hubspot.com/docs/methods/pipelines/pipelines_overview",
		Signature: []string{"Record ID", "Deal Name", "Deal Stage"},
		Fields: map[Field][]string{
			FieldID:           {"Record ID"},
			FieldTitle:        {"Deal Name"},
			FieldAccount:      {"Associated Company", "Company name", "Associated Company (Primary)"},
			FieldAmount:       {"Amount", "Amount in company currency"},
			FieldCurrency:     {"Currency"},
			FieldStage:        {"Deal Stage"},
			FieldPipeline:     {"Pipeline"},
			FieldClose:        {"Close Date"},
			FieldCreated:      {"Create Date"},
			FieldOwner:        {"Deal owner", "Deal Owner"},
			FieldIsWon:        {"Is Closed Won"},
			FieldIsClosed:     {"Is Deal Closed?", "Is Closed"},
			FieldProbability:  {"Deal probability"},
			FieldStageChanged: {"Last Stage Change Date"},
			FieldLostReason:   {"Closed Lost Reason"},
			FieldProduct:      {"Deal Type"},
		},
		Stages: []StageHint{
			{"Appointment Scheduled", sales.StageOpen, 2000},
			{"Qualified To Buy", sales.StageOpen, 4000},
			{"Presentation Scheduled", sales.StageOpen, 6000},
			{"Decision Maker Bought-In", sales.StageOpen, 8000},
			{"Contract Sent", sales.StageOpen, 9000},
			{"Closed Won", sales.StageWon, 10000},
			{"Closed Lost", sales.StageLost, 0},
		},
		ProbabilityFraction: true,
		Exported:            true,
		Outcome:             `"Is Closed Won" when exported, else the stage label (Closed Won / Closed Lost), else a probability of 100% or 0% on a closed deal`,
	},
	{
		Name:  "salesforce",
		Title: "Salesforce opportunity report (Reports > Export > Details Only, CSV)",
		Source: "Opportunity field labels per https://developer.salesforce.com/docs/atlas.en-us.228.0.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_Opportunity.htm; " +
			"stages and probabilities per the OpportunityStage reference (Probability (%), Closed, Won); report footer per " +
			"http://frombelvideres4thfloor.blogspot.com/2010/08/salesforce-csv-format-for-report.html",
		Signature: []string{"Opportunity Name", "Stage"},
		Fields: map[Field][]string{
			FieldID:           {"Opportunity ID", "Opportunity ID (18)"},
			FieldTitle:        {"Opportunity Name"},
			FieldAccount:      {"Account Name"},
			FieldOwner:        {"Opportunity Owner", "Owner Name", "Owner Full Name"},
			FieldOwnerEmail:   {"Opportunity Owner Email", "Owner Email"},
			FieldStage:        {"Stage"},
			FieldAmount:       {"Amount"},
			FieldCurrency:     {"Opportunity Currency", "Amount Currency"},
			FieldClose:        {"Close Date"},
			FieldCreated:      {"Created Date"},
			FieldProbability:  {"Probability (%)"},
			FieldIsWon:        {"Won"},
			FieldIsClosed:     {"Closed"},
			FieldStageChanged: {"Last Stage Change Date", "Stage Duration"},
			FieldTerritory:    {"Territory", "Billing State/Province", "Region"},
			FieldProduct:      {"Product Name", "Type"},
			FieldLostReason:   {"Loss Reason"},
		},
		Stages: []StageHint{
			{"Prospecting", sales.StageOpen, 1000},
			{"Qualification", sales.StageOpen, 1000},
			{"Needs Analysis", sales.StageOpen, 2000},
			{"Value Proposition", sales.StageOpen, 5000},
			{"Id. Decision Makers", sales.StageOpen, 6000},
			{"Perception Analysis", sales.StageOpen, 7000},
			{"Proposal/Price Quote", sales.StageOpen, 7500},
			{"Negotiation/Review", sales.StageOpen, 9000},
			{"Closed Won", sales.StageWon, 10000},
			{"Closed Lost", sales.StageLost, 0},
		},
		Outcome: `the "Won" and "Closed" flags when exported, else the stage label (Closed Won / Closed Lost), else Probability (%) 100 or 0 on a closed deal`,
	},
	{
		Name:  "pipedrive",
		Title: `Pipedrive deals export ("Deal - " columns)`,
		Source: `Pipedrive export headers "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Status" (open/won/lost), "Deal - Won time", "Deal - Lost time" ` +
			"as parsed by public Pipedrive importers; status values per the API's deal status enum (open, won, lost); " +
			"default stages per https://prismatic.io/docs/example-payloads/pipedrive/actions/getStages.json",
		Signature: []string{"Deal - Title"},
		Fields: map[Field][]string{
			FieldID:           {"Deal - ID", "Deal - Pipedrive System ID"},
			FieldTitle:        {"Deal - Title"},
			FieldAccount:      {"Deal - Organization", "Organization - Name"},
			FieldAmount:       {"Deal - Value"},
			FieldCurrency:     {"Deal - Currency", "Deal - Currency of value"},
			FieldStatus:       {"Deal - Status"},
			FieldStage:        {"Deal - Stage", "Deal - Stage (pipeline)"},
			FieldPipeline:     {"Deal - Pipeline"},
			FieldOwner:        {"Deal - Owner"},
			FieldClose:        {"Deal - Expected close date"},
			FieldCreated:      {"Deal - Deal created", "Deal - Creation date"},
			FieldWonTime:      {"Deal - Won time"},
			FieldLostTime:     {"Deal - Lost time"},
			FieldClosedTime:   {"Deal - Closed on", "Deal - Deal closed on"},
			FieldStageChanged: {"Deal - Last stage change"},
			FieldProbability:  {"Deal - Probability"},
			FieldLostReason:   {"Deal - Lost reason"},
			FieldProduct:      {"Deal - Product name", "Deal - Label"},
		},
		Stages: []StageHint{
			{"Qualified", sales.StageOpen, -1},
			{"Contact Made", sales.StageOpen, -1},
			{"Demo Scheduled", sales.StageOpen, -1},
			{"Proposal Made", sales.StageOpen, -1},
			{"Negotiations Started", sales.StageOpen, -1},
		},
		Outcome: `"Deal - Status": won and lost are statuses, not stages; the stage of a won or lost deal is the stage it was in`,
	},
	{
		Name:  "zoho",
		Title: "Zoho CRM deals export (Deals > Export)",
		Source: "Deals module standard fields per https://zoho.com/fr/crm/help/opportunities/standard-fields.html and " +
			"https://docs.workato.com/en/connectors/zoho-crm/actions/update-deal.html (Deal Owner, Deal Name, Account Name, Amount, Closing Date, Stage, Probability, Created Time)",
		Signature: []string{"Deal Name", "Closing Date", "Stage"},
		Fields: map[Field][]string{
			FieldID:           {"Record Id", "Deal Id"},
			FieldTitle:        {"Deal Name"},
			FieldAccount:      {"Account Name"},
			FieldOwner:        {"Deal Owner"},
			FieldOwnerEmail:   {"Deal Owner Email"},
			FieldStage:        {"Stage"},
			FieldAmount:       {"Amount"},
			FieldCurrency:     {"Currency"},
			FieldClose:        {"Closing Date"},
			FieldCreated:      {"Created Time"},
			FieldProbability:  {"Probability (%)", "Probability"},
			FieldStageChanged: {"Last Activity Time"},
			FieldLostReason:   {"Reason For Loss"},
			FieldTerritory:    {"Territory", "Territories"},
			FieldProduct:      {"Type"},
		},
		Stages: []StageHint{
			{"Qualification", sales.StageOpen, 1000},
			{"Needs Analysis", sales.StageOpen, 2000},
			{"Value Proposition", sales.StageOpen, 4000},
			{"Identify Decision Makers", sales.StageOpen, 6000},
			{"Proposal/Price Quote", sales.StageOpen, 7500},
			{"Negotiation/Review", sales.StageOpen, 9000},
			{"Closed Won", sales.StageWon, 10000},
			{"Closed Lost", sales.StageLost, 0},
			{"Closed-Lost to Competition", sales.StageLost, 0},
		},
		Outcome: `the stage label (Closed Won; Closed Lost, Closed-Lost to Competition), else Probability (%) 100 or 0`,
	},
	{
		Name:  "maven",
		Title: "Maven Analytics CRM sales opportunities sample (sales_pipeline.csv)",
		Source: "Maven Analytics' public CRM Sales Opportunities data set: sales_pipeline.csv (opportunity_id, sales_agent, product, account, deal_stage, engage_date, close_date, close_value) " +
			"and sales_teams.csv (sales_agent, manager, regional_office)",
		Signature: []string{"opportunity_id", "sales_agent", "deal_stage"},
		Fields: map[Field][]string{
			FieldID:      {"opportunity_id"},
			FieldOwner:   {"sales_agent"},
			FieldProduct: {"product"},
			FieldAccount: {"account"},
			FieldStage:   {"deal_stage"},
			FieldCreated: {"engage_date"},
			FieldClose:   {"close_date"},
			FieldAmount:  {"close_value"},
		},
		Stages: []StageHint{
			{"Prospecting", sales.StageOpen, -1},
			{"Engaging", sales.StageOpen, -1},
			{"Won", sales.StageWon, 10000},
			{"Lost", sales.StageLost, 0},
		},
		Outcome: "the deal_stage label (Won / Lost); close_date is the actual close of won and lost deals",
	},
}

// List returns the presets in a stable order, for --list-presets.
func List() []*Preset { return slices.Clone(presets) }

// Lookup finds a preset by name, case-insensitively.
func Lookup(name string) (*Preset, bool) {
	for _, p := range presets {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, true
		}
	}
	return nil, false
}

// PresetNames renders "hubspot, salesforce, …" for error messages.
func PresetNames() string {
	n := make([]string, len(presets))
	for i, p := range presets {
		n[i] = p.Name
	}
	return strings.Join(n, ", ")
}

// NormalizeHeader makes "Deal Value", "deal-value", "DEAL_VALUE" and
// "Deal - Value*" equal.
func NormalizeHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	s = strings.TrimSpace(strings.TrimSuffix(s, "*"))
	var b strings.Builder
	under := false
	for _, r := range s {
		if r == ' ' || r == '-' || r == '_' || r == '.' || r == '\t' {
			under = true
			continue
		}
		if under && b.Len() > 0 {
			b.WriteByte('_')
		}
		under = false
		b.WriteRune(r)
	}
	return b.String()
}

// Detect picks the preset whose signature headers the file has; score is
// how many of the header's columns that preset knows, so the most specific
// preset wins (Zoho and HubSpot both write "Deal Name"). It returns nil
// and 0 when no preset fits; the generic column names then apply.
func Detect(header []string) (p *Preset, score int) {
	have := map[string]bool{}
	for _, h := range header {
		have[NormalizeHeader(h)] = true
	}
	for _, cand := range presets {
		ok := true
		for _, s := range cand.Signature {
			if !have[NormalizeHeader(s)] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		n := 0
		for _, names := range cand.Fields {
			for _, name := range names {
				if have[NormalizeHeader(name)] {
					n++
					break
				}
			}
		}
		if n > score {
			p, score = cand, n
		}
	}
	return p, score
}

// Guess is Detect for a file whose signature columns are missing (a
// HubSpot export without "Record ID", Maven's file without
// opportunity_id): the preset knowing most of the header's columns, by its
// own names only, at least three and one of them the stage or status. The
// caller decides whether that beats its other readings of the header.
func Guess(header []string) (p *Preset, score int) {
	have := map[string]bool{}
	for _, h := range header {
		have[NormalizeHeader(h)] = true
	}
	for _, cand := range presets {
		n, stage := 0, false
		for f, names := range cand.Fields {
			for _, name := range names {
				if have[NormalizeHeader(name)] {
					n++
					stage = stage || f == FieldStage || f == FieldStatus
					break
				}
			}
		}
		if stage && n >= 3 && n > score {
			p, score = cand, n
		}
	}
	return p, score
}

// Columns maps fields to column indexes of a header.
type Columns map[Field]int

// Has reports whether the file has a column for f.
func (c Columns) Has(f Field) bool { _, ok := c[f]; return ok }

// Get returns the trimmed cell of f in row, or "".
func (c Columns) Get(row []string, f Field) string {
	if i, ok := c[f]; ok && i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// Columns matches header against the preset's names, then the generic ones;
// a nil preset uses only the generic names. overrides (from --map, field →
// header) win. unused lists the header cells nothing reads, for the dry run.
func (p *Preset) Columns(header []string, overrides map[Field]string) (cols Columns, unused []string, err error) {
	idx := map[string]int{}
	for i, h := range header {
		n := NormalizeHeader(h)
		if n == "" {
			continue
		}
		if _, dup := idx[n]; dup {
			return nil, nil, sales.Errorf(sales.EINVALID, "the header names column %q twice; rename one of them", strings.TrimSpace(h))
		}
		idx[n] = i
	}
	cols = Columns{}
	taken := map[int]bool{}
	for f, h := range overrides {
		i, ok := idx[NormalizeHeader(h)]
		if !ok {
			return nil, nil, sales.Errorf(sales.EINVALID, "--map %s=%s: the file has no column %q; its columns are %s", f, h, h, strings.Join(header, ", "))
		}
		cols[f], taken[i] = i, true
	}
	claim := func(fields map[Field][]string) {
		// Fixed order so two fields wanting one column always resolve alike.
		for _, f := range allFields {
			if _, done := cols[f]; done {
				continue
			}
			for _, name := range fields[f] {
				if i, ok := idx[NormalizeHeader(name)]; ok && !taken[i] {
					cols[f], taken[i] = i, true
					break
				}
			}
		}
	}
	if p != nil {
		claim(p.Fields)
	}
	claim(generic)
	for i, h := range header {
		if !taken[i] && strings.TrimSpace(h) != "" {
			unused = append(unused, strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		}
	}
	return cols, unused, nil
}

// Fields lists every field a column can fill, for --map.
func Fields() []Field { return slices.Clone(allFields) }

var allFields = []Field{
	FieldID, FieldTitle, FieldAccount, FieldAmount, FieldCurrency, FieldStage, FieldStatus,
	FieldIsWon, FieldIsClosed, FieldProbability, FieldClose, FieldCreated, FieldOwner,
	FieldOwnerEmail, FieldTerritory, FieldProduct, FieldPipeline, FieldWonTime, FieldLostTime,
	FieldClosedTime, FieldStageChanged, FieldLostReason,
}
