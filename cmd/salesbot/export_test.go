package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// seeded returns an env whose database holds seeded data.
func seeded(t *testing.T, deals int) *env {
	t.Helper()
	e := newEnv(t)
	e.must(SeedCmd, "--deals", itoa(deals), "--reps", "6", "--seed", "3")
	return e
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestExportImportRoundTrip: what export writes, import reads back into
// a new database so that exporting again gives the same bytes; and into
// the same database it changes nothing.
func TestExportImportRoundTrip(t *testing.T) {
	for _, format := range []string{"csv", "json"} {
		t.Run(format, func(t *testing.T) {
			e := seeded(t, 400)
			// A deal with awkward text survives too.
			e.must(ImportCmd, "deals", "--file", e.file("odd.csv",
				"external_id,account,amount,stage,owner,notes,lost_reason\n"+
					"ODD-1,\"Comma, \"\"Quote\"\" & <Angle>\",0.05,Lost,Zoë Ünicode,\" two\nlines \",\"too, expensive\"\n"))

			var exports = map[string]string{}
			for _, kind := range []string{"deals", "quotas", "team"} {
				exports[kind] = e.must(ExportCmd, kind, "--format", format).stdout
			}
			if strings.Count(exports["deals"], "\n") < 400 {
				t.Fatalf("export is too short:\n%.500s", exports["deals"])
			}
			if format == "json" {
				var v []map[string]any
				if err := json.Unmarshal([]byte(exports["deals"]), &v); err != nil || len(v) != 401 {
					t.Fatalf("export is not a JSON array of 401 deals: %v", err)
				}
			}

			// Into the same database: nothing changes.
			r := e.must(ImportCmd, "deals", "--file", e.file("same."+format, exports["deals"]))
			if !strings.Contains(r.stdout, "0 new, 0 updated, 401 unchanged") {
				t.Errorf("re-import into the same database: %s", r)
			}

			// Into a new database: team, then quotas and deals.
			fresh := filepath.Join(e.dir, "fresh.db")
			for _, kind := range []string{"team", "quotas", "deals"} {
				e.must(ImportCmd, kind, "--db", fresh, "--file", e.file(kind+"."+format, exports[kind]))
			}
			for _, kind := range []string{"deals", "quotas", "team"} {
				again := e.must(ExportCmd, kind, "--db", fresh, "--format", format).stdout
				if again != exports[kind] {
					t.Errorf("%s: export → import → export differs:\n%s", kind, firstDiff(exports[kind], again))
				}
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths " + itoa(len(al)) + " vs " + itoa(len(bl))
}

func TestExportEvents(t *testing.T) {
	e := seeded(t, 50)
	r := e.must(ExportCmd, "events")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != "id,deal,at,actor,actor_slack_id,field,from,to" || len(lines) < 50 {
		t.Fatalf("events export:\n%.400s", r.stdout)
	}
	if !strings.Contains(r.stdout, ",stage,Prospecting,") || !strings.Contains(r.stdout, ",created,") {
		t.Errorf("events lack stage history:\n%.800s", r.stdout)
	}
}

func TestExportErrors(t *testing.T) {
	e := newEnv(t)
	if r := e.run(ExportCmd); r.code != 1 || !strings.Contains(r.stderr, "does not exist") {
		t.Errorf("export of a missing database: %s", r)
	}
	for _, args := range [][]string{{"widgets"}, {"deals", "--format", "xml"}, {"deals", "quotas"}} {
		if r := e.run(ExportCmd, args...); r.code != 2 {
			t.Errorf("%v: %s", args, r)
		}
	}
}

// TestImportAnotherSalesbotsExport: deal ids in a file from another
// database name other deals here; they must not overwrite them.
func TestImportAnotherSalesbotsExport(t *testing.T) {
	e := seeded(t, 20) // D-1 … D-20 here
	before := e.must(ExportCmd, "deals").stdout
	other := filepath.Join(e.dir, "other.db")
	e.must(SeedCmd, "--deals", "30", "--reps", "4", "--seed", "99", "--db", other)
	theirs := e.must(ExportCmd, "deals", "--db", other).stdout

	r := e.must(ImportCmd, "deals", "--file", e.file("theirs.csv", theirs))
	if !strings.Contains(r.stdout, "imported 30 deals: 30 new") {
		t.Fatalf("%s", r)
	}
	after := e.must(ExportCmd, "deals").stdout
	if !strings.HasPrefix(after, before) {
		t.Errorf("our deals changed:\n%s", firstDiff(before, after[:len(before)]))
	}
	if n := e.countDeals(); n != 50 {
		t.Errorf("%d deals, want 50", n)
	}
	// Their ids became external ids here: importing the file again
	// updates those copies and still leaves ours alone.
	r = e.must(ImportCmd, "deals", "--file", e.file("theirs.csv", theirs))
	if !strings.Contains(r.stdout, "0 new, 0 updated, 30 unchanged") {
		t.Errorf("second import: %s", r)
	}
	if again := e.must(ExportCmd, "deals").stdout; again != after {
		t.Errorf("the second import changed something:\n%s", firstDiff(after, again))
	}
}
