package sales

import (
	"fmt"
	"time"
)

// Working days. Contract: "elapsed share of the period's working days
// (Mon-Fri in SALESBOT_TIMEZONE, a day counts once it has ended)" and
// "per working day: (quota − won) / working days left, today included."
// Everything here counts civil dates, so a DST week has five working days
// like any other.

// WorkingDaysBetween counts the working days from a to b, both included;
// 0 when b is before a.
func WorkingDaysBetween(a, b Date) int {
	if a.IsZero() || b.IsZero() || b.Before(a) {
		return 0
	}
	n := a.DaysUntil(b) + 1
	full := n / 7 * 5
	// The remaining n%7 days start on the weekday of a + full weeks.
	wd := int(a.Weekday())
	for i := 0; i < n%7; i++ {
		if d := (wd + i) % 7; d != int(time.Saturday) && d != int(time.Sunday) {
			full++
		}
	}
	return full
}

// WorkingDays is the number of working days in p.
func (p Period) WorkingDays() int { return WorkingDaysBetween(p.FirstDay(), p.LastDay()) }

// WorkingDaysElapsed counts p's working days that have ended at now in
// loc: today is not counted until it is over.
func (p Period) WorkingDaysElapsed(now time.Time, loc *time.Location) int {
	yesterday := DateIn(now, loc).AddDays(-1)
	if last := p.LastDay(); yesterday.After(last) {
		yesterday = last
	}
	return WorkingDaysBetween(p.FirstDay(), yesterday)
}

// WorkingDaysLeft counts p's working days from today (included, when it is
// a working day) to the period's end, at now in loc. Before the period it
// is all of them; after it, none.
func (p Period) WorkingDaysLeft(now time.Time, loc *time.Location) int {
	from := DateIn(now, loc)
	if first := p.FirstDay(); from.Before(first) {
		from = first
	}
	return WorkingDaysBetween(from, p.LastDay())
}

// ElapsedWorkingShare is the share of p's working days that have ended at
// now, in [0, 1]; n/a for a period without working days.
func (p Period) ElapsedWorkingShare(now time.Time, loc *time.Location) Num {
	total := p.WorkingDays()
	if total == 0 {
		return NumWhy(fmt.Sprintf("%s has no working days", p.Label()))
	}
	return Some(float64(p.WorkingDaysElapsed(now, loc)) / float64(total))
}

// PerWorkingDay is (quota − won) / working days left, today included:
// minor units a day still to win. n/a, with the reason, when there is no
// quota, the quota is reached or no working day is left.
func PerWorkingDay(quota Money, hasQuota bool, won Money, daysLeft int) Num {
	switch {
	case !hasQuota:
		return NumWhy("no quota")
	case won >= quota:
		return NumWhy("quota reached")
	case daysLeft <= 0:
		return NumWhy("no working days left")
	}
	return Some(float64(quota-won) / float64(daysLeft))
}
