package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func TestImportDeals(t *testing.T) {
	const header = "external_id,account,amount,stage,owner,close_date\n"
	for _, tc := range []struct {
		name  string
		csv   string
		args  []string
		code  int
		deals int      // deals stored afterwards
		out   []string // substrings of stdout
		err   []string // substrings of stderr
	}{
		{
			name:  "BOM, CRLF and quoted commas",
			csv:   "\ufeffexternal_id,account,amount,stage,owner,close_date\r\nX1,\"Acme, Inc.\",\"$12,000\",Proposal,alice,2026-12-01\r\nX2,\"Say \"\"hi\"\" Ltd\",12.5k,negotiation,bob,2026-12-02\r\n",
			deals: 2, out: []string{"imported 2 deals: 2 new", "added 2 people from the file's owners"},
		},
		{
			name:  "missing optional fields",
			csv:   "external_id,account,amount,stage,owner,created\nX1,,,Prospecting,alice,\nX2,Beta,,,alice,\n",
			deals: 2,
		},
		{
			name: "bad date",
			csv:  header + "X1,Acme,100,Proposal,alice,2026-12-01\nX2,Beta,100,Proposal,alice,soon\n",
			code: 1, err: []string{`line 3: error: close_date: "soon" is not a date`, "nothing was imported"},
		},
		{
			// Dates in any unambiguous form read without a flag; 31/12
			// makes the whole column day-first, so 3/4/2026 is 3 April.
			name:  "day-first dates decided by the column",
			csv:   header + "X1,Acme,100,Proposal,alice,31/12/2026\nX2,Beta,100,Proposal,alice,3/4/2026\n",
			deals: 2,
		},
		{
			name: "ambiguous dates",
			csv:  header + "X1,Acme,100,Proposal,alice,3/4/2026\nX2,Beta,100,Proposal,alice,5/6/2026\n",
			code: 1, err: []string{`could be March 4, 2026 (month first) or April 3, 2026 (day first)`, "--date-format 1/2/2006", "--date-format 2/1/2006"},
		},
		{
			name: "date format",
			csv:  header + "X1,Acme,100,Proposal,alice,31/12/2026\n",
			args: []string{"--date-format", "02/01/2006"}, deals: 1,
		},
		{
			name: "unknown stage",
			csv:  header + "X1,Acme,100,Closed Won,alice,\nX2,Beta,100,Demo,alice,\n",
			code: 1, err: []string{`line 2: error: unknown stage "Closed Won": use one of Prospecting, Qualified, Proposal, Negotiation, Won, Lost`, "--stage-map", `"Closed Won=Won,Demo=Prospecting"`},
		},
		{
			name: "stage map",
			csv:  header + "X1,Acme,100,Closed Won,alice,2026-11-02\nX2,Beta,100,demo,alice,\n",
			args: []string{"--stage-map", "Closed Won=Won,Demo=Proposal"}, deals: 2,
		},
		{
			name: "stage map to a stage that does not exist",
			csv:  header + "X1,Acme,100,Closed Won,alice,\n",
			args: []string{"--stage-map", "Closed Won=Victory"},
			code: 1, err: []string{`--stage-map sends "Closed Won" to "Victory", which is not a stage`},
		},
		{
			name: "duplicate ids",
			csv:  header + "X1,Acme,100,Proposal,alice,\nX2,Beta,100,Proposal,alice,\nX1,Gamma,100,Proposal,alice,\n",
			code: 1, err: []string{`line 4: error: external id "X1" is used again (first on line 2)`},
		},
		{
			name: "empty file",
			csv:  "",
			code: 1, err: []string{"empty"},
		},
		{
			name: "header only",
			csv:  header,
			code: 1, err: []string{"no rows"},
		},
		{
			name: "unquoted comma shifts the columns",
			csv:  header + "X1,Acme,12,000,Proposal,alice,\n",
			code: 1, err: []string{"line 2: error: 7 fields but the header has 6", "quoted"},
		},
		{
			name: "bad amount",
			csv:  header + "X1,Acme,12;000,Proposal,alice,\n",
			code: 1, err: []string{"line 2: error: amount '12;000' is not a number"},
		},
		{
			name: "negative amount",
			csv:  header + "X1,Acme,-5,Proposal,alice,\n",
			code: 1, err: []string{"negative"},
		},
		{
			name: "closed before created",
			csv:  "id,account,stage,created,closed\nX1,Acme,Won,2026-05-02,2026-05-01\n",
			code: 1, err: []string{"closed 2026-05-01 is before created 2026-05-02"},
		},
		{
			name: "closed on an open stage",
			csv:  "id,account,stage,closed\nX1,Acme,Proposal,2026-05-01\n",
			code: 1, err: []string{"stage Proposal is open"},
		},
		{
			name: "skip invalid",
			csv:  header + "X1,Acme,100,Proposal,alice,\nX2,Beta,oops,Proposal,alice,\nX3,Gamma,100,Nope,bob,\nX4,Delta,100,Won,carol,2026-11-01\n",
			args: []string{"--skip-invalid"}, deals: 2,
			out: []string{"imported 2 deals", "skipped 2 invalid lines"},
			err: []string{"line 3: skipped: amount 'oops'", `line 4: skipped: unknown stage "Nope"`},
		},
		{
			name:  "column mapping",
			csv:   "Deal ID,Company,Deal Value,Phase,Rep,Region,Expected Close\nA-1,Acme,5000,Qualified,alice,EMEA,2027-01-15\n",
			args:  []string{"--map", "external_id=Deal ID,account=Company,amount=Deal Value,stage=Phase,owner=Rep"},
			deals: 1, out: []string{"added 1 territory"}, err: []string{},
		},
		{
			name: "mapping to a missing column",
			csv:  header + "X1,Acme,100,Proposal,alice,\n",
			args: []string{"--map", "account=Company"},
			code: 2, err: []string{`the file has no column "company"`},
		},
		{
			name:  "unknown columns are named",
			csv:   "id,account,colour\nX1,Acme,blue\n",
			deals: 1, err: []string{"ignoring column(s) colour"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			f := e.file("deals.csv", tc.csv)
			r := e.run(ImportCmd, append([]string{"deals", "--file", f}, tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r)
			}
			for _, s := range tc.out {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q\n%s", s, r)
				}
			}
			for _, s := range tc.err {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q\n%s", s, r)
				}
			}
			if strings.Contains(r.stderr, "\r") {
				t.Errorf("a progress bar was drawn on a non-terminal:\n%q", r.stderr)
			}
			if n := e.countDeals(); n != tc.deals {
				t.Errorf("%d deals stored, want %d", n, tc.deals)
			}
		})
	}
}

func TestImportDealValues(t *testing.T) {
	e := newEnv(t)
	t.Setenv("SALESBOT_TIMEZONE", "Europe/Berlin")
	f := e.file("deals.csv", "external_id,account,amount,stage,owner,territory,product,close_date,created,closed,lost_reason,notes\r\n"+
		"X1,\"Acme, Inc.\",\"$12,000.50\",Won,Alice,EMEA,Growth,2026-11-20,2026-10-01T09:30:00Z,,,\"line one, still one\"\r\n"+
		"X2,Beta,1.2m,Lost,alice,EMEA,,,2026-09-01,2026-11-03,price,\r\n")
	e.must(ImportCmd, "deals", "--file", f)

	db, done := e.open(e.db)
	defer done()
	ctx := context.Background()
	d1, err := db.DealByExternalID(ctx, "X1")
	if err != nil {
		t.Fatal(err)
	}
	d2, err := db.DealByExternalID(ctx, "X2")
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if d1.Account != "Acme, Inc." || d1.Amount != 1200050 || d1.Product != "Growth" || d1.Notes != "line one, still one" {
		t.Errorf("deal 1 = %+v", d1)
	}
	if !d1.CloseDate.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("close date %v", d1.CloseDate)
	}
	// A won deal without a closed time closed on its close date, at
	// midnight in the team's zone.
	if !d1.ClosedAt.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, berlin)) {
		t.Errorf("closed %v", d1.ClosedAt)
	}
	if !d2.ClosedAt.Equal(time.Date(2026, 11, 3, 0, 0, 0, 0, berlin)) || d2.LostReason != "price" || d2.Amount != 120000000 {
		t.Errorf("deal 2 = %+v", d2)
	}
	// "Alice" and "alice" are one unlinked person; EMEA one territory.
	if d1.Owner != d2.Owner || d1.Territory != d2.Territory || d1.Owner == 0 || d1.Territory == 0 {
		t.Errorf("owners %v/%v territories %v/%v", d1.Owner, d2.Owner, d1.Territory, d2.Territory)
	}
	p, err := db.Person(ctx, d1.Owner)
	if err != nil || p.SlackID != "" || p.Role != sales.RoleRep {
		t.Errorf("owner %+v, %v: want an unlinked rep", p, err)
	}
}

func TestImportTwiceDoesNotDuplicate(t *testing.T) {
	e := newEnv(t)
	content := "external_id,account,amount,stage,owner\nX1,Acme,100,Proposal,alice\nX2,Beta,200,Qualified,bob\n"
	f := e.file("deals.csv", content)
	e.must(ImportCmd, "deals", "--file", f)
	r := e.must(ImportCmd, "deals", "--file", f)
	if !strings.Contains(r.stdout, "0 new, 0 updated, 2 unchanged") {
		t.Errorf("second import: %s", r)
	}
	if strings.Contains(r.stdout, "people") {
		t.Errorf("second import added people again: %s", r)
	}
	f = e.file("deals2.csv", strings.Replace(content, "X2,Beta,200,Qualified", "X2,Beta,250,Proposal", 1))
	r = e.must(ImportCmd, "deals", "--file", f)
	if !strings.Contains(r.stdout, "0 new, 1 updated, 1 unchanged") {
		t.Errorf("changed import: %s", r)
	}
	if n := e.countDeals(); n != 2 {
		t.Fatalf("%d deals after three imports, want 2", n)
	}
	db, done := e.open(e.db)
	defer done()
	people, _ := db.People(context.Background())
	if len(people) != 2 {
		t.Errorf("%d people, want alice and bob", len(people))
	}
}

func TestImportManyErrorsShowsTwenty(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("id,account,amount\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "X%d,Acme,bad%d\n", i, i)
	}
	r := e.run(ImportCmd, "deals", "--file", e.file("bad.csv", b.String()))
	if r.code != 1 {
		t.Fatalf("%s", r)
	}
	if n := strings.Count(r.stderr, ": error: "); n != 20 {
		t.Errorf("%d errors shown, want 20\n%s", n, r.stderr)
	}
	if !strings.Contains(r.stderr, "… and 10 more") || !strings.Contains(r.stderr, "line 2: error") || !strings.Contains(r.stderr, "30 invalid lines") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestImportTeam(t *testing.T) {
	e := newEnv(t)
	// bob's manager alice is listed after him.
	f := e.file("team.csv", "name,slack_id,email,role,manager,territory\n"+
		"bob,U0BOB,bob@example.com,rep,alice,EMEA\n"+
		"alice,U0ALICE,alice@example.com,manager,,EMEA\n"+
		"erin,,erin@example.com,admin,,\n")
	r := e.must(ImportCmd, "team", "--file", f)
	if !strings.Contains(r.stdout, "imported 3 people: 3 new") {
		t.Errorf("%s", r)
	}
	r = e.must(ImportCmd, "team", "--file", f)
	if !strings.Contains(r.stdout, "0 new") {
		t.Errorf("re-import: %s", r)
	}
	db, done := e.open(e.db)
	ctx := context.Background()
	bob, err := db.PersonBySlackID(ctx, "U0BOB")
	if err != nil {
		t.Fatal(err)
	}
	alice, err := db.PersonBySlackID(ctx, "U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if bob.Manager != alice.ID || alice.Role != sales.RoleManager || bob.Territory == 0 || bob.Territory != alice.Territory {
		t.Errorf("bob %+v alice %+v", bob, alice)
	}
	people, _ := db.People(ctx)
	if len(people) != 3 {
		t.Errorf("%d people after two imports, want 3", len(people))
	}
	done()

	// Deals by those owners link to the same people.
	e.must(ImportCmd, "deals", "--file", e.file("d.csv", "id,account,owner\nX1,Acme,Bob\nX2,Beta,U0ALICE\n"))
	db, done = e.open(e.db)
	defer done()
	people, _ = db.People(ctx)
	if len(people) != 3 {
		t.Errorf("deal import added people: %+v", people)
	}

	for _, tc := range []struct{ csv, want string }{
		{"name,slack_id\nzed,<@U1>\n", "is not a Slack user ID"},
		{"name\nzed\nZed\n", "appears twice"},
		{"name,role\n,rep\n", "every person needs a name"},
		{"name,manager\nzed,zed\n", "cannot be their own manager"},
	} {
		done()
		r := e.run(ImportCmd, "team", "--file", e.file("bad.csv", tc.csv))
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: want exit 1 with %q\n%s", tc.csv, tc.want, r)
		}
	}
}

func TestImportUsageErrors(t *testing.T) {
	e := newEnv(t)
	f := e.file("d.csv", "id\nX\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deals"}, "--file is required"},
		{[]string{"--file", f}, "name what to import"},
		{[]string{"widgets", "--file", f}, `cannot import "widgets"`},
		{[]string{"deals", "--file", f, "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"deals", "--file", f, "--map", "colour=id"}, `"colour" is not a deals field`},
		{[]string{"deals", "--file", f, "--map", "account"}, "key=value"},
		{[]string{"deals", "--file", f, "--date-format", "dd/mm/yyyy"}, "not a Go layout"},
	} {
		r := e.run(ImportCmd, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "Usage: salesbot import") {
			t.Errorf("%v: want exit 2 with %q and usage\n%s", tc.args, tc.want, r)
		}
	}
	if r := e.run(ImportCmd, "deals", "--file", e.dir+"/missing.csv"); r.code != 1 || !strings.Contains(r.stderr, "missing.csv") {
		t.Errorf("missing file: %s", r)
	}
}

func TestImportFromStdinAndJSON(t *testing.T) {
	e := newEnv(t)
	r := e.runIn(ImportCmd, "id,account,amount\nX1,Acme,100\n", "deals", "--file", "-")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	r = e.runIn(ImportCmd, `[{"external_id":"X2","account":"Beta","amount":2500.5,"stage":"Won","closed":"2026-11-02T10:00:00Z"}]`, "deals", "--file", "-")
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	db, done := e.open(e.db)
	defer done()
	d, err := db.DealByExternalID(context.Background(), "X2")
	if err != nil || d.Amount != 250050 {
		t.Fatalf("%+v %v", d, err)
	}
}

// TestImportLargeFile imports a generated 10 MB CSV in one transaction.
// Rows carry long multi-line notes, as CRM exports with deal descriptions
// do (about 17k rows).
func TestImportLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB import skipped in -short mode")
	}
	e := newEnv(t)
	path := e.dir + "/big.csv"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "external_id,account,amount,stage,owner,territory,product,close_date,created,notes\r\n")
	stages := []string{"Prospecting", "Qualified", "Proposal", "Negotiation", "Won", "Lost"}
	note := strings.Repeat("Discovery call went well, \"\"next steps\"\" agreed.\r\nBudget owner: CFO; ", 8)
	rows := 0
	var size int64
	for size < 10<<20 {
		n, _ := fmt.Fprintf(w, "CRM-%07d,\"Account %d, Ltd\",\"$%d,%03d.%02d\",%s,rep%d,Region %d,Product %d,2027-%02d-%02d,2026-%02d-%02dT10:00:00Z,\"%d: %s\"\r\n",
			rows, rows%5000, 1+rows%300, rows%1000, rows%100, stages[rows%6], rows%40, rows%6, rows%4, 1+rows%12, 1+rows%28, 1+rows%10, 1+rows%28, rows, note)
		size += int64(n)
		rows++
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	r := e.run(ImportCmd, "deals", "--file", path)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	t.Logf("imported %d rows (%d bytes) in %v", rows, size, time.Since(start))
	if !strings.Contains(r.stdout, fmt.Sprintf("imported %d deals: %d new", rows, rows)) {
		t.Errorf("%s", r)
	}
	if n := e.countDeals(); n != rows {
		t.Errorf("%d deals stored, want %d", n, rows)
	}
	db, done := e.open(e.db)
	defer done()
	d, err := db.DealByExternalID(context.Background(), "CRM-0000123")
	if err != nil || !strings.HasPrefix(d.Notes, "123: Discovery call went well, \"next steps\" agreed.\nBudget") || d.Account != "Account 123, Ltd" {
		t.Errorf("row 123 = %+v, %v", d, err)
	}
}

// A $0 quota is refused on import as /goal set refuses it, and the file
// changes nothing.
func TestImportQuotaRefusesZero(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "team", "--file", e.file("team.csv", "name,role\nalice,rep\n"))
	r := e.run(ImportCmd, "quotas", "--file", e.file("q.csv", "scope,subject,period,amount\nrep,alice,2026-12,50000\nrep,alice,2026-Q4,0\n"))
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "a quota must be more than zero") {
		t.Fatalf("want a refusal naming the rule: %s", r)
	}
	out := e.must(ExportCmd, "quotas")
	if strings.Contains(out.stdout, "2026-12") {
		t.Errorf("a refused file wrote a quota:\n%s", out.stdout)
	}
}

// A misspelt name in a quota file is refused with the near names; it
// never creates a person (issue 12).
func TestImportQuotaRefusesUnknownName(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "team", "--file", e.file("team.csv", "name,role\nalice,rep\n"))
	r := e.run(ImportCmd, "quotas", "--file", e.file("q.csv", "scope,subject,period,amount\nrep,alcie,2026-12,50000\n"))
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, `no one is called "alcie" (did you mean alice?)`) {
		t.Fatalf("want a refusal with a suggestion: %s", r)
	}
	team := e.must(ExportCmd, "team")
	if strings.Contains(team.stdout, "alcie") {
		t.Errorf("the misspelt name became a person:\n%s", team.stdout)
	}
	r = e.run(ImportCmd, "quotas", "--file", e.file("t.csv", "scope,subject,period,amount\nterritory,Atlantis,2026-12,50000\n"))
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, `there is no territory "Atlantis"`) {
		t.Fatalf("want a refusal for an unknown territory: %s", r)
	}
}
