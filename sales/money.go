package sales

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in integer minor units (cents for USD). Never a float.
type Money int64

// Currency describes how money is displayed.
type Currency struct {
	Code     string // ISO 4217
	Symbol   string
	Decimals int // minor-unit digits
}

var currencies = map[string]Currency{
	"USD": {"USD", "$", 2}, "EUR": {"EUR", "€", 2}, "GBP": {"GBP", "£", 2},
	"JPY": {"JPY", "¥", 0}, "CAD": {"CAD", "CA$", 2}, "AUD": {"AUD", "A$", 2},
	"CHF": {"CHF", "CHF ", 2}, "INR": {"INR", "₹", 2}, "CNY": {"CNY", "CN¥", 2},
	"SEK": {"SEK", "SEK ", 2}, "NOK": {"NOK", "NOK ", 2}, "DKK": {"DKK", "DKK ", 2},
	"BRL": {"BRL", "R$", 2}, "MXN": {"MXN", "MX$", 2}, "KRW": {"KRW", "₩", 0},
	"NZD": {"NZD", "NZ$", 2}, "SGD": {"SGD", "S$", 2}, "ZAR": {"ZAR", "R ", 2},
	"PLN": {"PLN", "PLN ", 2},
}

// LookupCurrency returns the display rules for an ISO 4217 code. Unknown but
// well-formed codes display with the code as prefix and two decimals.
func LookupCurrency(code string) (Currency, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if c, ok := currencies[code]; ok {
		return c, nil
	}
	if len(code) != 3 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return Currency{}, Errorf(EINVALID, "currency %q is not an ISO 4217 code such as USD or EUR", code)
	}
	return Currency{Code: code, Symbol: code + " ", Decimals: 2}, nil
}

// DefaultCurrency is USD.
var DefaultCurrency = currencies["USD"]

// Unit is one major unit in minor units (100 for USD, 1 for JPY).
func (c Currency) Unit() int64 {
	u := int64(1)
	for i := 0; i < c.Decimals; i++ {
		u *= 10
	}
	return u
}

// Format renders m with thousands separators and all minor digits: $12,000.00.
func (c Currency) Format(m Money) string {
	return c.Symbol + c.Major(m)
}

// Major renders m in major units with thousands separators and minor digits,
// without the symbol: 12,000.50.
func (c Currency) Major(m Money) string {
	neg := m < 0
	v := int64(m)
	if neg {
		v = -v
	}
	unit := c.Unit()
	whole, frac := v/unit, v%unit
	s := groupThousands(strconv.FormatInt(whole, 10))
	if c.Decimals > 0 {
		s += fmt.Sprintf(".%0*d", c.Decimals, frac)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Abbrev renders m compactly for dense tables: $950, $1.2k, $12k, $1.2M,
// $3.4B. It rounds half away from zero ($1,250 is $1.3k, never $1.2k) and
// picks the unit after rounding, so $999,600 is $1.0M, never $1000k; the
// sign goes before the symbol (-$1.2k). It replaces Short, which rounds
// half to even and can print $1000k: callers switch when their golden
// files are updated.
func (c Currency) Abbrev(m Money) string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	u := c.Unit()
	var s string
	switch {
	case roundDiv(v, u) < 1000:
		s = strconv.FormatInt(roundDiv(v, u), 10)
	case roundDiv(v, u*100) < 100:
		s = tenths(roundDiv(v, u*100)) + "k"
	case roundDiv(v, u*1000) < 1000:
		s = strconv.FormatInt(roundDiv(v, u*1000), 10) + "k"
	case roundDiv(v, u*100_000) < 10_000:
		s = tenthsKept(roundDiv(v, u*100_000)) + "M"
	default:
		s = tenthsKept(roundDiv(v, u*100_000_000)) + "B"
	}
	return sign + c.Symbol + s
}

// roundDiv is v/d rounded half away from zero, for v ≥ 0 and d > 0.
func roundDiv(v, d int64) int64 { return v/d + (v%d*2)/d }

// tenthsKept renders n tenths as "1.2" or "1.0": millions and billions
// keep their decimal ("$1.0M", as issue 9 words it).
func tenthsKept(n int64) string {
	return strconv.FormatInt(n/10, 10) + "." + strconv.FormatInt(n%10, 10)
}

// tenths renders n tenths as "1.2", or "5" for a whole number.
func tenths(n int64) string {
	if n%10 == 0 {
		return strconv.FormatInt(n/10, 10)
	}
	return strconv.FormatInt(n/10, 10) + "." + strconv.FormatInt(n%10, 10)
}

// Plain renders m in major units with full minor digits and no grouping, for
// CSV and JSON: 12000.50.
func (c Currency) Plain(m Money) string {
	return strings.ReplaceAll(c.Major(m), ",", "")
}

func trimZero(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// ParsePlain reads an amount written by Plain (12000.50, -3.5, 7): event
// history keeps amounts this way.
func (c Currency) ParsePlain(s string) (Money, error) {
	in := strings.TrimSpace(s)
	bad := Errorf(EINVALID, "amount %q is not a plain amount such as 12000.50", s)
	neg := strings.HasPrefix(in, "-")
	in = strings.TrimPrefix(in, "-")
	whole, frac, _ := strings.Cut(in, ".")
	if whole == "" || len(frac) > c.Decimals || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<62)/c.Unit() {
		return 0, bad
	}
	frac += strings.Repeat("0", c.Decimals-len(frac))
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
	}
	m := w*c.Unit() + f
	if neg {
		m = -m
	}
	return Money(m), nil
}
