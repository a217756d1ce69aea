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

// Progress is a subject's quota progress for a period, every number as
// the contract defines it: attainment over the QuotaBasis, pace on working
// days, per working day, coverage by close date. /goal, /pipeline, the Home
// tab, the digest, nudges and the win notice all show this one value.
type Progress struct {
	Period   Period
	Basis    QuotaBasis
	HasQuota bool
	Quota    Money
	// Won is won inside the quota (see QuotaBasis); WonBeside was won by
	// members whose quota does not make up the subject's.
	Won, WonBeside Money
	Open           Money // all open pipeline: Pipeline.ByEnd + Later + NoDate
	Pipeline       PipelineByClose
	// Elapsed is the share of the period's working days that have ended.
	Elapsed Num
	// Working days of the period: all, ended at now, left (today included).
	WorkingDaysTotal, WorkingDaysElapsed, WorkingDays int
	Remaining                                         Money // quota − won, never below 0
	Attainment                                        Num   // Won / Quota
	Pace                                              Num   // Attainment / Elapsed
	Verdict                                           PaceVerdict
	PerWorkingDay                                     Num
	Coverage                                          Num
}

// NewProgress computes a Progress at now in loc. pipe is the subject's open
// pipeline split by close date against the period (PipelineByClose.Add).
func NewProgress(q QuotaBasis, won WinSplit, pipe PipelineByClose, now time.Time, loc *time.Location) Progress {
	p := q.Period
	g := Progress{Period: p, Basis: q, HasQuota: q.Has, Won: won.Inside, WonBeside: won.Beside, Pipeline: pipe,
		Open: pipe.ByEnd + pipe.Later + pipe.NoDate}
	g.WorkingDaysTotal = p.WorkingDays()
	g.WorkingDaysElapsed = p.WorkingDaysElapsed(now, loc)
	g.WorkingDays = p.WorkingDaysLeft(now, loc)
	g.Elapsed = p.ElapsedWorkingShare(now, loc)
	if q.Has {
		g.Quota = q.Amount
		g.Attainment = Div(float64(won.Inside), float64(q.Amount))
		if won.Inside < q.Amount {
			g.Remaining = q.Amount - won.Inside
		}
		g.PerWorkingDay = PerWorkingDay(q.Amount, true, won.Inside, g.WorkingDays)
	} else {
		g.Attainment = NumWhy(q.Why)
		g.PerWorkingDay = NumWhy(q.Why)
	}
	g.Pace = PaceOf(g.Attainment, g.Elapsed)
	g.Verdict = Verdict(q.Has, q.Amount, won.Inside, g.Pace, g.Elapsed, p.PhaseAt(now, loc))
	g.Coverage = CoverageOf(pipe, q, won.Inside)
	return g
}

// Behind reports the one "behind pace" every view and nudge uses.
func (g Progress) Behind() bool { return g.Verdict == PaceBehind }

// SeeTheMath explains attainment, pace and coverage in one line, for
// /goal's "see the math", in full amounts so each figure can be checked
// by hand: "won $30,000.00 of $100,000.00 = 30%; 6 of 20 working days
// ended = 30%; pace 30% / 30% = 1.00×; coverage $140,000.00 closing by
// 31 Dec 2026 / $70,000.00 to go = 2.0×".
func (g Progress) SeeTheMath(c Currency) string {
	if !g.HasQuota {
		return g.Basis.Why
	}
	s := fmt.Sprintf("won %s of %s = %s; %d of %d working days ended = %s",
		c.Format(g.Won), c.Format(g.Quota), g.Attainment.Percent(),
		g.WorkingDaysElapsed, g.WorkingDaysTotal, g.Elapsed.Percent())
	if g.Pace.OK {
		s += fmt.Sprintf("; pace %s / %s = %s×", g.Attainment.Percent(), g.Elapsed.Percent(), g.Pace.Fixed(2))
	}
	if g.Coverage.OK {
		s += fmt.Sprintf("; coverage %s closing by %s / %s to go = %s×", c.Format(g.Pipeline.ByEnd), g.Period.LastDay().Long(), c.Format(g.Remaining), g.Coverage.Fixed(1))
	}
	if g.WonBeside > 0 {
		s += fmt.Sprintf("; %s won by people without a quota, not counted", c.Format(g.WonBeside))
	}
	return s
}
