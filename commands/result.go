package commands

import (
	"slices"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// This file fixes the Slack-agnostic result of a command. The bot renders
// it as Block Kit (which the demo prints as terminal text). All strings hold raw user text
// where they quote users (account names, reasons): renderers escape them.

// Request is one slash command as typed by a user.
type Request struct {
	Command   string // "/deal", "/goal", "/pipeline", "/territory", "/salesbot"
	Text      string // everything after the command
	UserID    string // Slack user id of the actor
	UserName  string // Slack handle, used to name a new person
	RealName  string // Slack real name
	Email     string // Slack email, only when Slack confirmed it: links imported people
	ChannelID string
}

// Kind says which fields of a Result are set.
type Kind int

const (
	KindMessage     Kind = iota // Title? + Lines
	KindDeal                    // Deal (one deal card, with History for /deal show)
	KindDealList                // Deals (+ Lines summary)
	KindPipeline                // Pipeline
	KindGoals                   // Goals (one or many subjects)
	KindHelp                    // Help
	KindTerritories             // Territories
	KindDealForm                // open the deal modal: Form
	KindDigest                  // Digest: schedules and routes
	KindForecast                // Forecast
	KindLeaderboard             // Leaderboard
)

// Result is what a handler returns.
type Result struct {
	Kind  Kind
	Title string   // short heading, plain text
	Lines []string // plain-text lines (user text inside is raw)
	// Mentions are the Slack user ids Lines name as "<@U…>" (added with
	// Mention). Renderers make exactly those real mentions and escape the
	// rest, so user text can never ping anyone the reply does not name.
	Mentions []string

	Deal        *DealCard
	Deals       []DealCard
	Pipeline    *PipelineView
	Goals       []GoalView
	Help        []HelpTopic
	Territories []TerritoryView
	Form        *DealForm
	Digest      *DigestView
	Forecast    *ForecastView
	Leaderboard *LeaderboardView

	// Win is set when the command won a deal: the bot posts a celebration.
	Win *WinNotice
	// StagesChanged is set when the stage configuration changed, so caches
	// of it are dropped.
	StagesChanged bool
	// Public asks for an in-channel reply instead of an ephemeral one.
	Public bool
	// NextPage is the command that shows the next page of a list ("/deal
	// list all page:3"); "" on the last page.
	NextPage string
}

// Mention names p in one of res's Lines: a Slack mention when p is
// linked to Slack (so Slack shows their current name), else their label.
func (res *Result) Mention(p sales.Person) string {
	if !sales.IsSlackUserID(p.SlackID) {
		return p.Label()
	}
	if !slices.Contains(res.Mentions, p.SlackID) {
		res.Mentions = append(res.Mentions, p.SlackID)
	}
	return "<@" + p.SlackID + ">"
}

// DealCard is a deal ready to show.
type DealCard struct {
	Deal          sales.Deal
	StageName     string
	StageKind     sales.StageKind
	Probability   string // "50%"
	Amount        string // formatted with currency, "" when unknown
	OwnerName     string
	OwnerSlackID  string // "" when the owner is not linked to Slack
	TerritoryName string
	NextStage     string // name of the next open stage, "" when none
	CanEdit       bool   // the viewer may press the buttons
	Stale         bool   // no change for longer than the stage's threshold
	Overdue       bool   // open and past its expected close date
	// Forecast is an open deal's forecast category: "commit" when set on
	// the deal, "best case (stage default)" otherwise; "" when closed.
	Forecast string
	// NextOverdue: the deal's next step (Deal.NextStep) is past its due
	// date.
	NextOverdue bool
	History     []HistoryLine
	// CanLog: the viewer may log activities on the deal (its buttons).
	CanLog bool
	// Activities are the latest of the deal's ActivityTotal activities,
	// oldest first (/deal show).
	Activities    []HistoryLine
	ActivityTotal int
}

// HistoryLine is one event, ready to show.
type HistoryLine struct {
	At    string // "2026-11-26 14:03 PST": in the team zone, named
	Actor string // name
	Text  string // "stage Proposal → Negotiation", "created"
}

// PipelineView is the funnel for a subject ("your pipeline", "team",
// "territory EMEA").
type PipelineView struct {
	Subject  string
	Period   sales.Period
	Funnel   sales.Funnel
	ByStage  []StageRow
	Progress *sales.Progress // nil when the subject has no quota context
	Currency sales.Currency
	// AsOf is when open deals are counted; Past marks a period that is
	// over, so the reply says "as of" its end instead of "now".
	AsOf time.Time
	Past bool
}

// ForecastView is /forecast for a subject: the engine's projection, the
// quota it is measured against and the stage names its terms use.
type ForecastView struct {
	Subject    string
	Period     sales.Period
	Quota      sales.QuotaBasis
	Projection forecast.Projection
	StageNames map[sales.StageID]string
	Loc        *time.Location
	Currency   sales.Currency
	// Calls are the latest submitted calls of the subject's people for
	// the period; Missing are those with a quota who have not called.
	Calls   []CallLine
	Missing []string
}

// CallLine is one person's forecast call.
type CallLine struct {
	Name         string
	Commit, Best sales.Money
	At           time.Time
}

// StageRow is one stage of the funnel.
type StageRow struct {
	Stage    string
	Count    int64
	Value    sales.Money
	Weighted sales.Money
}

// GoalView is quota progress for one subject.
type GoalView struct {
	Subject  string
	SlackID  string
	Progress sales.Progress
	Currency sales.Currency
	// NoQuota: the view is about activity only (the reply to setting an
	// activity goal), so no quota line is shown.
	NoQuota bool
	// Activity is the progress of the subject's activity goals this week
	// and month, beside the quota's.
	Activity []ActivityLine
	// Streak is a rep's streak on their weekly activity goals, worded
	// ("4-week streak on your weekly activity goals"); "" under 2 weeks.
	Streak string
}

// ActivityLine is one activity goal's progress and its wording.
type ActivityLine struct {
	Progress sales.ActivityProgress
	Text     string // "3 of 40 calls this week (8%) · behind pace · …"
}

// HelpTopic is one command form with examples, generated from the parser's
// table.
type HelpTopic struct {
	Command  string // "/deal add"
	Usage    string // "/deal add <account> <amount> [stage:<stage>] ..."
	Summary  string
	Examples []string
	Who      string // "everyone", "managers and admins", "admins"
}

// TerritoryView is one territory with its people.
type TerritoryView struct {
	Name    string
	Members []string
	Open    int64
	Value   sales.Money
	Channel string // Slack channel id its digest goes to; "" for none
}

// DigestView is "/salesbot digest": when digests and nudges go out and
// where each digest is posted.
type DigestView = sales.DigestStatus

// DigestRoute is one digest and its channel.
type DigestRoute = sales.DigestRoute

// DealForm describes the deal modal: its choices and prefilled values.
type DealForm struct {
	DealID      sales.DealID // 0 for a new deal
	Account     string
	Amount      string
	Stage       string
	CloseDate   string // YYYY-MM-DD
	OwnerSlack  string
	Territory   string
	Stages      []string
	Territories []string
	ShowOwner   bool // managers and admins may log deals for others
	// Forecast is the deal's category override as the form's choice
	// ("commit", "best", "pipeline", "omitted"; "default" for none), and
	// ForecastDefault the category its stage gives ("best case"). The
	// choice is shown for open deals and new ones.
	Forecast        string
	ForecastDefault string
	ShowForecast    bool
	// NextStep and NextDue (YYYY-MM-DD) prefill the next-step fields,
	// shown when editing an open deal (ShowNext).
	NextStep, NextDue string
	ShowNext          bool
}

// WinNotice carries what a win celebration needs.
type WinNotice struct {
	Deal         sales.Deal
	Amount       string
	OwnerName    string
	OwnerSlackID string
	Progress     sales.Progress
	FirstWin     bool // first win of the period for this rep
	QuotaReached bool // this win took the rep to 100%
	// PersonalBest: larger than every earlier win of the rep's (there
	// being one), PreviousBest the largest of those.
	PersonalBest bool
	PreviousBest sales.Money
	// Streak is the owner's streak of weeks on their activity goals, set
	// (3, 5, 10, 20, …) on their first win of the week it reached that
	// length, when no bigger milestone applies; 0 otherwise.
	Streak int
	// Muted: the owner turned celebrations off (/salesbot celebrations
	// off): the win is still announced, by name, without a mention, a
	// reaction or a milestone.
	Muted bool
	// Forecast is the rep's projection after the win, with Before the one
	// just before it; nil when it could not be computed.
	Forecast *ForecastBrief
}

// Milestone is the one milestone the win post names (at most one per
// win, the most notable in sales.MilestoneKind's order: quota reached,
// personal best, first win, streak); none when the owner is muted.
func (w *WinNotice) Milestone() sales.MilestoneKind {
	switch {
	case w.Muted:
		return sales.MilestoneNone
	case w.QuotaReached:
		return sales.MilestoneQuotaReached
	case w.PersonalBest:
		return sales.MilestonePersonalBest
	case w.FirstWin:
		return sales.MilestoneFirstWin
	case w.Streak > 0:
		return sales.MilestoneStreak
	}
	return sales.MilestoneNone
}

// ForecastBrief is a one-line forecast: the Home tab's and the win
// post's, the same numbers /forecast shows for the subject and period.
type ForecastBrief struct {
	Period                             sales.Period
	Predicted, Low, High, Commit, Best sales.Money
	Fallback                           bool // stage probabilities: too little history
	// Before is the projection as of just before a win (HasBefore).
	Before    sales.Money
	HasBefore bool
	// Call is the person's latest call for the period; nil when none.
	Call *sales.ForecastCall
}

// HomeView is the App Home tab of one user.
type HomeView struct {
	Name      string
	Role      sales.Role
	Goal      GoalView
	ByStage   []StageDeals  // open deals grouped by stage, pipeline order
	Stale     []DealCard    // open deals with no change past the stage threshold
	Overdue   []DealCard    // open deals past their expected close date
	Team      *PipelineView // managers and admins: the team's summary
	TeamGoals []GoalView    // managers and admins: each rep's progress
	// Forecast is the user's own forecast when they have a quota, and
	// TeamForecast the team's for managers and admins; nil otherwise.
	Forecast, TeamForecast *ForecastBrief
	Currency               sales.Currency

	// Totals behind the capped lists above (the Home tab holds at most 100
	// blocks).
	StaleCount   int
	OverdueCount int
	TeamMore     int // reps not listed in TeamGoals

	// NextSteps are the user's open deals with a next step, by due date
	// (overdue first, undated last), at most HomeNextSteps of them;
	// NextStepCount and NextOverdueCount count them all.
	NextSteps        []DealCard
	NextStepCount    int
	NextOverdueCount int
}

// StageDeals is one stage's open deals for the Home tab.
type StageDeals struct {
	Stage string
	Total sales.Money
	Deals []DealCard
	Count int // open deals in the stage; Deals holds at most HomeDealsPerStage of them
}

// FormInput is a submitted deal modal. Field names for errors are
// "account", "amount", "stage", "close", "owner", "territory".
type FormInput struct {
	DealID     sales.DealID // 0 = new deal
	Account    string
	Amount     string
	Stage      string
	CloseDate  string // YYYY-MM-DD or ""
	OwnerSlack string // Slack user id or ""
	Territory  string
	Forecast   string // a ParseForecastCategory form, "" = leave as it is
	// NextStep and NextDue (YYYY-MM-DD or "") are the next-step fields
	// ("next", "next_due"); HasNext says the form had them, so a form
	// without them leaves the next step alone.
	NextStep, NextDue string
	HasNext           bool
}
