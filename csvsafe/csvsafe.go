// Package csvsafe writes CSV that a spreadsheet opens as data, never as
// formulas, and reads it back exactly.
//
// The rule is OWASP's (https://owasp.org/www-community/attacks/CSV_Injection;
// ASVS 1.2.10, https://asvs.emil.hemdal.se/1.2.10): a cell whose first
// character is = + - @ TAB, CR or NUL (and LF, below) gets a leading single quote, which
// Excel, Sheets and LibreOffice take as "this is text". Cells that already
// start with quotes before such a character get one more quote, so Restore
// can always take exactly one off: Restore(Neutralize(s)) == s for every s.
//
// It imports only the standard library.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// triggers are the first characters a spreadsheet reads as a formula.
// LF is there too because encoding/csv reads a quoted CRLF back as LF: a
// cell that started with CR still restores exactly.
const triggers = "=+-@\t\r\n\x00"

// risky says whether s, after any leading quotes, starts with a trigger.
func risky(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.IndexByte(triggers, s[0]) >= 0
}

// Neutralize returns s as a spreadsheet shows it as text.
func Neutralize(s string) string {
	if risky(s) {
		return "'" + s
	}
	return s
}

// Restore undoes Neutralize: it drops one leading quote from a cell that
// Neutralize would have changed. Other cells come back as they are.
func Restore(s string) string {
	if strings.HasPrefix(s, "'") && risky(s) {
		return s[1:]
	}
	return s
}

// Writer is a csv.Writer that neutralizes every cell except numbers in
// the columns marked numeric. Numbers are ours (amounts, counts, rates),
// so -5 stays a number a spreadsheet can sum; a numeric column's cell that
// is not a plain number is neutralized like text.
type Writer struct {
	w       *csv.Writer
	numeric map[int]bool
	raw     bool
	buf     []string
}

// NewWriter writes to w. With raw, cells are written verbatim, for tools
// that read the file as data rather than a spreadsheet.
func NewWriter(w io.Writer, raw bool, numeric ...int) *Writer {
	cw := &Writer{w: csv.NewWriter(w), raw: raw, numeric: map[int]bool{}}
	for _, c := range numeric {
		cw.numeric[c] = true
	}
	return cw
}

// Write writes one record; rec is not modified.
func (w *Writer) Write(rec []string) error {
	if w.raw {
		return w.w.Write(rec)
	}
	w.buf = w.buf[:0]
	for i, s := range rec {
		if !(w.numeric[i] && isNumber(s)) {
			s = Neutralize(s)
		}
		w.buf = append(w.buf, s)
	}
	return w.w.Write(w.buf)
}

// Flush writes buffered data; Error reports any error so far.
func (w *Writer) Flush()       { w.w.Flush() }
func (w *Writer) Error() error { return w.w.Error() }

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXpPeEiInN_") // 12.5 or -5, not 0x1p3, Inf or NaN
}
