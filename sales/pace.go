package sales

// Pace. Contract: "pace: attainment / elapsed share of the period's working
// days (Mon-Fri in SALESBOT_TIMEZONE, a day counts once it has ended).
// Until 10% of the working days have passed there is no verdict ("period
// just started"), in every view."

// The one set of pace thresholds every view uses. Before this, /goal and
// the digest read Progress.Behind (pace < 0.9) while the digest's note
// called 1.1 "ahead" on its own; now both live here.
const (
	// MinElapsedForPace is the share of working days that must have ended
	// before there is a verdict: on day one everyone is at 0%.
	MinElapsedForPace = 0.1
	// BehindPace: a pace below this is behind.
	BehindPace = 0.9
	// AheadPace: a pace at or above this is ahead.
	AheadPace = 1.1
)

// PaceVerdict is what a view says about a pace.
type PaceVerdict uint8

const (
	PaceNoQuota PaceVerdict = iota
	PaceQuotaReached
	PaceJustStarted
	PaceBehind
	PaceOn
	PaceAhead
	// PaceNotStarted: the period lies ahead; nothing to judge yet.
	PaceNotStarted
	// PaceEndedShort: the period is over and its quota was not reached.
	PaceEndedShort
)

// String is the verdict as every view words it.
func (v PaceVerdict) String() string {
	switch v {
	case PaceQuotaReached:
		return "quota reached"
	case PaceJustStarted:
		return "period just started"
	case PaceBehind:
		return "behind pace"
	case PaceOn:
		return "on pace"
	case PaceAhead:
		return "ahead of pace"
	case PaceNotStarted:
		return "period not started"
	case PaceEndedShort:
		return "period ended short of quota"
	}
	return "no quota"
}

// PaceOf is attainment / elapsed working-day share; n/a with the reason
// when either is undefined or no working day has ended yet.
func PaceOf(attainment, elapsed Num) Num {
	switch {
	case !attainment.OK:
		return NumWhy(attainment.Why)
	case !elapsed.OK:
		return NumWhy(elapsed.Why)
	case elapsed.V == 0:
		return NumWhy("period just started")
	}
	return Some(attainment.V / elapsed.V)
}

// Verdict judges a pace: no verdict before MinElapsedForPace of the
// working days have ended, behind below BehindPace, ahead from AheadPace.
// A period that has not begun, or has ended short of its quota, is said
// to be so: "behind pace" of a quarter that is over, or "period just
// started" of one that starts next month, would read wrong.
func Verdict(hasQuota bool, quota, won Money, pace, elapsed Num, phase Phase) PaceVerdict {
	switch {
	case !hasQuota:
		return PaceNoQuota
	case won >= quota:
		return PaceQuotaReached
	case phase == PhaseUpcoming:
		return PaceNotStarted
	case phase == PhaseEnded:
		return PaceEndedShort
	case !elapsed.OK || elapsed.V < MinElapsedForPace || !pace.OK:
		return PaceJustStarted
	case pace.V < BehindPace:
		return PaceBehind
	case pace.V >= AheadPace:
		return PaceAhead
	}
	return PaceOn
}
