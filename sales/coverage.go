package sales

import "fmt"

// PipelineByClose is open pipeline split by expected close date against a
// period's end. Contract: "coverage: open pipeline expected to close by
// the period's end (overdue deals included) / (quota − won); pipeline
// closing later and pipeline with no close date are shown separately."
type PipelineByClose struct {
	ByEnd, Later, NoDate Money
}

// Add counts an open deal of amount expected to close on closeDate (zero =
// no close date) against period p. A close date before the period (an
// overdue deal) can still close by its end.
func (b *PipelineByClose) Add(p Period, amount Money, closeDate Date) {
	switch {
	case closeDate.IsZero():
		b.NoDate += amount
	case closeDate.After(p.LastDay()):
		b.Later += amount
	default:
		b.ByEnd += amount
	}
}

// CoverageOf is ByEnd / (quota − won); n/a with the reason when the quota
// is missing or already reached. Contract: "n/a when quota is missing or
// already reached."
func CoverageOf(b PipelineByClose, q QuotaBasis, won Money) Num {
	switch {
	case !q.Has:
		return NumWhy(q.Why)
	case won >= q.Amount:
		return NumWhy(fmt.Sprintf("quota for %s reached", q.Period.Label()))
	}
	return Div(float64(b.ByEnd), float64(q.Amount-won))
}
