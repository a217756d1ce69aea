package sales

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
)

// BoardMode is what a leaderboard ranks by.
type BoardMode uint8

const (
	BoardWon        BoardMode = iota // won value in the period
	BoardDeals                       // number of won deals in the period
	BoardAttainment                  // won / quota, people with a quota for the period only
	BoardActivities                  // logged activities in the period
)

// BoardModes are the modes /leaderboard offers, in help order.
var BoardModes = []BoardMode{BoardWon, BoardDeals, BoardAttainment, BoardActivities}

func (m BoardMode) String() string {
	switch m {
	case BoardDeals:
		return "deals"
	case BoardAttainment:
		return "attainment"
	case BoardActivities:
		return "activities"
	}
	return "won"
}

// ParseBoardMode reads one of BoardModes (a few synonyms too).
func ParseBoardMode(s string) (BoardMode, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "won", "wins", "value", "revenue":
		return BoardWon, true
	case "deals", "count", "deal":
		return BoardDeals, true
	case "attainment", "quota", "%":
		return BoardAttainment, true
	case "activities", "activity":
		return BoardActivities, true
	}
	return 0, false
}

// Contender is one person's numbers for a period, what a leaderboard
// ranks.
type Contender struct {
	Person   PersonID
	Name     string // raw user text
	SlackID  string
	Role     Role
	Muted    bool  // celebrations off: named, never mentioned or singled out
	Won      Money // won value in the period
	Deals    int64 // won deals in the period
	Quota    Money // the person's own quota for exactly the period
	HasQuota bool
	// Activities is the count of logged activities in the period; only
	// BoardActivities reads it.
	Activities int64
}

// Attainment is Won / Quota; NumWhy without a quota.
func (c Contender) Attainment() Num {
	if !c.HasQuota || c.Quota <= 0 {
		return NumWhy("no quota")
	}
	return Some(float64(c.Won) / float64(c.Quota))
}

// Standing is a ranked contender. Rank is 1-based and fair: people with
// the same score share a rank and the next rank skips (1, 2, 2, 4).
type Standing struct {
	Contender
	Rank int
}

// Board is a leaderboard: everyone ranked, best first.
type Board struct {
	Mode   BoardMode
	Period Period
	Ranked []Standing
	// NoQuota counts, for BoardAttainment, the people with wins in the
	// period who are not ranked for want of a quota.
	NoQuota int
}

// Eligible says whether c is ranked on m, and if not, why (a short
// phrase: "no quota for Dec 2026"). Contract: reps without a quota are
// not ranked on attainment; managers (and admins) are ranked only if
// they carry a quota. Someone who has not scored yet (0 in the mode) is
// not on the board either.
func Eligible(c Contender, m BoardMode, p Period) (bool, string) {
	if c.Role != RoleRep && !c.HasQuota {
		return false, "managers are ranked only with a quota for " + p.Label()
	}
	switch m {
	case BoardAttainment:
		if !c.HasQuota || c.Quota <= 0 {
			return false, "no quota for " + p.Label()
		}
		if c.Won <= 0 {
			return false, "no wins in " + p.Label() + " yet"
		}
	case BoardActivities:
		if c.Activities <= 0 {
			return false, "no activities logged in " + p.Label() + " yet"
		}
	default:
		if c.Won <= 0 || c.Deals <= 0 {
			return false, "no wins in " + p.Label() + " yet"
		}
	}
	return true, ""
}

// RankBoard ranks the eligible contenders on m. Ties (the same score)
// share a rank; within one, the order is by the other measure (deals for
// won, won for deals and attainment), then by name, so it is stable.
// The digest's leaderboard, /leaderboard and the weekly standings all
// rank through it.
func RankBoard(cs []Contender, m BoardMode, p Period) Board {
	b := Board{Mode: m, Period: p}
	for _, c := range cs {
		if ok, _ := Eligible(c, m, p); ok {
			b.Ranked = append(b.Ranked, Standing{Contender: c})
			continue
		}
		if m == BoardAttainment && c.Role == RoleRep && !c.HasQuota && c.Won > 0 {
			b.NoQuota++
		}
	}
	slices.SortStableFunc(b.Ranked, func(x, y Standing) int {
		if c := compareScore(y.Contender, x.Contender, m); c != 0 {
			return c
		}
		var c int
		switch m {
		case BoardWon:
			c = cmp.Compare(y.Deals, x.Deals)
		default:
			c = cmp.Compare(y.Won, x.Won)
		}
		if c != 0 {
			return c
		}
		if c := cmp.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)); c != 0 {
			return c
		}
		return cmp.Compare(x.Person, y.Person)
	})
	for i := range b.Ranked {
		if i > 0 && compareScore(b.Ranked[i].Contender, b.Ranked[i-1].Contender, m) == 0 {
			b.Ranked[i].Rank = b.Ranked[i-1].Rank
		} else {
			b.Ranked[i].Rank = i + 1
		}
	}
	return b
}

// compareScore compares x and y on m alone. Attainment is compared
// exactly (x.Won × y.Quota against y.Won × x.Quota in 128 bits), so 1/3
// and 2/6 tie and no float rounding splits or merges a tie.
func compareScore(x, y Contender, m BoardMode) int {
	switch m {
	case BoardDeals:
		return cmp.Compare(x.Deals, y.Deals)
	case BoardActivities:
		return cmp.Compare(x.Activities, y.Activities)
	case BoardAttainment:
		xh, xl := bits.Mul64(uint64(max(x.Won, 0)), uint64(max(y.Quota, 0)))
		yh, yl := bits.Mul64(uint64(max(y.Won, 0)), uint64(max(x.Quota, 0)))
		if c := cmp.Compare(xh, yh); c != 0 {
			return c
		}
		return cmp.Compare(xl, yl)
	}
	return cmp.Compare(x.Won, y.Won)
}

// Find returns the standing of person, if ranked.
func (b Board) Find(person PersonID) (Standing, bool) {
	for _, s := range b.Ranked {
		if s.Person == person {
			return s, true
		}
	}
	return Standing{}, false
}

// Top is the first n standings, and how many more share the rank of the
// last one shown (so a cut never hides someone tied with a listed name
// without saying so).
func (b Board) Top(n int) (top []Standing, tiedMore int) {
	if len(b.Ranked) <= n {
		return b.Ranked, 0
	}
	top = b.Ranked[:n]
	last := top[n-1].Rank
	for _, s := range b.Ranked[n:] {
		if s.Rank != last {
			break
		}
		tiedMore++
	}
	return top, tiedMore
}
