package digest

import (
	"fmt"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// ForecastLine is a digest scope's forecast for its period: the numbers
// /forecast shows for the same subject, and the reps' calls.
type ForecastLine struct {
	Projection               forecast.Projection
	Quota                    sales.QuotaBasis
	Calls                    int
	CalledCommit, CalledBest sales.Money
}

// Accuracy is forecast against actual for a period that has just ended:
// shown in the first week after its end, so a team sees how well its
// calls and the projection did.
type Accuracy struct {
	Period sales.Period
	Actual sales.Money // won in the period
	// Points are the projection as of the period's first day, its middle
	// and a week before its end, replayed from what was known then.
	Points []AccuracyPoint
	// Calls are the reps' last calls for the period, frozen as made.
	Calls                    int
	CalledCommit, CalledBest sales.Money
	Reps                     []RepAccuracy
}

// AccuracyPoint is one projection of the period.
type AccuracyPoint struct {
	Label                string // "on the first day", "at mid-period", "a week before the end"
	At                   time.Time
	Predicted, Low, High sales.Money
}

// RepAccuracy is one rep's call and day-1 projection against what they won.
type RepAccuracy struct {
	Name         string
	Actual       sales.Money
	Called       bool
	Commit, Best sales.Money
	FirstDay     sales.Money
}

// AccuracyDays is how long after a period's end the digest shows its
// accuracy.
const AccuracyDays = 7

// forecaster is the digest run's one read of deals and history.
func (b *builder) forecaster() (*report.Forecaster, error) {
	if b.fc == nil {
		fc, err := report.NewForecasterCached(b.ctx, b.s.store, report.Env{Now: b.now, Loc: b.s.loc, Cur: b.s.cur}, b.s.histories)
		if err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		b.fc = fc
	}
	return b.fc, nil
}

// forecastLine fills d.Forecast and, in the week after the previous
// period ended, d.Accuracy.
func (b *builder) forecastLine(a *scopeAcc, d *Digest) error {
	fc, err := b.forecaster()
	if err != nil {
		return err
	}
	pr, basis, err := fc.Project(b.ctx, a.sub, a.period)
	if err != nil {
		return err
	}
	line := &ForecastLine{Projection: pr, Quota: basis}
	calls, err := b.s.store.ForecastCalls(b.ctx, a.period)
	if err != nil {
		return fmt.Errorf("digest: forecast calls: %w", err)
	}
	for id, c := range calls {
		if p := b.byID[id]; p != nil && a.repsOf(*p) {
			line.Calls++
			line.CalledCommit += c.Commit
			line.CalledBest += c.Best
		}
	}
	d.Forecast = line

	prev := a.period.Previous()
	end := prev.End(b.s.loc)
	if b.now.Before(end) || !b.now.Before(end.AddDate(0, 0, AccuracyDays)) {
		return nil
	}
	acc, err := b.accuracy(fc, a, prev)
	if err != nil {
		return err
	}
	d.Accuracy = acc
	return nil
}

func (b *builder) accuracy(fc *report.Forecaster, a *scopeAcc, p sales.Period) (*Accuracy, error) {
	loc := b.s.loc
	start, end := p.Start(loc), p.End(loc)
	actual, _, err := fc.ProjectAt(b.ctx, a.sub, p, end.Add(-time.Nanosecond))
	if err != nil {
		return nil, err
	}
	acc := &Accuracy{Period: p, Actual: actual.WonToDate}
	days := int(end.Sub(start).Hours() / 24)
	for _, pt := range []struct {
		label string
		at    time.Time
	}{{"on the first day", start}, {"at mid-period", start.AddDate(0, 0, days/2)}, {"a week before the end", end.AddDate(0, 0, -7)}} {
		if !pt.at.After(start) && pt.label != "on the first day" {
			continue // a period shorter than a week has no "last week"
		}
		pr, _, err := fc.ProjectAt(b.ctx, a.sub, p, pt.at)
		if err != nil {
			return nil, err
		}
		acc.Points = append(acc.Points, AccuracyPoint{Label: pt.label, At: pt.at, Predicted: pr.Predicted, Low: pr.Low, High: pr.High})
	}
	calls, err := b.s.store.ForecastCalls(b.ctx, p)
	if err != nil {
		return nil, fmt.Errorf("digest: forecast calls: %w", err)
	}
	var ids []sales.PersonID
	for _, person := range b.people {
		if a.repsOf(person) {
			ids = append(ids, person.ID)
		}
	}
	atEnd, err := fc.ProjectReps(b.ctx, ids, p, end.Add(-time.Nanosecond))
	if err != nil {
		return nil, err
	}
	atStart, err := fc.ProjectReps(b.ctx, ids, p, start)
	if err != nil {
		return nil, err
	}
	for _, person := range b.people {
		if !a.repsOf(person) {
			continue
		}
		won := atEnd[person.ID]
		c, called := calls[person.ID]
		if !won.Basis.Has && !called {
			continue
		}
		r := RepAccuracy{Name: person.Label(), Actual: won.Projection.WonToDate, FirstDay: atStart[person.ID].Projection.Predicted}
		if called {
			r.Called, r.Commit, r.Best = true, c.Commit, c.Best
			acc.Calls++
			acc.CalledCommit += c.Commit
			acc.CalledBest += c.Best
		}
		acc.Reps = append(acc.Reps, r)
	}
	return acc, nil
}

// ForecastText is the digest's forecast line, in full amounts so each
// figure is the one /forecast shows for the same subject and period.
func ForecastText(f *ForecastLine, c sales.Currency) string {
	pr := f.Projection
	s := fmt.Sprintf("projection %s (80%% range %s – %s) · commit %s · best case %s", c.Format(pr.Predicted),
		c.Format(pr.Low), c.Format(pr.High), c.Format(pr.Totals.Commit()), c.Format(pr.Totals.BestCase()))
	if f.Quota.Has {
		s += fmt.Sprintf(" · quota %s", c.Format(f.Quota.Amount))
		if pr.Chance.OK {
			s += " · chance of reaching it " + pr.Chance.Percent()
		}
	}
	if f.Calls > 0 {
		s += fmt.Sprintf(" · reps' calls: commit %s, best case %s (%s)", c.Format(f.CalledCommit), c.Format(f.CalledBest), plural(f.Calls, "call"))
	} else {
		s += " · no calls yet"
	}
	if pr.Fallback {
		s += " · stage probabilities (too little history)"
	}
	return s
}

// AccuracyText is the accuracy section: a headline and one line a rep.
func AccuracyText(a *Accuracy, c sales.Currency) (head string, reps []string) {
	head = fmt.Sprintf("%s closed at %s won.", a.Period.Label(), c.Format(a.Actual))
	for _, pt := range a.Points {
		in := "outside"
		if a.Actual >= pt.Low && a.Actual <= pt.High {
			in = "inside"
		}
		head += fmt.Sprintf(" Projection %s: %s (%s, actual %s its 80%% range %s – %s).", pt.Label, c.Format(pt.Predicted),
			errText(pt.Predicted, a.Actual), in, c.Format(pt.Low), c.Format(pt.High))
	}
	if a.Calls > 0 {
		head += fmt.Sprintf(" Reps' calls: commit %s, best case %s (%s; commit %s).", c.Format(a.CalledCommit), c.Format(a.CalledBest),
			plural(a.Calls, "call"), errText(a.CalledCommit, a.Actual))
	}
	for _, r := range a.Reps {
		call := "no call"
		if r.Called {
			call = fmt.Sprintf("called commit %s, best case %s", c.Format(r.Commit), c.Format(r.Best))
		}
		reps = append(reps, fmt.Sprintf("%s: won %s · %s · first-day projection %s", r.Name, c.Format(r.Actual), call, c.Format(r.FirstDay)))
	}
	return head, reps
}

// errText is a forecast's error against the actual: "4.2% high".
func errText(forecast, actual sales.Money) string {
	if actual == 0 {
		if forecast == 0 {
			return "exact"
		}
		return "nothing was won"
	}
	e := float64(forecast-actual) / float64(actual)
	switch {
	case e > 0:
		return sales.Some(e).Percent() + " high"
	case e < 0:
		return sales.Some(-e).Percent() + " low"
	}
	return "exact"
}
