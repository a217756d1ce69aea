package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer/transfertest"
)

// Every real-format variant of every CRM's export (API names, internal
// stage ids, prefixless Pipedrive, Maven's empty accounts, US dates, ...)
// imports with no flags and reports, per owner, the won, lost and open
// deals and won amounts the generator's own deals give; a second import
// changes nothing and the export has every deal (issue 12).
func TestImportRealFormatVariants(t *testing.T) {
	for _, v := range transfertest.Variants(21, 250) {
		t.Run(v.Name, func(t *testing.T) {
			e := newEnv(t)
			if v.Currency != "" {
				t.Setenv("SALESBOT_CURRENCY", v.Currency)
			}
			f := e.file("export.csv", string(v.Data))
			want := v.Want
			// The dry run says how the file was read, in words a new user
			// can check: preset, columns, stages, what was dropped.
			r := e.must(ImportCmd, "deals", "--file", f, "--dry-run")
			for _, s := range append([]string{"reading a ", "columns: ", "stages:", fmt.Sprintf("dry run: would import %d deals", want.Deals)}, v.Shows...) {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("dry run lacks %q:\n%s", s, r.stdout)
				}
			}
			r = e.must(ImportCmd, "deals", "--file", f)
			if !strings.Contains(r.stdout, fmt.Sprintf("imported %d deals: %d new, 0 updated", want.Deals, want.Deals)) {
				t.Fatalf("%s", r)
			}
			if p := "reading a "; !strings.Contains(r.stdout, p) || !strings.Contains(strings.ToLower(r.stdout), v.Preset) {
				t.Errorf("not read as %s:\n%s", v.Preset, r.stdout)
			}
			t.Log(r.stdout)

			names := ownerNamesByEmail(t, e)
			var rows []struct {
				Key      string  `json:"key"`
				OpenN    int     `json:"open"`
				WonN     int     `json:"won"`
				LostN    int     `json:"lost"`
				WonValue float64 `json:"won_value"`
			}
			out := e.must(ReportCmd, "--by", "owner", "--format", "json").stdout
			if err := json.Unmarshal([]byte(out), &rows); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got := map[string][3]int{}
			gotWon := map[string]sales.Money{}
			for _, row := range rows {
				got[row.Key] = [3]int{row.WonN, row.LostN, row.OpenN}
				if m := sales.Money(math.Round(row.WonValue * 100)); m != 0 {
					gotWon[row.Key] = m
				}
			}
			wantBy := map[string][3]int{}
			wantWon := map[string]sales.Money{}
			for o, c := range want.ByOwner {
				wantBy[cmpName(names, o)] = c
			}
			for o, m := range want.WonByOwner {
				if m != 0 {
					wantWon[cmpName(names, o)] = m
				}
			}
			if !maps.Equal(got, wantBy) {
				t.Errorf("won/lost/open by owner:\n got %v\nwant %v", got, wantBy)
			}
			if !maps.Equal(gotWon, wantWon) {
				t.Errorf("won amounts by owner:\n got %v\nwant %v", gotWon, wantWon)
			}

			r = e.must(ImportCmd, "deals", "--file", f)
			if !strings.Contains(r.stdout, fmt.Sprintf("0 new, 0 updated, %d unchanged", want.Deals)) {
				t.Errorf("second import:\n%s", r)
			}
			if lines := strings.Count(e.must(ExportCmd, "deals").stdout, "\n"); lines < want.Deals+1 {
				t.Errorf("export has %d lines, want at least %d", lines, want.Deals+1)
			}
		})
	}
}

// ownerNamesByEmail maps each stored person's email to the name reports
// show, for files that give owners only as emails.
func ownerNamesByEmail(t *testing.T, e *env) map[string]string {
	t.Helper()
	db, done := e.open(e.db)
	defer done()
	people, err := db.People(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range people {
		if p.Email != "" {
			out[strings.ToLower(p.Email)] = p.Name
		}
	}
	return out
}

func cmpName(names map[string]string, owner string) string {
	if n, ok := names[strings.ToLower(owner)]; ok {
		return n
	}
	return owner
}

// A Salesforce report whose every date reads both ways (all days up to
// 12) is refused with both readings and the flag, and nothing is written.
func TestImportRealFormatAmbiguousDates(t *testing.T) {
	e := newEnv(t)
	f := e.file("sf.csv", `"Opportunity Owner","Account Name","Opportunity Name","Amount","Close Date","Created Date","Stage"`+"\r\n"+
		`"Anna Snelling","Acme","Acme - 1","$1,200.00","3/1/2017","1/2/2017","Closed Won"`+"\r\n"+
		`"Zane Levy","Beta","Beta - 1","","5/4/2017","2/3/2017","Prospecting"`+"\r\n")
	r := e.run(ImportCmd, "deals", "--file", f)
	for _, want := range []string{"March 1, 2017 (month first)", "January 3, 2017 (day first)", "--date-format 1/2/2006", "--date-format 2/1/2006"} {
		if r.code == 0 || !strings.Contains(r.stderr+r.stdout, want) {
			t.Errorf("lacks %q:\n%s", want, r)
		}
	}
	if n := e.countDeals(); n != 0 {
		t.Errorf("%d deals written", n)
	}
}

// A plain spreadsheet (salesbot's own column names) saved by Excel in a
// European locale, Windows-1252 and ";" with "1.234,50" amounts, imports
// with the amounts and names it shows.
func TestImportPlainEuropeanSpreadsheet(t *testing.T) {
	e := newEnv(t)
	t.Setenv("SALESBOT_CURRENCY", "EUR")
	f := e.file("deals.csv", "sep=;\r\naccount;amount;stage;owner;;\r\nM\xfcller GmbH;12.000;Won;Zo\xeb L\xe9vy;;\r\n\r\nBeta;1.234,50;Proposal;Anna;;\r\n")
	r := e.must(ImportCmd, "deals", "--file", f)
	if !strings.Contains(r.stdout, "imported 2 deals: 2 new") || !strings.Contains(r.stdout, `cells separated by ";"`) || !strings.Contains(r.stderr, "decimal mark as a comma") {
		t.Fatalf("%s", r)
	}
	deals, _, people := storedDeals(t, e, e.db)
	got := map[string]string{}
	for _, d := range deals {
		got[d.Account] = fmt.Sprintf("%d %s", d.Amount, people[d.Owner].Name)
	}
	want := map[string]string{"Müller GmbH": "1200000 Zoë Lévy", "Beta": "123450 Anna"}
	if !maps.Equal(got, want) {
		t.Errorf("deals %v, want %v", got, want)
	}
}
