package main

import (
	"encoding/csv"
	"strings"
	"testing"
)

// Activities import in the export's format, count in every report row,
// and export → import changes nothing (CSV and JSON).
func TestActivitiesImportExportReport(t *testing.T) {
	e := reportFixture(t) // alice owns W1..W3 (won), L1, O1, O2; bob owns O3
	in := e.file("acts.csv", `deal,account,at,who,type,outcome,text
W1,,2026-01-05T10:00:00Z,alice,call,connected,"pricing, agreed"
D-5,,2026-01-20T10:00:00Z,alice,Meeting,,=SUM(A1)
,Initech,2026-02-01T09:00:00Z,bob,email,,intro
`)
	r := e.must(ImportCmd, "activities", "--file", in)
	if !strings.Contains(r.stdout, "imported 3 activities: 3 new, 0 unchanged") {
		t.Fatalf("import: %s", r)
	}
	r = e.must(ReportCmd, "--by", "owner", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// alice: 1 call, 1 meeting, 2 activities over 3 won deals; bob: an
	// email and no won deal (n/a, empty).
	if got := strings.Join(recs[1][10:], ","); recs[1][0] != "alice" || !strings.HasPrefix(got, "1,1,0,2,0.666") {
		t.Errorf("alice activity columns %s", got)
	}
	if got := strings.Join(recs[2][10:], ","); got != "0,0,1,1," {
		t.Errorf("bob activity columns %s", got)
	}
	r = e.must(ReportCmd, "--by", "all", "--period", "2026-Q1", "--format", "csv")
	if !strings.Contains(r.stdout, ",1,1,1,3,") {
		t.Errorf("Q1 all: %s", r.stdout)
	}
	r = e.must(ReportCmd, "--by", "stage", "--format", "csv")
	if !strings.Contains(r.stderr, "activities are counted by person, not by stage") {
		t.Errorf("by stage says nothing about its empty activity columns: %s", r)
	}
	if r = e.must(ReportCmd, "--by", "owner"); !strings.Contains(r.stdout, "Calls") || !strings.Contains(r.stdout, "Activities/won") {
		t.Errorf("table lacks the activity columns:\n%s", r.stdout)
	}

	for _, format := range []string{"csv", "json"} {
		out := e.must(ExportCmd, "activities", "--format", format).stdout
		if !strings.Contains(out, "pricing, agreed") || !strings.Contains(out, "Initech") {
			t.Fatalf("%s export:\n%s", format, out)
		}
		if format == "csv" && !strings.Contains(out, "'=SUM(A1)") {
			t.Errorf("a formula cell is not neutralised:\n%s", out)
		}
		back := e.file("back."+format, out)
		if r := e.must(ImportCmd, "activities", "--file", back); !strings.Contains(r.stdout, "0 new, 3 unchanged") {
			t.Errorf("%s re-import: %s", format, r)
		}
	}

	// Bad rows: a clear message with the row, nothing written.
	for _, tc := range []struct{ body, want string }{
		{"deal,at,who,type\nD-1,2026-01-01T00:00:00Z,alice,fax\n", `unknown activity type "fax"`},
		{"deal,at,who,type\nD-99,2026-01-01T00:00:00Z,alice,call\n", "D-99 not found"},
		{"deal,at,who,type\nD-1,2026-01-01T00:00:00Z,zed,call\n", `row 2: "zed" is not a known person`},
		{"deal,at,who,type\nD-1,yesterday,alice,call\n", "row 2: at \"yesterday\""},
		{"account,at,who,type\n,2026-01-01T00:00:00Z,alice,call\n", "row 2: name the deal"},
	} {
		r := e.run(ImportCmd, "activities", "--file", e.file("bad.csv", tc.body))
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: %s, want %q", tc.body, r, tc.want)
		}
	}
	out := e.must(ExportCmd, "activities").stdout
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("after bad imports, %d lines:\n%s", n, out)
	}
}
