package transfer_test

import (
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

// A Salesforce report, footer and all, read with no options.
func ExampleReadDeals() {
	file := "\"Opportunity Owner\",\"Account Name\",\"Opportunity Name\",\"Stage\",\"Amount\",\"Probability (%)\",\"Close Date\",\"Created Date\"\n" +
		"\"Zane Levy\",\"Acme, Inc.\",\"Acme - GTX\",\"Closed Won\",\"USD 12,000.00\",\"100\",\"14/3/2017\",\"1/2/2017\"\n" +
		"\"Anna Snelling\",\"Betasoloin\",\"Beta renewal\",\"Needs Analysis\",\"\",\"20\",\"3/4/2017\",\"2/2/2017\"\n" +
		"\"\"\n\"Grand Totals (2 records)\"\n\"Confidential Information - Do Not Distribute\"\n"
	tab, err := transfer.ReadCSV(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	deals, err := transfer.ReadDeals(tab, transfer.Options{Stages: sales.DefaultStages()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("preset:", deals.Preset.Name, "| footer lines dropped:", len(tab.Footer))
	for _, m := range deals.Stages {
		fmt.Printf("stage %q → %s (%s)\n", m.Label, m.Stage.Name, m.How)
	}
	for _, r := range deals.Records {
		amount := "no amount"
		if r.Amount.Present {
			amount = sales.DefaultCurrency.Format(r.Amount.Value)
		}
		fmt.Printf("line %d: %s | %s | %s | %s | close %s | closed %s | %s\n", r.Line, r.Account, r.Owner, r.Stage.Name, amount, r.Close, r.ClosedOn, r.Key)
	}
	// Output:
	// preset: salesforce | footer lines dropped: 2
	// stage "Needs Analysis" → Qualified (probability 20% → Qualified 25%)
	// stage "Closed Won" → Won (won)
	// line 2: Acme, Inc. | Zane Levy | Won | $12,000.00 | close 2017-03-14 | closed 2017-03-14 | key:39c8e9101c493e6e0b356b14f8785af9
	// line 3: Betasoloin | Anna Snelling | Qualified | no amount | close 2017-04-03 | closed  | key:52e2acc5166338802f7803b2b48df6a8
}
