package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// reportFixture holds hand-computable deals:
//
//	alice: won 1000.00 (10 days), 2000.00 (20 days), 4000.01 (31 days);
//	       lost 500.00; open 5000.00 (Proposal) and one without amount.
//	bob:   open 300.00.
func reportFixture(t *testing.T) *env {
	e := newEnv(t)
	e.must(ImportCmd, "deals", "--file", e.file("deals.csv", `id,owner,account,amount,stage,created,closed
W1,alice,A,1000,Won,2026-01-01,2026-01-11
W2,alice,B,2000,Won,2026-02-01,2026-02-21
W3,alice,C,4000.01,Won,2026-03-01,2026-04-01
L1,alice,D,500,Lost,2026-03-01,2026-03-05
O1,alice,E,5000,Proposal,2026-01-15,
O2,alice,F,,Prospecting,2026-06-01,
O3,bob,G,300,Qualified,2026-01-20,
`))
	return e
}

// Hand-computed metrics for alice over all time.
var (
	aliceWinRate  = 3.0 / 4
	aliceAvgDeal  = (1000.00 + 2000.00 + 4000.01) / 3
	aliceCycle    = (10.0 + 20 + 31) / 3
	aliceVelocity = 2 * aliceAvgDeal * aliceWinRate / aliceCycle
)

func TestReportCSV(t *testing.T) {
	e := reportFixture(t)
	r := e.must(ReportCmd, "--by", "owner", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "key,open,won,lost,win_rate,avg_deal_size,avg_cycle_days,velocity,pipeline_value,won_value,calls,meetings,emails,activities,activities_per_won" {
		t.Fatalf("header %s", got)
	}
	if len(recs) != 3 || recs[1][0] != "alice" || recs[2][0] != "bob" {
		t.Fatalf("rows:\n%s", r.stdout)
	}
	alice, bob := recs[1], recs[2]
	if strings.Join(alice[1:4], ",") != "2,3,1" || alice[8] != "5000.00" || alice[9] != "7000.01" {
		t.Errorf("alice counts and money: %v", alice)
	}
	for i, want := range map[int]float64{4: aliceWinRate, 5: aliceAvgDeal, 6: aliceCycle, 7: aliceVelocity} {
		checkFull(t, recs[0][i], alice[i], want)
	}
	// bob has nothing closed: rates and averages are n/a, empty in CSV.
	if got := strings.Join(bob, ","); got != "bob,1,0,0,,,,,300.00,0.00,0,0,0,0," {
		t.Errorf("bob = %s", got)
	}
}

// checkFull checks a value is printed at full precision: it parses back
// to the hand-computed value and carries at least 7 significant digits
// unless it is exact in fewer.
func checkFull(t *testing.T, name, s string, want float64) {
	t.Helper()
	got, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Errorf("%s = %q: %v", name, s, err)
		return
	}
	if math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("%s = %s, want %v", name, s, want)
	}
	digits := strings.TrimLeft(strings.ReplaceAll(s, ".", ""), "0")
	if short := strconv.FormatFloat(want, 'g', 6, 64); len(digits) < 7 && mustParse(short) != want {
		t.Errorf("%s = %s has only %d significant digits", name, s, len(digits))
	}
}

func mustParse(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func TestReportJSON(t *testing.T) {
	e := reportFixture(t)
	r := e.must(ReportCmd, "--by", "owner", "--format", "json")
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.UseNumber()
	var rows []map[string]any
	if err := dec.Decode(&rows); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(rows) != 2 {
		t.Fatalf("rows: %s", r.stdout)
	}
	// Field order is the spec's, in every object.
	for _, obj := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasPrefix(obj, "{") {
			continue
		}
		last := -1
		for _, k := range ReportColumns {
			i := strings.Index(obj, `"`+k+`":`)
			if i <= last {
				t.Fatalf("field %s out of order in %s", k, obj)
			}
			last = i
		}
	}
	alice, bob := rows[0], rows[1]
	if alice["key"] != "alice" || alice["open"] != json.Number("2") || alice["won_value"] != json.Number("7000.01") {
		t.Errorf("alice = %v", alice)
	}
	for k, want := range map[string]float64{"win_rate": aliceWinRate, "avg_deal_size": aliceAvgDeal, "avg_cycle_days": aliceCycle, "velocity": aliceVelocity} {
		checkFull(t, k, string(alice[k].(json.Number)), want)
	}
	for _, k := range []string{"win_rate", "avg_deal_size", "avg_cycle_days", "velocity"} {
		if v, ok := bob[k]; !ok || v != nil {
			t.Errorf("bob %s = %v, want null", k, v)
		}
	}
}

func TestReportWindowAndGroupings(t *testing.T) {
	e := reportFixture(t)
	// February through March: W2 won, L1 lost; W3 closed on April 1st.
	// Open deals are those open at the end of March: O1, O3 and W3 (won
	// the day after), not O2 (created in June). Velocity 3 × 2000 × 0.5 / 20.
	r := e.must(ReportCmd, "--by", "all", "--from", "2026-02-01", "--to", "2026-03-31", "--format", "csv")
	want := "key,open,won,lost,win_rate,avg_deal_size,avg_cycle_days,velocity,pipeline_value,won_value,calls,meetings,emails,activities,activities_per_won\n" +
		"all,3,1,1,0.5,2000,20,150,9300.01,2000.00,0,0,0,0,0\n"
	if r.stdout != want {
		t.Errorf("windowed report:\n%s\nwant:\n%s", r.stdout, want)
	}
	r = e.must(ReportCmd, "--by", "stage", "--format", "csv")
	if !strings.HasPrefix(strings.Split(r.stdout, "\n")[1], "Prospecting,1,") || !strings.Contains(r.stdout, "\nWon,0,3,0,") {
		t.Errorf("by stage:\n%s", r.stdout)
	}
	r = e.must(ReportCmd, "--by", "territory", "--format", "csv")
	if !strings.Contains(r.stdout, "(none),3,3,1,") {
		t.Errorf("by territory:\n%s", r.stdout)
	}
	// Nobody manages anyone: no manager rows.
	if r = e.must(ReportCmd, "--by", "manager", "--format", "csv"); strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("by manager:\n%s", r.stdout)
	}
	r = e.must(ReportCmd, "--by", "owner")
	for _, s := range []string{"Owner", "Win rate", "alice", "75%", "n/a", "Total", "$5k"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("table lacks %q:\n%s", s, r.stdout)
		}
	}
	r = e.must(ReportCmd, "--by", "owner", "--period", "2026-Q1", "--format", "csv")
	if !strings.Contains(r.stdout, "\nalice,2,2,1,") {
		t.Errorf("Q1 report:\n%s", r.stdout)
	}
	r = e.must(ReportCmd, "--by", "stage", "--period", "2026-Q1")
	for _, s := range []string{"Open deals and pipeline as of ", "(the window's end)", "(stage unknown)",
		"Note: (stage unknown): 1 open deal at the window's end closed later with no stage history"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("Q1 by stage lacks %q:\n%s", s, r.stdout)
		}
	}
	if won := lineOf(r.stdout, "Won "); !strings.Contains(won, "n/a") || strings.Contains(won, "100%") {
		t.Errorf("the Won row has a win rate: %s", won)
	}
}

func lineOf(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return l
		}
	}
	return ""
}

// A won deal with no created date is left out of the cycle and said so;
// an RFC 3339 --to is inclusive at that instant; a closed deal counts by
// its civil close day, in the window when the day starts inside it.
func TestReportCycleNotesAndInstantTo(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "deals", "--file", e.file("deals.csv", `id,owner,account,amount,stage,created,closed
W1,alice,A,1000,Won,2026-01-01T00:00:00Z,2026-01-11T10:00:00Z
W2,alice,B,2000,Won,,2026-01-21T10:00:00Z
O1,alice,C,500,Qualified,2026-01-11T05:00:00Z,
`))
	for _, tc := range []struct{ to, want string }{
		{"2026-01-10T23:59:59Z", "alice,1,0,0,,,,,1000.00,0.00"},  // W1 open at the end, O1 not yet created
		{"2026-01-11T00:00:00Z", "alice,0,1,0,1,1000,10,0,0.00,"}, // W1's close day starts inside: won
		{"2026-01-11T05:00:00Z", "alice,1,1,0,1,1000,10,100,500.00,"},
	} {
		r := e.must(ReportCmd, "--by", "owner", "--format", "csv", "--from", "2026-01-01", "--to", tc.to)
		if !strings.Contains(r.stdout, "\n"+tc.want) {
			t.Errorf("--to %s:\n%s\nwant %s", tc.to, r.stdout, tc.want)
		}
	}
	r := e.must(ReportCmd, "--by", "owner")
	if !strings.Contains(r.stdout, "Note: alice: sales cycle leaves out ") || !strings.Contains(r.stdout, "on 1 deal") {
		t.Errorf("no note on the undated win:\n%s", r.stdout)
	}
	r = e.must(ReportCmd, "--by", "owner", "--format", "csv")
	if !strings.Contains(r.stderr, "note: alice: sales cycle leaves out ") || strings.Contains(r.stdout, "note") {
		t.Errorf("csv note:\n%s\n%s", r.stdout, r.stderr)
	}
}
func TestReportUsageErrors(t *testing.T) {
	e := reportFixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--by", "colour"}, `--by "colour" is not valid`},
		{[]string{"--format", "xml"}, `--format "xml"`},
		{[]string{"--from", "yesterday-ish"}, `--from "yesterday-ish" is not a date`},
		{[]string{"--from", "2026-03-01", "--to", "2026-02-01"}, "is before --from"},
		{[]string{"--period", "2026-Q5"}, "period"},
		{[]string{"--period", "month", "--from", "2026-01-01"}, "not both"},
	} {
		r := e.run(ReportCmd, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: want exit 2 with %q\n%s", tc.args, tc.want, r)
		}
	}
	var buf bytes.Buffer
	buf.WriteString(e.run(ReportCmd, "-h").stdout)
	if !strings.Contains(buf.String(), "--by") && !strings.Contains(buf.String(), "-by") {
		t.Errorf("report -h:\n%s", buf.String())
	}
}

// Date-only data lands in the same quarter whatever SALESBOT_TIMEZONE is,
// at import and at report time (issue 9, item 8): a close date is a civil
// date, not the instant of midnight in the importing zone.
func TestDateOnlyQuartersInEveryZone(t *testing.T) {
	e := newEnv(t)
	t.Setenv("SALESBOT_TIMEZONE", "Asia/Kolkata")
	e.must(ImportCmd, "deals", "--file", e.file("deals.csv", `id,owner,account,amount,stage,created,close_date
E1,alice,A,100,Won,2016-12-01,2017-01-01
E2,alice,B,100,Won,2016-12-01,2017-03-31
E3,alice,C,100,Won,2016-12-01,2017-04-01
E4,bob,D,100,Won,2016-12-01,2017-06-30
E5,bob,E,100,Won,2016-12-01,2017-07-01
E6,bob,F,100,Lost,2016-12-01,2017-09-30
E7,bob,G,100,Won,2016-12-01,2017-10-01
E8,bob,H,100,Won,2016-12-01,2017-12-31
`))
	want := map[string]string{"2017-Q1": "2,0", "2017-Q2": "2,0", "2017-Q3": "1,1", "2017-Q4": "2,0"}
	for _, zone := range []string{"UTC", "America/Los_Angeles", "Asia/Kolkata"} {
		t.Setenv("SALESBOT_TIMEZONE", zone)
		for q, counts := range want {
			r := e.must(ReportCmd, "--period", q, "--format", "csv")
			recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
			if err != nil || len(recs) < 2 {
				t.Fatalf("%s %s: %v\n%s", zone, q, err, r.stdout)
			}
			won, lost := 0, 0
			for _, rec := range recs[1:] {
				w, _ := strconv.Atoi(rec[2])
				l, _ := strconv.Atoi(rec[3])
				won, lost = won+w, lost+l
			}
			if got := fmt.Sprintf("%d,%d", won, lost); got != counts {
				t.Errorf("%s %s: won,lost %s, want %s", zone, q, got, counts)
			}
		}
	}
}
