package transfer_test

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/salesbot/salesbot/transfer"
)

func utf16Bytes(s string, order binary.AppendByteOrder, bom bool) string {
	var b []byte
	if bom {
		b = order.AppendUint16(b, 0xfeff)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return string(b)
}

// Spreadsheet text files read as the UTF-8 CSV they hold, each record on
// the line it was on, and the conversion is said.
func TestNormalize(t *testing.T) {
	const tsv = "Deal Name\tAmount\tOwner\r\nAcme, Inc.\t1.234,50\tZoë Lévy\r\n"
	want := [][]string{{"Deal Name", "Amount", "Owner"}, {"Acme, Inc.", "1.234,50", "Zoë Lévy"}}
	tests := []struct {
		name, in string
		rows     [][]string
		lines    []int
		conv     string
	}{
		{name: "UTF-16LE with BOM, tabs", in: utf16Bytes(tsv, binary.LittleEndian, true), rows: want, lines: []int{2},
			conv: "UTF-16LE text, read as UTF-8; cells separated by tabs, not commas"},
		{name: "UTF-16BE with BOM", in: utf16Bytes(tsv, binary.BigEndian, true), rows: want, lines: []int{2}, conv: "UTF-16BE text"},
		{name: "UTF-16LE without BOM", in: utf16Bytes(tsv, binary.LittleEndian, false), rows: want, lines: []int{2}, conv: "UTF-16LE text"},
		{name: "Windows-1252, semicolons, sep line, blank line", in: "sep=;\r\nDeal Name;Amount;Owner\r\n\r\nAcme, Inc.;1.234,50;Zo\xeb L\xe9vy\r\n",
			rows: want, lines: []int{4}, conv: `Windows-1252 text, read as UTF-8; cells separated by ";", not commas; its first line "sep=;" (Excel's) is not data`},
		{name: "semicolons with a quoted newline", in: "Deal Name;Amount;Owner\n\"Acme, Inc.\";\"1.234,50\";\"Zoë\nLévy\"\nB;1;C\n",
			rows: [][]string{want[0], {"Acme, Inc.", "1.234,50", "Zoë\nLévy"}, {"B", "1", "C"}}, lines: []int{2, 4}, conv: `cells separated by ";"`},
		{name: "a comma in a semicolon header is not the separator", in: "Name;Amount, EUR;Owner\nA;1,5;B\n",
			rows: [][]string{{"Name", "Amount, EUR", "Owner"}, {"A", "1,5", "B"}}, lines: []int{2}, conv: `";"`},
		{name: "UTF-8 with one broken byte stays UTF-8", in: "a,b\nZoë,\xff\n", rows: [][]string{{"a", "b"}, {"Zoë", "\xff"}}, lines: []int{2}},
		{name: "plain CSV", in: "a,b\n1;2,3\n", rows: [][]string{{"a", "b"}, {"1;2", "3"}}, lines: []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := transfer.ReadCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got := append([][]string{tab.Header}, tab.Rows...)
			if !slices.EqualFunc(got, tt.rows, slices.Equal) {
				t.Errorf("rows %q, want %q", got, tt.rows)
			}
			if !slices.Equal(tab.Lines, tt.lines) {
				t.Errorf("lines %v, want %v", tab.Lines, tt.lines)
			}
			if c := tab.Conversion.String(); !strings.Contains(c, tt.conv) || (tt.conv == "") != !tab.Conversion.Changed() {
				t.Errorf("conversion %q, want %q", c, tt.conv)
			}
		})
	}
}

// A UTF-8 comma file is not copied.
func TestNormalizeKeepsCSV(t *testing.T) {
	in := []byte("a,b\n1,2\n")
	out, conv, err := transfer.Normalize(in)
	if err != nil || conv.Changed() || &out[0] != &in[0] {
		t.Fatalf("%q %+v %v", out, conv, err)
	}
}
