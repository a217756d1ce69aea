package storage

// The storage API that commands, digest, bot and the CLI build on is the
// set of methods on *DB, each documented where it is implemented:
//
//	people.go       CreatePerson UpdatePerson Person PersonBySlackID PersonByName People EnsurePerson
//	territories.go  CreateTerritory UpdateTerritory Territory TerritoryByName Territories
//	stages.go       Stages SetStages
//	deals.go        CreateDeal UpdateDeal Deal DealByExternalID CountDeals
//	find.go         FindDeals DealHistory EventsBetween ScanFacts OwnerFacts
//	accounts.go     DealsByAccount
//	activities.go   LogActivity ImportActivities Activity DealActivities ActivityCounts
//	                PersonActivities ScanActivities LastActivities ActivityConfig ModifyActivityConfig
//	quotas.go       SetQuota Quota Quotas
//	import.go       Import Bulk PersonRef TerritoryRef
//	dedupe.go       MarkEnvelope
//	outbox.go       Enqueue Pending Done Retry
//	settings.go     ClaimSlot LastSlot Setting SetSetting Settings
//	backup.go       Backup BackupFile
//	check.go        Check
//
// This file holds the types those methods share with callers.

import (
	"github.com/salesbot/salesbot/sales"
)

// Import is one all-or-nothing batch of records.
type Import struct {
	People      []sales.Person // ID 0 = create; otherwise update
	Territories []sales.Territory
	Deals       []sales.Deal  // ID 0 = create (or update the deal with the same ExternalID)
	Events      []sales.Event // extra history (stage changes) for the deals above, by index: DealID holds index+1 into Deals
	Quotas      []sales.Quota
}

// ImportResult says what Import did.
type ImportResult struct {
	PeopleCreated, DealsCreated, DealsUpdated int
	DealIDs                                   []sales.DealID // per Import.Deals entry
	PersonIDs                                 []sales.PersonID
	// DealsUnchanged counts deals that matched a stored one exactly (a
	// re-imported file); TerritoryIDs is per Import.Territories entry.
	DealsUnchanged int
	TerritoryIDs   []sales.TerritoryID
	// RolesPending lists Slack-linked people whom a row found by name
	// alone and would have given a higher role: a Slack name is
	// self-service, so the role waits for an admin (sales.Person.PendingRole).
	RolesPending []sales.PersonID
}
