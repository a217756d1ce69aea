package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func TestVerdict(t *testing.T) {
	some := sales.Some
	tests := []struct {
		name       string
		has        bool
		quota, won sales.Money
		pace, elap sales.Num
		phase      sales.Phase
		want       sales.PaceVerdict
	}{
		{"no quota", false, 0, 10, some(1), some(0.5), sales.PhaseCurrent, sales.PaceNoQuota},
		{"reached", true, 100, 100, some(2), some(0.5), sales.PhaseCurrent, sales.PaceQuotaReached},
		{"first days, nothing won", true, 100, 0, some(0), some(0.05), sales.PhaseCurrent, sales.PaceJustStarted},
		{"first days, a big win", true, 100, 20, some(4), some(0.05), sales.PhaseCurrent, sales.PaceJustStarted},
		{"no working day ended", true, 100, 0, sales.NumWhy("period just started"), some(0), sales.PhaseCurrent, sales.PaceJustStarted},
		{"exactly 10% ended", true, 100, 5, some(0.5), some(0.1), sales.PhaseCurrent, sales.PaceBehind},
		{"just behind", true, 100, 40, some(0.8999), some(0.5), sales.PhaseCurrent, sales.PaceBehind},
		{"at the behind line", true, 100, 45, some(0.9), some(0.5), sales.PhaseCurrent, sales.PaceOn},
		{"on the line", true, 100, 50, some(1), some(0.5), sales.PhaseCurrent, sales.PaceOn},
		{"ahead", true, 100, 55, some(1.1), some(0.5), sales.PhaseCurrent, sales.PaceAhead},
		{"next month", true, 100, 0, sales.NumWhy("period just started"), some(0), sales.PhaseUpcoming, sales.PaceNotStarted},
		{"a won deal dated next month", true, 100, 100, sales.NumWhy("period just started"), some(0), sales.PhaseUpcoming, sales.PaceQuotaReached},
		{"ended short", true, 100, 95, some(0.95), some(1), sales.PhaseEnded, sales.PaceEndedShort},
		{"ended reached", true, 100, 120, some(1.2), some(1), sales.PhaseEnded, sales.PaceQuotaReached},
	}
	for _, tt := range tests {
		if got := sales.Verdict(tt.has, tt.quota, tt.won, tt.pace, tt.elap, tt.phase); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Issue 9, defect 7: a rep exactly on the working-day line showed 0.89× and
// was called behind. On working days that rep is at 1.00×.
func TestGoalOnTheWorkingDayLine(t *testing.T) {
	nov := sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
	now := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // 10 of 21 working days ended
	q := sales.ComposeQuota(nov, 21_000_00, true, nil, nil)
	g := sales.NewProgress(q, sales.WinSplit{Inside: 10_000_00}, sales.PipelineByClose{}, now, time.UTC)
	if g.WorkingDaysElapsed != 10 || g.WorkingDays != 11 || g.Pace.Fixed(2) != "1.00" || g.Verdict != sales.PaceOn {
		t.Fatalf("goal %+v", g)
	}
	if want := "won $10,000.00 of $21,000.00 = 47.6%; 10 of 21 working days ended = 47.6%; pace 47.6% / 47.6% = 1.00×; coverage $0.00 closing by 30 Nov 2026 / $11,000.00 to go = 0.0×"; g.SeeTheMath(sales.DefaultCurrency) != want {
		t.Fatalf("math %q", g.SeeTheMath(sales.DefaultCurrency))
	}
	if g.PerWorkingDay.Fixed(0) != "100000" { // $11k over 11 days, today included
		t.Fatalf("per working day %v", g.PerWorkingDay)
	}
	// The old calendar pace called the same rep, a day and a half later,
	// behind (0.89×); on working days it is on pace.
	later := sales.NewProgress(q, sales.WinSplit{Inside: 10_000_00}, sales.PipelineByClose{}, time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC), time.UTC)
	if later.Verdict != sales.PaceOn {
		t.Fatalf("working-day pace %v is %v", later.Pace, later.Verdict)
	}
}

func TestGoalPeriodJustStarted(t *testing.T) {
	dec := sales.Period{Kind: sales.Month, Year: 2026, Index: 12}
	q := sales.ComposeQuota(dec, 100_000_00, true, nil, nil)
	g := sales.NewProgress(q, sales.WinSplit{}, sales.PipelineByClose{}, time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC), time.UTC)
	if g.Verdict != sales.PaceJustStarted || g.Pace.OK || g.Verdict.String() != "period just started" {
		t.Fatalf("goal on day one: %+v", g)
	}
}

func TestComposeQuota(t *testing.T) {
	dec := sales.Period{Kind: sales.Month, Year: 2026, Index: 12}
	q4 := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 4}
	// Quotas by (person, period): bob has Q4 only, carol December.
	quotas := map[sales.PersonID]map[sales.Period]sales.Money{
		2: {q4: 90_000_00},
		3: {dec: 10_000_00},
	}
	of := func(p sales.Period) func(sales.PersonID) (sales.Money, bool) {
		return func(id sales.PersonID) (sales.Money, bool) { m, ok := quotas[id][p]; return m, ok }
	}
	team := []sales.PersonID{1, 2, 3, 4} // alice (manager), bob, carol, dan
	tests := []struct {
		name    string
		p       sales.Period
		own     sales.Money
		hasOwn  bool
		has     bool
		amount  sales.Money
		counts  []sales.PersonID
		why     string
		members []sales.PersonID
	}{
		{"own team quota: everyone counts", dec, 50_000_00, true, true, 50_000_00, []sales.PersonID{1, 2, 3, 4}, "", team},
		{"sum of members for December", dec, 0, false, true, 10_000_00, []sales.PersonID{3}, "", team},
		{"a quarter quota is not a month quota", dec, 0, false, true, 10_000_00, []sales.PersonID{3}, "", []sales.PersonID{2, 3}},
		{"bob alone in December: none", dec, 0, false, false, 0, nil, "no quota for December 2026", []sales.PersonID{2}},
		{"bob in Q4", q4, 0, false, true, 90_000_00, []sales.PersonID{2}, "", team},
		{"zero own quota falls back", dec, 0, true, true, 10_000_00, []sales.PersonID{3}, "", team},
	}
	for _, tt := range tests {
		b := sales.ComposeQuota(tt.p, tt.own, tt.hasOwn, tt.members, of(tt.p))
		if b.Has != tt.has || b.Amount != tt.amount || b.Why != tt.why {
			t.Errorf("%s: %+v", tt.name, b)
		}
		for _, id := range tt.counts {
			if !b.Counts(id) {
				t.Errorf("%s: %v should count", tt.name, id)
			}
		}
		if len(tt.counts) < len(tt.members) && !b.Own {
			for _, id := range tt.members {
				if b.Counts(id) != contains(tt.counts, id) {
					t.Errorf("%s: Counts(%v) = %v", tt.name, id, b.Counts(id))
				}
			}
		}
	}
	// Default period, per subject: bob's is Q4, carol's December, and a
	// team with members' quotas only for Q4 picks Q4, not "no quota for
	// December" (issue 9, defect 3).
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name    string
		members []sales.PersonID
		want    string
		ok      bool
	}{
		{"bob", []sales.PersonID{2}, "2026-Q4", true},
		{"carol", []sales.PersonID{3}, "2026-12", true},
		{"team of bob and dan", []sales.PersonID{1, 2, 4}, "2026-Q4", true},
		{"dan", []sales.PersonID{4}, "2026-12", false},
	} {
		p, ok := sales.DefaultQuotaPeriod(now, time.UTC, func(p sales.Period) bool {
			return sales.ComposeQuota(p, 0, false, tt.members, of(p)).Has
		})
		if p.Key() != tt.want || ok != tt.ok {
			t.Errorf("default period of %s = %s, %v", tt.name, p.Key(), ok)
		}
	}
}

func contains(ids []sales.PersonID, id sales.PersonID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Issue 9, defect 4: the company showed 60% where the only rep with a quota
// was at 10%. Wins of people without a quota go beside.
func TestAttainmentWinsBeside(t *testing.T) {
	dec := sales.Period{Kind: sales.Month, Year: 2026, Index: 12}
	q := sales.ComposeQuota(dec, 0, false, []sales.PersonID{1, 2, 3}, func(id sales.PersonID) (sales.Money, bool) {
		return 100_000_00, id == 2
	})
	var w sales.WinSplit
	w.Add(q, 1, 30_000_00) // the manager, no quota
	w.Add(q, 2, 10_000_00) // the rep with the quota
	w.Add(q, 3, 20_000_00) // a rep without
	if w.Inside != 10_000_00 || w.Beside != 50_000_00 {
		t.Fatalf("split %+v", w)
	}
	g := sales.NewProgress(q, w, sales.PipelineByClose{}, time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), time.UTC)
	if g.Attainment.Percent() != "10%" {
		t.Fatalf("attainment %s", g.Attainment.Percent())
	}
}

func TestCoverage(t *testing.T) {
	dec := sales.Period{Kind: sales.Month, Year: 2026, Index: 12}
	var b sales.PipelineByClose
	b.Add(dec, 10_000_00, date(t, "2026-11-20")) // overdue: can still close
	b.Add(dec, 20_000_00, date(t, "2026-12-31")) // on the last day
	b.Add(dec, 40_000_00, date(t, "2027-01-01")) // later
	b.Add(dec, 80_000_00, sales.Date{})          // no close date
	if b.ByEnd != 30_000_00 || b.Later != 40_000_00 || b.NoDate != 80_000_00 {
		t.Fatalf("buckets %+v", b)
	}
	quota := sales.ComposeQuota(dec, 25_000_00, true, nil, nil)
	tests := []struct {
		name string
		q    sales.QuotaBasis
		won  sales.Money
		want string
	}{
		{"gap of 15k", quota, 10_000_00, "2.00"},
		{"reached", quota, 25_000_00, "n/a (quota for December 2026 reached)"},
		{"no quota", sales.ComposeQuota(dec, 0, false, nil, nil), 0, "n/a (no quota for December 2026)"},
	}
	for _, tt := range tests {
		if got := sales.CoverageOf(b, tt.q, tt.won).Explain(2); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestTeamOf(t *testing.T) {
	people := []sales.Person{
		{ID: 1},               // VP
		{ID: 2, Manager: 1},   // manager under the VP
		{ID: 3, Manager: 2},   // rep
		{ID: 4, Manager: 2},   // rep
		{ID: 5, Manager: 1},   // rep of the VP
		{ID: 6, Manager: 3},   // rep under a rep
		{ID: 7},               // elsewhere
		{ID: 8, Manager: 9},   // a loop: 8 → 9 → 8
		{ID: 9, Manager: 8},   //
		{ID: 10, Manager: 10}, // their own manager
	}
	tests := []struct {
		manager sales.PersonID
		want    []sales.PersonID
	}{
		{1, []sales.PersonID{1, 2, 3, 4, 5, 6}},
		{2, []sales.PersonID{2, 3, 4, 6}},
		{4, []sales.PersonID{4}},
		{8, []sales.PersonID{8, 9}},
		{10, []sales.PersonID{10}},
	}
	for _, tt := range tests {
		got := sales.TeamOf(people, tt.manager)
		if len(got) != len(tt.want) {
			t.Errorf("team of %v = %v", tt.manager, got)
		}
		for _, id := range tt.want {
			if !got[id] {
				t.Errorf("team of %v lacks %v", tt.manager, id)
			}
		}
	}
	if sales.DealTerritory(3, 5) != 3 || sales.DealTerritory(0, 5) != 5 || sales.DealTerritory(0, 0) != 0 {
		t.Error("DealTerritory")
	}
}

func TestPeriodPhaseAt(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	q4 := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 4}
	tests := []struct {
		name string
		now  time.Time
		want sales.Phase
	}{
		{"the instant before it starts", time.Date(2026, 9, 30, 23, 59, 59, 0, la), sales.PhaseUpcoming},
		{"its first instant", time.Date(2026, 10, 1, 0, 0, 0, 0, la), sales.PhaseCurrent},
		{"its last day", time.Date(2026, 12, 31, 23, 59, 0, 0, la), sales.PhaseCurrent},
		{"midnight after (UTC is already 1 Jan 08:00)", time.Date(2027, 1, 1, 0, 0, 0, 0, la), sales.PhaseEnded},
		{"new year in UTC, still 31 Dec in LA", time.Date(2027, 1, 1, 3, 0, 0, 0, time.UTC), sales.PhaseCurrent},
	}
	for _, tt := range tests {
		if got := q4.PhaseAt(tt.now, la); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
