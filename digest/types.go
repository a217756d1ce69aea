package digest

import (
	"context"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Poster delivers what the digest package produces. bot.DigestPoster
// implements it on top of the durable outbox: key is the exactly-once key
// of one scheduled occurrence, and the poster posts each key at most once,
// across restarts. A nil error means the post is durably queued.
type Poster interface {
	PostDigest(ctx context.Context, channel string, d *Digest, key string) error
	SendNudge(ctx context.Context, n *Nudge, key string) error
	SendNudgeSummary(ctx context.Context, s *NudgeSummary, key string) error
	SendForecastCall(ctx context.Context, c *ForecastCall, key string) error
	SendForecastRollup(ctx context.Context, r *ForecastRollup, key string) error
	PostStandings(ctx context.Context, channel string, s *Standings, key string) error
}

// ScopeKind says which deals and reps a digest covers.
type ScopeKind uint8

const (
	ScopeAll       ScopeKind = iota // the whole company
	ScopeTerritory                  // deals in one territory, reps based there
	ScopeTeam                       // a manager and everyone reporting to them
)

// String names the kind in "/salesbot digest": company, territory, team.
func (k ScopeKind) String() string {
	switch k {
	case ScopeTerritory:
		return "territory"
	case ScopeTeam:
		return "team"
	}
	return "company"
}

// Scope names the slice of the company a digest covers.
type Scope struct {
	Kind      ScopeKind
	Territory sales.TerritoryID
	Manager   sales.PersonID
	Name      string // territory or manager name (raw user text); "" for ScopeAll
}

// Digest is one manager digest, Slack-agnostic. Every string holds raw
// text (names and accounts as users typed them); renderers escape.
type Digest struct {
	Scope    Scope
	Channel  string // where it goes; "" when no channel is configured
	Title    string // "Pipeline digest · Tue 3 Nov 2026"
	Now      time.Time
	Loc      *time.Location
	Since    time.Time // "what moved" covers [Since, Now)
	Period   sales.Period
	Currency sales.Currency

	// Empty is true when the scope has no deals at all (a brand-new
	// install); Tips then says how to get started.
	Empty bool
	Tips  []string

	Stages   []StageLine // open stages in pipeline order
	Pipeline StageLine   // open totals (Name "Total")

	Moved   Moved
	Metrics []Metric // open deals, win rate, avg deal size, sales cycle, velocity

	Reps []RepLine // every rep in scope, best attainment first
	Team RepLine   // the scope's total (Name "Team")
	// Leaderboard is the top of sales.RankBoard by won value in the
	// period (≤ LeaderboardSize, ties sharing a rank), /leaderboard won's
	// ranking; LeaderboardTied counts those cut off who tie with the last.
	Leaderboard     []sales.Standing
	LeaderboardTied int

	Stale    DealList // in their stage longer than its threshold, not snoozed (sales.IsStale)
	Overdue  DealList // open past the expected close date
	Coaching []Coaching
	// CoachingTotal counts every opportunity found; Coaching lists at most
	// CoachingSize of them, mixing the kinds.
	CoachingTotal int

	// Forecast is the scope's forecast for Period (nil for an empty
	// digest); Accuracy, in the week after the previous period ended, how
	// that period's forecast did.
	Forecast *ForecastLine
	Accuracy *Accuracy

	Chart    []byte // PNG: funnel by stage and attainment by rep; nil if none
	ChartAlt string
}

// Limits on the lists a Digest carries (totals always count everything).
const (
	LeaderboardSize = 10
	DealListSize    = 10
	MovedListSize   = 8
	CoachingSize    = 12
)

// StageLine is one row of the pipeline by stage.
type StageLine struct {
	Name     string
	Count    int64
	Value    sales.Money
	Weighted sales.Money
}

// Moved is what happened since the last digest. Lists are capped at
// MovedListSize (largest first); the counts and values cover everything.
type Moved struct {
	New, Changed, Won, Lost                     []Move
	NewCount, ChangedCount, WonCount, LostCount int
	NewValue, WonValue, LostValue               sales.Money
}

// Move is one deal's movement. For stage changes From → To collapse every
// step in the window (Prospecting → Proposal even via Qualified).
type Move struct {
	Deal    sales.DealID
	Account string
	Owner   string
	Amount  sales.Money
	From    string // stage before the window ("" for new deals)
	To      string // stage now
	Reason  string // lost reason
	At      time.Time
}

// MetricKind says how to show a metric.
type MetricKind uint8

const (
	KindCount   MetricKind = iota // 42
	KindPercent                   // 42.5%
	KindMoney                     // $12k
	KindDays                      // 31.5 days
	KindPerDay                    // $1.2k/day
)

// Metric is one funnel metric now (current period to date) and in the
// previous full period.
type Metric struct {
	Name      string
	Kind      MetricKind
	Cur, Prev sales.Num
	// HigherIsBetter is false for the sales cycle.
	HigherIsBetter bool
}

// RepLine is one rep's (or the team's) quota progress for the period.
type RepLine struct {
	ID       sales.PersonID
	Name     string
	SlackID  string
	Progress sales.Progress // attainment, pace, coverage, per working day
	WonCount int64
	Open     int64 // open deals
	Stale    int   // stale open deals
	Overdue  int   // open deals past their close date
	// Period differs from the digest's when the rep's quota is set for
	// another period kind (their /goal shows that one too).
	Period sales.Period
}

// DealList is a capped list of deals needing attention plus totals.
type DealList struct {
	Count int
	Value sales.Money
	Deals []DealLine // the largest DealListSize
}

// DealLine is one deal needing attention.
type DealLine struct {
	ID        sales.DealID
	Account   string
	Owner     string
	OwnerID   sales.PersonID
	Stage     string
	Amount    sales.Money
	Days      int       // whole days in the current stage (stale) or past close date (overdue)
	Threshold int       // the stage's stale threshold in days
	CloseDate time.Time // civil date, zero when unknown
}

// Staleness renders a stale deal's time in stage: "15 days in Proposal
// (limit 14)".
func (l DealLine) Staleness() string {
	return sales.Staleness{Days: l.Days, Limit: l.Threshold, Stage: l.Stage}.String()
}

// CoachKind names a coaching opportunity.
type CoachKind string

const (
	CoachBehindPace CoachKind = "behind_pace"
	CoachLowWinRate CoachKind = "low_win_rate"
	CoachStuckDeal  CoachKind = "stuck_deal"
	CoachNoPipeline CoachKind = "thin_pipeline"
	CoachSlipping   CoachKind = "slipping_deal" // close date pushed report.SlipPushes times
)

// Coaching is one opportunity with a concrete next step.
type Coaching struct {
	Kind    CoachKind
	Rep     string
	RepID   sales.PersonID
	Deal    sales.DealID // 0 when not about one deal
	Problem string       // what is wrong, with numbers
	Next    string       // the suggested next step
}

// Nudge is one coaching DM to a rep. Nothing in it is empty-by-accident:
// the scheduler sends no Nudge when Useful() is false.
type Nudge struct {
	Person   sales.Person
	Now      time.Time
	Loc      *time.Location // the rep's zone
	Currency sales.Currency

	Stale   []NudgeDeal // gone quiet: no activity for the quiet days (quiet.go)
	Overdue []NudgeDeal
	More    int // further stale/overdue deals not listed

	// Behind is set when the rep is behind pace; Progress has the
	// numbers (PerWorkingDay is the amount per working day needed).
	Behind   bool
	Progress sales.Progress

	// NoNewPipeline: no deal created this week; NeedPipeline is the open
	// pipeline to add to reach TargetCoverage of the remaining quota.
	NoNewPipeline  bool
	NeedPipeline   sales.Money
	TargetCoverage float64

	// Streak is the number of wins in a row, set when the latest came
	// since the previous nudge and Streak >= 2.
	Streak int

	// Stages are the open stages plus Won, for the deal.stage select.
	Stages []string
}

// NudgeDeal is a deal a nudge asks about.
type NudgeDeal struct {
	ID        sales.DealID
	Account   string
	Stage     string
	NextStage string // "" when the deal is in the last open stage
	Amount    sales.Money
	Days      int // days without change (stale) or past close (overdue)
	CloseDate time.Time
}

// Useful reports whether the nudge says anything worth a DM.
func (n *Nudge) Useful() bool {
	return len(n.Stale)+len(n.Overdue)+n.More > 0 || n.Behind || n.NoNewPipeline || n.Streak >= 2
}

// NudgeSummary is a manager's weekly review of their reps' nudges.
type NudgeSummary struct {
	Manager  sales.Person
	From, To time.Time
	Loc      *time.Location
	Reps     []RepNudges
	Nudges   int // nudges sent
	Deals    int // deals nudged about
	Acted    int // of those, deals that changed after the nudge
}

// RepNudges is what one rep was nudged about and what happened after.
type RepNudges struct {
	Name    string
	SlackID string
	Nudges  int
	Behind  bool // was nudged about pace
	Items   []NudgeOutcome
}

// NudgeOutcome is one nudged deal and what changed since.
type NudgeOutcome struct {
	Deal    sales.DealID
	Account string
	About   string // "stale" or "overdue"
	Outcome string // "moved Proposal → Negotiation", "won", "no change", ...
	Acted   bool
}
