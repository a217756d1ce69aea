package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no tzdata for %s", name)
	}
	return loc
}

func date(t testing.TB, s string) sales.Date {
	t.Helper()
	d, err := sales.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2026-11-30", "2028-02-29", "0001-01-01", "9999-12-31"} {
		d, err := sales.ParseDate(s)
		if err != nil || d.String() != s {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"", "2027-02-29", "2026-13-01", "2026-11-31", "26-11-30", "2026-1-3", "2026-11-30T00:00:00Z", " 2026-11-30", "today"} {
		_, err := sales.ParseDate(s)
		if sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("ParseDate(%q) err = %v, want invalid", s, err)
		}
	}
	if _, err := sales.ParseDate("2026-13-01"); sales.ErrorMessage(err) != `date "2026-13-01" is not valid: use YYYY-MM-DD (2026-11-30)` {
		t.Errorf("message: %v", err)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-30", "2028-02-29", "x", "2027-02-29", "0000-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sales.ParseDate(s)
		if err != nil {
			return
		}
		if d.IsZero() || d.String() != s {
			t.Fatalf("%q → %v", s, d)
		}
		if sales.DateFromUnixDays(d.UnixDays()) != d {
			t.Fatalf("unix days round trip of %v", d)
		}
	})
}

func TestDateArithmetic(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	tests := []struct {
		name     string
		from, to string
		days     int
	}{
		{"leap day", "2028-02-28", "2028-03-01", 2},
		{"no leap day", "2027-02-28", "2027-03-01", 1},
		{"DST start week", "2026-03-07", "2026-03-09", 2},
		{"DST end week", "2026-10-31", "2026-11-02", 2},
		{"year edge", "2026-12-31", "2027-01-01", 1},
		{"backwards", "2027-01-01", "2026-12-31", -1},
	}
	for _, tt := range tests {
		a, b := date(t, tt.from), date(t, tt.to)
		if got := a.DaysUntil(b); got != tt.days {
			t.Errorf("%s: days %s→%s = %d, want %d", tt.name, tt.from, tt.to, got, tt.days)
		}
		if got := a.AddDays(tt.days); got != b {
			t.Errorf("%s: %s + %d = %v, want %v", tt.name, tt.from, tt.days, got, b)
		}
		if (tt.days > 0) != a.Before(b) || (tt.days < 0) != a.After(b) {
			t.Errorf("%s: Before/After", tt.name)
		}
	}
	// A DST day is 23 or 25 hours long, and still one day.
	if h := date(t, "2026-03-08").End(la).Sub(date(t, "2026-03-08").Start(la)); h != 23*time.Hour {
		t.Errorf("2026-03-08 in Los Angeles lasts %v", h)
	}
	if h := date(t, "2026-11-01").End(la).Sub(date(t, "2026-11-01").Start(la)); h != 25*time.Hour {
		t.Errorf("2026-11-01 in Los Angeles lasts %v", h)
	}
	if !(sales.Date{}).IsZero() || (sales.Date{}).String() != "" || !sales.DateIn(time.Time{}, la).IsZero() {
		t.Error("zero Date is no date")
	}
	if d := sales.MakeDate(2028, 2, 30); d.String() != "2028-03-01" {
		t.Errorf("MakeDate normalizes: %v", d)
	}
}

func TestDateIn(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	kolkata := mustLoad(t, "Asia/Kolkata")
	at := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	for loc, want := range map[*time.Location]string{time.UTC: "2026-12-01", la: "2026-11-30", kolkata: "2026-12-01"} {
		if got := sales.DateIn(at, loc).String(); got != want {
			t.Errorf("DateIn(%v, %v) = %s, want %s", at, loc, got, want)
		}
	}
}

// The previous release stored dates as instants: Slack at UTC midnight,
// imports at midnight of the import's zone. The migration recovers the day.
func TestLegacyDate(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	kolkata := mustLoad(t, "Asia/Kolkata")
	tokyo := mustLoad(t, "Asia/Tokyo")
	tests := []struct {
		name string
		at   time.Time
		loc  *time.Location
		want string
	}{
		{"slack, UTC midnight, read in LA", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), la, "2026-11-30"},
		{"import under LA", time.Date(2026, 11, 30, 0, 0, 0, 0, la), la, "2026-11-30"},
		{"import under Kolkata", time.Date(2026, 11, 30, 0, 0, 0, 0, kolkata), kolkata, "2026-11-30"},
		{"import under Tokyo, read as LA", time.Date(2026, 11, 30, 0, 0, 0, 0, tokyo), la, "2026-11-30"},
		{"import under LA, read as Kolkata", time.Date(2028, 2, 29, 0, 0, 0, 0, la), kolkata, "2028-02-29"},
	}
	for _, tt := range tests {
		if got := sales.LegacyDate(tt.at, tt.loc).String(); got != tt.want {
			t.Errorf("%s: %s", tt.name, got)
		}
	}
}
