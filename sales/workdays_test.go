package sales_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// bruteWorkingDays counts Monday-Friday days one by one, to check the
// closed form.
func bruteWorkingDays(a, b sales.Date) int {
	n := 0
	for d := a; !d.After(b); d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

func TestWorkingDaysInPeriods(t *testing.T) {
	for key, want := range map[string]int{
		"2026-11": 21, "2026-12": 23, "2026-Q4": 66, "2028-02": 21, "2027-02": 20,
		"2026-03": 22, "2026": 261, "2028": 260, "2026-W10": 5,
	} {
		p, _ := sales.ParsePeriodKey(key)
		if got := p.WorkingDays(); got != want {
			t.Errorf("%s has %d working days, want %d", key, got, want)
		}
		if b := bruteWorkingDays(p.FirstDay(), p.LastDay()); b != want {
			t.Errorf("%s brute %d", key, b)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	base := date(t, "2024-01-01")
	for i := 0; i < 2000; i++ {
		a := base.AddDays(r.IntN(2000))
		b := a.AddDays(r.IntN(60) - 5)
		if got, want := sales.WorkingDaysBetween(a, b), bruteWorkingDays(a, b); got != want {
			t.Fatalf("WorkingDaysBetween(%v, %v) = %d, want %d", a, b, got, want)
		}
	}
}

func TestWorkingDaysElapsedAndLeft(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	at := func(s string, loc *time.Location) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name          string
		period        string
		now           time.Time
		loc           *time.Location
		elapsed, left int
	}{
		{"before the period", "2026-11", at("2026-10-30 12:00", la), la, 0, 21},
		{"first Monday, not yet over", "2026-11", at("2026-11-02 23:59", la), la, 0, 21},
		{"Monday has ended", "2026-11", at("2026-11-03 00:00", la), la, 1, 20},
		// 1 November 2026 is the end of DST in Los Angeles (a 25-hour Sunday).
		{"DST end Sunday night", "2026-11", at("2026-11-01 23:30", la), la, 0, 21},
		// 8 March 2026 is the start of DST (a 23-hour Sunday).
		{"DST start week, Monday after", "2026-03", at("2026-03-09 00:30", la), la, 5, 17},
		{"DST start week, Friday", "2026-W10", at("2026-03-06 18:00", la), la, 4, 1},
		{"quarter's last day", "2026-Q4", at("2026-12-31 23:59", la), la, 65, 1},
		{"quarter over", "2026-Q4", at("2027-01-01 00:00", la), la, 66, 0},
		{"UTC new year is still 31 Dec in LA", "2026-Q4", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), la, 65, 1},
		{"leap day in progress", "2028-02", at("2028-02-29 09:00", la), la, 20, 1},
		{"leap year, day after leap day", "2028", at("2028-03-01 00:00", time.UTC), time.UTC, 42, 218},
		{"a weekend", "2026-11", at("2026-11-08 12:00", time.UTC), time.UTC, 5, 16},
	}
	for _, tt := range tests {
		p, _ := sales.ParsePeriodKey(tt.period)
		e, l := p.WorkingDaysElapsed(tt.now, tt.loc), p.WorkingDaysLeft(tt.now, tt.loc)
		if e != tt.elapsed || l != tt.left {
			t.Errorf("%s: elapsed %d left %d, want %d and %d", tt.name, e, l, tt.elapsed, tt.left)
		}
		share := p.ElapsedWorkingShare(tt.now, tt.loc)
		if !share.OK || share.V != float64(tt.elapsed)/float64(p.WorkingDays()) {
			t.Errorf("%s: share %+v", tt.name, share)
		}
	}
}

// Within a period, the working days that have ended and those left (today
// included) add up to all of them, in any zone, at any instant.
func TestWorkingDaysAddUp(t *testing.T) {
	zones := []*time.Location{time.UTC, mustLoad(t, "America/Los_Angeles"), mustLoad(t, "Asia/Kolkata"), mustLoad(t, "Pacific/Auckland")}
	r := rand.New(rand.NewPCG(3, 4))
	kinds := []sales.PeriodKind{sales.Week, sales.Month, sales.Quarter, sales.Year}
	for i := 0; i < 3000; i++ {
		loc := zones[r.IntN(len(zones))]
		now := time.Unix(1767225600+r.Int64N(3*365*86400), 0) // 2026..2028
		p := sales.PeriodOf(kinds[r.IntN(len(kinds))], now, loc)
		today := sales.DateIn(now, loc)
		e, l := p.WorkingDaysElapsed(now, loc), p.WorkingDaysLeft(now, loc)
		if e+l != p.WorkingDays() {
			t.Fatalf("%s at %v in %v: %d + %d != %d", p, now, loc, e, l, p.WorkingDays())
		}
		if e != bruteWorkingDays(p.FirstDay(), today.AddDays(-1)) {
			t.Fatalf("%s at %v in %v: elapsed %d", p, now, loc, e)
		}
	}
}

func TestPerWorkingDay(t *testing.T) {
	tests := []struct {
		name       string
		quota, won sales.Money
		has        bool
		left       int
		want       string
	}{
		{"to go", 21_000, 10_000, true, 11, "1000.00"},
		{"today included, last day", 21_000, 20_000, true, 1, "1000.00"},
		{"no days left", 21_000, 20_000, true, 0, "n/a (no working days left)"},
		{"reached", 21_000, 21_000, true, 5, "n/a (quota reached)"},
		{"no quota", 0, 100, false, 5, "n/a (no quota)"},
	}
	for _, tt := range tests {
		if got := sales.PerWorkingDay(tt.quota, tt.has, tt.won, tt.left).Explain(2); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
