package transfertest

import (
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// Reading is an independent account of a generated file, computed from the
// generator's own deals: what a correct import reports.
type Reading struct {
	Deals, Won, Lost, Open int
	// ByOwner is won, lost and open deals per owner as the file names
	// them (a name, an email or a CRM user id).
	ByOwner    map[string][3]int
	WonByOwner map[string]sales.Money // minor units, one currency
}

// Variant is one real-format export of a CRM, in one of the forms that
// CRM writes, with its reading.
type Variant struct {
	Name, Preset string
	Data         []byte
	Want         Reading
}

func read(deals []deal, owner func(deal) string) Reading {
	r := Reading{ByOwner: map[string][3]int{}, WonByOwner: map[string]sales.Money{}}
	for _, d := range deals {
		r.Deals++
		o := owner(d)
		c := r.ByOwner[o]
		switch d.kind {
		case sales.StageWon:
			r.Won++
			c[0]++
			r.WonByOwner[o] += d.amount
		case sales.StageLost:
			r.Lost++
			c[1]++
		default:
			r.Open++
			c[2]++
		}
		r.ByOwner[o] = c
	}
	return r
}

func byName(d deal) string { return d.owner }

// userID is a CRM user id for an owner, as API-name exports write owners.
func userID(prefix string, d deal) string {
	for i, o := range Owners {
		if o.name == d.owner {
			return fmt.Sprintf("%s%04d", prefix, i+1)
		}
	}
	return ""
}

func emailOf(d deal) string {
	for _, o := range Owners {
		if o.name == d.owner {
			return o.email
		}
	}
	return ""
}

// Variants are every real-format variant, deterministic for seed, in USD.
func Variants(seed uint64, n int) []Variant {
	return []Variant{
		hubspotInternal(seed, n), hubspotEmails(seed, n), salesforceAPI(seed, n), salesforceReport(seed, n),
		pipedriveUnprefixed(seed, n), zohoISO(seed, n), mavenReal(seed, n), mavenUS(seed, n),
	}
}

// hubspotInternal: internal property names (API, sync tools) with internal
// stage ids and ISO instants; owners are HubSpot owner ids.
func hubspotInternal(seed uint64, n int) Variant {
	deals, _ := genDeals(seed, n, []stage{
		{"appointmentscheduled", sales.StageOpen, -1}, {"qualifiedtobuy", sales.StageOpen, -1}, {"presentationscheduled", sales.StageOpen, -1},
		{"decisionmakerboughtin", sales.StageOpen, -1}, {"contractsent", sales.StageOpen, -1},
		{"closedwon", sales.StageWon, -1}, {"closedlost", sales.StageLost, -1},
	}, []string{"USD"}, false)
	owner := func(d deal) string { return userID("5123", d) }
	rows := [][]string{{"hs_object_id", "dealname", "pipeline", "dealstage", "amount", "closedate", "createdate", "hubspot_owner_id"}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "plain")
		}
		rows = append(rows, []string{d.id, d.title, "default", d.stage, amt, d.close.Format("2006-01-02T15:04:05.000Z"), d.created.Format("2006-01-02T15:04:05.000Z"), owner(d)})
	}
	return Variant{"hubspot internal names and stage ids", "hubspot", writeCSV(rows, false, false, false), read(deals, owner)}
}

// hubspotEmails: the UI export with owners as emails, "Amount in company
// currency", Is Closed Won, a note with a quoted newline, BOM and CRLF.
func hubspotEmails(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+1, n, []stage{
		{"Appointment Scheduled", sales.StageOpen, -1}, {"Presentation Scheduled", sales.StageOpen, -1}, {"Decision Maker Bought-In", sales.StageOpen, -1},
		{"Closed Won", sales.StageWon, -1}, {"Closed Lost", sales.StageLost, -1},
	}, []string{"USD"}, false)
	rows := [][]string{{"Record ID", "Deal Name", "Deal Stage", "Amount in company currency", "Close Date", "Create Date", "Deal owner", "Is Closed Won", "Pipeline", "Deal Description", ""}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "plain")
		}
		won := "false"
		if d.kind == sales.StageWon {
			won = "true"
		}
		rows = append(rows, []string{d.id, d.title, d.stage, amt, d.close.Format("2006-01-02"), d.created.Format("2006-01-02 15:04"), emailOf(d), won, "Sales Pipeline", "called, \"keen\"\nfollow up", ""})
	}
	return Variant{"hubspot owners as emails", "hubspot", writeCSV(rows, true, true, false), read(deals, emailOf)}
}

// salesforceAPI: Opportunity.csv of Data Loader or the weekly data export:
// API names, ids for owner and account, IsWon/IsClosed true/false.
func salesforceAPI(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+2, n, []stage{
		{"Prospecting", sales.StageOpen, 10}, {"Qualification", sales.StageOpen, 10}, {"Value Proposition", sales.StageOpen, 50},
		{"Negotiation/Review", sales.StageOpen, 90}, {"Closed Won", sales.StageWon, 100}, {"Closed Lost", sales.StageLost, 0},
	}, []string{"USD"}, false)
	owner := func(d deal) string { return userID("0051N00000", d) }
	rows := [][]string{{"Id", "IsDeleted", "AccountId", "Name", "StageName", "Amount", "Probability", "CloseDate", "Type", "IsClosed", "IsWon", "ForecastCategory", "OwnerId", "CreatedDate", "CurrencyIsoCode"}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "plain")
		}
		closed, won := "false", "false"
		if d.kind != sales.StageOpen {
			closed = "true"
		}
		if d.kind == sales.StageWon {
			won = "true"
		}
		acct := fmt.Sprintf("0011N00001%08d", len(d.account))
		rows = append(rows, []string{"0061N0000" + d.id, "false", acct, d.title, d.stage, amt, fmt.Sprintf("%d.0", d.prob), d.close.Format("2006-01-02"),
			"New Customer", closed, won, "Pipeline", owner(d), d.created.Format("2006-01-02T15:04:05.000Z"), "USD"})
	}
	return Variant{"salesforce Opportunity.csv (API names)", "salesforce", writeCSV(rows, false, false, true), read(deals, owner)}
}

// salesforceReport: a Details Only report from a multi-currency org:
// "Amount Currency" beside "$12,000.00", month-first dates, Fiscal
// Period, BOM, CRLF and the footer.
func salesforceReport(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+3, n, []stage{
		{"Prospecting", sales.StageOpen, 10}, {"Id. Decision Makers", sales.StageOpen, 60}, {"Perception Analysis", sales.StageOpen, 70},
		{"Closed Won", sales.StageWon, 100}, {"Closed Lost", sales.StageLost, 0},
	}, []string{"USD"}, false)
	rows := [][]string{{"Opportunity Owner", "Account Name", "Opportunity Name", "Type", "Lead Source", "Amount Currency", "Amount", "Probability (%)", "Fiscal Period", "Age", "Close Date", "Created Date", "Next Step", "Stage"}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "dollar")
		}
		q := (int(d.close.Month())-1)/3 + 1
		rows = append(rows, []string{d.owner, d.account, d.title, "", "Web", "USD", amt, fmt.Sprintf("%d%%", d.prob), fmt.Sprintf("Q%d-%d", q, d.close.Year()),
			"30", d.close.Format("1/2/2006"), d.created.Format("1/2/2006"), "send quote,\nthen call", d.stage})
	}
	footer := [][]string{{""}, {fmt.Sprintf("Grand Totals (%d records)", n)}, {""}, {"Confidential Information - Do Not Distribute"},
		{"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."}}
	var b strings.Builder
	b.Write(writeCSV(append(rows, footer...), true, true, true))
	return Variant{"salesforce report, $ amounts and footer", "salesforce", []byte(strings.ReplaceAll(b.String(), "\n", "\r\n")), read(deals, byName)}
}

// pipedriveUnprefixed: an export of deal fields alone, without "Deal - ",
// status written lower-case, 0 for no value.
func pipedriveUnprefixed(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+4, n, []stage{
		{"Qualified", sales.StageOpen, -1}, {"Demo Scheduled", sales.StageOpen, -1}, {"Negotiations Started", sales.StageOpen, -1},
		{"Proposal Made", sales.StageWon, -1}, {"Negotiations Started", sales.StageLost, -1},
	}, []string{"USD"}, false)
	rows := [][]string{{"ID", "Title", "Owner", "Value", "Currency", "Organization", "Pipeline", "Stage", "Status", "Deal created", "Won time", "Lost time", "Expected close date"}}
	for _, d := range deals {
		amt := "0"
		if !d.noAmount {
			amt = money(d.amount, "plain")
		}
		status, wonT, lostT := "open", "", ""
		switch d.kind {
		case sales.StageWon:
			status, wonT = "won", d.end.Format("2006-01-02 15:04:05")
		case sales.StageLost:
			status, lostT = "lost", d.end.Format("2006-01-02 15:04:05")
		}
		rows = append(rows, []string{d.id, d.title, d.owner, amt, "USD", d.account, "Pipeline", d.stage, status, d.created.Format("2006-01-02 15:04:05"), wonT, lostT, d.close.Format("2006-01-02")})
	}
	return Variant{"pipedrive without Deal - prefix", "pipedrive", writeCSV(rows, false, false, false), read(deals, byName)}
}

// zohoISO: a Deals export with the ".id" lookup columns, ISO date-times,
// Zoho's own default stages and BOM, CRLF.
func zohoISO(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+5, n, []stage{
		{"Needs Analysis", sales.StageOpen, 20}, {"Id. Decision Makers", sales.StageOpen, 60}, {"Proposal/Price Quote", sales.StageOpen, 75},
		{"Closed Won", sales.StageWon, 100}, {"Closed Lost to Competition", sales.StageLost, 0},
	}, []string{"USD"}, false)
	rows := [][]string{{"Record Id", "Deal Owner.id", "Deal Owner", "Deal Name", "Amount", "Closing Date", "Account Name.id", "Account Name", "Stage", "Probability (%)", "Created Time", "Modified Time", "Currency", "Reason For Loss__s"}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "plain")
		}
		rows = append(rows, []string{"zcrm_415086800000" + d.id, userID("zcrm_41508680000", d), d.owner, d.title, amt, d.close.Format("2006-01-02"), "zcrm_1", d.account, d.stage,
			fmt.Sprint(d.prob), d.created.Format("2006-01-02 15:04:05"), d.close.Format("2006-01-02 15:04:05"), "USD", ""})
	}
	return Variant{"zoho ISO dates and .id columns", "zoho", writeCSV(rows, true, true, false), read(deals, byName)}
}

func mavenRows(deals []deal, layout string) [][]string {
	rows := [][]string{{"opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date", "close_value"}}
	for i, d := range deals {
		engage, closeD, amt, acct := d.created.Format(layout), "", "", d.account
		if d.stage == "Prospecting" {
			engage = ""
		}
		if d.kind == sales.StageOpen && i%3 == 0 {
			acct = "" // as the sample leaves it on early stages
		}
		if d.kind != sales.StageOpen {
			closeD, amt = d.close.Format(layout), money(d.amount, "plain")
			if d.kind == sales.StageLost {
				amt = "0"
			}
		}
		rows = append(rows, []string{fmt.Sprintf("OPP%05s", d.id), d.owner, d.product, acct, d.stage, engage, closeD, amt})
	}
	return rows
}

var mavenStages = []stage{{"Prospecting", sales.StageOpen, -1}, {"Engaging", sales.StageOpen, -1}, {"Won", sales.StageWon, -1}, {"Lost", sales.StageLost, -1}}

// mavenReal: sales_pipeline.csv as published: ISO dates, empty account on
// some early-stage rows.
func mavenReal(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+6, n, mavenStages, []string{"USD"}, false)
	return Variant{"maven sample with empty accounts", "maven", writeCSV(mavenRows(deals, "2006-01-02"), false, false, false), read(deals, byName)}
}

// mavenUS: the same file re-saved by a spreadsheet: 3/1/2017 dates.
func mavenUS(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+7, n, mavenStages, []string{"USD"}, false)
	return Variant{"maven sample with US dates", "maven", writeCSV(mavenRows(deals, "1/2/2006"), true, false, false), read(deals, byName)}
}
