package sales

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ActivityGoal is a target number of activities for a rep, or for a
// manager's team, per week or month. Contract: "/goal set @user <N>
// calls|meetings|emails|activities week|month sets an activity goal".
//
// A goal set for "week" or "month" recurs: it holds for every period of
// that kind from From on, until another recurring goal replaces it (so
// past weeks keep the goal they had). A goal set for one named period
// (2026-W50, 2026-12) holds for that period only and wins over the
// recurring one.
type ActivityGoal struct {
	Person PersonID
	Team   bool   // the person's team (them and everyone reporting to them); Person 0: the company
	Type   string // an activity type; "" = every type ("activities")
	Kind   PeriodKind
	// From is the first period of a recurring goal, or the one period of a
	// goal that does not recur.
	From   Period
	Recurs bool
	Target int
	SetBy  PersonID
	SetAt  time.Time
}

// MaxActivityGoal bounds a goal: a rep logging more than this in a month
// is a typo ("400 calls" meant "40").
const MaxActivityGoal = 10000

// ActivityGoalForms is the help text for the goal's type word.
const ActivityGoalForms = "calls, meetings, emails (any activity type, plural) or activities"

// ParseActivityGoalType reads the type word of an activity goal: a
// configured type, singular or plural ("calls", "call"), or "activities"
// for every type (returned as "").
func ParseActivityGoalType(word string, cfg ActivityConfig) (string, error) {
	w := strings.ToLower(strings.TrimSpace(word))
	if w == "activities" || w == "activity" {
		return "", nil
	}
	for _, t := range cfg.Types {
		if w == t || w == t+"s" || w == t+"es" {
			return t, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not an activity type: use %s (configured: %s)", word, ActivityGoalForms, cfg.TypeList())
}

// ValidateActivityGoal checks a goal before it is stored.
func ValidateActivityGoal(g ActivityGoal) error {
	switch {
	case g.Person == 0 && !g.Team:
		return Errorf(EINVALID, "an activity goal needs a person or a team")
	case g.Kind != Week && g.Kind != Month:
		return Errorf(EINVALID, "an activity goal is per week or month: use %s", ActivityPeriodForms)
	case g.From.Kind != g.Kind:
		return Errorf(EINVALID, "the goal's period %s is not a %s", g.From.Label(), g.Kind.Noun())
	case g.Target <= 0:
		return Errorf(EINVALID, "an activity goal must be at least 1 (got %d)", g.Target)
	case g.Target > MaxActivityGoal:
		return Errorf(EINVALID, "an activity goal of %d is more than %d: check the number", g.Target, MaxActivityGoal)
	}
	if g.Type != "" {
		return ValidActivityTypeName(g.Type)
	}
	return nil
}

// ParseActivityGoalTarget reads a goal's count: a whole number from 1 to
// MaxActivityGoal.
func ParseActivityGoalTarget(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case err != nil:
		return 0, Errorf(EINVALID, "%q is not a whole number of activities", s)
	case n <= 0:
		return 0, Errorf(EINVALID, "an activity goal must be at least 1 (got %d)", n)
	case n > MaxActivityGoal:
		return 0, Errorf(EINVALID, "an activity goal of %d is more than %d: check the number", n, MaxActivityGoal)
	}
	return n, nil
}

// Noun is the goal's type as counted: "calls", "activities".
func (g ActivityGoal) Noun() string { return ActivityNoun(g.Type, 2) }

// ActivityNoun is typ ("" = any) worded for n of them: "1 call", "3 calls".
func ActivityNoun(typ string, n int) string {
	if typ == "" {
		typ = "activity"
	}
	if n == 1 {
		return typ
	}
	switch {
	case strings.HasSuffix(typ, "y") && !strings.HasSuffix(typ, "ay") && !strings.HasSuffix(typ, "ey"):
		return typ[:len(typ)-1] + "ies"
	case strings.HasSuffix(typ, "s"), strings.HasSuffix(typ, "x"), strings.HasSuffix(typ, "sh"), strings.HasSuffix(typ, "ch"):
		return typ + "es"
	}
	return typ + "s"
}

// Applies reports whether g holds for period p.
func (g ActivityGoal) Applies(p Period) bool {
	if p.Kind != g.Kind {
		return false
	}
	if !g.Recurs {
		return p == g.From
	}
	return !p.FirstDay().Before(g.From.FirstDay())
}

// GoalFor picks the goal that holds for p among goals of one subject and
// type: the one set for p itself, else the latest recurring one that has
// begun by p.
func GoalFor(goals []ActivityGoal, p Period) (ActivityGoal, bool) {
	var best ActivityGoal
	found := false
	for _, g := range goals {
		if !g.Applies(p) {
			continue
		}
		switch {
		case !g.Recurs:
			return g, true
		case !found || g.From.FirstDay().After(best.From.FirstDay()):
			best, found = g, true
		}
	}
	return best, found
}

// ActivityProgress is an activity goal's progress in one period, with the
// same pace rules as quotas (working days, no verdict before 10% of them
// have ended).
type ActivityProgress struct {
	Goal   ActivityGoal
	Period Period
	Done   int
	// Elapsed is the share of the period's working days that have ended.
	Elapsed Num
	// WorkingDays is what is left, today included.
	WorkingDays int
	Attainment  Num // Done / Target
	Pace        Num // Attainment / Elapsed
	Verdict     PaceVerdict
	// PerWorkingDay is (target − done) / working days left.
	PerWorkingDay Num
}

// NewActivityProgress is g's progress in p with done activities, at now in loc.
func NewActivityProgress(g ActivityGoal, p Period, done int, now time.Time, loc *time.Location) ActivityProgress {
	a := ActivityProgress{Goal: g, Period: p, Done: done}
	a.Elapsed = p.ElapsedWorkingShare(now, loc)
	a.WorkingDays = p.WorkingDaysLeft(now, loc)
	a.Attainment = Div(float64(done), float64(g.Target))
	a.Pace = PaceOf(a.Attainment, a.Elapsed)
	a.Verdict = Verdict(true, Money(g.Target), Money(done), a.Pace, a.Elapsed, p.PhaseAt(now, loc))
	switch left := g.Target - done; {
	case left <= 0:
		a.PerWorkingDay = Some(0)
	case a.WorkingDays <= 0:
		a.PerWorkingDay = NumWhy("no working days left")
	default:
		a.PerWorkingDay = Some(float64(left) / float64(a.WorkingDays))
	}
	return a
}

// Behind is the same "behind pace" as quotas use.
func (a ActivityProgress) Behind() bool { return a.Verdict == PaceBehind }

// VerdictText words the verdict for a goal of activities, not money.
func (a ActivityProgress) VerdictText() string {
	switch a.Verdict {
	case PaceQuotaReached:
		return "goal reached"
	case PaceEndedShort:
		return fmt.Sprintf("%s ended short of the goal by %d", a.Period.Label(), a.Goal.Target-a.Done)
	case PaceNotStarted:
		return "not started yet"
	}
	return a.Verdict.String()
}

// Line is the one-line summary every view shows: "3 of 40 calls this
// week (8%) · behind pace · 4.6 a working day to go".
func (a ActivityProgress) Line(now time.Time, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d %s %s", a.Done, a.Goal.Target, a.Goal.Noun(), a.periodWords(now, loc))
	if a.Attainment.OK {
		fmt.Fprintf(&b, " (%.0f%%)", a.Attainment.V*100)
	}
	b.WriteString(" · " + a.VerdictText())
	if a.Verdict != PaceQuotaReached && a.Verdict != PaceEndedShort && a.Verdict != PaceNotStarted && a.PerWorkingDay.OK {
		fmt.Fprintf(&b, " · %s a working day to go", strconv.FormatFloat(a.PerWorkingDay.V, 'f', 1, 64))
	}
	return b.String()
}

// periodWords is "this week", "this month" or the period's label.
func (a ActivityProgress) periodWords(now time.Time, loc *time.Location) string {
	if PeriodOf(a.Period.Kind, now, loc) == a.Period {
		return "this " + a.Period.Kind.Noun()
	}
	return "in " + a.Period.Label()
}

// Noun is the kind as a word: "week", "month", "quarter", "year".
func (k PeriodKind) Noun() string {
	switch k {
	case Week:
		return "week"
	case Month:
		return "month"
	case Quarter:
		return "quarter"
	case Year:
		return "year"
	}
	return "period"
}
