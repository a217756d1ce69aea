package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer/transfertest"
)

// Each CRM's sample export imports with no flags and gives the counts, won
// amounts and owners the generator wrote; importing it again changes
// nothing (issue 12).
func TestImportPresetsWithNoFlags(t *testing.T) {
	for _, s := range transfertest.All(11, 300, "USD") {
		t.Run(s.Preset, func(t *testing.T) {
			e := newEnv(t)
			f := e.file(s.Preset+".csv", string(s.Data))
			r := e.must(ImportCmd, "deals", "--file", f)
			for _, want := range []string{"reading a ", "columns: ", "stages:", "imported 300 deals: 300 new, 0 updated, 0 unchanged"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q\n%s", want, r)
				}
			}
			if strings.Contains(r.stderr, "\r") {
				t.Errorf("a progress bar was drawn on a non-terminal:\n%q", r.stderr)
			}
			got := storedTruth(t, e)
			want := s.Truth
			if got.Deals != want.Deals || got.Won != want.Won || got.Lost != want.Lost {
				t.Errorf("deals/won/lost = %d/%d/%d, want %d/%d/%d", got.Deals, got.Won, got.Lost, want.Deals, want.Won, want.Lost)
			}
			if got.WonAmount["USD"] != want.WonAmount["USD"] {
				t.Errorf("won amount %v, want %v", got.WonAmount, want.WonAmount)
			}
			if !maps.Equal(ownerNames(got.Owners), ownerNames(want.Owners)) {
				t.Errorf("owners %v, want %v", slices.Sorted(maps.Keys(got.Owners)), slices.Sorted(maps.Keys(want.Owners)))
			}

			r = e.must(ImportCmd, "deals", "--file", f)
			if !strings.Contains(r.stdout, "0 new, 0 updated, 300 unchanged") || strings.Contains(r.stdout, "added") {
				t.Errorf("second import:\n%s", r)
			}
		})
	}
}

// ownerNames spells every owner by name: a file may give one as a name on one
// row and an email on the next.
func ownerNames(owners map[string]bool) map[string]bool {
	out := map[string]bool{}
	for o := range owners {
		out[transfertest.NameOf(o)] = true
	}
	return out
}

// storedTruth reads the database the way transfertest.Truth counts a file.
func storedTruth(t *testing.T, e *env) transfertest.Truth {
	t.Helper()
	deals, stages, byID := storedDeals(t, e, e.db)
	got := transfertest.Truth{WonAmount: map[string]sales.Money{}, Owners: map[string]bool{}}
	for _, d := range deals {
		got.Deals++
		switch stages.Kind(d.Stage) {
		case sales.StageWon:
			got.Won++
			got.WonAmount["USD"] += d.Amount
		case sales.StageLost:
			got.Lost++
		}
		if p, ok := byID[d.Owner]; ok {
			if p.Email != "" { // NameOf spells it by name
				got.Owners[p.Email] = true
			} else {
				got.Owners[p.Name] = true
			}
		}
	}
	return got
}

// A file without an id column is keyed by its own fields (account, name,
// created date, owner): importing it again is 0 new, 0 updated, and a
// changed amount or stage updates the deal with an event.
func TestImportStableKeyWithoutIDs(t *testing.T) {
	e := newEnv(t)
	const head = `"Opportunity Owner","Account Name","Opportunity Name","Stage","Amount","Close Date","Created Date"` + "\n"
	first := head +
		`"Anna Snelling","Acme, Inc.","Acme - GTX","Prospecting","USD 1,200.00","3/31/2027","1/15/2027"` + "\n" +
		`"Zane Levy","Beta","Beta - MG","Needs Analysis","","4/1/2027","1/16/2027"` + "\n"
	f := e.file("sf.csv", first)
	e.must(ImportCmd, "deals", "--file", f)
	r := e.must(ImportCmd, "deals", "--file", f)
	if !strings.Contains(r.stdout, "imported 2 deals: 0 new, 0 updated, 2 unchanged") {
		t.Fatalf("second import:\n%s", r)
	}
	changed := strings.Replace(first, `"Prospecting","USD 1,200.00"`, `"Value Proposition","USD 1,500.00"`, 1)
	r = e.must(ImportCmd, "deals", "--file", e.file("sf2.csv", changed))
	if !strings.Contains(r.stdout, "imported 2 deals: 0 new, 1 updated, 1 unchanged") {
		t.Fatalf("changed import:\n%s", r)
	}
	ev := e.must(ExportCmd, "events").stdout
	for _, want := range []string{",amount,1200.00,1500.00", ",stage,Prospecting,Proposal"} {
		if !strings.Contains(ev, want) {
			t.Errorf("events lack %q:\n%s", want, ev)
		}
	}
	if n := e.countDeals(); n != 2 {
		t.Errorf("%d deals, want 2", n)
	}
}

// A plain spreadsheet without an id column gets the same stable key.
func TestImportPlainFileTwice(t *testing.T) {
	e := newEnv(t)
	f := e.file("plain.csv", "account,amount,stage,owner,created\nAcme,100,Proposal,alice,2026-01-02\nAcme,100,Proposal,alice,2026-01-02\nBeta,5,Qualified,bob,3 Feb 2026\n")
	e.must(ImportCmd, "deals", "--file", f)
	r := e.must(ImportCmd, "deals", "--file", f)
	if !strings.Contains(r.stdout, "imported 3 deals: 0 new, 0 updated, 3 unchanged") {
		t.Fatalf("second import:\n%s", r)
	}
	if n := e.countDeals(); n != 3 {
		t.Errorf("%d deals, want 3 (the same row twice is two deals)", n)
	}
}

// A CRM export without its signature columns (Maven's file without
// opportunity_id) is still read by the preset that knows its columns.
func TestImportGuessesPreset(t *testing.T) {
	e := newEnv(t)
	s := transfertest.Maven(4, 60, "USD")
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(s.Data), "\n") {
		if _, rest, ok := strings.Cut(line, ","); ok {
			b.WriteString(rest) // drop opportunity_id (never quoted)
		}
	}
	r := e.must(ImportCmd, "deals", "--file", e.file("maven.csv", b.String()))
	if !strings.Contains(r.stdout, "Maven") || !strings.Contains(r.stdout, "no opportunity_id") || !strings.Contains(r.stdout, "imported 60 deals: 60 new") {
		t.Fatalf("%s", r)
	}
	if got := storedTruth(t, e); got.Won != s.Truth.Won || got.WonAmount["USD"] != s.Truth.WonAmount["USD"] {
		t.Errorf("won %d %v, want %d %v", got.Won, got.WonAmount, s.Truth.Won, s.Truth.WonAmount)
	}
	if r := e.must(ImportCmd, "deals", "--file", e.file("maven.csv", b.String())); !strings.Contains(r.stdout, "0 new, 0 updated") {
		t.Errorf("re-import: %s", r)
	}
}
