package transfertest

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"

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
	// Shows are what the dry run must say of this file (its encoding,
	// separator, dropped rows), so a new user sees how it was read.
	Shows []string
	// Currency is the database's (SALESBOT_CURRENCY); "" is USD.
	Currency string
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
		hubspotPipelines(seed, n), salesforceGrouped(seed, n), pipedriveDeleted(seed, n), zohoAPI(seed, n),
		excelEuropean(seed, n), excelUnicodeText(seed, n),
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
	return Variant{"hubspot internal names and stage ids", "hubspot", writeCSV(rows, false, false, false), read(deals, owner), nil, ""}
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
	return Variant{"hubspot owners as emails", "hubspot", writeCSV(rows, true, true, false), read(deals, emailOf), nil, ""}
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
	return Variant{"salesforce Opportunity.csv (API names)", "salesforce", writeCSV(rows, false, false, true), read(deals, owner), nil, ""}
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
	return Variant{"salesforce report, $ amounts and footer", "salesforce", []byte(strings.ReplaceAll(b.String(), "\n", "\r\n")), read(deals, byName), nil, ""}
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
		status, wonT, lostT := d.pipedriveOutcome("open", "won", "lost")
		rows = append(rows, []string{d.id, d.title, d.owner, amt, "USD", d.account, "Pipeline", d.stage, status, d.created.Format("2006-01-02 15:04:05"), wonT, lostT, d.close.Format("2006-01-02")})
	}
	return Variant{"pipedrive without Deal - prefix", "pipedrive", writeCSV(rows, false, false, false), read(deals, byName), nil, ""}
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
	return Variant{"zoho ISO dates and .id columns", "zoho", writeCSV(rows, true, true, false), read(deals, byName), nil, ""}
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
	return Variant{"maven sample with empty accounts", "maven", writeCSV(mavenRows(deals, "2006-01-02"), false, false, false), read(deals, byName), nil, ""}
}

// mavenUS: the same file re-saved by a spreadsheet: 3/1/2017 dates.
func mavenUS(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+7, n, mavenStages, []string{"USD"}, false)
	return Variant{"maven sample with US dates", "maven", writeCSV(mavenRows(deals, "1/2/2006"), true, false, false), read(deals, byName), nil, ""}
}

// hubspotPipelines: the UI export of a multi-currency portal with two
// pipelines and no "Associated Company": "Amount" is in each deal's
// "Currency", "Amount in company currency" in USD (what the reading sums);
// sentence-case labels, the pipeline after labels both pipelines share,
// close dates with times.
func hubspotPipelines(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+8, n, []stage{
		{"Appointment scheduled", sales.StageOpen, -1}, {"Contract sent", sales.StageOpen, -1},
		{"Closed won (Sales Pipeline)", sales.StageWon, -1}, {"Closed lost (Sales Pipeline)", sales.StageLost, -1},
		{"Renewal due", sales.StageOpen, -1}, {"Closed won (Renewals)", sales.StageWon, -1}, {"Closed lost (Renewals)", sales.StageLost, -1},
	}, []string{"USD"}, false)
	rows := [][]string{{"Record ID", "Deal Name", "Pipeline", "Deal Stage", "Close Date", "Deal owner", "Amount", "Currency", "Amount in company currency", "Create Date"}}
	rates := map[string][2]int64{"USD": {1, 1}, "EUR": {100, 108}, "GBP": {100, 127}}
	for i, d := range deals {
		cur := []string{"USD", "EUR", "GBP"}[i%3]
		native, home := "", ""
		if !d.noAmount {
			r := rates[cur]
			native = money(sales.Money((int64(d.amount)*r[0]+r[1]/2)/r[1]), "plain")
			home = money(d.amount, "plain")
		}
		pipeline := "Sales Pipeline"
		if strings.Contains(d.stage, "Renew") {
			pipeline = "Renewals"
		}
		rows = append(rows, []string{d.id, d.title, pipeline, d.stage, d.close.Format("2006-01-02 15:04"), d.owner, native, cur, home, d.created.Format("01/02/2006 15:04")})
	}
	return Variant{"hubspot pipelines, currencies, no company", "hubspot", writeCSV(rows, true, true, false), read(deals, byName),
		[]string{`amounts: "Amount in company currency", in the company currency (USD)`, "not read: Amount, Currency"}, ""}
}

// salesforceGrouped: a summary report grouped by owner, saved as CSV from
// its formatted view: title and filter lines before the header, a group
// line "Opportunity Owner: X (N records)", the owner on the group's first
// row only, a Subtotal row after each group, Total, then the footer.
func salesforceGrouped(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+9, n, []stage{
		{"Prospecting", sales.StageOpen, 10}, {"Negotiation/Review", sales.StageOpen, 90},
		{"Closed Won", sales.StageWon, 100}, {"Closed Lost", sales.StageLost, 0},
	}, []string{"USD"}, false)
	slices.SortStableFunc(deals, func(a, b deal) int { return strings.Compare(a.owner, b.owner) })
	rows := [][]string{{"Opportunities by Owner"}, {"Filtered By:"}, {"   Close Date equals THIS FISCAL YEAR"}, {""},
		{"Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Amount", "Close Date", "Created Date"}}
	var total, sub sales.Money
	for i, d := range deals {
		first := i == 0 || deals[i-1].owner != d.owner
		if first {
			k := 0
			for _, e := range deals[i:] {
				if e.owner == d.owner {
					k++
				}
			}
			rows = append(rows, []string{fmt.Sprintf("Opportunity Owner: %s (%d records)", d.owner, k), "", "", "", "", "", ""})
		}
		owner, amt := "", ""
		if first {
			owner = d.owner
		}
		if !d.noAmount {
			amt = money(d.amount, "dollar")
			sub += d.amount
		}
		rows = append(rows, []string{owner, d.account, d.title, d.stage, amt, d.close.Format("1/2/2006"), d.created.Format("1/2/2006")})
		if i+1 == len(deals) || deals[i+1].owner != d.owner {
			rows = append(rows, []string{"Subtotal", "", "", "", money(sub, "dollar"), "", ""})
			total, sub = total+sub, 0
		}
	}
	rows = append(rows, []string{"Total", "", "", "", money(total, "dollar"), "", ""}, []string{""},
		[]string{"Confidential Information - Do Not Distribute"}, []string{"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."})
	return Variant{"salesforce grouped report with subtotals", "salesforce", writeCSV(rows, false, false, true), read(deals, byName),
		[]string{"dropped 3 report title lines before the header", "group and subtotal rows", "grouped by Opportunity Owner"}, ""}
}

// pipedriveDeleted: the deals export with every status, deleted deals
// among them (not deals any more: the reading leaves them out), values
// "1,234.50" and the Organization column.
func pipedriveDeleted(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+10, n, []stage{
		{"Qualified", sales.StageOpen, -1}, {"Proposal Made", sales.StageOpen, -1},
		{"Proposal Made", sales.StageWon, -1}, {"Negotiations Started", sales.StageLost, -1},
	}, []string{"USD"}, false)
	rows := [][]string{{"Deal - ID", "Deal - Title", "Deal - Creator", "Deal - Owner", "Deal - Value", "Deal - Currency", "Deal - Organization", "Deal - Pipeline",
		"Deal - Stage", "Deal - Status", "Deal - Deal created", "Deal - Won time", "Deal - Lost time", "Deal - Expected close date"}}
	var kept []deal
	deleted := 0
	for i, d := range deals {
		amt := "0"
		if !d.noAmount {
			amt = sales.DefaultCurrency.Major(d.amount)
		}
		status, wonT, lostT := d.pipedriveOutcome("Open", "Won", "Lost")
		if i%7 == 3 {
			status = "Deleted"
			deleted++
		} else {
			kept = append(kept, d)
		}
		rows = append(rows, []string{fmt.Sprint(d.id), d.title, "Admin", d.owner, amt, "USD", d.account, "Sales", d.stage, status,
			d.created.Format("2006-01-02 15:04:05"), wonT, lostT, d.close.Format("2006-01-02")})
	}
	return Variant{"pipedrive with deleted deals", "pipedrive", writeCSV(rows, false, false, false), read(kept, byName),
		[]string{fmt.Sprintf(`skipped %d rows whose Deal - Status is "deleted"`, deleted)}, ""}
}

// zohoAPI: an export in API field names (Deal_Name, Closing_Date, Owner,
// Account_Name, Created_Time with a zone offset), as the API, bulk read
// and sync tools write it.
func zohoAPI(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+11, n, []stage{
		{"Qualification", sales.StageOpen, 10}, {"Negotiation/Review", sales.StageOpen, 90},
		{"Closed Won", sales.StageWon, 100}, {"Closed Lost", sales.StageLost, 0}, {"Closed-Lost to Competition", sales.StageLost, 0},
	}, []string{"USD"}, false)
	rows := [][]string{{"Id", "Deal_Name", "Owner", "Account_Name", "Stage", "Amount", "Probability", "Closing_Date", "Created_Time", "Modified_Time"}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "plain")
		}
		rows = append(rows, []string{"3652397000000" + d.id, d.title, d.owner, d.account, d.stage, amt, fmt.Sprint(d.prob), d.close.Format("2006-01-02"),
			d.created.Format("2006-01-02T15:04:05+05:30"), d.close.Format("2006-01-02T15:04:05-07:00")})
	}
	return Variant{"zoho API field names", "zoho", writeCSV(rows, false, false, false), read(deals, byName), nil, ""}
}

// accented renames owners as a European team writes them, so a file's
// encoding shows in the owners.
func accented(d deal) string {
	switch d.owner {
	case "Zane Levy":
		return "Zoë Lévy"
	case "Moses Frase":
		return "Moïse Fraße"
	}
	return d.owner
}

func europeanRows(deals []deal) [][]string {
	rows := [][]string{{"Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date", "Deal owner", "Associated Company", "", ""}}
	for i, d := range deals {
		amt := ""
		if !d.noAmount {
			// Excel in de_DE: 1.234,50, and whole amounts 12.000.
			amt = strings.NewReplacer(",", ".", ".", ",").Replace(sales.DefaultCurrency.Major(d.amount))
			amt = strings.TrimSuffix(amt, ",00")
			if i%4 == 0 {
				amt += " €"
			}
		}
		rows = append(rows, []string{d.title, d.stage, amt, d.close.Format("02.01.2006"), d.created.Format("02.01.2006 15:04"), accented(d), strings.ReplaceAll(d.account, "Inc.", "Müller"), "", ""})
		if i%50 == 7 {
			rows = append(rows, []string{"", "", "", "", "", "", "", "", ""})
		}
	}
	return rows
}

var hubspotDefaultStages = []stage{
	{"Appointment Scheduled", sales.StageOpen, -1}, {"Contract Sent", sales.StageOpen, -1},
	{"Closed Won", sales.StageWon, -1}, {"Closed Lost", sales.StageLost, -1},
}

// excelEuropean: a HubSpot export opened and saved by Excel in a German
// locale: "sep=;" first, ";" between cells, Windows-1252 bytes, amounts
// "1.234,50" and "12.000 €", dates 01.03.2017, two empty columns at the
// end, blank lines, CRLF. The amounts are euros, as the database's.
func excelEuropean(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+12, n, hubspotDefaultStages, []string{"USD"}, false)
	var b bytes.Buffer
	b.WriteString("sep=;\r\n")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	_ = w.WriteAll(europeanRows(deals))
	data := encode1252(b.String())
	return Variant{"excel european: sep=;, Windows-1252, 1.234,50", "hubspot", data, read(deals, accented),
		[]string{"file: Windows-1252 text, read as UTF-8; cells separated by \";\", not commas", "the decimal mark is a comma"}, "EUR"}
}

// excelUnicodeText: the same file saved as Excel's "Unicode Text": UTF-16
// little-endian with a BOM, tab-separated.
func excelUnicodeText(seed uint64, n int) Variant {
	deals, _ := genDeals(seed+13, n, hubspotDefaultStages, []string{"USD"}, false)
	rows := europeanRows(deals)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = '\t', true
	_ = w.WriteAll(rows)
	u := utf16.Encode([]rune(b.String()))
	data := []byte{0xff, 0xfe}
	for _, c := range u {
		data = binary.LittleEndian.AppendUint16(data, c)
	}
	return Variant{"excel unicode text: UTF-16, tabs", "hubspot", data, read(deals, accented),
		[]string{"file: UTF-16LE text, read as UTF-8; cells separated by tabs, not commas"}, "EUR"}
}

// encode1252 writes s in Windows-1252 (its characters all have a byte).
func encode1252(s string) []byte {
	var out []byte
	for _, r := range s {
		if r < 0x100 {
			out = append(out, byte(r))
			continue
		}
		switch r {
		case '€':
			out = append(out, 0x80)
		default:
			panic(fmt.Sprintf("%q has no Windows-1252 byte", r))
		}
	}
	return out
}
