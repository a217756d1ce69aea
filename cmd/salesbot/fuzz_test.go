package main

// Fuzz targets for the import parsers. They are internal tests because
// readTable and dateParser are unexported; everything else is tested
// through the subcommands.

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"
)

func FuzzReadTable(f *testing.F) {
	for _, s := range []string{
		"id,account\nX1,Acme\n",
		"\ufeffid,account\r\nX1,\"Acme, Inc.\"\r\n",
		"a,b\n\"unterminated,x\n",
		"a,b\n1,2,3\n4\n",
		`[{"id":"X1","amount":12.5},{"id":null}]`,
		"[1,2]",
		"",
		"a\n\"b\"\"c\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := readTable(bytes.NewReader(data), tableOptions{})
		if err != nil {
			return
		}
		for _, r := range tab.rows {
			if r.err == nil && len(r.cells) != len(tab.header) {
				t.Fatalf("row at %d has %d cells, header %d", r.line, len(r.cells), len(tab.header))
			}
			if r.line < 1 {
				t.Fatalf("row without a line number: %+v", r)
			}
		}
	})
}

// FuzzCSVRoundTrip: a table export writes reads back cell for cell.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add("Acme, Inc.", "12000.50", "say \"hi\"\nthere")
	f.Add("", "", "")
	f.Add("\ufeff", "\r\n", " lead")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		t0 := &exportTable{header: []string{"account", "amount", "notes"}, rows: [][]string{{a, b, c}, {c, a, b}}}
		var buf bytes.Buffer
		if err := writeCSVTable(&buf, t0, false); err != nil {
			t.Skip() // invalid UTF-8 and the like: csv.Writer refuses nothing, but be safe
		}
		got, err := readTable(bufio.NewReader(&buf), tableOptions{format: "csv"})
		if err != nil {
			t.Fatalf("reading back: %v\n%q", err, buf.String())
		}
		if len(got.rows) != 2 {
			t.Fatalf("%d rows back from %q", len(got.rows), buf.String())
		}
		for i, row := range got.rows {
			if row.err != nil {
				t.Fatalf("row %d: %v", i, row.err)
			}
			for j, cell := range row.cells {
				// encoding/csv turns \r\n inside a quoted value into \n.
				want := strings.ReplaceAll(t0.rows[i][j], "\r\n", "\n")
				if cell != want {
					t.Fatalf("cell %d/%d = %q, want %q", i, j, cell, want)
				}
			}
		}
	})
}

func FuzzDates(f *testing.F) {
	for _, s := range []string{"2026-11-26", "2026-11-26T10:00:00Z", "26/11/2026", "2026-02-30", "", "9999-99-99"} {
		f.Add(s, "02/01/2006")
	}
	f.Fuzz(func(t *testing.T, s, layout string) {
		p := dateParser{layout: layout, loc: time.UTC}
		tm, err := p.instant("created", s)
		if err != nil {
			if !strings.Contains(err.Error(), "is not a date") {
				t.Fatalf("unexpected error text: %v", err)
			}
			return
		}
		// ISO output reads back to the same instant.
		back, err := dateParser{loc: time.UTC}.instant("created", tm.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(tm) {
			t.Fatalf("%q → %v → %v (%v)", s, tm, back, err)
		}
		c, err := p.civil("close_date", s)
		if err != nil || c.Hour() != 0 || c.Location() != time.UTC {
			t.Fatalf("civil(%q) = %v, %v", s, c, err)
		}
	})
}
