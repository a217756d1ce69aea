package transfer

import (
	"strings"
	"unicode"

	"github.com/salesbot/salesbot/sales"
)

// Amount is a money cell as a CRM wrote it. Present is false for an empty
// cell: early-stage deals often have no amount yet, which is not $0.
type Amount struct {
	Value    sales.Money // minor units of Currency
	Currency string      // ISO code written in the cell or the default
	Present  bool
}

// Currency symbols CRMs put in amount cells. "$" alone is the default
// currency when that is a dollar, else USD.
var amountSymbols = []struct{ sym, code string }{
	{"US$", "USD"}, {"CA$", "CAD"}, {"A$", "AUD"}, {"NZ$", "NZD"}, {"S$", "SGD"},
	{"R$", "BRL"}, {"MX$", "MXN"}, {"CN¥", "CNY"},
	{"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY"}, {"₹", "INR"}, {"₩", "KRW"}, {"$", ""},
}

// ParseAmount reads an amount the way CRMs export it: "$12,000.00",
// "12.000,50 €", "USD 1,200", "1 200", "(1,200)" (negative), "-500".
// Grouping may be commas, dots, spaces or apostrophes; the decimal mark is
// the last of "," and "." when both appear, and a lone "," is decimal
// unless exactly three digits follow it (1,200 is twelve hundred). A lone
// "." is always decimal, as machine exports write 1200.5. def supplies the
// currency when the cell names none.
func ParseAmount(s string, def sales.Currency) (Amount, error) {
	return parseAmount(s, def, false)
}

// parseAmount is ParseAmount; with decimalComma (a file whose amounts
// write the decimal mark as a comma, AmountsDecimalComma) a lone "."
// before three digits groups thousands: "12.000" is twelve thousand.
func parseAmount(s string, def sales.Currency, decimalComma bool) (Amount, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Amount{}, nil
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	code := ""
	s, code = stripCurrency(s, def)
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = !neg, strings.TrimSpace(s[1:])
	case strings.HasSuffix(s, "-"):
		neg, s = !neg, strings.TrimSpace(s[:len(s)-1])
	}
	if code == "" {
		// "- $500" or "$-500" leave the symbol on the other side of the sign.
		s, code = stripCurrency(s, def)
		s = strings.TrimSpace(s)
	}
	if code == "" {
		code = def.Code
	}
	cur, err := sales.LookupCurrency(code)
	if err != nil {
		return Amount{}, err
	}
	whole, frac, ok := splitNumber(s, decimalComma)
	if !ok {
		return Amount{}, sales.Errorf(sales.EINVALID, "amount %q is not a number: write 12000, 12,000.00 or $12,000", orig)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > cur.Decimals {
		return Amount{}, sales.Errorf(sales.EINVALID, "amount %q has more decimals than %s has (%d)", orig, cur.Code, cur.Decimals)
	}
	for len(frac) < cur.Decimals {
		frac += "0"
	}
	digits := strings.TrimLeft(whole+frac, "0")
	if len(digits) > 15 {
		return Amount{}, sales.Errorf(sales.EINVALID, "amount %q is too large", orig)
	}
	var v int64
	for i := 0; i < len(digits); i++ {
		v = v*10 + int64(digits[i]-'0')
	}
	if neg {
		v = -v
	}
	return Amount{Value: sales.Money(v), Currency: cur.Code, Present: true}, nil
}

// stripCurrency removes a leading or trailing symbol or ISO code.
func stripCurrency(s string, def sales.Currency) (string, string) {
	if s != "" && isDigit(s[0]) && isDigit(s[len(s)-1]) {
		return s, "" // no symbol or code starts or ends with a digit
	}
	for _, c := range amountSymbols {
		code := c.code
		if code == "" {
			code = "USD"
			if strings.HasSuffix(def.Symbol, "$") {
				code = def.Code
			}
		}
		if r, ok := strings.CutPrefix(s, c.sym); ok {
			return r, code
		}
		if r, ok := strings.CutSuffix(s, c.sym); ok {
			return r, code
		}
	}
	if len(s) > 3 && isCode(s[:3]) && !isLetter(s[3]) {
		return s[3:], strings.ToUpper(s[:3])
	}
	if n := len(s); n > 3 && isCode(s[n-3:]) && !isLetter(s[n-4]) {
		return s[:n-3], strings.ToUpper(s[n-3:])
	}
	return s, ""
}

func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' }

// splitNumber separates the integer and fraction digits of a grouped number.
func splitNumber(s string, decimalComma bool) (whole, frac string, ok bool) {
	// The forms machine exports write, 12000 and 12000.50, without the
	// allocations of the general reading below (which gives the same).
	if w, f, dot := strings.Cut(s, "."); allDigits([]string{w}) && (!dot || allDigits([]string{f})) && !(decimalComma && dot && len(f) == 3) {
		return w, f, true
	} else if dot && w == "" && allDigits([]string{f}) {
		return "0", f, true
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\'' || r == '’' {
			return ' '
		}
		return r
	}, s)
	if s == "" {
		return "", "", false
	}
	lastComma, lastDot := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	dec := -1
	switch {
	case lastComma >= 0 && lastDot >= 0:
		dec = max(lastComma, lastDot)
	case lastDot >= 0 && strings.Count(s, ".") == 1 && !(decimalComma && len(s)-lastDot-1 == 3):
		dec = lastDot
	case lastComma >= 0 && strings.Count(s, ",") == 1 && len(s)-lastComma-1 != 3:
		dec = lastComma
	}
	intPart := s
	if dec >= 0 {
		intPart, frac = s[:dec], s[dec+1:]
		if frac == "" || !allDigits([]string{frac}) {
			return "", "", false
		}
	}
	// Groups after the first must be three digits, so "1,2,3" is refused
	// rather than read as 123.
	groups := strings.FieldsFunc(intPart, func(r rune) bool { return r == ',' || r == '.' || r == ' ' })
	if len(groups) == 0 {
		if frac == "" {
			return "", "", false
		}
		return "0", frac, true
	}
	if strings.Trim(intPart, "0123456789,. ") != "" || strings.Join(groups, "") == "" {
		return "", "", false
	}
	for i, g := range groups {
		if !allDigits([]string{g}) || (i > 0 && len(g) != 3) {
			return "", "", false
		}
	}
	return strings.Join(groups, ""), frac, true
}

// AmountsDecimalComma decides whether a column's amounts write the
// decimal mark as a comma ("1.234,50", "12,5"), as spreadsheets saved in
// most of Europe do: a value ending in a comma and one or two digits says
// so, one ending in a dot and one or two digits says not; with neither,
// semicolon says so (Excel separates with ";" where the decimal mark is
// a comma). Then "12.000" is twelve thousand, not twelve.
func AmountsDecimalComma(values []string, semicolon bool) bool {
	return decimalComma(len(values), func(i int) string { return values[i] }, semicolon)
}

// decimalComma is AmountsDecimalComma over n values, without a slice of
// a million cells.
func decimalComma(n int, value func(int) string, semicolon bool) bool {
	comma, dot := false, false
	for i := range n {
		v := strings.TrimRightFunc(strings.TrimSpace(value(i)), func(r rune) bool { return !unicode.IsDigit(r) })
		l := len(v)
		for _, k := range []int{2, 3} {
			if l >= k+1 && allDigits([]string{v[l-k+1:]}) {
				switch v[l-k] {
				case ',':
					comma = true
				case '.':
					dot = true
				}
			}
		}
		if comma && dot {
			return false // mixed: each value is read on its own
		}
	}
	return comma || semicolon && !dot
}
