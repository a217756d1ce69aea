package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/transfer/transfertest"
)

// --dry-run prints the counts, the column and stage mapping and the first
// problems, and leaves the database file byte for byte as it was.
func TestImportDryRunWritesNothing(t *testing.T) {
	e := newEnv(t)
	s := transfertest.HubSpot(3, 50, "USD")
	f := e.file("hubspot.csv", string(s.Data))

	// On a database that does not exist yet, not even the file is made.
	r := e.must(ImportCmd, "deals", "--file", f, "--dry-run")
	for _, want := range []string{"columns: Record ID → external_id", "stages:", "dry run: would import 50 deals: 50 new, 0 updated, 0 unchanged", "dry run: nothing was written"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q\n%s", want, r)
		}
	}
	if _, err := os.Stat(e.db); !os.IsNotExist(err) {
		t.Fatalf("a dry run created %s (%v)", e.db, err)
	}

	e.must(ImportCmd, "deals", "--file", e.file("first.csv", string(transfertest.HubSpot(3, 20, "USD").Data)))
	before, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	exported := e.must(ExportCmd, "deals").stdout
	r = e.must(ImportCmd, "deals", "--file", f, "--dry-run")
	if !strings.Contains(r.stdout, "would import 50 deals: 30 new, 0 updated, 20 unchanged") {
		t.Errorf("dry run over 20 stored deals:\n%s", r)
	}
	bad := e.file("bad.csv", regexp.MustCompile(`,Closed Won,[0-9.]+,`).ReplaceAllString(string(s.Data), ",Closed Won,lots,"))
	r = e.run(ImportCmd, "deals", "--file", bad, "--dry-run")
	if r.code != 1 || !strings.Contains(r.stderr, "dry run:") || !regexp.MustCompile(`line \d+: error: column "Amount": amount "lots" is not a number`).MatchString(r.stderr) {
		t.Errorf("dry run of a bad file:\n%s", r)
	}
	after, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("a dry run changed the database file")
	}
	if got := e.must(ExportCmd, "deals").stdout; got != exported {
		t.Error("a dry run changed the deals")
	}
}
