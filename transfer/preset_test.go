package transfer_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		header string
		want   string // "" = none
	}{
		{"Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,Pipeline", "hubspot"},
		{"\ufeffRecord ID,Deal Name,Deal Stage", "hubspot"},
		{"Opportunity Owner,Account Name,Opportunity Name,Stage,Amount,Probability (%),Close Date,Created Date,Won,Closed", "salesforce"},
		{"Deal - Title,Deal - Value,Deal - Currency,Deal - Status,Deal - Stage,Deal - Owner", "pipedrive"},
		{"Deal - Title*,Deal - Value,Deal - Status", "pipedrive"},
		{"Deal Owner,Deal Name,Account Name,Stage,Amount,Closing Date,Created Time,Probability (%)", "zoho"},
		{"opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value", "maven"},
		{"account,amount,stage,owner", ""},
		{"Deal Name,Amount", ""},
	}
	for _, tt := range tests {
		p, score := transfer.Detect(strings.Split(tt.header, ","))
		got := ""
		if p != nil {
			got = p.Name
		}
		if got != tt.want {
			t.Errorf("Detect(%s) = %q (score %d), want %q", tt.header, got, score, tt.want)
		}
		if (p == nil) != (score == 0) {
			t.Errorf("Detect(%s): preset %v with score %d", tt.header, p, score)
		}
	}
}

func TestLookupAndList(t *testing.T) {
	var names []string
	for _, p := range transfer.List() {
		names = append(names, p.Name)
		if p.Title == "" || p.Source == "" || p.Outcome == "" || len(p.Signature) == 0 {
			t.Errorf("preset %s lacks a title, source, outcome or signature", p.Name)
		}
		got, ok := transfer.Lookup(strings.ToUpper(p.Name))
		if !ok || got != p {
			t.Errorf("Lookup(%q) = %v, %v", strings.ToUpper(p.Name), got, ok)
		}
	}
	if got := strings.Join(names, ","); got != "hubspot,salesforce,pipedrive,zoho,maven" {
		t.Errorf("List() = %s", got)
	}
	if _, ok := transfer.Lookup("excel"); ok {
		t.Error("Lookup(excel) found a preset")
	}
}

func TestPresetColumns(t *testing.T) {
	sf, _ := transfer.Lookup("salesforce")
	header := []string{"Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Amount", "Close Date", "Won", "Closed", "Lead Source"}
	cols, unused, err := sf.Columns(header, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[transfer.Field]int{
		transfer.FieldOwner: 0, transfer.FieldAccount: 1, transfer.FieldTitle: 2, transfer.FieldStage: 3,
		transfer.FieldAmount: 4, transfer.FieldClose: 5, transfer.FieldIsWon: 6, transfer.FieldIsClosed: 7,
	}
	for f, i := range want {
		if cols[f] != i || !cols.Has(f) {
			t.Errorf("column of %s = %d (has %v), want %d", f, cols[f], cols.Has(f), i)
		}
	}
	if len(unused) != 1 || unused[0] != "Lead Source" {
		t.Errorf("unused = %q", unused)
	}

	// --map wins over the preset, and a generic name fills what the preset lacks.
	cols, _, err = sf.Columns([]string{"Opportunity Name", "Stage", "Amount", "Forecast Amount", "Region"},
		map[transfer.Field]string{transfer.FieldAmount: "forecast amount"})
	if err != nil {
		t.Fatal(err)
	}
	if cols[transfer.FieldAmount] != 3 || cols[transfer.FieldTerritory] != 4 {
		t.Errorf("cols = %v", cols)
	}

	for _, tt := range []struct {
		header    []string
		overrides map[transfer.Field]string
		err       string
	}{
		{[]string{"Stage", "stage"}, nil, `names column "stage" twice`},
		{[]string{"Stage"}, map[transfer.Field]string{transfer.FieldAmount: "Value"}, `--map amount=Value: the file has no column "Value"; its columns are Stage`},
	} {
		if _, _, err := sf.Columns(tt.header, tt.overrides); err == nil || !strings.Contains(err.Error(), tt.err) || sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("Columns(%q) error = %v, want %q", tt.header, err, tt.err)
		}
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Deal Value": "deal_value", "deal-value": "deal_value", "DEAL_VALUE": "deal_value",
		"Deal - Value*": "deal_value", "\ufeffRecord ID": "record_id", " Probability (%) ": "probability_(%)",
	} {
		if got := transfer.NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGuess(t *testing.T) {
	for _, tt := range []struct{ header, want string }{
		{"Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner", "hubspot"},
		{"sales_agent,product,account,deal_stage,engage_date,close_date,close_value", "maven"},
		{"account,amount,stage,owner", ""},
		{"Deal Name,Amount,Close Date", ""}, // no stage: not enough to go on
	} {
		p, _ := transfer.Guess(strings.Split(tt.header, ","))
		got := ""
		if p != nil {
			got = p.Name
		}
		if got != tt.want {
			t.Errorf("Guess(%s) = %q, want %q", tt.header, got, tt.want)
		}
	}
}
