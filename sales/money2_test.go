package sales_test

import (
	"math"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

func TestAbbrev(t *testing.T) {
	usd := sales.DefaultCurrency
	jpy, _ := sales.LookupCurrency("JPY")
	tests := []struct {
		c    sales.Currency
		m    sales.Money
		want string
	}{
		{usd, 0, "$0"},
		{usd, 49, "$0"},
		{usd, 50, "$1"}, // half away from zero
		{usd, 950_00, "$950"},
		{usd, 999_50, "$1k"},
		{usd, 1_250_00, "$1.3k"}, // not half to even
		{usd, 1_350_00, "$1.4k"},
		{usd, 5_000_00, "$5k"},
		{usd, 9_950_00, "$10k"},
		{usd, 12_500_00, "$13k"},
		{usd, 999_499_00, "$999k"},
		{usd, 999_500_00, "$1.0M"}, // not $1000k
		{usd, 1_000_000_00, "$1.0M"},
		{usd, 1_250_000_00, "$1.3M"},
		{usd, 999_950_000_00, "$1.0B"},
		{usd, -1_250_00, "-$1.3k"},
		{jpy, 1500, "¥1.5k"},
	}
	for _, tt := range tests {
		if got := tt.c.Abbrev(tt.m); got != tt.want {
			t.Errorf("Abbrev(%d) = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestParsePlain(t *testing.T) {
	usd := sales.DefaultCurrency
	jpy, _ := sales.LookupCurrency("JPY")
	for _, m := range []sales.Money{0, 5, 1_200_050, -1_234_56} {
		got, err := usd.ParsePlain(usd.Plain(m))
		if err != nil || got != m {
			t.Errorf("round trip %d: %d, %v", m, got, err)
		}
	}
	if m, err := usd.ParsePlain("12000.5"); err != nil || m != 1_200_050 {
		t.Errorf("12000.5 = %d, %v", m, err)
	}
	for _, s := range []string{"", "1,200.00", "12k", "1.234", "abc", ".5", "--1"} {
		if _, err := usd.ParsePlain(s); sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("ParsePlain(%q) err %v", s, err)
		}
	}
	if _, err := jpy.ParsePlain("1.5"); err == nil {
		t.Error("yen have no minor digits")
	}
}

func FuzzParsePlain(f *testing.F) {
	for _, s := range []string{"12000.50", "-3.5", "7", "x"} {
		f.Add(s)
	}
	usd := sales.DefaultCurrency
	f.Fuzz(func(t *testing.T, s string) {
		m, err := usd.ParsePlain(s)
		if err != nil {
			return
		}
		if back, err := usd.ParsePlain(usd.Plain(m)); err != nil || back != m {
			t.Fatalf("%q → %d → %q → %d, %v", s, m, usd.Plain(m), back, err)
		}
	})
}

func TestAttainmentBar(t *testing.T) {
	for _, tt := range []struct {
		share float64
		want  string
	}{{0, "░░░░░░░░░░"}, {0.5, "▓▓▓▓▓░░░░░"}, {0.95, "▓▓▓▓▓▓▓▓▓░"}, {0.999, "▓▓▓▓▓▓▓▓▓░"}, {1, "▓▓▓▓▓▓▓▓▓▓"}, {1.5, "▓▓▓▓▓▓▓▓▓▓"}, {math.NaN(), "░░░░░░░░░░"}} {
		if got := sales.Bar(tt.share, 10); got != tt.want {
			t.Errorf("Bar(%v) = %q, want %q", tt.share, got, tt.want)
		}
	}
}
