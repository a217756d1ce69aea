package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// reportRows reads `report --format csv` into key → column → value.
func reportRows(t *testing.T, e *env, args ...string) map[string]map[string]string {
	t.Helper()
	out := e.must(ReportCmd, append([]string{"--by", "owner", "--format", "csv"}, args...)...).stdout
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]map[string]string{}
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows[r[0]] = m
	}
	return rows
}

// A won or lost row with nothing saying when it closed is imported closed
// but counts in no period: not in this month's report, win rate or
// attainment, nor in the digest's wins, however often it is imported or
// edited; a dated win of this month still counts (issue 12).
func TestImportCloseUnknownCountsInNoPeriod(t *testing.T) {
	now := time.Now().UTC()
	today, month := now.Format("2006-01-02"), now.Format("2006-01")
	lastYear := now.AddDate(-1, 0, 0).Format("2006-01-02")
	files := map[string]string{
		"salesbot columns": "account,amount,stage,owner,created,close_date\n" +
			"Acme,5000,Won,alice,,\n" +
			"Delta,7000,Won,bob,,\n" +
			"Older,6000,Won,bob," + lastYear + ",\n" + // created, but closed nobody knows when
			"Beta,3000,Lost,bob,,\n" +
			"Gamma,2000,Proposal,alice,,\n" +
			"Echo,4000,Won,alice,," + today + "\n",
		"hubspot": "Deal Name,Pipeline,Deal Stage,Amount,Close Date,Create Date,Deal owner\n" +
			"Acme,Sales Pipeline,Closed Won,5000,,,alice\n" +
			"Delta,Sales Pipeline,Closed Won,7000,,,bob\n" +
			"Older,Sales Pipeline,Closed Won,6000,," + lastYear + ",bob\n" +
			"Beta,Sales Pipeline,Closed Lost,3000,,,bob\n" +
			"Gamma,Sales Pipeline,Presentation Scheduled,2000,,,alice\n" +
			"Echo,Sales Pipeline,Closed Won,4000," + today + ",,alice\n",
	}
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			path := e.file("deals.csv", file)
			if r := e.must(ImportCmd, "deals", "--file", path, "--dry-run"); !strings.Contains(r.stdout, "3 won rows and 1 lost row have no date of their close: would be imported as won and lost") {
				t.Errorf("the dry run does not say which rows would count in no period:\n%s", r)
			}
			r := e.must(ImportCmd, "deals", "--file", path)
			if !strings.Contains(r.stdout, "3 won rows and 1 lost row have no date of their close: imported as won and lost, counted in no period") {
				t.Errorf("the import does not say which rows count in no period:\n%s", r)
			}
			e.must(ImportCmd, "quotas", "--file", e.file("q.csv", fmt.Sprintf("scope,subject,period,amount\nrep,alice,%s,10000\nrep,bob,%s,10000\n", month, month)))

			check := func(when string) {
				t.Helper()
				rows := reportRows(t, e, "--from", month+"-01", "--to", today)
				if a, b := rows["alice"], rows["bob"]; a["won"] != "1" || a["won_value"] != "4000.00" || b["won"] != "0" || b["lost"] != "0" || b["won_value"] != "0.00" {
					t.Errorf("%s: this month's report: alice %v, bob %v; want alice's dated win only", when, a, b)
				}
				// All time holds every close, dated or not; the sales cycle
				// leaves the undated ones out and says so.
				rows = reportRows(t, e)
				if a, b := rows["alice"], rows["bob"]; a["won"] != "2" || a["won_value"] != "9000.00" || b["won"] != "2" || b["lost"] != "1" || b["won_value"] != "13000.00" {
					t.Errorf("%s: the all-time report: alice %v, bob %v; want every close", when, a, b)
				}
				if out := e.must(ReportCmd).stdout; !strings.Contains(out, "no close date on") {
					t.Errorf("%s: the all-time report does not say the undated wins are out of the sales cycle:\n%s", when, out)
				}
				d := buildDigest(t, e)
				for _, rep := range d.Reps {
					want := map[string]sales.Money{"alice": 400000, "bob": 0}[rep.Name]
					if rep.Progress.Won != want || rep.WonCount != map[string]int64{"alice": 1, "bob": 0}[rep.Name] {
						t.Errorf("%s: %s's attainment counts won %v in %d deals, want %v", when, rep.Name, rep.Progress.Won, rep.WonCount, want)
					}
				}
				for _, m := range append(d.Moved.Won, d.Moved.Lost...) {
					if m.Account != "Echo" {
						t.Errorf("%s: the digest lists %s as won or lost since the last digest", when, m.Account)
					}
				}
				if d.Moved.NewCount != 0 {
					t.Errorf("%s: the digest lists %d new deals", when, d.Moved.NewCount)
				}
				recs, err := csv.NewReader(strings.NewReader(e.must(ExportCmd, "deals").stdout)).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range recs[1:] { // account 2, close_date 9, closed 12, stage_entered 13
					if undated := r[2] != "Echo" && r[2] != "Gamma"; undated && r[9]+r[12]+r[13] != "" {
						t.Errorf("%s: the export dates %s, which closed nobody knows when: %q", when, r[2], r)
					}
				}
			}
			check("after the import")
			if r := e.must(ImportCmd, "deals", "--file", path); !strings.Contains(r.stdout, ": 0 new, 0 updated") {
				t.Errorf("second import:\n%s", r)
			}
			check("after a second import")

			// An edit that leaves the stage keeps it in no period; a close
			// date places it.
			db, done := e.open(e.db)
			ctx := context.Background()
			deals, err := db.FindDeals(ctx, sales.DealFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range deals {
				switch d.Account {
				case "Delta":
					if _, err := db.UpdateDeal(ctx, d.ID, 0, func(x *sales.Deal) error { x.Amount += 100; return nil }); err != nil {
						t.Fatal(err)
					}
				case "Acme":
					if _, err := db.UpdateDeal(ctx, d.ID, 0, func(x *sales.Deal) error {
						x.CloseDate = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				}
			}
			done()
			rows := reportRows(t, e, "--from", month+"-01", "--to", today)
			if a, b := rows["alice"], rows["bob"]; a["won"] != "2" || a["won_value"] != "9000.00" || b["won"] != "0" {
				t.Errorf("after edits: alice %v, bob %v; want Acme placed by its close date, Delta still in no period", a, b)
			}
			e.must(CheckCmd, e.db)
		})
	}
}
