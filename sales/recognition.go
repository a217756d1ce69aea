package sales

// MilestoneKind is a moment worth recognising, least notable first, so a
// post that shows one shows the most notable (Milestone ordering): quota
// reached, then a new personal best, then the first win of the period,
// then a streak on activity goals (effort ranks below the outcomes the
// wins channel is for). Kinds are never stored, so the order may change.
type MilestoneKind uint8

const (
	MilestoneNone         MilestoneKind = iota
	MilestoneStreak                     // a streak of weeks on activity goals reached 3, 5, 10, 20, … (Streak.IsMilestone)
	MilestoneFirstWin                   // the first win of the period
	MilestonePersonalBest               // a won deal larger than every earlier win of theirs
	MilestoneQuotaReached               // the win took them to 100% of their quota
)

// Milestone is one person's recognised moment.
type Milestone struct {
	Kind    MilestoneKind
	Person  PersonID
	Name    string // raw user text
	SlackID string
	Period  Period
	Amount  Money // the deal (personal best, first win) or the quota (quota reached)
	Before  Money // personal best: the previous best
	Weeks   int   // streak: its length in weeks
}

// PriorBest is the largest of a person's wins closed before closedAt
// (unix seconds), other than deal id, and how many there were. A first
// ever win is a first win, not a personal best, so callers need n > 0.
func PriorBest(facts []Facts, stages StageSet, id DealID, closedAt int64) (best Money, n int) {
	for i := range facts {
		f := &facts[i]
		if f.ID == id || stages.Kind(f.Stage) != StageWon || f.Closed == 0 || f.Closed > closedAt {
			continue
		}
		n++
		best = max(best, f.Amount)
	}
	return best, n
}

// IsPersonalBest reports whether a win of amount beats every earlier win
// (there being at least one).
func IsPersonalBest(amount, prior Money, n int) bool { return n > 0 && amount > prior }
