package commands

import (
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// This file is the one table of command forms. The parser reads commands
// with it, Cmd.String writes them back with it, help is generated from
// it, Service.Exec runs each form's handler from it, and the bot asks it
// (Writes) whether a command changes data, so none of these can disagree.

// isVar reports whether the argument takes a run of words whose length is
// known only once the arguments around it are matched.
func (k argKind) isVar() bool { return kindOf(k).run }

type arg struct {
	kind  argKind
	opt   bool
	label string // usage text; brackets are added for optional arguments
}

func (a arg) usage() string {
	if a.opt && !strings.HasPrefix(a.label, "[") {
		return "[" + a.label + "]"
	}
	return a.label
}

// Who may use a form, as help shows it. sales.Authorize decides; these
// strings describe its rules.
const (
	whoEveryone = "everyone"
	whoOwner    = "the deal's owner, managers and admins"
	whoCreate   = "everyone; owner: for someone else needs a manager or admin"
	whoManagers = "managers and admins"
	whoAdmins   = "admins"
)

// Form is one command form: a verb with its arguments and options, and its
// help.
type Form struct {
	Command  string   // "deal"
	Verb     string   // "add"; "" for the bare command; several words for "set team"
	Aliases  []string // other verbs that select this form
	Summary  string
	Who      string
	Examples []string

	// Writes says the form changes stored data (or, for "digest now",
	// starts posts): the bot acknowledges such a command first and
	// answers once it is committed. TestFormWrites checks it against
	// what every example does to a real database.
	Writes bool
	// Action is the permission sales.Authorize checks for the form; 0
	// when anyone may use it. Actions about a deal's owner (create, edit,
	// view) are checked by the handler against that owner; the others
	// are checked by Service before the handler runs.
	Action sales.Action

	args    []arg
	options []string
	bare    bool // the command with no text selects this form
	scope   Scope
	rawText bool // the last argument is free text: options are not read
	handle  handler
	check   func(f *Form, c *Cmd) error // the rules that span several values, after parsing
	// activityGoal marks /goal set's activity-goal forms: they share the
	// quota forms' verbs, and the parser picks them by their words
	// ("40 calls week"), so verb lookups skip them.
	activityGoal bool
}

// handler runs one form's parsed command.
type handler func(r *run, c Cmd) (*Result, error)

// activityForm is /deal call|meeting|email <deal> [text].
func activityForm(typ, summary, example string) *Form {
	return &Form{Command: "deal", Verb: typ, Action: sales.ActActivityLog, Writes: true, handle: (*run).dealActivity, rawText: true,
		args:    []arg{aDealOne, {kind: argText, opt: true, label: "text"}},
		Summary: summary, Who: whoOwner, Examples: []string{example}}
}

// needChange: /deal set must set something.
func needChange(f *Form, c *Cmd) error {
	if c.Account == "" && !c.HasAmount && c.Stage == "" && c.Close.IsZero() && c.Owner.IsZero() &&
		c.Territory == "" && c.Product == "" && c.Note == "" && !c.HasForecast {
		return sales.Errorf(sales.EINVALID, "nothing to change — usage: %s", f.Usage())
	}
	return nil
}

func positiveWin(f *Form, c *Cmd) error {
	if c.HasAmount && c.Amount <= 0 {
		return sales.Errorf(sales.EINVALID, "a won amount must be more than zero — usage: %s", f.Usage())
	}
	return nil
}

func positiveQuota(f *Form, c *Cmd) error {
	if err := sales.ValidateQuotaAmount(c.Amount); err != nil {
		return sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
	}
	return nil
}

// ownerAction reports whether act is decided per deal owner, which only
// the handler knows.
func ownerAction(act sales.Action) bool {
	switch act {
	case sales.ActDealCreate, sales.ActDealEdit, sales.ActDealView, sales.ActForecastCall, sales.ActActivityLog:
		return true
	}
	return false
}

// Usage renders the form: /deal add <account> <amount> [stage:<stage>] ...
func (f *Form) Usage() string {
	parts := []string{"/" + f.Command}
	if f.Verb != "" {
		parts = append(parts, f.Verb)
	}
	for _, a := range f.args {
		parts = append(parts, a.usage())
	}
	for _, o := range f.options {
		parts = append(parts, "["+options[o].usage+"]")
	}
	return strings.Join(parts, " ")
}

// Name is "/deal add" ("/goal" for a bare form).
func (f *Form) Name() string {
	if f.Verb == "" {
		return "/" + f.Command
	}
	return "/" + f.Command + " " + f.Verb
}

var (
	aDeal      = arg{kind: argDeal, label: "<deal>"}
	aDealOne   = arg{kind: argDealOne, label: "<deal>"}
	aAccount   = arg{kind: argAccount, label: "<account>"}
	aAmount    = arg{kind: argAmount, label: "<amount>"}
	aOptAmount = arg{kind: argAmount, opt: true, label: "amount"}
	aStage     = arg{kind: argStage, label: "<stage>"}
	aDate      = arg{kind: argDate, label: "<date>"}
	aUntil     = arg{kind: argUntil, opt: true, label: "7d|2w|<date>"}
	aUser      = arg{kind: argUser, label: "@user"}
	aOptUser   = arg{kind: argUser, opt: true, label: "@user"}
	aUsers     = arg{kind: argUsers, label: "@user..."}
	aTerritory = arg{kind: argTerritory, label: "<territory>"}
	aPeriod    = arg{kind: argPeriod, opt: true, label: "period"}
	aCount     = arg{kind: argCount, label: "<N>"}
	aGoalType  = arg{kind: argGoalType, label: "calls|meetings|emails|activities"}
	aActPeriod = arg{kind: argActPeriod, label: "week|month"}
	aChannel   = arg{kind: argChannel, label: "<#channel>|none"}
)

var dealOpts = []string{optStage, optClose, optOwner, optTerritory, optProduct, optForecast, optNote}

// forms is the table. Order is help order. It is built in init because
// the handlers it names read it back (for usage in their messages).
var forms []*Form

func init() { forms = formTable() }

func formTable() []*Form {
	return []*Form{
		// ---- /deal ----
		{Command: "deal", Verb: "", Action: sales.ActDealCreate, handle: (*run).dealNewForm, bare: true,
			Summary: "Open the deal form to log a deal.", Who: whoEveryone, Examples: []string{"/deal"}},
		{Command: "deal", Verb: "add", Action: sales.ActDealCreate, Writes: true, handle: (*run).dealAdd, Aliases: []string{"new", "create", "log"},
			args: []arg{aAccount, aAmount}, options: dealOpts,
			Summary: "Log a new deal. The reply names its id. Quote names with spaces when they end in a number.",
			Who:     whoCreate,
			Examples: []string{`/deal add "Acme Corp" 12k stage:proposal close:eom`,
				"/deal add Globex $48,500 owner:@alice territory:EMEA close:2026-12-15"}},
		{Command: "deal", Verb: "show", Action: sales.ActDealView, handle: (*run).dealShow, Aliases: []string{"view", "info", "get"},
			args: []arg{aDeal}, Summary: "Show a deal and its history.", Who: whoEveryone,
			Examples: []string{"/deal show D-42", "/deal show Acme"}},
		{Command: "deal", Verb: "list", Action: sales.ActDealView, handle: (*run).dealList, Aliases: []string{"ls"},
			args: []arg{{kind: argWho, opt: true, label: "@user|all|team"}}, options: []string{optStage, optPage},
			Summary: "List open deals: yours, someone's, your team's or everyone's (20 a page).", Who: whoEveryone,
			Examples: []string{"/deal list", "/deal list @alice stage:proposal", "/deal list all page:2"}},
		{Command: "deal", Verb: "stage", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealStage, Aliases: []string{"move", "mv"},
			args: []arg{aDeal, aStage}, Summary: "Move a deal to a stage.", Who: whoOwner,
			Examples: []string{"/deal stage D-42 negotiation", `/deal stage "Acme Corp" proposal`}},
		{Command: "deal", Verb: "advance", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealAdvance, Aliases: []string{"next", "bump"},
			args: []arg{aDeal}, Summary: "Move a deal to the next stage.", Who: whoOwner,
			Examples: []string{"/deal advance D-42"}},
		{Command: "deal", Verb: "won", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealWon, check: positiveWin, Aliases: []string{"win"},
			args: []arg{aDeal, aOptAmount}, Summary: "Mark a deal won, optionally with its final amount.", Who: whoOwner,
			Examples: []string{"/deal won D-42", "/deal won Acme 13,500"}},
		{Command: "deal", Verb: "lost", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealLost, Aliases: []string{"lose"}, rawText: true,
			args:    []arg{aDealOne, {kind: argText, opt: true, label: "reason"}},
			Summary: "Mark a deal lost, with the reason.", Who: whoOwner,
			Examples: []string{"/deal lost D-42 went with a competitor", `/deal lost "Acme Corp" no budget this year`}},
		{Command: "deal", Verb: "close", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealClose, Aliases: []string{"push", "closing"},
			args: []arg{aDeal, aDate}, Summary: "Set (push) a deal's expected close date.", Who: whoOwner,
			Examples: []string{"/deal close D-42 next friday", "/deal close Acme 2026-12-15", "/deal close D-42 +2w"}},
		{Command: "deal", Verb: "snooze", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealSnooze,
			args: []arg{aDeal, aUntil}, Summary: "Quiet nudges about a deal for a while (7 days unless told).", Who: whoOwner,
			Examples: []string{"/deal snooze D-42", "/deal snooze D-42 2w", "/deal snooze Acme 2026-12-01"}},
		{Command: "deal", Verb: "note", Action: sales.ActActivityLog, Writes: true, handle: (*run).dealActivity, Aliases: []string{"comment"}, rawText: true,
			args:    []arg{aDealOne, {kind: argText, label: "<text>"}},
			Summary: "Add a note to a deal (an activity of type note, also kept in the deal's notes).", Who: whoOwner,
			Examples: []string{"/deal note D-42 CFO wants a 3-year price", `/deal note "Acme Corp" demo went well`}},
		activityForm("call", "Log a call on a deal.", `/deal call D-42 "pricing agreed, send proposal"`),
		activityForm("meeting", "Log a meeting on a deal.", "/deal meeting Acme demo with the CFO"),
		activityForm("email", "Log an email on a deal.", "/deal email D-42 sent the proposal"),
		{Command: "deal", Verb: "activity", Action: sales.ActActivityLog, Writes: true, handle: (*run).dealActivity, rawText: true,
			args:    []arg{aDealOne, {kind: argActType, label: "<type>"}, {kind: argText, opt: true, label: "text"}},
			Summary: "Log an activity of any configured type (see /salesbot activities).", Who: whoOwner,
			Examples: []string{"/deal activity D-42 call left a voicemail"}},
		{Command: "deal", Verb: "set", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealSet, check: needChange, Aliases: []string{"update"},
			args: []arg{aDeal}, options: []string{optAmount, optClose, optAccount, optOwner, optTerritory, optProduct, optForecast, optStage, optNote},
			Summary: "Change a deal's fields. territory:none clears the territory; forecast: sets its forecast category (default: back to its stage's).", Who: whoOwner,
			Examples: []string{"/deal set D-42 amount:15k close:eoq", "/deal set D-42 forecast:commit", "/deal set Acme owner:@bob territory:EMEA"}},
		{Command: "deal", Verb: "edit", Action: sales.ActDealEdit, handle: (*run).dealEdit,
			args: []arg{aDeal}, Summary: "Open the deal form to edit a deal.", Who: whoOwner,
			Examples: []string{"/deal edit D-42"}},
		{Command: "deal", Verb: "reopen", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealReopen,
			args: []arg{aDeal}, Summary: "Reopen a won or lost deal in the stage it closed from.", Who: whoOwner,
			Examples: []string{"/deal reopen D-42"}},

		// ---- /goal ----
		{Command: "goal", Verb: "", Action: sales.ActDealView, handle: (*run).goal, args: []arg{aOptUser, aPeriod},
			Summary: "Quota progress: attainment, pace and coverage, yours or someone's.", Who: whoEveryone,
			Examples: []string{"/goal", "/goal @alice quarter", "/goal 2026-Q4"}},
		{Command: "goal", Verb: "team", Action: sales.ActDealView, handle: (*run).goal, args: []arg{aPeriod}, scope: ScopeTeam,
			Summary: "Your team's progress and each rep's.", Who: whoEveryone, Examples: []string{"/goal team", "/goal team quarter"}},
		{Command: "goal", Verb: "all", Action: sales.ActDealView, handle: (*run).goal, Aliases: []string{"company", "everyone"}, args: []arg{aPeriod}, scope: ScopeAll,
			Summary: "The whole company's progress and each rep's.", Who: whoEveryone, Examples: []string{"/goal all year"}},
		{Command: "goal", Verb: "territory", Action: sales.ActDealView, handle: (*run).goal, args: []arg{aTerritory, aPeriod}, scope: ScopeTerritory,
			Summary: "A territory's progress.", Who: whoEveryone, Examples: []string{"/goal territory EMEA", "/goal territory \"North America\" quarter"}},
		{Command: "goal", Verb: "set", Action: sales.ActQuotaSet, Writes: true, handle: (*run).goalSetRep, check: positiveQuota, args: []arg{aUser, aAmount, aPeriod}, scope: ScopeUser,
			Summary: "Set a rep's quota for a period (this month unless told).", Who: whoManagers,
			Examples: []string{"/goal set @alice 50k", "/goal set @alice 150k quarter", "/goal set @bob 600k 2026"}},
		{Command: "goal", Verb: "set team", Action: sales.ActQuotaSet, Writes: true, handle: (*run).goalSetTeam, check: positiveQuota, args: []arg{aAmount, aPeriod}, scope: ScopeTeam,
			Summary: "Set your team's quota (a manager's team; the company's for admins).", Who: whoManagers,
			Examples: []string{"/goal set team 400k quarter"}},
		{Command: "goal", Verb: "set all", Action: sales.ActQuotaSet, Writes: true, handle: (*run).goalSetAll, check: positiveQuota, Aliases: []string{"set company"}, args: []arg{aAmount, aPeriod}, scope: ScopeAll,
			Summary: "Set the whole company's quota.", Who: whoManagers,
			Examples: []string{"/goal set all 2m 2026"}},
		{Command: "goal", Verb: "set territory", Action: sales.ActQuotaSet, Writes: true, handle: (*run).goalSetTerritory, check: positiveQuota, args: []arg{aTerritory, aAmount, aPeriod}, scope: ScopeTerritory,
			Summary: "Set a territory's quota.", Who: whoManagers,
			Examples: []string{"/goal set territory EMEA 250k quarter"}},
		{Command: "goal", Verb: "set", activityGoal: true, Action: sales.ActQuotaSet, Writes: true, handle: (*run).goalSetActivity, scope: ScopeUser,
			args:    []arg{aUser, aCount, aGoalType, aActPeriod},
			Summary: "Set a rep's activity goal: week or month holds from this one on; 2026-W50 or 2026-12 for that one only.", Who: whoManagers,
			Examples: []string{"/goal set @alice 40 calls week", "/goal set @bob 12 meetings month"}},
		{Command: "goal", Verb: "set team", activityGoal: true, Action: sales.ActQuotaSet, Writes: true, handle: (*run).goalSetActivity, scope: ScopeTeam,
			args:    []arg{aCount, aGoalType, aActPeriod},
			Summary: "Set your team's activity goal (everyone in it together).", Who: whoManagers,
			Examples: []string{"/goal set team 200 calls week"}},

		// ---- /forecast ----
		{Command: "forecast", Verb: "", Action: sales.ActDealView, handle: (*run).forecastRead, args: []arg{aOptUser, aPeriod},
			Summary: "Will we hit the number: won, commit, best case, pipeline and the projection with its 80% range, against the quota.",
			Who:     whoEveryone, Examples: []string{"/forecast", "/forecast @alice", "/forecast quarter"}},
		{Command: "forecast", Verb: "team", Action: sales.ActDealView, handle: (*run).forecastRead, args: []arg{aPeriod}, scope: ScopeTeam,
			Summary: "Your team's forecast.", Who: whoEveryone, Examples: []string{"/forecast team"}},
		{Command: "forecast", Verb: "all", Action: sales.ActDealView, handle: (*run).forecastRead, Aliases: []string{"company", "everyone"}, args: []arg{aPeriod}, scope: ScopeAll,
			Summary: "The whole company's forecast.", Who: whoEveryone, Examples: []string{"/forecast all 2026-Q4"}},
		{Command: "forecast", Verb: "territory", Action: sales.ActDealView, handle: (*run).forecastRead, args: []arg{aTerritory, aPeriod}, scope: ScopeTerritory,
			Summary: "A territory's forecast.", Who: whoEveryone, Examples: []string{"/forecast territory EMEA"}},

		{Command: "forecast", Verb: "submit", Action: sales.ActForecastCall, Writes: true, handle: (*run).forecastSubmit, args: []arg{aAmount, {kind: argBest, opt: true, label: "best <amount>"}, aPeriod},
			Summary: "Record your call for the period: commit, and best case (your commit unless told).", Who: whoEveryone,
			Examples: []string{"/forecast submit 120k best 150k", "/forecast submit 80k quarter"}},

		// ---- /pipeline ----
		{Command: "pipeline", Verb: "", Action: sales.ActDealView, handle: (*run).pipeline, args: []arg{aOptUser, aPeriod},
			Summary: "The funnel: open deals by stage, weighted value, win rate, deal size, cycle, velocity and quota progress.",
			Who:     whoEveryone, Examples: []string{"/pipeline", "/pipeline @alice", "/pipeline quarter"}},
		{Command: "pipeline", Verb: "team", Action: sales.ActDealView, handle: (*run).pipeline, args: []arg{aPeriod}, scope: ScopeTeam,
			Summary: "Your team's funnel.", Who: whoEveryone, Examples: []string{"/pipeline team"}},
		{Command: "pipeline", Verb: "all", Action: sales.ActDealView, handle: (*run).pipeline, Aliases: []string{"company", "everyone"}, args: []arg{aPeriod}, scope: ScopeAll,
			Summary: "The whole company's funnel.", Who: whoEveryone, Examples: []string{"/pipeline all 2026-Q4"}},
		{Command: "pipeline", Verb: "territory", Action: sales.ActDealView, handle: (*run).pipeline, args: []arg{aTerritory, aPeriod}, scope: ScopeTerritory,
			Summary: "A territory's funnel.", Who: whoEveryone, Examples: []string{"/pipeline territory EMEA"}},

		// ---- /leaderboard ----
		{Command: "leaderboard", Verb: "", Action: sales.ActDealView, handle: (*run).leaderboard, args: []arg{{kind: argBoardPeriod, opt: true, label: "period"}, {kind: argBoard, opt: true, label: "won|deals|attainment|activities"}},
			Summary: "Who leads: won value, won deals or quota attainment (reps with a quota; managers only with one), this month unless told. Ties share a rank.",
			Who:     whoEveryone, Examples: []string{"/leaderboard", "/leaderboard deals", "/leaderboard quarter attainment"}},

		// ---- /territory ----
		{Command: "territory", Verb: "list", handle: (*run).territoryList, Aliases: []string{"ls"}, bare: true,
			Summary: "List territories with their people and open pipeline.", Who: whoEveryone,
			Examples: []string{"/territory list"}},
		{Command: "territory", Verb: "add", Action: sales.ActTerritoryEdit, Writes: true, handle: (*run).territoryAdd, Aliases: []string{"new", "create"}, args: []arg{aTerritory},
			Summary: "Add a territory.", Who: whoManagers, Examples: []string{"/territory add EMEA", `/territory add "North America"`}},
		{Command: "territory", Verb: "assign", Action: sales.ActTerritoryEdit, Writes: true, handle: (*run).territoryAssign, args: []arg{aTerritory, aUsers},
			Summary: "Put people in a territory (each person has one).", Who: whoManagers,
			Examples: []string{"/territory assign EMEA @alice @bob"}},
		{Command: "territory", Verb: "unassign", Action: sales.ActTerritoryEdit, Writes: true, handle: (*run).territoryAssign, Aliases: []string{"remove-member", "remove"}, args: []arg{aUsers},
			Summary: "Take people out of their territory.", Who: whoManagers,
			Examples: []string{"/territory unassign @bob"}},
		{Command: "territory", Verb: "route", Action: sales.ActTerritoryEdit, Writes: true, handle: (*run).territoryRoute, args: []arg{aTerritory, aChannel},
			Summary: "Post a territory's digest to its own channel (none: back to the default).", Who: whoManagers,
			Examples: []string{"/territory route EMEA #sales-emea", "/territory route EMEA none"}},

		// ---- /salesbot ----
		{Command: "salesbot", Verb: "help", handle: (*run).help, bare: true, args: []arg{{kind: argTopic, opt: true, label: "command"}},
			Summary: "Help for every command, or one: /salesbot help deal, /salesbot help goal set.", Who: whoEveryone,
			Examples: []string{"/salesbot help", "/salesbot help deal add", "/deal help"}},
		{Command: "salesbot", Verb: "whoami", handle: (*run).whoami, Aliases: []string{"me"},
			Summary: "Who salesbot thinks you are: role, manager, territory.", Who: whoEveryone, Examples: []string{"/salesbot whoami"}},
		{Command: "salesbot", Verb: "stages", handle: (*run).listStages, Aliases: []string{"stage"},
			Summary: "List the stages and their win probabilities.", Who: whoEveryone, Examples: []string{"/salesbot stages"}},
		{Command: "salesbot", Verb: "stage add", Action: sales.ActStagesEdit, Writes: true, handle: (*run).stageAdd, args: []arg{{kind: argStageName, label: "<name>"}, {kind: argPercent, label: "<probability%>"}},
			options: []string{optAfter, optStale},
			Summary: "Add an open stage with its win probability, after the last open stage unless after: says where; stale: sets when its deals count as stale (days).",
			Who:     whoAdmins, Examples: []string{"/salesbot stage add Demo 30% after:Qualified", `/salesbot stage add "Legal review" 85% stale:10`}},
		{Command: "salesbot", Verb: "stage set", Action: sales.ActStagesEdit, Writes: true, handle: (*run).stageSet, args: []arg{aStage}, options: []string{optName, optProb, optStale, optAfter},
			Summary: "Rename, re-weight, move a stage or change its stale threshold. Deals keep their stage.",
			Who:     whoAdmins,
			Examples: []string{"/salesbot stage set Proposal probability:40%", "/salesbot stage set Negotiation stale:21",
				"/salesbot stage set Qualified name:Discovery", "/salesbot stage set Proposal after:Negotiation"}},
		{Command: "salesbot", Verb: "stage remove", Action: sales.ActStagesEdit, Writes: true, handle: (*run).stageRemove, Aliases: []string{"stage delete"}, args: []arg{aStage},
			Summary: "Remove an open stage that no deal is in.", Who: whoAdmins, Examples: []string{"/salesbot stage remove Prospecting"}},
		{Command: "salesbot", Verb: "activities", handle: (*run).listActivityTypes, Aliases: []string{"activity", "activity types"},
			Summary: "List the activity types and when a deal goes quiet.", Who: whoEveryone, Examples: []string{"/salesbot activities"}},
		{Command: "salesbot", Verb: "activity add", Action: sales.ActActivityTypes, Writes: true, handle: (*run).activityTypeAdd, args: []arg{{kind: argActType, label: "<type>"}},
			Summary: "Add an activity type (one word).", Who: whoAdmins, Examples: []string{"/salesbot activity add demo"}},
		{Command: "salesbot", Verb: "activity remove", Action: sales.ActActivityTypes, Writes: true, handle: (*run).activityTypeRemove, Aliases: []string{"activity delete"}, args: []arg{{kind: argActType, label: "<type>"}},
			Summary: "Remove an activity type; activities already logged keep it.", Who: whoAdmins, Examples: []string{"/salesbot activity remove email"}},
		{Command: "salesbot", Verb: "activity quiet", Action: sales.ActActivityTypes, Writes: true, handle: (*run).activityQuiet, args: []arg{{kind: argDays, label: "<days>"}},
			Summary: "Set how many days without an activity make an open deal gone quiet (14 unless set).", Who: whoAdmins, Examples: []string{"/salesbot activity quiet 21"}},
		{Command: "salesbot", Verb: "nudges", Writes: true, handle: (*run).setNudges, Aliases: []string{"nudge"}, args: []arg{{kind: argOnOff, label: "on|off"}},
			Summary: "Turn your coaching nudges on or off.", Who: whoEveryone, Examples: []string{"/salesbot nudges off"}},
		{Command: "salesbot", Verb: "celebrations", Writes: true, handle: (*run).setCelebrations, Aliases: []string{"celebration", "celebrate"}, args: []arg{{kind: argOnOff, label: "on|off"}},
			Summary: "Celebrate your wins in the wins channel, or not: off announces them by name only, with no mention, reaction or milestone.", Who: whoEveryone,
			Examples: []string{"/salesbot celebrations off"}},
		{Command: "salesbot", Verb: "role", Action: sales.ActRoleSet, Writes: true, handle: (*run).setRole, args: []arg{aUser, {kind: argRole, label: "admin|manager|rep"}},
			Summary: "Set someone's role.", Who: whoAdmins, Examples: []string{"/salesbot role @carol manager"}},
		{Command: "salesbot", Verb: "manager", Action: sales.ActPeopleManage, Writes: true, handle: (*run).setManager, args: []arg{aUser, {kind: argManager, label: "@manager|none"}},
			Summary: "Set whom a rep reports to.", Who: whoManagers, Examples: []string{"/salesbot manager @alice @carol"}},
		{Command: "salesbot", Verb: "link", Action: sales.ActPeopleManage, Writes: true, handle: (*run).link, args: []arg{{kind: argName, label: `"Imported Name"`}, aUser},
			Summary: "Link a person imported by name to their Slack user; the user gets that person's role, so one above your own needs an admin.", Who: whoManagers,
			Examples: []string{`/salesbot link "Alice Smith" @alice`}},
		{Command: "salesbot", Verb: "digest", Action: sales.ActDigestRun, handle: (*run).digestStatus, Aliases: []string{"digests", "digest status"},
			Summary: "When the next digest and nudges go out, and which channel each digest goes to.", Who: whoManagers,
			Examples: []string{"/salesbot digest"}},
		{Command: "salesbot", Verb: "digest now", Action: sales.ActDigestRun, Writes: true, handle: (*run).digestNow,
			Summary: "Post the manager digest now.", Who: whoManagers, Examples: []string{"/salesbot digest now"}},
		{Command: "salesbot", Verb: "digest route", Action: sales.ActDigestRun, Writes: true, handle: (*run).digestRoute, args: []arg{{kind: argUser, opt: true, label: "@manager"}, aChannel},
			Summary:  "Send the digest to another channel (none: back to SALESBOT_DIGEST_CHANNEL); with @manager, also post that manager's team digest to its own channel.",
			Who:      whoManagers,
			Examples: []string{"/salesbot digest route #sales-leads", "/salesbot digest route @carol #team-carol", "/salesbot digest route @carol none"}},
	}
}

// Commands are the slash commands, in help order.
var Commands = []string{"deal", "goal", "pipeline", "forecast", "leaderboard", "territory", "salesbot"}

// Forms returns the table (shared; do not modify). The bot's tests
// render every form's help, and manifest/readme_test.go checks the
// README names every form.
func Forms() []*Form { return forms }

// FormsOf returns one command's forms in help order.
func FormsOf(command string) []*Form {
	var out []*Form
	for _, f := range forms {
		if f.Command == command {
			out = append(out, f)
		}
	}
	return out
}

// lookupForm finds the form of a parsed command.
func formOf(c Cmd) *Form {
	if c.ActivityGoal {
		return activityGoalForm(c.Command, c.Verb)
	}
	return lookupForm(c.Command, c.Verb)
}

// activityGoalForm is the activity-goal form sharing verb, or nil.
func activityGoalForm(command, verb string) *Form {
	for _, f := range forms {
		if f.Command == command && f.Verb == verb && f.activityGoal {
			return f
		}
	}
	return nil
}

// lookupForm is the form with the verb (the quota form where an
// activity-goal form shares it; formOf tells them apart).
func lookupForm(command, verb string) *Form {
	for _, f := range forms {
		if f.Command == command && f.Verb == verb && !f.activityGoal {
			return f
		}
	}
	return nil
}

// Writes reports whether the slash command (command "/deal" or "deal",
// text as typed) would run a form that changes data, so the bot can
// acknowledge it first and answer once it is committed. It reads only
// the command and the first words, without the store, so it is cheap
// enough for the socket's event loop. Text that selects no form (help,
// an unknown verb) does not write: it is answered with a message at once.
func Writes(command, text string) bool {
	name := normCommand(command)
	if !isCommand(name) {
		return false
	}
	head, err := firstTokens(text, 3)
	if err != nil || len(head) > 0 && isHelpWord(head[0]) {
		return false
	}
	f, _ := matchVerb(name, head)
	return f != nil && f.Writes
}

// Writes reports whether the command's form changes data.
func (c Cmd) Writes() bool {
	f := formOf(c)
	return f != nil && f.Writes
}
