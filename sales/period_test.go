package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	good := map[string]string{
		"month": "2026-11", "quarter": "2026-Q4", "year": "2026", "2026-03": "2026-03",
		"2026-q1": "2026-Q1", "2025-Q4": "2025-Q4", "2027": "2027", " MONTH ": "2026-11",
	}
	for in, want := range good {
		p, err := sales.ParsePeriod(in, now, time.UTC)
		if err != nil || p.Key() != want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"", "2026-13", "2026-Q5", "2026-1", "26-01", "week", "2026-Q", "1969", "2026-00"} {
		if _, err := sales.ParsePeriod(in, now, time.UTC); sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("ParsePeriod(%q) err = %v, want invalid", in, err)
		}
	}
}

func TestPeriodBounds(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata")
	}
	q := sales.Period{Kind: sales.Quarter, Year: 2026, Index: 4}
	if s := q.Start(berlin); s.Format(time.RFC3339) != "2026-10-01T00:00:00+02:00" {
		t.Fatalf("start %v", s)
	}
	if e := q.End(berlin); e.Format(time.RFC3339) != "2027-01-01T00:00:00+01:00" {
		t.Fatalf("end %v", e)
	}
	if prev := q.Previous(); prev.Key() != "2026-Q3" {
		t.Fatalf("previous %v", prev)
	}
	jan := sales.Period{Kind: sales.Month, Year: 2026, Index: 1}
	if prev := jan.Previous(); prev.Key() != "2025-12" {
		t.Fatalf("previous %v", prev)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"month", "2026-Q4", "2026-11", "2026", "x", "2026-q9"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := sales.ParsePeriod(s, now, time.UTC)
		if err != nil {
			return
		}
		// Round trip: the canonical key parses to the same period.
		q, err := sales.ParsePeriodKey(p.Key())
		if err != nil || q != p {
			t.Fatalf("%q → %v → %v, %v", s, p, q, err)
		}
	})
}
