package digest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Coaching thresholds.
const (
	lowWinRateShare = 0.6 // a rep's win rate below 60% of the team's is low
	minClosed90     = 5   // closed deals in 90 days before a win rate means much
	stuckFactor     = 2   // in a stage over twice the team median …
	stuckMinExtra   = 7   // … and at least a week longer than it
	minStageSamples = 5   // open deals in a stage before its median means much
)

// coaching finds reps behind pace, low win rates, stuck deals and thin
// pipelines, each with a concrete next step.
func (b *builder) coaching(a *scopeAcc, d *Digest) error {
	cur := d.Currency
	var behindL, lowWin, stuck, thin []Coaching

	var teamWon, teamLost int64
	for _, r := range d.Reps {
		if int(r.ID) < len(b.owners) {
			teamWon += b.owners[r.ID].won90
			teamLost += b.owners[r.ID].lost90
		}
	}
	teamRate := sales.Div(float64(teamWon), float64(teamWon+teamLost))

	type lowCand struct {
		r          RepLine
		won, total int64
		rate       float64
	}
	var lows []lowCand
	behindReps := slices.Clone(d.Reps)
	slices.SortStableFunc(behindReps, func(x, y RepLine) int { return cmp.Compare(x.Progress.Pace.V, y.Progress.Pace.V) })
	for _, r := range behindReps {
		pr := r.Progress
		switch {
		case pr.Behind():
			c := Coaching{Kind: CoachBehindPace, Rep: r.Name, RepID: r.ID}
			c.Problem = fmt.Sprintf("%s is at %s of the %s quota with %s of the period gone (pace %s).",
				r.Name, pr.Attainment.Percent(), r.Period.Label(), pr.Elapsed.Percent(), paceText(pr.Pace))
			need := fmt.Sprintf("Needs %s per working day over the %d working days left", shortNum(pr.PerWorkingDay, cur), pr.WorkingDays)
			if pr.WorkingDays == 0 {
				need = fmt.Sprintf("%s short with no working days left", cur.Abbrev(pr.Remaining))
			}
			switch {
			case pr.Coverage.OK && pr.Coverage.V < 1:
				c.Next = fmt.Sprintf("%s, and open pipeline covers only %s of the gap: block time this week to add %s of new pipeline.",
					need, timesText(pr.Coverage), cur.Abbrev(addFor(pr)))
			case r.ID < sales.PersonID(len(b.owners)) && b.owners[r.ID].hasBest:
				bc := b.owners[r.ID].best
				dl, err := b.deal(bc.id)
				if err != nil {
					return err
				}
				c.Deal = bc.id
				c.Next = fmt.Sprintf("%s: review %s (%s, %s, %s) with %s and agree the step that closes it this period.",
					need, dl.Account, bc.id, b.stages.Name(bc.stage), cur.Abbrev(bc.amount), r.Name)
			default:
				c.Next = need + ": agree a weekly target for new meetings with " + r.Name + " and check it in your 1:1."
			}
			behindL = append(behindL, c)
		case pr.HasQuota && pr.Remaining > 0 && pr.Coverage.OK && pr.Coverage.V < 1:
			thin = append(thin, Coaching{
				Kind: CoachNoPipeline, Rep: r.Name, RepID: r.ID,
				Problem: fmt.Sprintf("%s is on pace, but open pipeline covers only %s of the %s still to win.", r.Name, timesText(pr.Coverage), cur.Abbrev(pr.Remaining)),
				Next:    fmt.Sprintf("Add %s of pipeline to reach %.0f× coverage: book two prospecting blocks this week.", cur.Abbrev(addFor(pr)), TargetCoverage),
			})
		}
		if teamRate.OK && int(r.ID) < len(b.owners) {
			o := &b.owners[r.ID]
			if n := o.won90 + o.lost90; n >= minClosed90 {
				rate := float64(o.won90) / float64(n)
				if rate < lowWinRateShare*teamRate.V {
					lows = append(lows, lowCand{r: r, won: o.won90, total: n, rate: rate})
				}
			}
		}
	}
	slices.SortStableFunc(lows, func(x, y lowCand) int { return cmp.Compare(x.rate, y.rate) })
	lost := b.stages.Lost()
	for i, l := range lows {
		c := Coaching{Kind: CoachLowWinRate, Rep: l.r.Name, RepID: l.r.ID,
			Problem: fmt.Sprintf("%s won %d of %d deals closed in the last 90 days (%s vs the team's %s).",
				l.r.Name, l.won, l.total, sales.Some(l.rate).Percent(), teamRate.Percent())}
		c.Next = "Review the last lost deals with " + l.r.Name + " and tighten qualification: confirm budget, decision maker and timeline before Proposal."
		if i < CoachingSize { // reasons cost a lookup; only for the ones that can be shown
			reason, n, err := b.topLostReason(l.r.ID, lost.ID)
			if err != nil {
				return err
			}
			if n >= 2 {
				c.Next = fmt.Sprintf("Most losses cite “%s” (%d of %d): go through them with %s and rehearse that objection before the next proposal.",
					reason, n, l.total-l.won, l.r.Name)
			}
		}
		lowWin = append(lowWin, c)
	}

	type stuckCand struct {
		c      cand
		median int
		ratio  float64
	}
	var sc []stuckCand
	for i, t := range a.stuck {
		med := b.medians[i]
		if b.samples[i] < minStageSamples {
			continue
		}
		for _, c := range t.items {
			if c.days >= stuckFactor*med && c.days-med >= stuckMinExtra {
				sc = append(sc, stuckCand{c: c, median: med, ratio: float64(c.days) / float64(max(med, 1))})
			}
		}
	}
	slices.SortStableFunc(sc, func(x, y stuckCand) int {
		if c := cmp.Compare(y.ratio, x.ratio); c != 0 {
			return c
		}
		return cmp.Compare(x.c.id, y.c.id)
	})
	for i, s := range sc {
		c := Coaching{Kind: CoachStuckDeal, RepID: s.c.owner, Rep: b.name(s.c.owner), Deal: s.c.id}
		account := s.c.id.String()
		if i < CoachingSize {
			dl, err := b.deal(s.c.id)
			if err != nil {
				return err
			}
			account = dl.Account
		}
		stage := b.stages.Name(s.c.stage)
		c.Problem = fmt.Sprintf("%s (%s, %s) has been in %s for %d days; the team's median there is %s.",
			account, s.c.id, cur.Abbrev(s.c.amount), stage, s.c.days, daysText(s.median))
		c.Next = fmt.Sprintf("Ask %s for the buyer's decision date and a mutual close plan this week; if the buyer has gone quiet, mark it lost so the forecast stays honest.", c.Rep)
		stuck = append(stuck, c)
	}

	slipping, err := b.slipping(a, cur)
	if err != nil {
		return err
	}

	quiet, err := b.goneQuiet(a)
	if err != nil {
		return err
	}

	activity, err := b.activityCoaching(d.Reps, behindL)
	if err != nil {
		return err
	}

	d.CoachingTotal = len(behindL) + len(lowWin) + len(stuck) + len(thin) + len(slipping) + len(quiet) + len(activity)
	// Mix the kinds so one long list does not hide the others.
	kinds := [][]Coaching{behindL, lowWin, stuck, thin, slipping, quiet, activity}
	for len(d.Coaching) < min(CoachingSize, d.CoachingTotal) {
		for k := range kinds {
			if len(kinds[k]) > 0 && len(d.Coaching) < CoachingSize {
				d.Coaching = append(d.Coaching, kinds[k][0])
				kinds[k] = kinds[k][1:]
			}
		}
	}
	return nil
}

// slipping finds the scope's open deals whose close date keeps moving.
func (b *builder) slipping(a *scopeAcc, cur sales.Currency) ([]Coaching, error) {
	if a.deals == 0 {
		return nil, nil
	}
	fc, err := b.forecaster()
	if err != nil {
		return nil, err
	}
	sl, err := fc.Slipping(b.ctx, a.sub)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	var out []Coaching
	for i, s := range sl {
		c := Coaching{Kind: CoachSlipping, RepID: s.Owner, Rep: b.name(s.Owner), Deal: s.ID}
		account := s.ID.String()
		if i < CoachingSize {
			account = fc.Accounts[s.ID]
		}
		close := "no close date now"
		if !s.Close.IsZero() {
			close = "now " + s.Close.UTC().Format(time.DateOnly)
		}
		c.Problem = fmt.Sprintf("%s (%s, %s) has had its close date pushed %d times (%s).", account, s.ID, cur.Abbrev(s.Amount), s.Pushes, close)
		c.Next = fmt.Sprintf("Ask %s what the buyer has committed to and by when; take it out of commit (/deal set %s forecast:best) until a date holds.", c.Rep, s.ID)
		out = append(out, c)
	}
	return out, nil
}

// addFor is the pipeline closing in the period to add for TargetCoverage
// of what is left to win (deals dated later do not cover it).
func addFor(pr sales.Progress) sales.Money {
	need := sales.Money(TargetCoverage*float64(pr.Remaining)) - pr.Pipeline.ByEnd
	return max(need, 0)
}

// topLostReason is the most common lost reason of a rep's last 90 days.
func (b *builder) topLostReason(rep sales.PersonID, lost sales.StageID) (string, int, error) {
	deals, err := b.s.store.FindDeals(b.ctx, sales.DealFilter{Owner: rep, Stage: lost, ClosedFrom: b.now.AddDate(0, 0, -90), ClosedTo: b.now, Limit: 200})
	if err != nil {
		return "", 0, fmt.Errorf("digest: lost reasons: %w", err)
	}
	counts := map[string]int{}
	shown := map[string]string{}
	for _, d := range deals {
		r := strings.TrimSpace(d.LostReason)
		if r == "" {
			continue
		}
		k := strings.ToLower(r)
		counts[k]++
		if _, ok := shown[k]; !ok {
			shown[k] = r
		}
	}
	best, n := "", 0
	for k, c := range counts {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return shown[best], n, nil
}

func paceText(n sales.Num) string {
	if !n.OK {
		return sales.NA
	}
	return n.Fixed(2) + "×"
}

func timesText(n sales.Num) string {
	if !n.OK {
		return sales.NA
	}
	return n.Fixed(1) + "×"
}

func daysText(d int) string {
	switch d {
	case 0:
		return "under a day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", d)
}

func shortNum(n sales.Num, c sales.Currency) string {
	if !n.OK {
		return sales.NA
	}
	return c.Abbrev(sales.Money(n.V + 0.5))
}
