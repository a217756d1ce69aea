package transfer_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

func TestParseAmount(t *testing.T) {
	usd := sales.DefaultCurrency
	eur, _ := sales.LookupCurrency("EUR")
	jpy, _ := sales.LookupCurrency("JPY")
	tests := []struct {
		in      string
		def     sales.Currency
		want    sales.Money
		code    string
		absent  bool
		wantErr string
	}{
		{"", usd, 0, "", true, ""},
		{"   ", usd, 0, "", true, ""},
		{"0", usd, 0, "USD", false, ""},
		{"12000", usd, 1200000, "USD", false, ""},
		{"$12,000.00", usd, 1200000, "USD", false, ""},
		{"12.000,50 €", usd, 1200050, "EUR", false, ""},
		{"€12.000,50", usd, 1200050, "EUR", false, ""},
		{"USD 1,200", eur, 120000, "USD", false, ""},
		{"1,200 EUR", usd, 120000, "EUR", false, ""},
		{"(1,200)", usd, -120000, "USD", false, ""},
		{"($1,200.50)", usd, -120050, "USD", false, ""},
		{"-$500", usd, -50000, "USD", false, ""},
		{"$-500", usd, -50000, "USD", false, ""},
		{"500-", usd, -50000, "USD", false, ""},
		{"1 200", usd, 120000, "USD", false, ""},
		{"1\u00a0200,50", eur, 120050, "EUR", false, ""}, // French grouping with a no-break space
		{"1'200.50", usd, 120050, "USD", false, ""},      // Swiss
		{"1.200.000", eur, 120000000, "EUR", false, ""},
		{"1200.5", usd, 120050, "USD", false, ""},
		{"12,5", eur, 1250, "EUR", false, ""},
		{"0.99", usd, 99, "USD", false, ""},
		{".5", usd, 50, "USD", false, ""},
		{"¥1,200", usd, 1200, "JPY", false, ""},
		{"1200", jpy, 1200, "JPY", false, ""},
		{"£3,000", usd, 300000, "GBP", false, ""},
		{"CA$1,000", usd, 100000, "CAD", false, ""},
		{"$1,000", mustCur(t, "CAD"), 100000, "CAD", false, ""}, // a bare $ is the team's dollar
		{"12.345", usd, 0, "", false, "more decimals than USD has"},
		{"1,2,3", usd, 0, "", false, "is not a number"},
		{"12k", usd, 0, "", false, "is not a number"},
		{"1e5", usd, 0, "", false, "is not a number"},
		{"$", usd, 0, "", false, "is not a number"},
		{"--5", usd, 0, "", false, "is not a number"},
		{"ABCD1", usd, 0, "", false, "is not a number"},
		{"XYZ 1", usd, 100, "XYZ", false, ""}, // a well-formed code salesbot has no symbol for
		{"9999999999999999", usd, 0, "", false, "too large"},
	}
	for _, tt := range tests {
		got, err := transfer.ParseAmount(tt.in, tt.def)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseAmount(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAmount(%q): %v", tt.in, err)
			continue
		}
		if got.Present == tt.absent || got.Value != tt.want || got.Currency != tt.code {
			t.Errorf("ParseAmount(%q) = %+v, want %d %s present=%v", tt.in, got, tt.want, tt.code, !tt.absent)
		}
	}
}

func mustCur(t *testing.T, code string) sales.Currency {
	t.Helper()
	c, err := sales.LookupCurrency(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"$12,000.00", "12.000,50 €", "USD 1,200", "(1,200)", "1 200", "", "-$5", "1'000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := transfer.ParseAmount(s, sales.DefaultCurrency)
		if err != nil || !a.Present {
			return
		}
		// What salesbot exports (Plain) reads back as the same amount.
		cur, err := sales.LookupCurrency(a.Currency)
		if err != nil {
			t.Fatalf("ParseAmount(%q) gave currency %q: %v", s, a.Currency, err)
		}
		back, err := transfer.ParseAmount(cur.Plain(a.Value), cur)
		if err != nil || back.Value != a.Value {
			t.Fatalf("ParseAmount(%q) = %d, but %q reads back as %d, %v", s, a.Value, cur.Plain(a.Value), back.Value, err)
		}
	})
}

// A file's amounts say which mark is decimal; a ";" file without a say is
// European.
func TestAmountsDecimalComma(t *testing.T) {
	tests := []struct {
		values    []string
		semicolon bool
		want      bool
	}{
		{[]string{"1.234,50", "12.000"}, false, true},
		{[]string{"12,5 €", ""}, false, true},
		{[]string{"$1,234.50", "12,000"}, false, false},
		{[]string{"12.000", "1.500"}, true, true},
		{[]string{"12.000", "7.5"}, true, false},
		{[]string{"1,234", "12000"}, false, false},
		{[]string{"1.234,50", "7.25"}, false, false}, // mixed: each read on its own
	}
	for _, tt := range tests {
		if got := transfer.AmountsDecimalComma(tt.values, tt.semicolon); got != tt.want {
			t.Errorf("AmountsDecimalComma(%q, %v) = %v, want %v", tt.values, tt.semicolon, got, tt.want)
		}
	}
}

// In a European file "12.000" is twelve thousand and "1.234,50" is
// 1234.50; the same cell in a US file stays a decimal.
func TestReadDealsEuropeanAmounts(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []sales.Money
	}{
		{"Deal Name;Deal Stage;Amount\nA;Closed Won;12.000\nB;Closed Won;1.234,50 €\n", []sales.Money{1200000, 123450}},
		{"Deal Name,Deal Stage,Amount\nA,Closed Won,12.5\nB,Closed Won,\"1,234.50\"\n", []sales.Money{1250, 123450}},
	} {
		tab, err := transfer.ReadCSV(strings.NewReader(tt.file))
		if err != nil {
			t.Fatal(err)
		}
		eur, _ := sales.LookupCurrency("EUR")
		d, err := transfer.ReadDeals(tab, transfer.Options{Currency: eur})
		if err != nil || len(d.Problems) > 0 {
			t.Fatal(err, d.Problems)
		}
		for i, r := range d.Records {
			if r.Amount.Value != tt.want[i] {
				t.Errorf("%q line %d: %d, want %d", tt.file, r.Line, r.Amount.Value, tt.want[i])
			}
		}
	}
}
