package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// hostile is user text a spreadsheet would run as a formula (OWASP CSV
// injection, https://owasp.org/www-community/attacks/CSV_Injection).
const hostileDeals = "external_id,account,amount,stage,owner,notes,lost_reason\n" +
	"X1,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",100,Proposal,=cmd,\"+cmd|' /C calc'!A0\",@SUM(1)\n" +
	"X2,'=already quoted,200,Proposal,alice,-2+3,\"\t tab\"\n" // a file's quote before = is export's: taken off

// TestExportNeutralizesFormulas: export deals/team and report csv put a
// quote before cells that start with = + - @ TAB CR; --raw and JSON do
// not; amounts stay numbers.
func TestExportNeutralizesFormulas(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "deals", "--file", e.file("d.csv", hostileDeals))

	deals := e.must(ExportCmd, "deals").stdout
	for _, want := range []string{
		`"'=HYPERLINK(""http://evil"",""x"")"`, `'+cmd|`, `'@SUM(1)`, `,'=already quoted,`, `'-2+3`, "'\t tab",
		",100.00,", ",'=cmd,",
	} {
		if !strings.Contains(deals, want) {
			t.Errorf("export deals lacks %q:\n%s", want, deals)
		}
	}
	team := e.must(ExportCmd, "team").stdout
	if !strings.Contains(team, "\n'=cmd,") {
		t.Errorf("export team does not neutralize the name:\n%s", team)
	}
	rep := e.must(ReportCmd, "--by", "owner", "--format", "csv").stdout
	if !strings.Contains(rep, "\n'=cmd,") {
		t.Errorf("report csv does not neutralize the key:\n%s", rep)
	}

	raw := e.must(ExportCmd, "deals", "--raw").stdout
	if !strings.Contains(raw, `"=HYPERLINK(""http://evil`) || !strings.Contains(raw, ",=already quoted,") {
		t.Errorf("export --raw changed cells:\n%s", raw)
	}
	if r := e.must(ReportCmd, "--by", "owner", "--format", "csv", "--raw").stdout; !strings.Contains(r, "\n=cmd,") {
		t.Errorf("report --raw changed the key:\n%s", r)
	}
	js := e.must(ExportCmd, "deals", "--format", "json").stdout
	if !strings.Contains(js, `"account":"=HYPERLINK(`) || !strings.Contains(js, `"account":"=already quoted"`) {
		t.Errorf("JSON export is not verbatim:\n%s", js)
	}
}

// TestNeutralizedExportRoundTrips: export → import into a new database →
// export gives the same bytes, so the quote export adds is taken off again.
func TestNeutralizedExportRoundTrips(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "deals", "--file", e.file("d.csv", hostileDeals))
	team := e.must(ExportCmd, "team").stdout
	deals := e.must(ExportCmd, "deals").stdout

	fresh := filepath.Join(e.dir, "fresh.db")
	e.must(ImportCmd, "team", "--db", fresh, "--file", e.file("team.csv", team))
	e.must(ImportCmd, "deals", "--db", fresh, "--file", e.file("deals.csv", deals))
	if got := e.must(ExportCmd, "deals", "--db", fresh).stdout; got != deals {
		t.Errorf("deals changed on the round trip:\nfirst:\n%s\nsecond:\n%s", deals, got)
	}
	if got := e.must(ExportCmd, "team", "--db", fresh).stdout; got != team {
		t.Errorf("team changed on the round trip:\nfirst:\n%s\nsecond:\n%s", team, got)
	}

	// --raw on both sides round-trips too: the leading quote is data.
	raw := e.must(ExportCmd, "deals", "--raw").stdout
	rawDB := filepath.Join(e.dir, "raw.db")
	e.must(ImportCmd, "team", "--db", rawDB, "--file", e.file("team2.csv", team))
	e.must(ImportCmd, "deals", "--db", rawDB, "--raw", "--file", e.file("raw.csv", raw))
	if got := e.must(ExportCmd, "deals", "--db", rawDB, "--raw").stdout; got != raw {
		t.Errorf("raw deals changed on the round trip:\nfirst:\n%s\nsecond:\n%s", raw, got)
	}
}

// TestImportValidatesCells: import holds cells to the rules of slash
// commands, names the line and column, and writes nothing.
func TestImportValidatesCells(t *testing.T) {
	const header = "external_id,Company,amount,stage,owner,close_date,notes\n"
	ok := "X0,Fine,100,Proposal,alice,2026-12-01,\n"
	for _, tc := range []struct {
		name, row, want string
	}{
		{"invalid UTF-8", "X1,Ac\x81me,100,Proposal,alice,,\n", `line 3: error: column "Company" (account): the account is not valid UTF-8`},
		{"NUL byte", "X1,Acme,100,Proposal,al\x00ice,,\n", "line 3: error: column owner: the owner contains a control character (U+0000)"},
		{"40 KB account", "X1," + strings.Repeat("a", 40000) + ",100,Proposal,alice,,\n", `line 3: error: column "Company" (account): the account is too long (40000 characters): keep it under 200`},
		{"huge notes", "X1,Acme,100,Proposal,alice,," + strings.Repeat("n", 70000) + "\n", "line 3: error: column notes: the notes is too long (70000 characters): keep it under 16000"},
		{"year one", "X1,Acme,100,Proposal,alice,0001-01-01,\n", `line 3: error: close_date "0001-01-01" is not a date salesbot keeps: use a year from 1970 to 9999`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run(ImportCmd, "deals", "--map", "account=Company", "--file", e.file("d.csv", header+ok+tc.row))
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "nothing was imported") {
				t.Fatalf("want exit 1 and %q\n%.2000s", tc.want, r)
			}
			if n := e.countDeals(); n != 0 {
				t.Fatalf("%d deals written", n)
			}
		})
	}
}

// TestImportJSONUnknownKeys: keys that name no field are an error of
// their record, and a file of distinct keys costs linear memory (it used
// to make a rows × keys table: 2.4 MB took 4.4 GB).
func TestImportJSONUnknownKeys(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString(`[{"external_id":"X1","account":"Acme","amount":100}`)
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, `,{"k%d":"v"}`, i)
	}
	b.WriteString("]")
	r := e.run(ImportCmd, "deals", "--file", e.file("d.json", b.String()))
	want := `record 2: error: unknown key "k0" (known: external_id, id, account,`
	if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "nothing was imported") {
		t.Fatalf("want exit 1 and %q\n%.3000s", want, r)
	}
	if n := e.countDeals(); n != 0 {
		t.Fatalf("%d deals written", n)
	}
}

// TestImportClipsIgnoredColumns: a file of a million columns gets a
// short note, not a 10 MB line.
func TestImportClipsIgnoredColumns(t *testing.T) {
	e := newEnv(t)
	var head, row strings.Builder
	head.WriteString("external_id,account")
	row.WriteString("X1,Acme")
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&head, ",extra%d", i)
		row.WriteString(",")
	}
	r := e.must(ImportCmd, "deals", "--file", e.file("wide.csv", head.String()+"\n"+row.String()+"\n"))
	if len(r.stderr) > 2000 || !strings.Contains(r.stderr, "extra0, extra1") || !strings.Contains(r.stderr, "and 199980 more") {
		t.Fatalf("note is %d bytes:\n%.3000s", len(r.stderr), r.stderr)
	}
}
