package sales

// QuotaScope says whom a quota is for.
type QuotaScope uint8

const (
	ScopeRep QuotaScope = iota + 1
	ScopeTeam
	ScopeTerritory
)

func (s QuotaScope) String() string {
	switch s {
	case ScopeRep:
		return "rep"
	case ScopeTeam:
		return "team"
	case ScopeTerritory:
		return "territory"
	}
	return "unknown"
}

// Quota is a target of won amount for a subject over a period.
type Quota struct {
	Scope QuotaScope
	// Subject is the PersonID for a rep quota, the manager's PersonID for a
	// team quota (0 = the whole company), the TerritoryID for a territory.
	Subject uint64
	Period  Period
	Amount  Money
	SetBy   PersonID
}

// ValidateQuotaAmount is the one rule for a quota's amount, however it is
// set (/goal set, import quotas): more than zero. A zero quota would make
// attainment undefined while looking like a target.
func ValidateQuotaAmount(m Money) error {
	if m <= 0 {
		return Errorf(EINVALID, "a quota must be more than zero")
	}
	return nil
}
