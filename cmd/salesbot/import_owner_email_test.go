package main

import (
	"context"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// Owners given only by email (Pipedrive's "Deal - Owner") are the team
// file's person with that email; one nobody has is added with a name read
// from the email and the email kept, so the Slack user with that email is
// linked to them on first use (issue 12).
func TestImportOwnerByEmail(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "team", "--file", e.file("team.csv",
		"name,email,manager\nAnna Snelling,anna.snelling@x.com,Dustin Brinkmann\nZane Levy,,\n"))
	const head = "Deal - Title,Deal - Value,Deal - Currency,Deal - Status,Deal - Stage,Deal - Owner\n"
	r := e.must(ImportCmd, "deals", "--file", e.file("pd.csv", head+
		"Acme,100,USD,won,Qualified,ANNA.SNELLING@x.com\n"+
		"Beta,200,USD,open,Qualified,moses.frase@x.com\n"+
		"Gamma,300,USD,open,Qualified,moses.frase@x.com\n"+
		"Delta,400,USD,open,Qualified,zane.levy@x.com\n"+ // "Zane Levy" is someone already
		"Eps,500,USD,open,Qualified,4711@x.com\n"))
	if !strings.Contains(r.stdout, "5 new") {
		t.Fatalf("import:\n%s", r)
	}

	db, done := e.open(e.db)
	defer done()
	ctx := context.Background()
	people, err := db.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]sales.Person{}
	for _, p := range people {
		byName[p.Name] = p
	}
	if len(people) != 6 {
		t.Errorf("%d people, want 6 (Anna, Dustin, Zane, Moses and two by email): %+v", len(people), people)
	}
	deals, err := db.FindDeals(ctx, sales.DealFilter{})
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]sales.PersonID{}
	for _, d := range deals {
		owner[d.Account] = d.Owner
	}
	want := map[string]string{"Acme": "Anna Snelling", "Beta": "Moses Frase", "Gamma": "Moses Frase", "Delta": "zane.levy@x.com", "Eps": "4711@x.com"}
	for acct, name := range want {
		p, ok := byName[name]
		if !ok || owner[acct] != p.ID {
			t.Errorf("%s: owner %v, want %q (%v)", acct, owner[acct], name, p.ID)
		}
	}
	if m := byName["Moses Frase"]; m.Email != "moses.frase@x.com" || m.SlackID != "" {
		t.Errorf("Moses Frase = %+v, want the email kept, not yet linked", m)
	}
	if byName["Zane Levy"].Email != "" {
		t.Errorf("Zane Levy took an email the file gave someone else's name to")
	}

	// First use in Slack by the user with that email links them.
	p, err := db.EnsurePerson(ctx, "U0MOSES", "moses", "Moses Frase", "moses.frase@x.com")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != byName["Moses Frase"].ID || p.Email != "moses.frase@x.com" {
		t.Errorf("first use made %+v, want person %v linked", p, byName["Moses Frase"].ID)
	}
}
