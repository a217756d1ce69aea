package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/transfer/transfertest"
)

// roundTrip exports every kind from the env's database, imports the files
// into a new one in order (team first: events and deals name people) and
// checks the second export is byte for byte the first, then that
// importing the same files again changes nothing.
func roundTrip(t *testing.T, e *env, format string) {
	t.Helper()
	kinds := []string{"team", "deals", "events", "quotas"}
	files := map[string]string{}
	first := map[string]string{}
	for _, k := range kinds {
		first[k] = e.must(ExportCmd, k, "--format", format).stdout
		files[k] = e.file("export_"+k+"."+format, first[k])
	}
	other := filepath.Join(e.dir, "other.db")
	for _, k := range kinds {
		if strings.Count(first[k], "\n") <= 1 {
			continue // nothing of this kind
		}
		e.must(ImportCmd, k, "--file", files[k], "--db", other)
	}
	for _, k := range kinds {
		if got := e.must(ExportCmd, k, "--format", format, "--db", other).stdout; got != first[k] {
			a, b := strings.Split(first[k], "\n"), strings.Split(got, "\n")
			for i := range min(len(a), len(b)) {
				if a[i] != b[i] {
					t.Errorf("%s %s: export → import → export differs at line %d (%d and %d lines):\n%s\n%s", format, k, i+1, len(a), len(b), a[i], b[i])
					break
				}
			}
		}
	}
	e.must(CheckCmd, other) // indexes agree with the events written
	for _, k := range []string{"deals", "events"} {
		r := e.must(ImportCmd, k, "--file", files[k], "--db", other)
		if !strings.Contains(r.stdout, ": 0 new, 0 updated") {
			t.Errorf("re-import of %s: %s", k, r)
		}
	}
}

// Export → import → export is byte-identical, events included (issue 12):
// for a seeded database with stage history, and for one filled from every
// CRM preset (whose time columns made history).
func TestExportImportExportIdentical(t *testing.T) {
	t.Run("seeded", func(t *testing.T) {
		e := newEnv(t)
		e.must(SeedCmd, "--deals", "200", "--reps", "6")
		roundTrip(t, e, "csv")
		roundTrip(t, e, "json")
	})
	t.Run("forecast and next steps", func(t *testing.T) {
		e := newEnv(t)
		e.must(ImportCmd, "deals", "--file", e.file("d.csv", "external_id,account,stage,amount,forecast,next_step,next_due\n"+
			"X1,Acme,Proposal,5000,commit,\"send the proposal, then call\",2030-01-10\nX2,Globex,Qualified,7000,,,\n"))
		out := e.must(ExportCmd, "deals").stdout
		if !strings.Contains(out, `,commit,"send the proposal, then call",2030-01-10`) {
			t.Fatalf("export lacks the forecast and next step:\n%s", out)
		}
		roundTrip(t, e, "csv")
		roundTrip(t, e, "json")
	})
	t.Run("presets", func(t *testing.T) {
		e := newEnv(t)
		// One seed: Pipedrive's rows then have Salesforce's identities, so
		// the later file updates those deals and history has update events.
		for _, s := range transfertest.All(5, 80, "USD") {
			e.must(ImportCmd, "deals", "--file", e.file(s.Preset+".csv", string(s.Data)))
		}
		if ev := e.must(ExportCmd, "events").stdout; !strings.Contains(ev, ",stage,") {
			t.Fatalf("the presets' time columns made no stage history:\n%.400s", ev)
		}
		roundTrip(t, e, "csv")
	})
}

// A second import of an events file changes nothing; an events file that
// names a deal the database lacks is refused naming the line.
func TestImportEventsErrors(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "deals", "--file", e.file("d.csv", "external_id,account,stage\nX1,Acme,Proposal\n"))
	for _, tc := range []struct{ csv, want string }{
		{"id,deal,at,actor,actor_slack_id,field,from,to\n1,D-1,2026-01-02T10:00:00Z,,,stage,Prospecting,Proposal\n2,D-9,2026-01-03T10:00:00Z,,,stage,Proposal,Won\n", `line 3: error: deal D-9 does not exist`},
		{"id,deal,at,actor,actor_slack_id,field,from,to\n1,D-1,someday,,,stage,Prospecting,Proposal\n", `line 2: error: at`},
		{"id,deal,at,actor,actor_slack_id,field,from,to\n1,D-1,2026-01-02T10:00:00Z,nobody,,stage,Prospecting,Proposal\n", `actor "nobody" is not a known person`},
	} {
		r := e.run(ImportCmd, "events", "--file", e.file("ev.csv", tc.csv))
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "nothing was imported") {
			t.Errorf("%q: want %q\n%s", tc.csv, tc.want, r)
		}
	}
	if ev := e.must(ExportCmd, "events").stdout; strings.Count(ev, "\n") != 2 {
		t.Errorf("refused files wrote events:\n%s", ev)
	}
}

// A forecast or next-step column with a bad value is refused naming the
// line, and nothing is written.
func TestImportForecastAndNextStepErrors(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ csv, want string }{
		{"external_id,account,stage,forecast\nX1,Acme,Proposal,maybe\n", `forecast category "maybe" is not valid`},
		{"external_id,account,stage,next_step,next_due\nX1,Acme,Proposal,,2030-01-10\n", "next_due 2030-01-10 is set but next_step is empty"},
		{"external_id,account,stage,next_step,next_due\nX1,Acme,Proposal,call,soon\n", `next_due "soon" is not a date`},
	} {
		r := e.run(ImportCmd, "deals", "--file", e.file("d.csv", tc.csv))
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: want %q\n%s", tc.csv, tc.want, r)
		}
	}
	if out := e.must(ExportCmd, "deals").stdout; strings.Count(out, "\n") != 1 {
		t.Errorf("refused files wrote deals:\n%s", out)
	}
}
