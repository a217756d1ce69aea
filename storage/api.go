package storage

// This file fixes the storage API that commands, digest, bot and the CLI
// build on. Each method's comment is its contract.

import (
	"context"
	"io"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// ---- people ----

// CreatePerson stores a new person and returns it with its new ID.
// ECONFLICT when the SlackID is already linked to someone.
func (db *DB) CreatePerson(ctx context.Context, p sales.Person) (sales.Person, error) {
	return p, errTODO
}

// UpdatePerson replaces a stored person (by ID). ENOTFOUND when missing.
func (db *DB) UpdatePerson(ctx context.Context, p sales.Person) error { return errTODO }

// Person returns a person by ID. ENOTFOUND when missing.
func (db *DB) Person(ctx context.Context, id sales.PersonID) (sales.Person, error) {
	return sales.Person{}, errTODO
}

// PersonBySlackID returns the person linked to a Slack user. ENOTFOUND.
func (db *DB) PersonBySlackID(ctx context.Context, slackID string) (sales.Person, error) {
	return sales.Person{}, errTODO
}

// PersonByName finds a person by display or real name, case-insensitively.
// ENOTFOUND when none, ECONFLICT when several match.
func (db *DB) PersonByName(ctx context.Context, name string) (sales.Person, error) {
	return sales.Person{}, errTODO
}

// People lists everyone, ordered by ID.
func (db *DB) People(ctx context.Context) ([]sales.Person, error) { return nil, errTODO }

// EnsurePerson returns the person linked to slackID. If none is linked it
// links an unlinked person whose Name or RealName matches name or realName
// (case-insensitive), or else creates a rep. Name fields are refreshed when
// the given ones are non-empty. Safe to call concurrently (it uses Batch).
func (db *DB) EnsurePerson(ctx context.Context, slackID, name, realName string) (sales.Person, error) {
	return sales.Person{}, errTODO
}

// ---- territories ----

// CreateTerritory adds a territory. ECONFLICT when the name exists
// (case-insensitive).
func (db *DB) CreateTerritory(ctx context.Context, t sales.Territory) (sales.Territory, error) {
	return t, errTODO
}

// UpdateTerritory replaces a territory by ID (rename, channel route).
func (db *DB) UpdateTerritory(ctx context.Context, t sales.Territory) error { return errTODO }

// Territory returns a territory by ID. ENOTFOUND.
func (db *DB) Territory(ctx context.Context, id sales.TerritoryID) (sales.Territory, error) {
	return sales.Territory{}, errTODO
}

// TerritoryByName finds a territory case-insensitively. ENOTFOUND.
func (db *DB) TerritoryByName(ctx context.Context, name string) (sales.Territory, error) {
	return sales.Territory{}, errTODO
}

// Territories lists all territories ordered by name.
func (db *DB) Territories(ctx context.Context) ([]sales.Territory, error) { return nil, errTODO }

// ---- stages ----

// Stages returns the configured stages (sales.DefaultStages on a new file).
func (db *DB) Stages(ctx context.Context) (sales.StageSet, error) { return sales.StageSet{}, errTODO }

// SetStages validates and stores a stage configuration.
func (db *DB) SetStages(ctx context.Context, ss sales.StageSet) error { return errTODO }

// ---- deals ----

// CreateDeal stores a new deal, assigns its ID (NextSequence) and records a
// "created" event by actor. Zero CreatedAt/UpdatedAt/StageEnteredAt become
// db.Now(). ECONFLICT when ExternalID is set and already used. Concurrent
// calls share transactions (bbolt Batch); the call returns only after the
// commit is on disk. With an idempotency key in ctx
// (sales.WithIdempotencyKey) a repeated call returns the deal the first
// call created and writes nothing.
func (db *DB) CreateDeal(ctx context.Context, d sales.Deal, actor sales.PersonID) (sales.Deal, error) {
	return d, errTODO
}

// UpdateDeal loads deal id, calls fn on a copy, and stores the result in
// the same transaction, recording one event per changed field (who=actor,
// when=db.Now(), from, to; stage events carry stage names). A stage change
// sets StageEnteredAt; entering Won or Lost sets ClosedAt, reopening clears
// it. fn must be free of side effects: under Batch it may run twice. An
// error from fn aborts and writes nothing. With an idempotency key already
// applied, fn is not called and the current deal is returned.
func (db *DB) UpdateDeal(ctx context.Context, id sales.DealID, actor sales.PersonID, fn func(*sales.Deal) error) (sales.Deal, error) {
	return sales.Deal{}, errTODO
}

// Deal returns one deal. ENOTFOUND with the message "deal D-42 not found".
func (db *DB) Deal(ctx context.Context, id sales.DealID) (sales.Deal, error) {
	return sales.Deal{}, errTODO
}

// DealByExternalID returns the deal imported with that external id. ENOTFOUND.
func (db *DB) DealByExternalID(ctx context.Context, ext string) (sales.Deal, error) {
	return sales.Deal{}, errTODO
}

// FindDeals returns deals matching f, newest first, using indexes (owner,
// open-by-owner, stage, closed-at) so no full scan is needed when Owner,
// Stage or Closed* is set.
func (db *DB) FindDeals(ctx context.Context, f sales.DealFilter) ([]sales.Deal, error) {
	return nil, errTODO
}

// DealHistory returns a deal's events in time order.
func (db *DB) DealHistory(ctx context.Context, id sales.DealID) ([]sales.Event, error) {
	return nil, errTODO
}

// EventsBetween returns all events with from <= At < to, in time order,
// through a time index (no scan of all events).
func (db *DB) EventsBetween(ctx context.Context, from, to time.Time) ([]sales.Event, error) {
	return nil, errTODO
}

// ScanFacts calls fn for every deal's facts in ID order, decoding only the
// fixed-size facts header. The *Facts is reused between calls.
func (db *DB) ScanFacts(ctx context.Context, fn func(*sales.Facts) error) error { return errTODO }

// OwnerFacts returns the facts of every deal owned by owner through the
// owner index (for one rep's /pipeline and /goal without a scan).
func (db *DB) OwnerFacts(ctx context.Context, owner sales.PersonID) ([]sales.Facts, error) {
	return nil, errTODO
}

// CountDeals returns the number of deals.
func (db *DB) CountDeals(ctx context.Context) (int, error) { return 0, errTODO }

// ---- quotas ----

// SetQuota creates or replaces the quota for (Scope, Subject, Period).
func (db *DB) SetQuota(ctx context.Context, q sales.Quota) error { return errTODO }

// Quota returns the quota for scope/subject/period; ok=false when none.
func (db *DB) Quota(ctx context.Context, scope sales.QuotaScope, subject uint64, p sales.Period) (sales.Quota, bool, error) {
	return sales.Quota{}, false, errTODO
}

// Quotas lists all quotas ordered by period, scope, subject.
func (db *DB) Quotas(ctx context.Context) ([]sales.Quota, error) { return nil, errTODO }

// ---- bulk (import, seed) ----

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
}

// Import writes everything in one transaction: either all of it lands or
// none does. Deals with an ExternalID already stored update that deal
// instead of duplicating it.
func (db *DB) Import(ctx context.Context, in Import, actor sales.PersonID) (ImportResult, error) {
	return ImportResult{}, errTODO
}

// Bulk loads a large generated data set (seed) in chunked transactions with
// NoSync-style speed, then syncs once. progress, if non-nil, is called with
// the number of deals written so far.
func (db *DB) Bulk(ctx context.Context, in Import, progress func(done int)) (ImportResult, error) {
	return ImportResult{}, errTODO
}

// ---- bot support ----

// MarkEnvelope records a Slack envelope id (or event id) as handled. first
// is false when it was already recorded, before or after a restart.
func (db *DB) MarkEnvelope(ctx context.Context, id string) (first bool, err error) {
	return false, errTODO
}

// Outbox: messages the bot must post exactly once. Enqueue is durable; the
// poster deletes an entry only after Slack accepted it.

// OutboxItem is one pending post.
type OutboxItem struct {
	ID      uint64
	Key     string // dedupe key; Enqueue with a known key is a no-op
	Kind    string // "post", "dm", "upload", ...
	Payload []byte // JSON owned by the bot
	Created time.Time
	Tries   int
}

// Enqueue adds an item unless one with the same Key was ever enqueued.
func (db *DB) Enqueue(ctx context.Context, it OutboxItem) (added bool, err error) {
	return false, errTODO
}

// Pending lists items not yet done, oldest first.
func (db *DB) Pending(ctx context.Context) ([]OutboxItem, error) { return nil, errTODO }

// Done marks an item posted (its Key stays remembered).
func (db *DB) Done(ctx context.Context, id uint64) error { return errTODO }

// Retry records a failed attempt.
func (db *DB) Retry(ctx context.Context, id uint64) error { return errTODO }

// ---- scheduler and settings ----

// ClaimSlot records that job's occurrence at slot was taken. It returns
// false when that slot was already claimed (before or after a restart).
func (db *DB) ClaimSlot(ctx context.Context, job string, slot time.Time) (bool, error) {
	return false, errTODO
}

// LastSlot returns the latest claimed slot of job, zero when none.
func (db *DB) LastSlot(ctx context.Context, job string) (time.Time, error) {
	return time.Time{}, errTODO
}

// Setting returns a stored setting ("" when unset).
func (db *DB) Setting(ctx context.Context, key string) (string, error) { return "", errTODO }

// SetSetting stores a setting; an empty value deletes it.
func (db *DB) SetSetting(ctx context.Context, key, value string) error { return errTODO }

// Settings lists settings whose key starts with prefix.
func (db *DB) Settings(ctx context.Context, prefix string) (map[string]string, error) {
	return nil, errTODO
}

// ---- file ----

// Backup writes a consistent copy of the whole database to w while the
// database stays online (a read transaction's WriteTo).
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) { return 0, errTODO }

// BackupFile writes a consistent copy to path (created 0600, fsynced).
func (db *DB) BackupFile(ctx context.Context, path string) (int64, error) { return 0, errTODO }
