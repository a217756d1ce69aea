package sales

import "time"

// ApplyStageChange applies the stage rules to nd, the edited form of old,
// at now in loc, so every path (command, button, form, import) moves a
// deal the same way:
//   - a new stage starts the stage clock (StageEnteredAt = now) unless the
//     caller set an entry time; stale is measured from it, so edits, notes
//     and activities never touch it;
//   - closing (Won or Lost) stamps ClosedAt = now unless given, and makes
//     the close date the day it closed in loc ("deals closed in the
//     window" are counted by that civil date);
//   - reopening clears ClosedAt;
//   - a deal imported closed with no date of its close keeps no ClosedAt
//     through edits that leave its stage (CloseUnknown), so it never
//     counts as closed in the period it was edited in;
//   - entering Won needs an amount greater than zero (ValidateWon).
func ApplyStageChange(old, nd *Deal, ss StageSet, now time.Time, loc *time.Location) error {
	kind := ss.Kind(nd.Stage)
	if kind == StageWon && (old.Stage != nd.Stage || old.Amount != nd.Amount) {
		if err := ValidateWon(*nd); err != nil {
			return err
		}
	}
	if nd.Stage != old.Stage {
		if nd.StageEnteredAt.Equal(old.StageEnteredAt) {
			nd.StageEnteredAt = now
		}
		if kind != StageOpen {
			if nd.ClosedAt.Equal(old.ClosedAt) {
				nd.ClosedAt = now
			}
			if nd.CloseDate.Equal(old.CloseDate) {
				d := DateIn(nd.ClosedAt, loc)
				nd.CloseDate = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
			}
		}
	}
	switch {
	case kind == StageOpen:
		nd.ClosedAt = time.Time{}
	case nd.ClosedAt.IsZero() && !CloseUnknown(*old, *nd):
		nd.ClosedAt = now
	}
	if nd.CreatedAt.IsZero() {
		nd.CreatedAt = old.CreatedAt
	}
	return nil
}

// CloseUnknown reports whether nd, an edit of old, is a deal closed at a
// time nobody knows: imported won or lost with no close date, closed time
// or stage entry, so it has no ClosedAt and no close date and counts in no
// period's won, lost, win rate, attainment or sales cycle. It stays so
// until its stage or close date changes.
func CloseUnknown(old, nd Deal) bool {
	return old.ID != 0 && old.Stage == nd.Stage && old.ClosedAt.IsZero() && old.CloseDate.IsZero() && nd.CloseDate.IsZero()
}
