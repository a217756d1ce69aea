package main

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The backtest's CSV has exactly the contract's columns, one row a past
// period, predicted from what was known on day N of it.
func TestForecastBacktestCSV(t *testing.T) {
	e := seeded(t, 2000)
	r := e.must(ForecastCmd, "--backtest", "--by", "month", "--from", "2026-06-15", "--to", "2026-09-30", "--as-of-day", "5", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], BacktestColumns) {
		t.Fatalf("header %v, want %v", recs[0], BacktestColumns)
	}
	want := [][2]string{{"2026-06", "2026-06-05"}, {"2026-07", "2026-07-05"}, {"2026-08", "2026-08-05"}, {"2026-09", "2026-09-05"}}
	if len(recs) != 1+len(want) {
		t.Fatalf("%d rows:\n%s", len(recs)-1, r.stdout)
	}
	for i, w := range want {
		if recs[i+1][0] != w[0] || recs[i+1][1] != w[1] {
			t.Errorf("row %d: %v, want period %s as of %s", i, recs[i+1], w[0], w[1])
		}
	}
}

// A forecast by manager has one row per manager with their quota and the
// terms; JSON numbers are numbers.
func TestForecastByManagerJSON(t *testing.T) {
	e := seeded(t, 2000)
	r := e.must(ForecastCmd, "--by", "manager", "--period", "quarter", "--format", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(rows) == 0 {
		t.Fatalf("no rows:\n%s", r.stdout)
	}
	for _, row := range rows {
		for _, k := range ForecastColumns {
			if _, ok := row[k]; !ok {
				t.Errorf("row %v has no %s", row["key"], k)
			}
		}
		if p, ok := row["predicted"].(float64); !ok || p < row["won_to_date"].(float64) {
			t.Errorf("row %v: projection %v below won to date %v", row["key"], row["predicted"], row["won_to_date"])
		}
	}
}

// Bad input says what was wrong and the right form, and reads nothing.
func TestForecastBadInput(t *testing.T) {
	e := seeded(t, 2000)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--backtest", "--by", "week"}, "use quarter or month"},
		{[]string{"--by", "rep"}, "use owner, manager, territory or all"},
		{[]string{"--backtest", "--by", "month", "--as-of-day", "40"}, "as-of day 40"},
		{[]string{"--backtest", "--to", "2999-01-01"}, "has not ended"},
		{[]string{"--backtest", "--period", "2026-Q1"}, "--backtest takes --from and --to"},
		{[]string{"--from", "2026-01-01"}, "are for --backtest"},
		{[]string{"--period", "someday"}, "--period"},
		{[]string{"--format", "xml"}, "use table, csv or json"},
	} {
		r := e.run(ForecastCmd, tc.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: want a refusal containing %q, got %s", tc.args, tc.want, r)
		}
	}
}
