package main

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/transfer/transfertest"
)

// Bad input gets a clear message naming the row and column, and nothing
// is written (issue 12).
func TestImportBadInput(t *testing.T) {
	hub := string(transfertest.HubSpot(9, 30, "USD").Data)
	lines := strings.SplitAfter(hub, "\r\n")
	badAmount := editCell(t, hub, 15, 4, "12 apples")      // line 16, Amount
	badDate := editCell(t, hub, 20, 5, "2017-02-30 10:00") // line 21, Close Date
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"spreadsheet", "PK\x03\x04\x14\x00\x06\x00binary", []string{"this is a spreadsheet (.xlsx), not CSV: export it as CSV"}},
		{"old excel", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", []string{"Excel 97 file (.xls)"}},
		{"empty", "", []string{"the file is empty"}},
		{"only a BOM and blank lines", "\ufeff\r\n\r\n", []string{"the file is empty"}},
		{"header only", lines[0], []string{"has a header but no rows: nothing to import"}},
		{"bad amount in the middle", badAmount, []string{`line 16: error: column "Amount": amount "12 apples" is not a number`, "1 invalid line", "nothing was imported"}},
		{"bad date in the middle", badDate, []string{`line 21: error: column "Close Date": date "2017-02-30 10:00": February 2017 has no day 30`, "nothing was imported"}},
		{"plain CSV won with no amount", "external_id,account,amount,stage,owner,close_date\nW1,NoAmt,,Won,zed,2026-11-02\nW2,Ok,5000,Won,zed,2026-11-02\n",
			[]string{"line 2: error: a won deal needs an amount greater than zero", "nothing was imported"}},
		{"plain CSV won at zero", "account,amount,stage,owner\nZeroAmt,0,won,zed\n", []string{"line 2: error: a won deal needs an amount greater than zero"}},
		{"short row in the middle", strings.Join(lines[:10], "") + "1,2,3\r\n" + strings.Join(lines[10:], ""), []string{"line 11 has 3 cells but the header has 9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run(ImportCmd, "deals", "--file", e.file("in.csv", tc.data))
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\n%s", r.code, r)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q\n%s", w, r)
				}
			}
			if n := e.countDeals(); n != 0 {
				t.Errorf("%d deals written", n)
			}
		})
	}
}

// editCell rewrites cell col of record rec (0 = header) of a CRLF CSV.
func editCell(t *testing.T, data string, rec, col int, v string) string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows[rec][col] = v
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.WriteAll(rows)
	return b.String()
}
