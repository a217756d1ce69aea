package sales

import (
	"strconv"
	"strings"
	"time"
)

// ActivityID numbers activities in the order they were logged.
type ActivityID uint64

func (id ActivityID) String() string { return "A-" + strconv.FormatUint(uint64(id), 10) }

// Activity is one call, meeting, email or note (or an admin-configured
// type): who did it, when, on which deal (or just an account), with an
// optional outcome and free text.
type Activity struct {
	ID      ActivityID
	Deal    DealID // 0 for an activity on an account without a deal
	Account string // the deal's account when Deal is set
	Who     PersonID
	At      time.Time
	Type    string // a configured type's name, lower case ("call")
	Outcome string // optional ("connected", "left voicemail")
	Text    string
}

// The default activity types. Contract: "gone quiet: an open deal with no
// activity (call, meeting, email, note) for 14 days (configurable)."
const (
	ActivityCall    = "call"
	ActivityMeeting = "meeting"
	ActivityEmail   = "email"
	ActivityNote    = "note"
)

// MaxActivityTypes bounds the configured types, so every list of them
// fits a Slack select (100 options) with room to spare.
const MaxActivityTypes = 20

// ActivityConfig is what admins configure about activities: the types in
// display order and the quiet threshold.
type ActivityConfig struct {
	Types []string
	// QuietDays is how long an open deal may go without an activity before
	// it has gone quiet; 0 means DefaultQuietDays.
	QuietDays int
}

// DefaultActivityConfig is the configuration of a new file.
func DefaultActivityConfig() ActivityConfig {
	return ActivityConfig{Types: []string{ActivityCall, ActivityMeeting, ActivityEmail, ActivityNote}}
}

// Quiet is the quiet threshold in days.
func (c ActivityConfig) Quiet() int {
	if c.QuietDays <= 0 {
		return DefaultQuietDays
	}
	return c.QuietDays
}

// TypeList renders "call, meeting, email, note".
func (c ActivityConfig) TypeList() string { return strings.Join(c.Types, ", ") }

// LookupType finds a configured type case-insensitively. The error names
// the configured ones (and the nearest, when one is close).
func (c ActivityConfig) LookupType(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, t := range c.Types {
		if t == n {
			return t, nil
		}
	}
	if n == "" {
		return "", Errorf(EINVALID, "the activity type is missing: use one of %s", c.TypeList())
	}
	if near := Closest(n, c.Types, 1); len(near) == 1 {
		return "", Errorf(EINVALID, "unknown activity type %q (did you mean %s?): use one of %s", name, near[0], c.TypeList())
	}
	return "", Errorf(EINVALID, "unknown activity type %q: use one of %s", name, c.TypeList())
}

// Validate checks a configuration before it is stored: 1 to
// MaxActivityTypes distinct one-word lower-case names, quiet days 0..365.
func (c ActivityConfig) Validate() error {
	if len(c.Types) == 0 {
		return Errorf(EINVALID, "at least one activity type must stay configured")
	}
	if len(c.Types) > MaxActivityTypes {
		return Errorf(EINVALID, "at most %d activity types can be configured", MaxActivityTypes)
	}
	seen := map[string]bool{}
	for _, t := range c.Types {
		if err := ValidActivityTypeName(t); err != nil {
			return err
		}
		if seen[t] {
			return Errorf(EINVALID, "activity type %s appears twice", t)
		}
		seen[t] = true
	}
	if c.QuietDays < 0 || c.QuietDays > 365 {
		return Errorf(EINVALID, "quiet days %d is out of range: use 1 to 365", c.QuietDays)
	}
	return nil
}

// ValidActivityTypeName checks a type name: a lower-case word of letters,
// digits, - or _ (it becomes a column name in reports), up to 30
// characters.
func ValidActivityTypeName(t string) error {
	if t == "" || len(t) > 30 {
		return Errorf(EINVALID, "activity type %q is not valid: use one word of up to 30 letters", t)
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return Errorf(EINVALID, "activity type %q is not valid: use one lower-case word of letters, digits, - or _", t)
		}
	}
	return nil
}

// ValidateActivity checks an activity from any way in (command, button,
// modal, import) before it is stored. Its type is checked against the
// configuration by the store, in the same transaction.
func ValidateActivity(a Activity) error {
	if a.Deal == 0 && strings.TrimSpace(a.Account) == "" {
		return Errorf(EINVALID, "an activity needs a deal or an account")
	}
	if a.Who == 0 {
		return Errorf(EINVALID, "an activity needs the person who did it")
	}
	if !a.At.IsZero() && !ValidDate(a.At) {
		return Errorf(EINVALID, "activity time %s is out of range", a.At.Format(time.RFC3339))
	}
	if err := CheckText("account", a.Account, MaxAccount); err != nil {
		return err
	}
	if err := CheckText("outcome", a.Outcome, MaxName); err != nil {
		return err
	}
	return CheckText("activity text", a.Text, MaxText)
}

// ActivityCounts is activities counted by person, then type.
type ActivityCounts map[PersonID]map[string]int

// Of is one person's count of one type; "" counts every type.
func (c ActivityCounts) Of(who PersonID, typ string) int {
	if typ == "" {
		n := 0
		for _, v := range c[who] {
			n += v
		}
		return n
	}
	return c[who][typ]
}

// Add counts one activity.
func (c ActivityCounts) Add(who PersonID, typ string, n int) {
	m := c[who]
	if m == nil {
		m = map[string]int{}
		c[who] = m
	}
	m[typ] += n
}

// ActivityPerWon is activities / won deals of the same group and window;
// n/a (with the reason) without a won deal.
func ActivityPerWon(activities int, won int64) Num {
	if won == 0 {
		return NumWhy("no won deals")
	}
	return Div(float64(activities), float64(won))
}
