package main

import "testing"

// A closed deal counts in the period of the day it closed, as one closed
// in Slack does (its close date becomes that day). Pipedrive keeps the
// expected close date a rep planned beside the won and lost times: a deal
// won on 20 November with a December close date is November's win.
func TestImportClosedDealCountsOnTheDayItClosed(t *testing.T) {
	e := newEnv(t)
	file := "ID,Title,Owner,Value,Currency,Stage,Status,Deal created,Won time,Lost time,Expected close date\n" +
		"1,Acme deal,alice,12000,USD,Proposal Made,won,2026-10-01 10:00:00,2026-11-20 09:00:00,,2026-12-05\n" +
		"2,Beta deal,alice,3000,USD,Contact Made,lost,2026-09-01 10:00:00,,2026-10-30 12:00:00,2026-11-15\n" +
		"3,Gamma deal,alice,5000,USD,Qualified,open,2026-11-02 10:00:00,,,2026-12-20\n"
	e.must(ImportCmd, "deals", "--file", e.file("pipedrive.csv", file))
	for _, tc := range []struct {
		period, won, lost, wonValue, cycle string
	}{
		{"2026-11", "1", "0", "12000.00", "50"},
		{"2026-12", "0", "0", "0.00", ""},
		{"2026-10", "0", "1", "0.00", ""},
	} {
		a := reportRows(t, e, "--period", tc.period)["alice"]
		if a["won"] != tc.won || a["lost"] != tc.lost || a["won_value"] != tc.wonValue || a["avg_cycle_days"] != tc.cycle {
			t.Errorf("%s: alice %v, want won %s, lost %s, won value %s, cycle %q", tc.period, a, tc.won, tc.lost, tc.wonValue, tc.cycle)
		}
	}
}
