package sales

import "strings"

// A deal's next step is the one thing its owner will do next, with an
// optional due date (a civil date, like a close date). Every change is a
// deal event (FieldNextStep, FieldNextDue), so the history shows it; done
// clears it.

// MaxNextStep bounds a next step's text: one line, not a note.
const MaxNextStep = 300

// ValidateNextStep checks a next step being set on a deal: text is
// required, and a due date (when given) is today or later.
func ValidateNextStep(text string, due, today Date) error {
	if strings.TrimSpace(text) == "" {
		return Errorf(EINVALID, "the next step is empty: say what happens next")
	}
	if err := CheckLength("next step", text, MaxNextStep); err != nil {
		return err
	}
	return ValidateNextDue(due, today)
}

// ValidateNextDue rejects a due date in the past (zero: no due date).
func ValidateNextDue(due, today Date) error {
	if !due.IsZero() && due.Before(today) {
		return Errorf(EINVALID, "due date %s is in the past: a next step is due today or later, e.g. %s or +1w",
			due, today.AddDays(7))
	}
	return nil
}

// NextStepOverdue reports whether d has a next step whose due date is
// before today.
func NextStepOverdue(d Deal, today Date) bool {
	return d.NextStep != "" && !d.NextDue.IsZero() && d.NextDue.Before(today)
}

// PushNextDue is the due date a "push" of n days gives: n days after the
// later of the current due date and today, so pushing an overdue step
// never lands it in the past.
func PushNextDue(due, today Date, n int) Date {
	if due.IsZero() || due.Before(today) {
		due = today
	}
	return due.AddDays(n)
}

// nextStepProbability is Proposal's default win probability: where stages
// were renamed and none is called Proposal, the first open stage this
// likely to win starts the late stages.
const nextStepProbability = 5000

// LateStage reports whether id is an open stage at or after Proposal in
// pipeline order: a deal there needs a next step. Proposal is found by
// name, else as the first open stage with at least Proposal's default
// probability; the stages after it count by their order, not their names.
func (ss StageSet) LateStage(id StageID) bool {
	open := ss.Open()
	from := -1
	for i, s := range open {
		if strings.EqualFold(s.Name, "Proposal") {
			from = i
			break
		}
	}
	if from < 0 {
		for i, s := range open {
			if s.Probability >= nextStepProbability {
				from = i
				break
			}
		}
	}
	if from < 0 {
		return false
	}
	for _, s := range open[from:] {
		if s.ID == id {
			return true
		}
	}
	return false
}

// NeedsNextStep reports whether d is an open deal in Proposal or later
// with no next step: a coaching item.
func NeedsNextStep(d Deal, ss StageSet) bool {
	return d.NextStep == "" && ss.Kind(d.Stage) == StageOpen && ss.LateStage(d.Stage)
}
