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
	// Week is Monday to Sunday, for activity goals only. Contract: "plus
	// week (Mon-Sun) for activities."
	Week
)

// Period is a calendar month, quarter, year or ISO week in a time zone:
// [Start, End).
type Period struct {
	Kind  PeriodKind
	Year  int // the ISO year for a week
	Index int // month 1-12, quarter 1-4, ISO week 1-53, 0 for a year
}

// Key renders the canonical key: 2026-11, 2026-Q4, 2026, 2026-W49.
func (p Period) Key() string {
	switch p.Kind {
	case Week:
		return fmt.Sprintf("%04d-W%02d", p.Year, p.Index)
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Index)
	default:
		return fmt.Sprintf("%04d", p.Year)
	}
}

func (p Period) String() string { return p.Key() }

// Label renders a human name: November 2026, Q4 2026, 2026, week of 30 Nov 2026.
func (p Period) Label() string {
	switch p.Kind {
	case Week:
		f := p.FirstDay()
		return fmt.Sprintf("week of %d %s %d", f.Day(), f.Month().String()[:3], f.Year())
	case Month:
		return fmt.Sprintf("%s %d", time.Month(p.Index), p.Year)
	case Quarter:
		return fmt.Sprintf("Q%d %d", p.Index, p.Year)
	default:
		return strconv.Itoa(p.Year)
	}
}

// FirstDay is the period's first civil day.
func (p Period) FirstDay() Date {
	switch p.Kind {
	case Month:
		return MakeDate(p.Year, time.Month(p.Index), 1)
	case Quarter:
		return MakeDate(p.Year, time.Month(3*(p.Index-1)+1), 1)
	case Week:
		// ISO week 1 holds 4 January; weeks start on Monday.
		jan4 := MakeDate(p.Year, time.January, 4)
		monday := jan4.AddDays(-((int(jan4.Weekday()) + 6) % 7))
		return monday.AddDays(7 * (p.Index - 1))
	default:
		return MakeDate(p.Year, time.January, 1)
	}
}

// LastDay is the period's last civil day (included in the period).
func (p Period) LastDay() Date {
	f := p.FirstDay()
	switch p.Kind {
	case Month:
		return MakeDate(f.Year(), f.Month()+1, 0)
	case Quarter:
		return MakeDate(f.Year(), f.Month()+3, 0)
	case Week:
		return f.AddDays(6)
	default:
		return MakeDate(f.Year(), time.December, 31)
	}
}

// ContainsDate reports whether civil date d is one of the period's days,
// with no zone conversion. Contract: "changing SALESBOT_TIMEZONE never
// moves it to another day or period."
func (p Period) ContainsDate(d Date) bool {
	return !d.IsZero() && !d.Before(p.FirstDay()) && !d.After(p.LastDay())
}

// Start is the first instant of the period in loc.
func (p Period) Start(loc *time.Location) time.Time { return p.FirstDay().Start(loc) }

// End is the first instant after the period in loc.
func (p Period) End(loc *time.Location) time.Time { return p.LastDay().End(loc) }

// Previous is the period of the same kind just before p.
func (p Period) Previous() Period {
	return PeriodOf(p.Kind, p.Start(time.UTC).AddDate(0, 0, -1), time.UTC)
}

// Contains reports whether instant t falls in the period in loc.
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
	case Week:
		y, w := t.ISOWeek()
		return Period{Kind: Week, Year: y, Index: w}
	default:
		return Period{Kind: Year, Year: t.Year()}
	}
}

// PeriodOfDate is the period of kind k that contains civil date d.
func PeriodOfDate(k PeriodKind, d Date) Period {
	return PeriodOf(k, d.noon(), time.UTC)
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

// ActivityPeriodForms is the help text for activity-goal periods.
const ActivityPeriodForms = "week, month, YYYY-Www (2026-W49) or YYYY-MM (2026-11)"

// ParseActivityPeriod reads the periods of activity goals: everything
// ParsePeriod reads plus week (the current Monday-Sunday week at now in
// loc) and YYYY-Www. Quotas stay on months, quarters and years, so
// ParsePeriod itself refuses weeks.
func ParseActivityPeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	in := strings.TrimSpace(s)
	l := strings.ToLower(in)
	switch {
	case l == "week" || l == "this-week" || l == "wtd" || l == "w":
		return PeriodOf(Week, now, loc), nil
	case len(l) == 8 && l[4] == '-' && l[5] == 'w':
		y, err1 := strconv.Atoi(l[:4])
		w, err2 := strconv.Atoi(l[6:])
		if err1 == nil && err2 == nil && y >= 1970 && y <= 9999 && w >= 1 && w <= 53 {
			p := Period{Kind: Week, Year: y, Index: w}
			if PeriodOfDate(Week, p.FirstDay()) == p { // week 53 exists only in some years
				return p, nil
			}
		}
		return Period{}, Errorf(EINVALID, "week %q is not valid: use %s", in, ActivityPeriodForms)
	}
	return ParsePeriod(s, now, loc)
}

// ParsePeriodKey parses a canonical key (as produced by Key, weeks
// included) with no relative forms.
func ParsePeriodKey(key string) (Period, error) {
	switch strings.ToLower(key) {
	case "month", "quarter", "year", "this-month", "this-quarter", "this-year", "mtd", "qtd", "ytd", "q", "y",
		"week", "this-week", "wtd", "w":
		return Period{}, Errorf(EINVALID, "period key %q is relative", key)
	}
	return ParseActivityPeriod(key, time.Time{}, time.UTC)
}

// Phase is where a period stands at a moment.
type Phase uint8

const (
	PhaseCurrent  Phase = iota
	PhaseUpcoming       // its first day has not begun
	PhaseEnded          // its last day has ended
)

// PhaseAt places p relative to now in loc.
func (p Period) PhaseAt(now time.Time, loc *time.Location) Phase {
	switch {
	case now.Before(p.Start(loc)):
		return PhaseUpcoming
	case !now.Before(p.LastDay().End(loc)):
		return PhaseEnded
	}
	return PhaseCurrent
}
