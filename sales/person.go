package sales

import (
	"strconv"
	"strings"
)

// PersonID is the internal id of a person. People imported by name get one
// before they are linked to a Slack user.
type PersonID uint64

func (id PersonID) String() string { return "P-" + strconv.FormatUint(uint64(id), 10) }

// Role is what a person may do.
type Role uint8

const (
	RoleRep Role = iota
	RoleManager
	RoleAdmin
)

func (r Role) String() string {
	switch r {
	case RoleAdmin:
		return "admin"
	case RoleManager:
		return "manager"
	default:
		return "rep"
	}
}

// Article is the role with its article: "an admin", "a manager".
func (r Role) Article() string {
	if r == RoleAdmin {
		return "an admin"
	}
	return "a " + r.String()
}

// ParseRole accepts admin, manager or rep.
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "admin":
		return RoleAdmin, nil
	case "manager", "mgr":
		return RoleManager, nil
	case "rep", "member", "user":
		return RoleRep, nil
	}
	return 0, Errorf(EINVALID, "unknown role %q: use admin, manager or rep", s)
}

// Person is a member of the sales team.
type Person struct {
	ID        PersonID
	SlackID   string // "" until linked to a Slack user
	Name      string // display name
	RealName  string
	Email     string
	Role      Role
	Manager   PersonID    // 0 = none
	Territory TerritoryID // 0 = none
	TZ        string      // IANA zone from Slack; "" = team zone
	NudgesOff bool
	// CelebrationsOff: the person muted recognition of themselves
	// (/salesbot celebrations off): their wins are announced without a
	// mention, reaction or milestone, and standings name them plainly.
	CelebrationsOff bool
	// PendingRole is the role an imported record had when it was linked
	// to Slack automatically (by a confirmed email). An automatic link
	// never grants more than rep: Role is rep and this waits for an admin
	// to set the role. RoleRep means nothing is pending.
	PendingRole Role
}

// IsSlackUserID reports whether s is shaped like a Slack user id (U or W,
// then capital letters and digits), so it may be placed in a <@…>
// mention without letting text through.
func IsSlackUserID(s string) bool {
	if len(s) < 2 || len(s) > 24 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Label is the name to show: the display name, else the Slack id.
func (p Person) Label() string {
	if p.Name != "" {
		return p.Name
	}
	if p.RealName != "" {
		return p.RealName
	}
	if p.SlackID != "" {
		return p.SlackID
	}
	return p.ID.String()
}

// TerritoryID identifies a territory.
type TerritoryID uint64

// Territory is a named slice of the market.
type Territory struct {
	ID      TerritoryID
	Name    string
	Channel string // Slack channel for this territory's digest; "" = default
}
