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
