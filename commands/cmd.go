package commands

import (
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Scope says whose deals or numbers a command is about.
type Scope string

const (
	ScopeSelf      Scope = ""          // the actor
	ScopeUser      Scope = "user"      // Cmd.User
	ScopeTeam      Scope = "team"      // the actor's team
	ScopeAll       Scope = "all"       // the whole company
	ScopeTerritory Scope = "territory" // Cmd.Territory
)

// Cmd is one parsed command. Fields a form does not use stay zero, and
// zero means "not given" (the handler applies the default).
type Cmd struct {
	Command string // "deal", "goal", "pipeline", "territory", "salesbot"
	Verb    string // the form's canonical verb: "add", "set team", "digest now"; "" for a bare form

	Deal      DealRef
	Account   string
	Amount    sales.Money // minor units of Currency
	HasAmount bool
	Best      sales.Money // /forecast submit's best case
	HasBest   bool
	Stage     string    // canonical stage name
	Close     time.Time // expected close date (UTC midnight), zero = not given
	Until     time.Time // snooze end date (UTC midnight), zero = default length
	Owner     UserRef   // owner: option
	User      UserRef   // the person the command is about
	Users     []UserRef // /territory assign, unassign
	Manager   UserRef   // /salesbot manager
	NoManager bool      // /salesbot manager @rep none
	Scope     Scope
	Territory string // territory name (argument or territory: option); "none" clears in /deal set
	Product   string
	Note      string // note: option
	// Forecast is the forecast: option, HasForecast whether it was given
	// (forecast:default, the zero category, clears an override).
	Forecast    sales.ForecastCategory
	HasForecast bool
	Text        string // lost reason, note text, imported name
	Activity    string // /deal activity's type, lower case; an activity goal's type word
	// Count is an activity goal's target; Recurs says it was set for every
	// week or month ("week") rather than one ("2026-W50").
	Count  int
	Recurs bool
	// ActivityGoal selects /goal set's activity-goal form (the same verb as
	// the quota form; the parser tells them apart by the words).
	ActivityGoal bool
	Outcome      string // an activity's outcome (the activity modal)
	Period       sales.Period
	Role         sales.Role
	Channel      ChannelRef
	On           bool            // /salesbot nudges on|off
	Board        sales.BoardMode // /leaderboard's ranking, when HasBoard
	HasBoard     bool
	Page         int // 0 = first page
	Topic        string

	// Stage configuration (/salesbot stage add|set).
	Probability    int    // basis points: 4000 = 40%
	HasProbability bool   // probability given (0% is a value)
	Stale          int    // stale threshold in days; 0 = not given
	After          string // canonical stage name, or "start"
	NewName        string // name: a stage's new name

	// Currency is how Amount was read; String writes amounts back in it.
	Currency sales.Currency
}

// Limits on what users type.
const (
	MaxInput      = 4000 // characters of command text
	maxAccount    = sales.MaxAccount
	maxName       = sales.MaxName
	maxText       = sales.MaxText
	maxPage       = 10000
	helpTopicNone = ""
)

// Name is the command and verb, for logs and metrics: "deal add".
func (c Cmd) Name() string {
	if c.Verb == "" {
		return c.Command
	}
	return c.Command + " " + c.Verb
}

var _ fmt.Stringer = Cmd{}
