package sales

import (
	"fmt"
	"time"
)

// Date is a civil date: a year, month and day with no time and no zone.
// Contract: "a close date (and any date given without a time) is a civil
// date, stored and compared as YYYY-MM-DD, never as an instant; changing
// SALESBOT_TIMEZONE never moves it to another day or period."
// Dates are comparable with ==; the zero Date means "no date".
type Date struct {
	y int16
	m uint8
	d uint8
}

// MakeDate is the date y-m-d, normalized like time.Date (2028-02-30 is
// 2028-03-01). Years outside 1..9999 give the zero Date.
func MakeDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	if t.Year() < 1 || t.Year() > 9999 {
		return Date{}
	}
	return Date{y: int16(t.Year()), m: uint8(t.Month()), d: uint8(t.Day())}
}

// DateForms is the help text for a civil date.
const DateForms = "YYYY-MM-DD (2026-11-30)"

// ParseDate reads exactly YYYY-MM-DD and rejects days that do not exist
// (2027-02-29).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) || t.Year() < 1 {
		return Date{}, Errorf(EINVALID, "date %q is not valid: use %s", s, DateForms)
	}
	return Date{y: int16(t.Year()), m: uint8(t.Month()), d: uint8(t.Day())}, nil
}

// DateIn is the civil date of instant t in loc. Contract: "Instants
// (created, stage changes made in Slack) are bucketed into periods in
// SALESBOT_TIMEZONE." A zero t gives the zero Date.
func DateIn(t time.Time, loc *time.Location) Date {
	if t.IsZero() {
		return Date{}
	}
	t = t.In(loc)
	return Date{y: int16(t.Year()), m: uint8(t.Month()), d: uint8(t.Day())}
}

// LegacyDate recovers the civil date a previous release stored as an
// instant: Slack-entered dates at UTC midnight, imported ones at midnight
// of the zone the import ran in (loc). The schema migration calls it.
func LegacyDate(t time.Time, loc *time.Location) Date {
	if t.IsZero() {
		return Date{}
	}
	if u := t.UTC(); u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 {
		return DateIn(t, time.UTC)
	}
	if l := t.In(loc); l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 {
		return DateIn(t, loc)
	}
	// Midnight of some other zone: the nearest UTC midnight.
	return DateIn(t.Add(12*time.Hour), time.UTC)
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d == Date{} }

// Year, Month and Day are the parts of d.
func (d Date) Year() int             { return int(d.y) }
func (d Date) Month() time.Month     { return time.Month(d.m) }
func (d Date) Day() int              { return int(d.d) }
func (d Date) Weekday() time.Weekday { return d.noon().Weekday() }

// String renders YYYY-MM-DD, or "" for no date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)
}

// Long renders d for people: "31 Dec 2026".
func (d Date) Long() string {
	return fmt.Sprintf("%d %s %d", d.Day(), d.Month().String()[:3], d.Year())
}

// Compare is -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.y != o.y:
		return cmp3(int(d.y), int(o.y))
	case d.m != o.m:
		return cmp3(int(d.m), int(o.m))
	}
	return cmp3(int(d.d), int(o.d))
}

func cmp3(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// AddDays is the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	return MakeDate(int(d.y), time.Month(d.m), int(d.d)+n)
}

// DaysUntil is the number of calendar days from d to o (negative when o is
// earlier): whole calendar days, unaffected by DST.
func (d Date) DaysUntil(o Date) int {
	return int(o.UnixDays() - d.UnixDays())
}

// UnixDays is the number of days since 1970-01-01 (storage keeps dates
// this way); DateFromUnixDays is its inverse.
func (d Date) UnixDays() int64 {
	// UTC midnight is a whole number of days, so the division is exact
	// before 1970 too.
	return time.Date(int(d.y), time.Month(d.m), int(d.d), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// DateFromUnixDays is the date n days after 1970-01-01.
func DateFromUnixDays(n int64) Date {
	// Not DateIn: 0001-01-01 is time.Time's zero, which DateIn reads as
	// no date, so that day would come back from storage as none.
	t := time.Unix(n*86400, 0).UTC()
	return Date{y: int16(t.Year()), m: uint8(t.Month()), d: uint8(t.Day())}
}

// Start is the first instant of day d in loc (midnight, or the first
// instant after a DST gap that skips it).
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(int(d.y), time.Month(d.m), int(d.d), 0, 0, 0, 0, loc)
}

// End is the first instant after day d in loc.
func (d Date) End(loc *time.Location) time.Time {
	return d.AddDays(1).Start(loc)
}

func (d Date) noon() time.Time {
	return time.Date(int(d.y), time.Month(d.m), int(d.d), 12, 0, 0, 0, time.UTC)
}

// CloseDateOf is d's expected close date as a civil Date. Deal.CloseDate
// holds it at UTC midnight until storage keeps a Date.
func CloseDateOf(d Deal) Date { return DateIn(d.CloseDate, time.UTC) }
