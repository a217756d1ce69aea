package main

import (
	"encoding/csv"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

// hubspotTruth is what must survive a trip through HubSpot's format:
// deal, won and lost counts, won amount per owner (by email) and the
// owners.
type hubspotTruth struct {
	deals, won, lost int
	wonBy            map[string]sales.Money
	owners           map[string]bool
}

func readHubSpotTruth(t *testing.T, e *env, path string) hubspotTruth {
	t.Helper()
	deals, stages, byID := storedDeals(t, e, path)
	h := hubspotTruth{wonBy: map[string]sales.Money{}, owners: map[string]bool{}}
	for _, d := range deals {
		h.deals++
		owner := transfer.HubSpotOwner(byID[d.Owner])
		h.owners[owner] = true
		switch stages.Kind(d.Stage) {
		case sales.StageWon:
			h.won++
			h.wonBy[owner] += d.Amount
		case sales.StageLost:
			h.lost++
		}
	}
	return h
}

// `export deals --preset hubspot` writes HubSpot's import columns and
// values, and salesbot reads the file back with no flags: same counts, won
// amounts and owners (issue 12, item 8).
func TestExportHubSpotPreset(t *testing.T) {
	e := newEnv(t)
	e.must(SeedCmd, "--deals", "200", "--reps", "6")
	out := e.must(ExportCmd, "deals", "--preset", "hubspot").stdout
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], transfer.HubSpotColumns) {
		t.Fatalf("header %q", rows[0])
	}
	hubspot := map[string]bool{"Appointment Scheduled": true, "Qualified To Buy": true, "Presentation Scheduled": true,
		"Decision Maker Bought-In": true, "Contract Sent": true, "Closed Won": true, "Closed Lost": true}
	for i, r := range rows[1:] {
		if r[0] == "" || r[1] != "Sales Pipeline" || !hubspot[r[2]] {
			t.Fatalf("row %d: name, pipeline or stage is not HubSpot's: %q", i+2, r)
		}
		for _, c := range []int{4, 5} {
			if r[c] != "" && len(r[c]) != len("2006-01-02") {
				t.Fatalf("row %d: date %q is not YYYY-MM-DD", i+2, r[c])
			}
		}
		if strings.ContainsAny(r[3], "$€, ") || !strings.Contains(r[6], "@") {
			t.Fatalf("row %d: amount %q or owner %q is not HubSpot's form", i+2, r[3], r[6])
		}
	}

	other := filepath.Join(e.dir, "other.db")
	r := e.must(ImportCmd, "deals", "--file", e.file("hubspot.csv", out), "--db", other)
	if !strings.Contains(r.stdout, "HubSpot") {
		t.Errorf("the file was not read as HubSpot's:\n%s", r)
	}
	want, got := readHubSpotTruth(t, e, e.db), readHubSpotTruth(t, e, other)
	if got.deals != want.deals || got.won != want.won || got.lost != want.lost {
		t.Errorf("deals/won/lost = %d/%d/%d, want %d/%d/%d", got.deals, got.won, got.lost, want.deals, want.won, want.lost)
	}
	if !maps.Equal(got.wonBy, want.wonBy) {
		t.Errorf("won by owner %v, want %v", got.wonBy, want.wonBy)
	}
	if !maps.Equal(got.owners, want.owners) {
		t.Errorf("owners %v, want %v", slices.Sorted(maps.Keys(got.owners)), slices.Sorted(maps.Keys(want.owners)))
	}
	if r := e.must(ImportCmd, "deals", "--file", e.file("hubspot.csv", out), "--db", other); !strings.Contains(r.stdout, " 0 new, 0 updated") {
		t.Errorf("second import of the HubSpot file:\n%s", r)
	}

	for _, args := range [][]string{{"deals", "--preset", "zoho"}, {"team", "--preset", "hubspot"}, {"deals", "--preset", "hubspot", "--format", "json"}} {
		if r := e.run(ExportCmd, args...); r.code == 0 || !strings.Contains(r.stderr, "--") {
			t.Errorf("%v: want a usage error\n%s", args, r)
		}
	}
}
