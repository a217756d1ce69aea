package sales

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PeriodKind is the length of a period.
type PeriodKind uint8

const (
	Month PeriodKind = iota + 1
	Quarter
	Year
)

// Period is a calendar month, quarter or year in a time zone: [Start, End).
type Period struct {
	Kind  PeriodKind
	Year  int
	Index int // month 1-12, quarter 1-4, 0 for a year
}

// Key renders the canonical key: 2026-11, 2026-Q4, 2026.
func (p Period) Key() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Index)
	default:
		return fmt.Sprintf("%04d", p.Year)
	}
}

func (p Period) String() string { return p.Key() }

// Label renders a human name: November 2026, Q4 2026, 2026.
func (p Period) Label() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%s %d", time.Month(p.Index), p.Year)
	case Quarter:
		return fmt.Sprintf("Q%d %d", p.Index, p.Year)
	default:
		return strconv.Itoa(p.Year)
	}
}

// Start is the first instant of the period in loc.
func (p Period) Start(loc *time.Location) time.Time {
	switch p.Kind {
	case Month:
		return time.Date(p.Year, time.Month(p.Index), 1, 0, 0, 0, 0, loc)
	case Quarter:
		return time.Date(p.Year, time.Month(3*(p.Index-1)+1), 1, 0, 0, 0, 0, loc)
	default:
		return time.Date(p.Year, 1, 1, 0, 0, 0, 0, loc)
	}
}

// End is the first instant after the period in loc.
func (p Period) End(loc *time.Location) time.Time {
	s := p.Start(loc)
	switch p.Kind {
	case Month:
		return s.AddDate(0, 1, 0)
	case Quarter:
		return s.AddDate(0, 3, 0)
	default:
		return s.AddDate(1, 0, 0)
	}
}

// Previous is the period of the same kind just before p.
func (p Period) Previous() Period {
	return PeriodOf(p.Kind, p.Start(time.UTC).AddDate(0, 0, -1), time.UTC)
}

// Elapsed is the share of the period that has passed at now, in [0, 1].
func (p Period) Elapsed(now time.Time, loc *time.Location) float64 {
	s, e := p.Start(loc), p.End(loc)
	switch {
	case !now.After(s):
		return 0
	case !now.Before(e):
		return 1
	}
	return float64(now.Sub(s)) / float64(e.Sub(s))
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time, loc *time.Location) bool {
	return !t.Before(p.Start(loc)) && t.Before(p.End(loc))
}

// PeriodOf is the period of kind k that contains t (in loc).
func PeriodOf(k PeriodKind, t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	switch k {
	case Month:
		return Period{Kind: Month, Year: t.Year(), Index: int(t.Month())}
	case Quarter:
		return Period{Kind: Quarter, Year: t.Year(), Index: (int(t.Month())-1)/3 + 1}
	default:
		return Period{Kind: Year, Year: t.Year()}
	}
}

// PeriodForms is the help text for periods.
const PeriodForms = "month, quarter, year, YYYY-MM (2026-11), YYYY-Qn (2026-Q4) or YYYY"

// ParsePeriod reads month, quarter, year (the current one at now in loc),
// YYYY-MM, YYYY-Qn or YYYY.
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	in := strings.TrimSpace(s)
	l := strings.ToLower(in)
	bad := Errorf(EINVALID, "period %q is not valid: use %s", in, PeriodForms)
	switch l {
	case "month", "this-month", "mtd":
		return PeriodOf(Month, now, loc), nil
	case "quarter", "this-quarter", "qtd", "q":
		return PeriodOf(Quarter, now, loc), nil
	case "year", "this-year", "ytd", "y":
		return PeriodOf(Year, now, loc), nil
	}
	if len(l) == 4 {
		y, err := strconv.Atoi(l)
		if err != nil || y < 1970 || y > 9999 {
			return Period{}, bad
		}
		return Period{Kind: Year, Year: y}, nil
	}
	if len(l) < 6 || l[4] != '-' {
		return Period{}, bad
	}
	y, err := strconv.Atoi(l[:4])
	if err != nil || y < 1970 || y > 9999 {
		return Period{}, bad
	}
	rest := l[5:]
	if strings.HasPrefix(rest, "q") {
		q, err := strconv.Atoi(rest[1:])
		if err != nil || q < 1 || q > 4 || len(rest) != 2 {
			return Period{}, bad
		}
		return Period{Kind: Quarter, Year: y, Index: q}, nil
	}
	m, err := strconv.Atoi(rest)
	if err != nil || m < 1 || m > 12 || len(rest) != 2 {
		return Period{}, bad
	}
	return Period{Kind: Month, Year: y, Index: m}, nil
}

// ParsePeriodKey parses a canonical key (as produced by Key) with no
// relative forms.
func ParsePeriodKey(key string) (Period, error) {
	switch strings.ToLower(key) {
	case "month", "quarter", "year", "this-month", "this-quarter", "this-year", "mtd", "qtd", "ytd", "q", "y":
		return Period{}, Errorf(EINVALID, "period key %q is relative", key)
	}
	return ParsePeriod(key, time.Time{}, time.UTC)
}

// WorkingDaysLeft counts Monday–Friday days from now (inclusive of today
// when it is a working day) to the end of the period, in loc.
func (p Period) WorkingDaysLeft(now time.Time, loc *time.Location) int {
	end := p.End(loc)
	d := now.In(loc)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	n := 0
	for d.Before(end) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
		d = d.AddDate(0, 0, 1)
	}
	return n
}
