package sales

import (
	"fmt"
	"time"
)

// QuotaBasis is the quota a subject is measured against and whose wins
// count toward it. Contract: "quota of a team or territory: its own quota
// for the period if one is set; else the sum of the quotas of its members
// for that period. attainment: won in the period by exactly the people
// whose quotas make up that quota (an own team/territory quota: everyone
// in it) / that quota; wins by people without a quota are shown beside
// it, not inside it."
type QuotaBasis struct {
	Period Period
	Has    bool
	Amount Money
	// Own is set when the subject has its own quota: every member's wins
	// count. Otherwise only Covered's wins do.
	Own     bool
	Covered map[PersonID]bool
	Why     string // when !Has: "no quota for Q4 2026"
}

// ComposeQuota finds a team's, territory's or (members = the person) a
// rep's quota for exactly period p: own is the subject's own quota for p,
// personQuota a member's quota for p. A quota set for another period never
// counts: a quarter's quota is not a month's (a month read of a quarter
// quota has no quota; DefaultQuotaPeriod then picks the quarter).
// Zero and negative quotas count as none.
func ComposeQuota(p Period, own Money, hasOwn bool, members []PersonID, personQuota func(PersonID) (Money, bool)) QuotaBasis {
	b := QuotaBasis{Period: p}
	if hasOwn && own > 0 {
		b.Has, b.Own, b.Amount = true, true, own
		return b
	}
	b.Covered = map[PersonID]bool{}
	for _, m := range members {
		if q, ok := personQuota(m); ok && q > 0 && !b.Covered[m] {
			b.Covered[m] = true
			b.Amount += q
		}
	}
	b.Has = b.Amount > 0
	if !b.Has {
		b.Why = "no quota for " + p.Label()
	}
	return b
}

// Counts reports whether person's wins count inside the quota.
func (b QuotaBasis) Counts(person PersonID) bool { return b.Has && (b.Own || b.Covered[person]) }

// WinSplit is the subject's won amount in the period, inside the quota and
// beside it.
type WinSplit struct {
	Inside Money // won by the people whose quotas make up the quota
	Beside Money // won by members without a quota, shown beside
}

// Add counts a win of amount owned by person (a member of the subject).
func (w *WinSplit) Add(b QuotaBasis, person PersonID, amount Money) {
	if b.Counts(person) {
		w.Inside += amount
	} else {
		w.Beside += amount
	}
}

// DefaultQuotaPeriod is the subject's default period. Contract: "Default
// period: the first of month, quarter, year for which that quota exists."
// has reports whether the subject's quota (own or composed, per person,
// team or territory, never company-wide for someone else) exists for a
// period. With none it is the current month, with ok false.
func DefaultQuotaPeriod(now time.Time, loc *time.Location, has func(Period) bool) (p Period, ok bool) {
	for _, k := range []PeriodKind{Month, Quarter, Year} {
		if p := PeriodOf(k, now, loc); has(p) {
			return p, true
		}
	}
	return PeriodOf(Month, now, loc), false
}

// Goal is a subject's quota progress for a period, every number as the
// contract defines it: attainment over the QuotaBasis, pace on working
// days, per working day, coverage by close date.
type Goal struct {
	Period Period
	Quota  QuotaBasis
	Won    WinSplit
	// Working days of the period: all, ended at now, left (today included).
	WorkingDays, WorkingDaysElapsed, WorkingDaysLeft int
	Elapsed                                          Num // share of working days ended
	Attainment                                       Num // Won.Inside / quota
	Pace                                             Num // Attainment / Elapsed
	Verdict                                          PaceVerdict
	Remaining                                        Money // quota − won inside, never below 0
	PerWorkingDay                                    Num
	Pipeline                                         PipelineByClose
	Coverage                                         Num
}

// NewGoal computes a Goal at now in loc. pipe is the subject's open
// pipeline at the period's moment, split by close date (see
// PipelineByClose).
func NewGoal(q QuotaBasis, won WinSplit, pipe PipelineByClose, now time.Time, loc *time.Location) Goal {
	p := q.Period
	g := Goal{Period: p, Quota: q, Won: won, Pipeline: pipe}
	g.WorkingDays = p.WorkingDays()
	g.WorkingDaysElapsed = p.WorkingDaysElapsed(now, loc)
	g.WorkingDaysLeft = p.WorkingDaysLeft(now, loc)
	g.Elapsed = p.ElapsedWorkingShare(now, loc)
	if q.Has {
		g.Attainment = Div(float64(won.Inside), float64(q.Amount))
		if won.Inside < q.Amount {
			g.Remaining = q.Amount - won.Inside
		}
	} else {
		g.Attainment = NumWhy(q.Why)
	}
	g.Pace = PaceOf(g.Attainment, g.Elapsed)
	g.Verdict = Verdict(q.Has, q.Amount, won.Inside, g.Pace, g.Elapsed)
	g.PerWorkingDay = PerWorkingDay(q.Amount, q.Has, won.Inside, g.WorkingDaysLeft)
	if !q.Has {
		g.PerWorkingDay = NumWhy(q.Why)
	}
	g.Coverage = CoverageOf(pipe, q, won.Inside)
	return g
}

// SeeTheMath explains attainment and pace in one line, for /goal's "see
// the math": "won $30k of $100k = 30%; 6 of 20 working days ended = 30%;
// pace 30% / 30% = 1.00×".
func (g Goal) SeeTheMath(c Currency) string {
	if !g.Quota.Has {
		return g.Quota.Why
	}
	s := fmt.Sprintf("won %s of %s = %s; %d of %d working days ended = %s",
		c.Short(g.Won.Inside), c.Short(g.Quota.Amount), g.Attainment.Percent(),
		g.WorkingDaysElapsed, g.WorkingDays, g.Elapsed.Percent())
	if g.Pace.OK {
		s += fmt.Sprintf("; pace %s / %s = %s×", g.Attainment.Percent(), g.Elapsed.Percent(), g.Pace.Fixed(2))
	}
	if g.Won.Beside > 0 {
		s += fmt.Sprintf("; %s won beside (no quota)", c.Short(g.Won.Beside))
	}
	return s
}
