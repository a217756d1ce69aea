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
	// AltSignatures identify the same CRM's other exports, whose headers
	// are spelt otherwise (Salesforce's API names from Data Loader or the
	// weekly data export, Pipedrive's export without "Deal - ").
	AltSignatures [][]string
	// Prefix is a header prefix the CRM writes on some exports and not on
	// others ("Deal - "): every name is matched with and without it.
	Prefix string
	// AccountOptional: the CRM leaves the account empty on some rows
	// (Maven's sample, on early-stage deals); such a deal is named after
	// its id, "(no account) <id>", rather than refused.
	AccountOptional bool
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
	// HomeAmount are the normalised names of amount columns in the
	// company's currency whatever the deal's (HubSpot's "Amount in company
	// currency"); listed first in Fields, they win over the deal's own
	// amount, and the currency column, which is that amount's, is not read.
	HomeAmount []string
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
		// Internal property names, as the API, CRM sync tools and "export
		// with internal names" write them; stages then are internal ids
		// (appointmentscheduled, closedwon), read as the labels they compact to.
		AltSignatures: [][]string{{"dealname", "dealstage"}},
		Fields: map[Field][]string{
			FieldID:      {"Record ID", "hs_object_id", "Deal ID"},
			FieldTitle:   {"Deal Name", "dealname"},
			FieldAccount: {"Associated Company", "Company name", "Associated Company (Primary)"},
			// A multi-currency portal's deals are summed in its company
			// currency, as salesbot counts in one (HomeAmount).
			FieldAmount:       {"Amount in company currency", "amount_in_home_currency", "Amount", "amount"},
			FieldCurrency:     {"Currency", "deal_currency_code"},
			FieldStage:        {"Deal Stage", "dealstage"},
			FieldPipeline:     {"Pipeline", "pipeline"},
			FieldClose:        {"Close Date", "closedate"},
			FieldCreated:      {"Create Date", "createdate"},
			FieldOwner:        {"Deal owner", "Deal Owner", "hubspot_owner_id"},
			FieldOwnerEmail:   {"Deal owner email", "Deal Owner Email"},
			FieldIsWon:        {"Is Closed Won", "hs_is_closed_won"},
			FieldIsClosed:     {"Is Deal Closed?", "Is Closed", "hs_is_closed"},
			FieldProbability:  {"Deal probability", "hs_deal_stage_probability"},
			FieldStageChanged: {"Last Stage Change Date", "Date entered current stage", "hs_v2_date_entered_current_stage"},
			FieldLostReason:   {"Closed Lost Reason", "closed_lost_reason"},
			FieldProduct:      {"Deal Type", "dealtype"},
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
		HomeAmount:          []string{"amount_in_company_currency", "amount_in_home_currency"},
		Outcome:             `"Is Closed Won" when exported, else the stage label (Closed Won / Closed Lost), else a probability of 100% or 0% on a closed deal`,
	},
	{
		Name:  "salesforce",
		Title: "Salesforce opportunities (a report exported as Details Only CSV, or Opportunity.csv from Data Loader or the data export)",
		Source: "Opportunity field labels per https://developer.salesforce.com/docs/atlas.en-us.228.0.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_Opportunity.htm; " +
			"stages and probabilities per the OpportunityStage reference (Probability (%), Closed, Won); report footer per " +
			"http://frombelvideres4thfloor.blogspot.com/2010/08/salesforce-csv-format-for-report.html",
		Signature: []string{"Opportunity Name", "Stage"},
		// API names: Data Loader, Workbench and the weekly data export's
		// Opportunity.csv (Id, AccountId, Name, StageName, Amount,
		// CloseDate, IsClosed, IsWon, OwnerId, CreatedDate, CurrencyIsoCode).
		AltSignatures: [][]string{{"StageName", "CloseDate"}, {"Opportunity Name", "Stage Name"}},
		Fields: map[Field][]string{
			FieldID:           {"Opportunity ID", "Opportunity ID (18)", "Id"},
			FieldTitle:        {"Opportunity Name", "Name"},
			FieldAccount:      {"Account Name", "Account: Account Name", "Account.Name", "AccountId"},
			FieldOwner:        {"Opportunity Owner", "Opportunity Owner: Full Name", "Owner: Full Name", "Owner Name", "Owner Full Name", "Owner.Name", "OwnerId"},
			FieldOwnerEmail:   {"Opportunity Owner Email", "Opportunity Owner: Email", "Owner: Email", "Owner Email", "Owner.Email"},
			FieldStage:        {"Stage", "Stage Name", "StageName"},
			FieldAmount:       {"Amount", "Total Amount"},
			FieldCurrency:     {"Opportunity Currency", "Amount Currency", "CurrencyIsoCode", "Total Amount Currency"},
			FieldClose:        {"Close Date", "CloseDate"},
			FieldCreated:      {"Created Date", "CreatedDate"},
			FieldProbability:  {"Probability (%)", "Probability"},
			FieldIsWon:        {"Won", "IsWon"},
			FieldIsClosed:     {"Closed", "IsClosed"},
			FieldStageChanged: {"Last Stage Change Date", "LastStageChangeDate"},
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
		Outcome: `the "Won" and "Closed" flags (IsWon, IsClosed) when exported, else the stage label (Closed Won / Closed Lost), else Probability (%) 100 or 0 on a closed deal`,
	},
	{
		Name:  "pipedrive",
		Title: `Pipedrive deals export (Deals > Export; columns with or without "Deal - ")`,
		Source: `Pipedrive export headers "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Status" (open/won/lost), "Deal - Won time", "Deal - Lost time" ` +
			"as parsed by public Pipedrive importers; status values per the API's deal status enum (open, won, lost); " +
			"default stages per https://prismatic.io/docs/example-payloads/pipedrive/actions/getStages.json",
		Signature: []string{"Deal - Title"},
		// Exports of deal fields alone write the same names without the
		// "Deal - " prefix (Title, Value, Currency, Status, Won time).
		Prefix: "Deal - ",
		AltSignatures: [][]string{{"Title", "Status", "Deal created"}, {"Title", "Status", "Won time"},
			{"Title", "Status", "Expected close date"}},
		Fields: map[Field][]string{
			FieldID:           {"Deal - ID", "Deal - Pipedrive System ID"},
			FieldTitle:        {"Deal - Title"},
			FieldAccount:      {"Deal - Organization", "Organization - Name"},
			FieldAmount:       {"Deal - Value"},
			FieldCurrency:     {"Deal - Currency", "Deal - Currency of value", "Deal - Currency of Value"},
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
		Outcome: `the Status column ("Deal - Status"): won and lost are statuses, not stages; the stage of a won or lost deal is the stage it was in`,
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
			FieldLostReason:   {"Reason For Loss", "Reason For Loss__s", "Loss Reason"},
			FieldTerritory:    {"Territory", "Territories"},
			FieldProduct:      {"Type"},
		},
		Stages: []StageHint{
			{"Qualification", sales.StageOpen, 1000},
			{"Needs Analysis", sales.StageOpen, 2000},
			{"Value Proposition", sales.StageOpen, 4000},
			{"Id. Decision Makers", sales.StageOpen, 6000},
			{"Identify Decision Makers", sales.StageOpen, 6000},
			{"Perception Analysis", sales.StageOpen, 7000},
			{"Proposal/Price Quote", sales.StageOpen, 7500},
			{"Negotiation/Review", sales.StageOpen, 9000},
			{"Closed Won", sales.StageWon, 10000},
			{"Closed Lost", sales.StageLost, 0},
			{"Closed-Lost to Competition", sales.StageLost, 0},
			{"Closed Lost to Competition", sales.StageLost, 0},
		},
		Outcome: `the stage label (Closed Won; Closed Lost, Closed-Lost to Competition), else Probability (%) 100 or 0`,
	},
	{
		Name:  "maven",
		Title: "Maven Analytics CRM sales opportunities sample (sales_pipeline.csv)",
		Source: "Maven Analytics' public CRM Sales Opportunities data set: sales_pipeline.csv (opportunity_id, sales_agent, product, account, deal_stage, engage_date, close_date, close_value) " +
			"and sales_teams.csv (sales_agent, manager, regional_office)",
		Signature: []string{"opportunity_id", "sales_agent", "deal_stage"},
		// The sample leaves account empty on many Engaging and Prospecting
		// rows ("HAXMC4IX,James Ascencio,MG Advanced,,Engaging,2016-11-03,,").
		AccountOptional: true,
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

// NoAccount starts the name of a deal whose row has no account (see
// Preset.AccountOptional); its id follows.
const NoAccount = "(no account) "

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
	have := headerSet(header)
	for _, cand := range presets {
		if cand.signature(have) == nil {
			continue
		}
		if n := cand.known(have, nil); n > score {
			p, score = cand, n
		}
	}
	return p, score
}

// RecognisedBy is the signature of p that header has (Signature or one of
// AltSignatures) as the file spells it, nil when it has none, for the
// printed mapping.
func (p *Preset) RecognisedBy(header []string) []string {
	sig := p.signature(headerSet(header))
	out := make([]string, 0, len(sig))
	for _, name := range sig {
		for _, h := range header {
			if slices.Contains(p.keys(name), NormalizeHeader(h)) {
				out = append(out, strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
				break
			}
		}
	}
	return out
}

// signature prefers the main signature as spelt, then the others, so the
// printed mapping names the columns that told it.
func (p *Preset) signature(have map[string]bool) []string {
	exact := true
	for _, s := range p.Signature {
		exact = exact && have[NormalizeHeader(s)]
	}
	if exact && len(p.Signature) > 0 {
		return p.Signature
	}
	for _, sig := range append(slices.Clone(p.AltSignatures), p.Signature) {
		ok := len(sig) > 0
		for _, s := range sig {
			if !p.has(have, s) {
				ok = false
				break
			}
		}
		if ok {
			return sig
		}
	}
	return nil
}

// known counts the fields of p the header has a column for; stage, when
// given, reports whether one of them gives the stage or status.
func (p *Preset) known(have map[string]bool, stage *bool) int {
	n := 0
	for f, names := range p.Fields {
		for _, name := range names {
			if p.has(have, name) {
				n++
				if stage != nil && (f == FieldStage || f == FieldStatus) {
					*stage = true
				}
				break
			}
		}
	}
	return n
}

// keys are the normalised spellings a header name of p matches: itself,
// and without p.Prefix.
func (p *Preset) keys(name string) []string {
	k := []string{NormalizeHeader(name)}
	if p.Prefix != "" {
		if rest, ok := strings.CutPrefix(name, p.Prefix); ok {
			k = append(k, NormalizeHeader(rest))
		}
	}
	return k
}

func (p *Preset) has(have map[string]bool, name string) bool {
	for _, k := range p.keys(name) {
		if have[k] {
			return true
		}
	}
	return false
}

func headerSet(header []string) map[string]bool {
	have := map[string]bool{}
	for _, h := range header {
		have[NormalizeHeader(h)] = true
	}
	return have
}

// Guess is Detect for a file whose signature columns are missing (a
// HubSpot export without "Record ID", Maven's file without
// opportunity_id): the preset knowing most of the header's columns, by its
// own names only, at least three and one of them the stage or status. The
// caller decides whether that beats its other readings of the header.
func Guess(header []string) (p *Preset, score int) {
	have := headerSet(header)
	for _, cand := range presets {
		stage := false
		n := cand.known(have, &stage)
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
	claim := func(fields map[Field][]string, keys func(string) []string) {
		// Fixed order so two fields wanting one column always resolve alike.
		for _, f := range allFields {
			if _, done := cols[f]; done {
				continue
			}
		names:
			for _, name := range fields[f] {
				for _, k := range keys(name) {
					if i, ok := idx[k]; ok && !taken[i] {
						cols[f], taken[i] = i, true
						break names
					}
				}
			}
		}
	}
	if p != nil {
		claim(p.Fields, p.keys)
	}
	claim(generic, func(name string) []string { return []string{NormalizeHeader(name)} })
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
