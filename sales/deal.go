package sales

import (
	"strconv"
	"strings"
	"time"
)

// DealID is a deal's number; users see it as "D-42".
type DealID uint64

func (id DealID) String() string { return "D-" + strconv.FormatUint(uint64(id), 10) }

// ParseDealID accepts "D-42", "d-42", "D42" and "#42". ok is false when s is
// not shaped like an id (it may then be an account name).
func ParseDealID(s string) (DealID, bool) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "#"):
		s = s[1:]
	case len(s) > 1 && (s[0] == 'D' || s[0] == 'd'):
		s = strings.TrimPrefix(s[1:], "-")
	default:
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	return DealID(n), true
}

// Deal is one sales opportunity.
type Deal struct {
	ID         DealID
	ExternalID string // id in the system it was imported from; unique when set
	Account    string
	Amount     Money // 0 = not yet known (allowed on open deals)
	Stage      StageID
	Owner      PersonID
	Territory  TerritoryID // 0 = none
	Product    string
	// CloseDate is the expected close date, a civil date at UTC midnight;
	// zero when unknown.
	CloseDate      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ClosedAt       time.Time // zero while open
	StageEnteredAt time.Time // when the deal entered its current stage
	SnoozedUntil   time.Time // nudges about this deal are quiet until then
	LostReason     string
	Notes          string
	// Forecast is the owner's or a manager's forecast category for the
	// deal; zero means the stage's default.
	Forecast ForecastCategory
	// NextStep is what happens next on the deal ("" = none) and NextDue
	// when it is due (zero = no date); see nextstep.go.
	NextStep string
	NextDue  Date
}

// Facts is the fixed-size part of a deal that every metric needs. Storage
// keeps it at the front of each record so reports decode nothing else.
type Facts struct {
	ID           DealID
	Owner        PersonID
	Territory    TerritoryID
	Stage        StageID
	Amount       Money
	Created      int64 // unix seconds
	Closed       int64 // unix seconds, 0 while open
	StageEntered int64 // unix seconds
	Updated      int64 // unix seconds
	CloseDate    int64 // unix seconds of the expected close date, 0 unknown
	SnoozedUntil int64 // unix seconds, 0 none
}

// Facts extracts the metric facts of d.
func (d Deal) Facts() Facts {
	return Facts{
		ID: d.ID, Owner: d.Owner, Territory: d.Territory, Stage: d.Stage, Amount: d.Amount,
		Created: unix(d.CreatedAt), Closed: unix(d.ClosedAt), StageEntered: unix(d.StageEnteredAt),
		Updated: unix(d.UpdatedAt), CloseDate: unix(d.CloseDate), SnoozedUntil: unix(d.SnoozedUntil),
	}
}

// Deal is the deal the facts describe, without its text fields (account,
// notes, ...): what the rules in this package read.
func (f *Facts) Deal() Deal {
	return Deal{
		ID: f.ID, Owner: f.Owner, Territory: f.Territory, Stage: f.Stage, Amount: f.Amount,
		CreatedAt: fromUnix(f.Created), ClosedAt: fromUnix(f.Closed), StageEnteredAt: fromUnix(f.StageEntered),
		UpdatedAt: fromUnix(f.Updated), CloseDate: fromUnix(f.CloseDate).UTC(), SnoozedUntil: fromUnix(f.SnoozedUntil),
	}
}

// ExpectedClose is the close date as a civil date (zero when unknown).
func (f *Facts) ExpectedClose() Date {
	if f.CloseDate == 0 {
		return Date{}
	}
	return DateFromUnixDays(floorDiv(f.CloseDate, 86400))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// DealFilter selects deals. Zero fields do not filter.
type DealFilter struct {
	Owner      PersonID
	Territory  TerritoryID
	Stage      StageID
	OpenOnly   bool
	Account    string // case-insensitive substring of the account
	ClosedFrom time.Time
	ClosedTo   time.Time // exclusive
	Limit      int
}

// Event is one change to a deal: who, when, which field, from, to. Stage
// changes carry stage names so the history reads well after a rename.
type Event struct {
	ID     uint64
	DealID DealID
	At     time.Time
	Actor  PersonID
	Field  string // "created", "stage", "amount", "close_date", "owner", ...
	From   string
	To     string
}

// Event fields with special meaning.
const (
	FieldCreated   = "created"
	FieldStage     = "stage"
	FieldAmount    = "amount"
	FieldAccount   = "account"
	FieldOwner     = "owner"
	FieldClose     = "close_date"
	FieldTerritory = "territory"
	FieldProduct   = "product"
	FieldLost      = "lost_reason"
	FieldNotes     = "notes"
	FieldSnoozed   = "snoozed_until"
	// FieldForecast is a forecast-category override: From and To are
	// ForecastCategory.String texts, "" for the stage's default.
	FieldForecast = "forecast"
	// FieldNextStep is the next step's text ("" = none: To "" is done)
	// and FieldNextDue its due date (YYYY-MM-DD, "" = none).
	FieldNextStep = "next_step"
	FieldNextDue  = "next_due"
)

// ChangeMark is where the store's deal and event sequences stand: two
// equal marks mean no deal was created or changed in between.
type ChangeMark struct {
	Deals, Events uint64
}
