package transfer_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

func readDeals(t *testing.T, csv string, o transfer.Options) (*transfer.Deals, error) {
	t.Helper()
	tab, err := transfer.ReadCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	return transfer.ReadDeals(tab, o)
}

func TestReadDealsFileErrors(t *testing.T) {
	tests := []struct {
		name, csv, err string
	}{
		{"ambiguous date column", "account,stage,close_date\nAcme,Proposal,3/4/2017\nBeta,Proposal,5/6/2017\n",
			`column "close_date": date "3/4/2017" could be March 4, 2017 (month first) or April 3, 2017 (day first), and no date in the column decides it: add --date-format 1/2/2006 or --date-format 2/1/2006`},
		{"mixed orders", "account,stage,close_date\nAcme,Proposal,13/4/2017\nBeta,Proposal,4/13/2017\n", "mixes day-first"},
		{"columns decide differently", "account,stage,close_date,created\nAcme,Proposal,25/4/2017,4/25/2017\n",
			`column "close_date" has day-first dates and column "created" month-first ones`},
		{"no deal name", "amount,stage\n5,Won\n", "no column names the deal"},
		{"no stage", "account,amount\nAcme,5\n", "no column gives the stage"},
	}
	for _, tt := range tests {
		_, err := readDeals(t, tt.csv, transfer.Options{})
		if err == nil || !strings.Contains(err.Error(), tt.err) || sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.err)
		}
	}
}

// One column that decides the order settles the whole column, and an
// explicit layout reads what is otherwise ambiguous.
func TestReadDealsDateOrder(t *testing.T) {
	d, err := readDeals(t, "account,stage,close_date\nAcme,Proposal,3/4/2017\nBeta,Proposal,25/4/2017\n", transfer.Options{})
	if err != nil || len(d.Problems) > 0 {
		t.Fatal(err, d.Problems)
	}
	if got := d.Records[0].Close.String(); got != "2017-04-03" {
		t.Errorf("close = %s, want 2017-04-03", got)
	}
	// Created Date alone can't decide; the file's Close Date does.
	d, err = readDeals(t, "account,stage,close_date,created\nAcme,Proposal,25/4/2017,1/2/2017\n", transfer.Options{})
	if err != nil || d.Records[0].Created.String() != "2017-02-01" {
		t.Fatalf("created from the file's order: %v %v", err, d.Records)
	}
	d, err = readDeals(t, "account,stage,close_date\nAcme,Proposal,3/4/2017\n", transfer.Options{DateLayout: "1/2/2006"})
	if err != nil || d.Records[0].Close.String() != "2017-03-04" {
		t.Fatalf("with --date-format: %v %v", err, d.Records)
	}
}

func TestReadDealsRowProblems(t *testing.T) {
	csv := "Opportunity Name,Account Name,Stage,Amount,Close Date,Won,Closed,Probability (%)\n" +
		"A,Acme,Prospecting,100,2017-03-01,0,0,10\n" +
		"B,Beta,Prospecting,12k,2017-03-01,0,0,10\n" +
		"C,Cy,Prospecting,100,2017-02-30,0,0,10\n" +
		"D,Dee,Prospecting,100,2017-03-01,maybe,0,10\n" +
		"E,Eve,Closed Won,100,2017-03-01,0,0,100\n" +
		"F,,,100,2017-03-01,0,0,150\n"
	d, err := readDeals(t, csv, transfer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`line 3, column "Amount": amount "12k" is not a number`,
		`line 4, column "Close Date": date "2017-02-30": February 2017 has no day 30`,
		`line 5, column "Won": "maybe" is not true or false (1/0)`,
		`line 7, column "Probability (%)": probability "150" is not a percentage from 0 to 100`,
		`line 7, column "Stage": the stage is empty`,
		`line 6, column "Stage": stage "Closed Won" means won, but the deal's other columns say it is open`,
	}
	if len(d.Problems) != len(want) {
		t.Fatalf("problems:\n%v\nwant %d", d.Problems, len(want))
	}
	for i, p := range d.Problems {
		if !strings.HasPrefix(p.Error(), want[i]) {
			t.Errorf("problem %d = %q, want %q", i, p.Error(), want[i])
		}
	}
	if len(d.Records) != 1 || d.Records[0].Title != "A" {
		t.Errorf("records = %+v", d.Records)
	}
}

func TestReadDealsOutcome(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []sales.StageKind
	}{
		{"pipedrive status", "Deal - Title,Deal - Stage,Deal - Status\nA,Proposal Made,won\nB,Proposal Made,Lost\nC,Proposal Made,open\n",
			[]sales.StageKind{sales.StageWon, sales.StageLost, sales.StageOpen}},
		{"salesforce flags beat a custom label", "Opportunity Name,Stage,Won,Closed\nA,Signed,1,1\nB,Gone,0,1\nC,Talking,0,0\n",
			[]sales.StageKind{sales.StageWon, sales.StageLost, sales.StageOpen}},
		{"hubspot is-won without is-closed falls back to the label", "Record ID,Deal Name,Deal Stage,Is Closed Won\n1,A,Closed Won,true\n2,B,Closed Lost,false\n3,C,Contract Sent,false\n",
			[]sales.StageKind{sales.StageWon, sales.StageLost, sales.StageOpen}},
		{"probability 100 and 0 on closed deals", "Opportunity Name,Stage,Probability (%),Closed\nA,Signed,100,1\nB,Gone,0,1\nC,Pilot,0,0\n",
			[]sales.StageKind{sales.StageWon, sales.StageLost, sales.StageOpen}},
		{"hubspot probability is a fraction", "Record ID,Deal Name,Deal Stage,Deal probability\n1,A,Signed,1\n2,B,Pilot,0.4\n",
			[]sales.StageKind{sales.StageWon, sales.StageOpen}},
	}
	for _, tt := range tests {
		d, err := readDeals(t, tt.csv, transfer.Options{})
		if err != nil || len(d.Problems) > 0 {
			t.Fatalf("%s: %v %v", tt.name, err, d.Problems)
		}
		for i, r := range d.Records {
			if r.Stage.Kind != tt.want[i] {
				t.Errorf("%s: line %d is %d (%s), want %d", tt.name, r.Line, r.Stage.Kind, r.Stage.Name, tt.want[i])
			}
		}
	}
}

// The key is stored in the database: changing its recipe makes every
// re-import of an id-less file duplicate its deals, so it is pinned here
// (the value is SHA-256 of "acme, inc.\x1facme - gtx\x1f2017-03-01\x1fzane levy",
// computed outside Go).
func TestStableKey(t *testing.T) {
	r := transfer.Record{Account: "Acme, Inc.", Title: "Acme - GTX", Owner: "Zane Levy", Created: transfer.Date{Year: 2017, Month: 3, Day: 1}}
	k := transfer.StableKey(nil, r)
	if k != "key:76d3329022d7c9a8e64cc7a5737e012f" {
		t.Errorf("StableKey = %s", k)
	}
	same := r
	same.Account, same.Owner = "  ACME,   inc. ", "zane levy"
	same.Amount = transfer.Amount{Value: 5, Present: true}
	if transfer.StableKey(nil, same) != k {
		t.Error("case, spacing or amount changed the key")
	}
	other := r
	other.Created.Day = 2
	if transfer.StableKey(nil, other) == k {
		t.Error("another created date gave the same key")
	}
	r.ID = "006xx1"
	sf, _ := transfer.Lookup("salesforce")
	if got := transfer.StableKey(sf, r); got != "salesforce:006xx1" {
		t.Errorf("with an id: %s", got)
	}
}

func TestReadDealsDuplicateRowsGetDistinctKeys(t *testing.T) {
	d, err := readDeals(t, "account,stage\nAcme,Proposal\nAcme,Proposal\n", transfer.Options{})
	if err != nil || len(d.Records) != 2 {
		t.Fatal(err, d.Problems)
	}
	if d.Records[0].Key == d.Records[1].Key || d.Records[1].Key != d.Records[0].Key+"#2" {
		t.Errorf("keys %s and %s", d.Records[0].Key, d.Records[1].Key)
	}
}

func TestReadDealsHeaderOnly(t *testing.T) {
	d, err := readDeals(t, "Record ID,Deal Name,Deal Stage\n", transfer.Options{})
	if err != nil || len(d.Records) != 0 || d.Preset.Name != "hubspot" {
		t.Fatalf("%v %+v", err, d)
	}
}

// Any row under any preset's header reads to a valid record or to problems
// that name a line; never a panic, never a record outside the team's stages.
func FuzzReadDeals(f *testing.F) {
	headers := []string{
		"Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,Is Closed Won,Deal probability",
		"Opportunity Name,Account Name,Stage,Amount,Opportunity Currency,Probability (%),Close Date,Created Date,Won,Closed",
		"Deal - Title,Deal - Value,Deal - Currency,Deal - Status,Deal - Stage,Deal - Owner,Deal - Won time,Deal - Lost time",
		"Deal Name,Account Name,Stage,Amount,Closing Date,Created Time,Probability (%),Deal Owner",
		"opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value",
	}
	f.Add(uint8(0), "1,Acme,Closed Won,$1,200.00,03/01/2017 10:00,2017-01-01,Zane,true,1")
	f.Add(uint8(1), `Acme,"Acme, Inc.",Closed Lost,"12.000,50 €",EUR,0,3/1/2017,13/1/2017,0,1`)
	f.Add(uint8(2), "A,0,USD,won,Qualified,z@x.com,2017-03-01 10:00:00,")
	f.Add(uint8(3), "A,B,Closed-Lost to Competition,,\"Jan 2, 2006\",\"Jan 2, 2006 03:04 PM\",0,Anna")
	f.Add(uint8(4), "OPP1,Moses,GTX,Acme,Engaging,2016-10-20,,")
	set := sales.DefaultStages()
	f.Fuzz(func(t *testing.T, h uint8, row string) {
		tab, err := transfer.ReadCSV(strings.NewReader(headers[int(h)%len(headers)] + "\n" + row + "\n"))
		if err != nil {
			return
		}
		d, err := transfer.ReadDeals(tab, transfer.Options{})
		if err != nil {
			return
		}
		for _, p := range d.Problems {
			if p.Line < 2 || p.Msg == "" {
				t.Fatalf("problem without a line or message: %+v", p)
			}
		}
		for _, r := range d.Records {
			if _, ok := set.ByID(r.Stage.ID); !ok || r.Key == "" || r.Account == "" {
				t.Fatalf("bad record %+v", r)
			}
		}
	})
}
