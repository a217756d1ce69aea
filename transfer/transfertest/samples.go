// Package transfertest writes deal exports in each CRM's real format, with
// the messiness real files have (quoted commas, currency symbols and
// thousands separators, empty amounts on early stages, BOM, CRLF, owners as
// names or emails, report footers), and keeps the truth about what it
// wrote, so tests compare an import against an independent account of the
// file. It is for tests only.
package transfertest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// currencies is the generator's mix for a preset, or only cur when given
// (a salesbot database counts in one currency).
func currencies(cur string, mix []string) []string {
	if cur != "" {
		return []string{cur}
	}
	return mix
}

type deal struct {
	id, title, account  string
	owner, ownerEmail   string
	product             string
	stage               string
	kind                sales.StageKind
	amount              sales.Money // minor units; 0 with noAmount = empty cell
	noAmount            bool
	currency            string
	prob                int // percent, -1 none
	created, close, end time.Time
}

// Truth is what the generator wrote: counts, won amounts by currency, and
// owners (email when the file gives one, else name).
type Truth struct {
	Deals, Won, Lost int
	WonAmount        map[string]sales.Money // by currency
	Owners           map[string]bool        // email when the file gives one, else name
	NoAmount         int
}

type stage struct {
	label string
	kind  sales.StageKind
	prob  int
}

var Owners = []struct{ name, email string }{
	{"Darcel Schlecht", "darcel@example.com"}, {"Vicki Laflamme", "vicki@example.com"},
	{"Anna Snelling", "anna@example.com"}, {"Moses Frase", "moses@example.com"},
	{"Zane Levy", "zane@example.com"},
}

// NameOf is the owner's name for an owner written as a name or an email,
// so tests can compare owners however a file spelt them.
func NameOf(owner string) string {
	for _, o := range Owners {
		if o.email == owner {
			return o.name
		}
	}
	return owner
}

var Accounts = []string{"Acme, Inc.", "Betasoloin", "Cancity", "Hottechi", "Kan-code", `Sonron "Labs"`, "Zumgoity, LLC", "Grand Total Ltd"}

// genDeals makes n deals on stages, deterministic for seed.
func genDeals(seed uint64, n int, stages []stage, currencies []string, emails bool) ([]deal, Truth) {
	r := rand.New(rand.NewPCG(seed, 12))
	truth := Truth{WonAmount: map[string]sales.Money{}, Owners: map[string]bool{}}
	base := time.Date(2016, 10, 20, 9, 30, 0, 0, time.UTC)
	var out []deal
	for i := range n {
		st := stages[r.IntN(len(stages))]
		o := Owners[r.IntN(len(Owners))]
		d := deal{
			id: fmt.Sprint(1000 + i), account: Accounts[r.IntN(len(Accounts))],
			owner: o.name, product: []string{"GTX Pro", "MG Special", "GTK 500"}[r.IntN(3)],
			stage: st.label, kind: st.kind, prob: st.prob, currency: currencies[r.IntN(len(currencies))],
			created: base.AddDate(0, 0, r.IntN(300)).Add(time.Duration(r.IntN(600)) * time.Minute),
		}
		d.title = fmt.Sprintf("%s - %s", d.account, d.product)
		if emails && r.IntN(2) == 0 {
			d.ownerEmail = o.email
		}
		d.close = d.created.AddDate(0, 0, 5+r.IntN(90))
		d.end = d.close
		// Early stages often have no amount yet.
		if st.kind == sales.StageOpen && r.IntN(3) == 0 {
			d.noAmount = true
			truth.NoAmount++
		} else {
			d.amount = sales.Money(r.IntN(3000000)+100) * 1
		}
		truth.Deals++
		switch st.kind {
		case sales.StageWon:
			truth.Won++
			truth.WonAmount[d.currency] += d.amount
		case sales.StageLost:
			truth.Lost++
		}
		if d.ownerEmail != "" {
			truth.Owners[d.ownerEmail] = true
		} else {
			truth.Owners[d.owner] = true
		}
		out = append(out, d)
	}
	return out, truth
}

// money renders minor units as CRMs write them.
func money(m sales.Money, style string) string {
	cur := sales.DefaultCurrency
	switch style {
	case "plain": // 12000.5
		return strings.TrimSuffix(strings.TrimRight(cur.Plain(m), "0"), ".")
	case "dollar": // $12,000.50
		return "$" + cur.Major(m)
	case "code": // USD 12,000.50
		return "USD " + cur.Major(m)
	case "euro": // 12.000,50 €
		s := strings.NewReplacer(",", ".", ".", ",").Replace(cur.Major(m))
		return s + " €"
	}
	panic(style)
}

// Sample is one generated export and the truth about it.
type Sample struct {
	Preset string
	Data   []byte
	Truth  Truth
	Footer int // report trailer lines after the data
}

func writeCSV(rows [][]string, crlf, bom, quoteAll bool) []byte {
	var b bytes.Buffer
	if bom {
		b.WriteString("\ufeff")
	}
	if quoteAll {
		// Salesforce quotes every value (see table.go for the source).
		for _, row := range rows {
			for i, c := range row {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
			}
			b.WriteString("\n")
		}
		return b.Bytes()
	}
	w := csv.NewWriter(&b)
	w.UseCRLF = crlf
	_ = w.WriteAll(rows)
	return b.Bytes()
}

// HubSpot is a deals export: BOM, CRLF, plain amounts (empty on early
// stages), ISO and US dates mixed with times, owners by name.
func HubSpot(seed uint64, n int, cur string) Sample {
	deals, truth := genDeals(seed, n, []stage{
		{"Appointment Scheduled", sales.StageOpen, -1}, {"Qualified To Buy", sales.StageOpen, -1},
		{"Contract Sent", sales.StageOpen, -1}, {"Closed Won", sales.StageWon, -1}, {"Closed Lost", sales.StageLost, -1},
	}, currencies(cur, []string{"USD"}), false)
	rows := [][]string{{"Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Close Date", "Create Date", "Deal owner", "Associated Company"}}
	for i, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "plain")
		}
		layout := "2006-01-02 15:04"
		if i%2 == 1 {
			layout = "01/02/2006 15:04"
		}
		rows = append(rows, []string{d.id, d.title, "Sales Pipeline", d.stage, amt, d.close.Format(layout), d.created.Format(layout), d.owner, d.account})
	}
	return Sample{Preset: "hubspot", Data: writeCSV(rows, true, true, false), Truth: truth}
}

// Salesforce is a "Details Only" opportunity report: every value quoted,
// "USD 1,200.00" amounts, en_GB day-first dates, Won/Closed flags and the
// report footer.
func Salesforce(seed uint64, n int, cur string) Sample {
	deals, truth := genDeals(seed, n, []stage{
		{"Prospecting", sales.StageOpen, 10}, {"Needs Analysis", sales.StageOpen, 20}, {"Proposal/Price Quote", sales.StageOpen, 75},
		{"Negotiation/Review", sales.StageOpen, 90}, {"Closed Won", sales.StageWon, 100}, {"Closed Lost", sales.StageLost, 0},
	}, currencies(cur, []string{"USD", "EUR"}), false)
	rows := [][]string{{"Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Fiscal Period", "Opportunity Currency", "Amount", "Probability (%)", "Close Date", "Created Date", "Lead Source", "Won", "Closed"}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "code")
			if d.currency == "EUR" {
				amt = money(d.amount, "euro")
			}
		}
		won, closed := "0", "0"
		if d.kind == sales.StageWon {
			won = "1"
		}
		if d.kind != sales.StageOpen {
			closed = "1"
		}
		// en_GB locale: day first, unpadded.
		rows = append(rows, []string{d.owner, d.account, d.title, d.stage, "Q1-2017", d.currency, amt, fmt.Sprint(d.prob),
			d.close.Format("2/1/2006"), d.created.Format("2/1/2006 15:04"), "Web", won, closed})
	}
	footer := [][]string{{""}, {fmt.Sprintf("Grand Totals (%d records)", n)}, {""}, {""}, {"Acme Corp"},
		{"Copyright (c) 2000-2017 salesforce.com, inc. All rights reserved."}, {"Confidential Information - Do Not Distribute"},
		{"Generated By:  Jane Doe  3/1/2017 10:35 AM"}}
	return Sample{Preset: "salesforce", Data: writeCSV(append(rows, footer...), false, false, true), Truth: truth, Footer: 5}
}

// Pipedrive is a deals export: "Deal - " headers, Status open/won/lost,
// 0 for no value, owners as names or emails, won and lost times.
func Pipedrive(seed uint64, n int, cur string) Sample {
	deals, truth := genDeals(seed, n, []stage{
		{"Qualified", sales.StageOpen, -1}, {"Contact Made", sales.StageOpen, -1}, {"Proposal Made", sales.StageOpen, -1},
		{"Negotiations Started", sales.StageWon, -1}, {"Negotiations Started", sales.StageLost, -1}, {"Proposal Made", sales.StageLost, -1},
	}, currencies(cur, []string{"USD", "EUR"}), true)
	rows := [][]string{{"Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Organization", "Deal - Status", "Deal - Stage", "Deal - Owner",
		"Deal - Expected close date", "Deal - Deal created", "Deal - Won time", "Deal - Lost time"}}
	for _, d := range deals {
		amt := "0"
		if !d.noAmount {
			amt = money(d.amount, "plain")
		} else {
			truth.NoAmount-- // Pipedrive writes 0 for no value
		}
		status, wonT, lostT := d.pipedriveOutcome("Open", "Won", "Lost")
		owner := d.owner
		if d.ownerEmail != "" {
			owner = d.ownerEmail
		}
		rows = append(rows, []string{d.title, amt, d.currency, d.account, status, d.stage, owner,
			d.close.Format("2006-01-02"), d.created.Format("2006-01-02 15:04:05"), wonT, lostT})
	}
	return Sample{Preset: "pipedrive", Data: writeCSV(rows, false, false, false), Truth: truth}
}

// Zoho is a Deals export: BOM, CRLF, "12.000,50 €" amounts, "Jan 2, 2006"
// dates, owner name and email columns.
func Zoho(seed uint64, n int, cur string) Sample {
	deals, truth := genDeals(seed, n, []stage{
		{"Qualification", sales.StageOpen, 10}, {"Value Proposition", sales.StageOpen, 40}, {"Negotiation/Review", sales.StageOpen, 90},
		{"Closed Won", sales.StageWon, 100}, {"Closed Lost", sales.StageLost, 0}, {"Closed-Lost to Competition", sales.StageLost, 0},
	}, currencies(cur, []string{"EUR"}), true)
	rows := [][]string{{"Record Id", "Deal Owner", "Deal Owner Email", "Deal Name", "Account Name", "Stage", "Amount", "Closing Date", "Created Time", "Probability (%)"}}
	for _, d := range deals {
		amt := ""
		if !d.noAmount {
			amt = money(d.amount, "dollar")
			if d.currency == "EUR" {
				amt = money(d.amount, "euro")
			}
		}
		rows = append(rows, []string{"zcrm_" + d.id, d.owner, d.ownerEmail, d.title, d.account, d.stage, amt,
			d.close.Format("Jan 2, 2006"), d.created.Format("Jan 2, 2006 03:04 PM"), fmt.Sprint(d.prob)})
	}
	return Sample{Preset: "zoho", Data: writeCSV(rows, true, true, false), Truth: truth}
}

// Maven is Maven Analytics' sales_pipeline.csv: close_value empty while
// open and 0 when lost, engage_date empty while prospecting.
func Maven(seed uint64, n int, cur string) Sample {
	deals, truth := genDeals(seed, n, []stage{
		{"Prospecting", sales.StageOpen, -1}, {"Engaging", sales.StageOpen, -1}, {"Won", sales.StageWon, -1}, {"Lost", sales.StageLost, -1},
	}, currencies(cur, []string{"USD"}), false)
	rows := [][]string{{"opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date", "close_value"}}
	for _, d := range deals {
		engage, closeD, amt := d.created.Format("2006-01-02"), "", ""
		if d.stage == "Prospecting" {
			engage = ""
		}
		if d.kind != sales.StageOpen {
			closeD, amt = d.close.Format("2006-01-02"), money(d.amount, "plain")
			if d.kind == sales.StageLost {
				truth.WonAmount["USD"] += 0 // Maven writes close_value 0 for lost deals
				amt = "0"
			}
		} else if !d.noAmount {
			truth.NoAmount++ // open deals never have a close_value in the sample
		}
		rows = append(rows, []string{"OPP" + d.id, d.owner, d.product, d.account, d.stage, engage, closeD, amt})
	}
	return Sample{Preset: "maven", Data: writeCSV(rows, false, false, false), Truth: truth}
}

// All is one sample of each preset.
func All(seed uint64, n int, cur string) []Sample {
	return []Sample{HubSpot(seed, n, cur), Salesforce(seed, n, cur), Pipedrive(seed, n, cur), Zoho(seed, n, cur), Maven(seed, n, cur)}
}

// pipedriveOutcome is a deal's Status cell, spelt as the file spells
// open, won and lost, with its won time or lost time.
func (d deal) pipedriveOutcome(open, won, lost string) (status, wonTime, lostTime string) {
	switch d.kind {
	case sales.StageWon:
		return won, d.end.Format("2006-01-02 15:04:05"), ""
	case sales.StageLost:
		return lost, "", d.end.Format("2006-01-02 15:04:05")
	}
	return open, "", ""
}
