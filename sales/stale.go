package sales

import (
	"fmt"
	"time"
)

// DefaultQuietDays is how long an open deal may go without an activity
// before it has "gone quiet". Contract: "gone quiet: an open deal with no
// activity (call, meeting, email, note) for 14 days (configurable)."
const DefaultQuietDays = 14

// StageEntry is when d entered its current stage: its stage-change time,
// else (an imported deal without that column) its created time. Contract:
// "An imported deal's stage entry is its mapped stage-change column, else
// its created date." Edits, notes and activities never move it.
func StageEntry(d Deal) time.Time {
	if !d.StageEnteredAt.IsZero() {
		return d.StageEnteredAt
	}
	return d.CreatedAt
}

// Snoozed reports whether nudges about d are quiet at now.
func Snoozed(d Deal, now time.Time) bool { return d.SnoozedUntil.After(now) }

// DaysInStage is the whole calendar days, in loc, from d's stage entry to
// today; ok is false when the entry is unknown.
func DaysInStage(d Deal, now time.Time, loc *time.Location) (days int, ok bool) {
	e := StageEntry(d)
	if e.IsZero() {
		return 0, false
	}
	return max(DateIn(e, loc).DaysUntil(DateIn(now, loc)), 0), true
}

// Staleness is an open deal's time in its stage against the stage's limit.
type Staleness struct {
	Stale bool
	Days  int // whole days in the current stage
	Limit int // the stage's threshold in days
	Stage string
}

// String renders "15 days in Proposal (limit 14)".
func (s Staleness) String() string {
	unit := "days"
	if s.Days == 1 {
		unit = "day"
	}
	return fmt.Sprintf("%d %s in %s (limit %d)", s.Days, unit, s.Stage, s.Limit)
}

// StaleOf measures d at now in loc. Contract: "stale: an open deal that
// has been in its current stage longer than that stage's threshold (whole
// days, listed as "15 days in Proposal (limit 14)"), not snoozed." 14 days
// with a limit of 14 is not stale; 15 is. Days are calendar days in the
// zone, so a DST change never adds or drops one.
func StaleOf(d Deal, st Stage, now time.Time, loc *time.Location) Staleness {
	s := Staleness{Limit: st.StaleAfterDays(), Stage: st.Name}
	days, ok := DaysInStage(d, now, loc)
	s.Days = days
	s.Stale = ok && st.Kind == StageOpen && !Snoozed(d, now) && days > s.Limit
	return s
}

// IsStale is StaleOf(...).Stale.
func IsStale(d Deal, st Stage, now time.Time, loc *time.Location) bool {
	return StaleOf(d, st, now, loc).Stale
}

// IsOverdue reports whether d is overdue at now. Contract: "overdue: an
// open deal whose close date is before today, not snoozed." closeDate is
// d's civil close date; today is now's date in loc.
func IsOverdue(kind StageKind, closeDate Date, snoozedUntil time.Time, now time.Time, loc *time.Location) bool {
	return kind == StageOpen && !closeDate.IsZero() && !snoozedUntil.After(now) && closeDate.Before(DateIn(now, loc))
}

// GoneQuiet reports whether an open deal has had no activity for
// quietDays whole calendar days (in loc) at now. lastActivity is its
// latest call, meeting, email or note, zero when it has none; the quiet
// time then runs from created. quietDays ≤ 0 uses DefaultQuietDays.
// "No activity for 14 days" is met on the 14th day without one.
func GoneQuiet(kind StageKind, lastActivity, created, now time.Time, loc *time.Location, quietDays int) bool {
	if kind != StageOpen {
		return false
	}
	if quietDays <= 0 {
		quietDays = DefaultQuietDays
	}
	from := lastActivity
	if from.IsZero() {
		from = created
	}
	if from.IsZero() {
		return false
	}
	return DateIn(from, loc).DaysUntil(DateIn(now, loc)) >= quietDays
}
