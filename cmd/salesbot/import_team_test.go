package main

import (
	"context"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// Team files in the shapes CRMs and spreadsheets have import as they are
// (issue 12): managers named only in the manager column are created as
// managers, users exports with first and last names and CRM role titles
// are read, and the territory column sets territories.
func TestImportTeamShapes(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		want      map[string]string // name → "role/manager/territory/email"
		out       []string
	}{
		{
			name: "managers only in the manager column (Maven sales_teams.csv)",
			csv:  "sales_agent,manager,regional_office\nAnna Snelling,Dustin Brinkmann,Central\nCecily Lampkin,Dustin Brinkmann,Central\nDarcel Schlecht,Summer Sewald,West\n",
			want: map[string]string{
				"Anna Snelling": "rep/Dustin Brinkmann/Central/", "Darcel Schlecht": "rep/Summer Sewald/West/",
				"Dustin Brinkmann": "manager///", "Summer Sewald": "manager///",
			},
			out: []string{"imported 5 people: 5 new", "managers named only in the manager column, added as managers: Dustin Brinkmann, Summer Sewald"},
		},
		{
			name: "name,manager,territory with a listed manager",
			csv:  "name,manager,territory\nbob,alice,EMEA\nalice,,EMEA\ncarol,alice,APAC\n",
			want: map[string]string{"bob": "rep/alice/EMEA/", "alice": "manager//EMEA/", "carol": "rep/alice/APAC/"},
		},
		{
			name: "Salesforce users export",
			csv: "\"First Name\",\"Last Name\",\"Username\",\"Email\",\"Role\",\"Profile\",\"Manager\",\"Active\"\n" +
				"\"Vicki\",\"Laflamme\",\"vicki@acme.org.prod\",\"vicki@example.com\",\"VP, North American Sales\",\"System Administrator\",\"\",\"1\"\n" +
				"\"Moses\",\"Frase\",\"moses@acme.org.prod\",\"moses@example.com\",\"Western Sales Team\",\"Standard User\",\"Vicki Laflamme\",\"1\"\n",
			want: map[string]string{"Vicki Laflamme": "manager///vicki@example.com", "Moses Frase": "rep/Vicki Laflamme//moses@example.com"},
			out:  []string{`"VP, North American Sales" → manager`, `"Western Sales Team" → rep`},
		},
		{
			name: "HubSpot users export",
			csv: "User ID,First Name,Last Name,Email,Last Login,Teams,Role,Permissions\n" +
				"101,Zane,Levy,zane@example.com,2026-11-01,East,Sales Manager,Super Admin\n" +
				"102,Anna,Snelling,anna@example.com,,East,Sales Rep,Standard\n",
			want: map[string]string{"Zane Levy": "manager///zane@example.com", "Anna Snelling": "rep///anna@example.com"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			f := e.file("team.csv", tc.csv)
			r := e.must(ImportCmd, "team", "--file", f)
			for _, s := range tc.out {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q\n%s", s, r)
				}
			}
			if again := e.must(ImportCmd, "team", "--file", f); !strings.Contains(again.stdout, ": 0 new") {
				t.Errorf("second import:\n%s", again)
			}
			db, done := e.open(e.db)
			defer done()
			ctx := context.Background()
			people, _ := db.People(ctx)
			terrs, _ := db.Territories(ctx)
			byID := map[sales.PersonID]string{}
			for _, p := range people {
				byID[p.ID] = p.Name
			}
			tname := map[sales.TerritoryID]string{}
			for _, x := range terrs {
				tname[x.ID] = x.Name
			}
			got := map[string]string{}
			for _, p := range people {
				got[p.Name] = p.Role.String() + "/" + byID[p.Manager] + "/" + tname[p.Territory] + "/" + p.Email
			}
			for name, want := range tc.want {
				if got[name] != want {
					t.Errorf("%s = %q, want %q", name, got[name], want)
				}
			}
		})
	}
}

// A quota file naming someone unknown is refused with the closest name;
// --create-people adds them instead.
func TestImportQuotaCreatePeople(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "team", "--file", e.file("team.csv", "name\nalice\n"))
	q := e.file("q.csv", "scope,subject,period,amount\nrep,alcie,2026-12,50000\nrep,alice,2026-12,40000\n")
	r := e.run(ImportCmd, "quotas", "--file", q)
	if r.code != 1 || !strings.Contains(r.stderr, `(did you mean alice?)`) || !strings.Contains(r.stderr, "--create-people") {
		t.Fatalf("want a refusal with the closest name and the flag:\n%s", r)
	}
	r = e.must(ImportCmd, "quotas", "--file", q, "--create-people")
	if !strings.Contains(r.stdout, "imported 2 quotas") || !strings.Contains(r.stdout, "added 1 person") {
		t.Errorf("%s", r)
	}
	if team := e.must(ExportCmd, "team").stdout; !strings.Contains(team, "alcie") {
		t.Errorf("--create-people did not add alcie:\n%s", team)
	}
}
