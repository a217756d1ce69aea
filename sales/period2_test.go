package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func TestPeriodDays(t *testing.T) {
	tests := []struct {
		key         string
		first, last string
	}{
		{"2028-02", "2028-02-01", "2028-02-29"},
		{"2027-02", "2027-02-01", "2027-02-28"},
		{"2026-Q4", "2026-10-01", "2026-12-31"},
		{"2027-Q1", "2027-01-01", "2027-03-31"},
		{"2028", "2028-01-01", "2028-12-31"},
		{"2026-W01", "2025-12-29", "2026-01-04"},
		{"2026-W53", "2026-12-28", "2027-01-03"},
		{"2026-W10", "2026-03-02", "2026-03-08"},
	}
	for _, tt := range tests {
		p, err := sales.ParsePeriodKey(tt.key)
		if err != nil {
			t.Fatalf("%s: %v", tt.key, err)
		}
		if p.Key() != tt.key || p.FirstDay().String() != tt.first || p.LastDay().String() != tt.last {
			t.Errorf("%s: key %s days %v..%v, want %s..%s", tt.key, p.Key(), p.FirstDay(), p.LastDay(), tt.first, tt.last)
		}
		if !p.ContainsDate(date(t, tt.first)) || !p.ContainsDate(date(t, tt.last)) ||
			p.ContainsDate(date(t, tt.first).AddDays(-1)) || p.ContainsDate(date(t, tt.last).AddDays(1)) {
			t.Errorf("%s: ContainsDate at the edges", tt.key)
		}
		if prev := p.Previous(); prev.Kind != p.Kind || prev.LastDay().AddDays(1) != p.FirstDay() {
			t.Errorf("%s: previous %v", tt.key, prev)
		}
	}
}

// A civil date lands in the same period whatever the zone; an instant in
// the period of its day in the configured zone.
func TestPeriodsDateVersusInstant(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	q4 := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 4}
	if !q4.ContainsDate(date(t, "2026-12-31")) {
		t.Fatal("2026-12-31 is in Q4")
	}
	newYearUTC := time.Date(2027, 1, 1, 3, 0, 0, 0, time.UTC) // 19:00 on 31 Dec in LA
	if !q4.Contains(newYearUTC, la) || q4.Contains(newYearUTC, time.UTC) {
		t.Fatal("instants bucket in the zone")
	}
	if got := sales.PeriodOf(sales.Quarter, newYearUTC, la).Key(); got != "2026-Q4" {
		t.Fatalf("PeriodOf = %s", got)
	}
	// The DST week is 167 hours and still Monday to Sunday.
	w := sales.PeriodOfDate(sales.Week, date(t, "2026-03-08"))
	if w.Key() != "2026-W10" || w.End(la).Sub(w.Start(la)) != 167*time.Hour {
		t.Fatalf("week %s lasts %v", w.Key(), w.End(la).Sub(w.Start(la)))
	}
}

func TestParseActivityPeriod(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) // a Wednesday
	good := map[string]string{"week": "2026-W49", "2026-w49": "2026-W49", "2026-W53": "2026-W53", "month": "2026-12", "2026-Q1": "2026-Q1"}
	for in, want := range good {
		p, err := sales.ParseActivityPeriod(in, now, time.UTC)
		if err != nil || p.Key() != want {
			t.Errorf("ParseActivityPeriod(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"2027-W53", "2026-W00", "2026-W54", "2026-Wx"} {
		if _, err := sales.ParseActivityPeriod(in, now, time.UTC); sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("ParseActivityPeriod(%q) err = %v", in, err)
		}
	}
	// Quotas stay off weeks.
	if _, err := sales.ParsePeriod("week", now, time.UTC); err == nil {
		t.Error("ParsePeriod accepted week")
	}
	if got := sales.PeriodOfDate(sales.Week, date(t, "2026-12-02")).Label(); got != "week of 30 Nov 2026" {
		t.Errorf("label %q", got)
	}
}

func FuzzParseActivityPeriod(f *testing.F) {
	for _, s := range []string{"week", "2026-W49", "2026-W53", "2027-W53", "month", "2026"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := sales.ParseActivityPeriod(s, now, time.UTC)
		if err != nil {
			return
		}
		q, err := sales.ParsePeriodKey(p.Key())
		if err != nil || q != p {
			t.Fatalf("%q → %v → %v, %v", s, p, q, err)
		}
	})
}
