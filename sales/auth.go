package sales

import "context"

// Action is something a person may try to do.
type Action uint8

const (
	ActDealCreate    Action = iota + 1 // create a deal owned by target
	ActDealEdit                        // change a deal owned by target
	ActDealView                        // read deals owned by target
	ActQuotaSet                        // set any quota
	ActTerritoryEdit                   // add territories, assign people
	ActRoleSet                         // appoint admins, managers, reps
	ActDigestRun                       // run or route the digest
	ActPeopleManage                    // link imported people, set managers
	ActStagesEdit                      // add, change or remove pipeline stages
	ActForecastCall                    // submit a forecast call for target
	ActActivityLog                     // log an activity on a deal owned by target
	ActActivityTypes                   // configure activity types and quiet days
)

func (a Action) String() string {
	switch a {
	case ActDealCreate:
		return "create deals for others"
	case ActDealEdit:
		return "change other reps' deals"
	case ActDealView:
		return "view deals"
	case ActQuotaSet:
		return "set quotas"
	case ActTerritoryEdit:
		return "manage territories"
	case ActRoleSet:
		return "change roles"
	case ActDigestRun:
		return "run or route the digest"
	case ActPeopleManage:
		return "manage people"
	case ActStagesEdit:
		return "change the pipeline stages"
	case ActForecastCall:
		return "submit forecast calls for others"
	case ActActivityLog:
		return "log activities on other reps' deals"
	case ActActivityTypes:
		return "configure activity types"
	}
	return "do that"
}

// Actor is the person acting, with their effective role (SALESBOT_ADMINS
// already folded in).
type Actor struct {
	Person Person
	Role   Role
}

// Authorize is the one place that decides who may do what:
//   - admins may do everything, and only they set roles, stages and
//     activity types;
//   - managers set quotas, manage territories and people, run digests and
//     change anyone's deals;
//   - reps create and change their own deals, and log activities on them,
//     only;
//   - everyone may view deals and the pipeline.
//
// target is the owner of the deal concerned (0 when the action has none).
// AuthorizeLink, beside it, adds the one rule that depends on a record.
func Authorize(a Actor, act Action, target PersonID) error {
	switch {
	case a.Role == RoleAdmin:
		return nil
	case act == ActDealView:
		return nil
	case act == ActRoleSet || act == ActStagesEdit || act == ActActivityTypes:
		return Errorf(EFORBIDDEN, "only an admin can %s", act)
	case a.Role == RoleManager:
		return nil
	case (act == ActDealCreate || act == ActDealEdit || act == ActForecastCall || act == ActActivityLog) && target == a.Person.ID:
		return nil
	case act == ActDealCreate || act == ActDealEdit || act == ActActivityLog:
		return Errorf(EFORBIDDEN, "only a manager or admin can %s; you can change your own deals", act)
	case act == ActForecastCall:
		return Errorf(EFORBIDDEN, "only a manager or admin can %s; you can submit your own", act)
	}
	return Errorf(EFORBIDDEN, "only a manager or admin can %s", act)
}

// AuthorizeLink decides whether a may link a Slack user to the stored
// person p ("/salesbot link"). The link hands the Slack user p's role, so
// a role above the actor's own is setting a role (ActRoleSet).
func AuthorizeLink(a Actor, p Person) error {
	if err := Authorize(a, ActPeopleManage, 0); err != nil {
		return err
	}
	if p.Role <= a.Role {
		return nil
	}
	if err := Authorize(a, ActRoleSet, 0); err != nil {
		return Errorf(EFORBIDDEN, "%s is %s, above your role (%s), and linking gives that role: only an admin can %s",
			p.Label(), p.Role.Article(), a.Role, ActRoleSet)
	}
	return nil
}

type ctxKey int

const (
	idemKey ctxKey = iota + 1
	journalKey
)

// WithIdempotencyKey marks every write made with ctx as the effect of one
// request (a Slack envelope, an import row). Storage applies a keyed write
// at most once, so a redelivered request changes nothing twice.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idemKey, key)
}

// IdempotencyKey returns the key set by WithIdempotencyKey, or "".
func IdempotencyKey(ctx context.Context) string {
	k, _ := ctx.Value(idemKey).(string)
	return k
}

// Journal is an unanswered request, kept so a restarted process can still
// answer it: Key names the request (an envelope id), Entry is opaque to
// storage.
type Journal struct {
	Key   string
	Entry []byte
	// Pending marks a request received but not yet committed. It is
	// recorded only where the key has no entry, and the request's first
	// committed write replaces it; one still pending at start-up is a
	// request that was acknowledged but never done.
	Pending bool
}

// WithJournal makes every write committed with ctx also record j, in the
// same transaction: once any effect of a request is on disk, so is the
// duty to answer it. The caller clears j once the answer is out.
func WithJournal(ctx context.Context, j Journal) context.Context {
	return context.WithValue(ctx, journalKey, j)
}

// JournalOf returns the entry set by WithJournal.
func JournalOf(ctx context.Context) (Journal, bool) {
	j, ok := ctx.Value(journalKey).(Journal)
	return j, ok && j.Key != ""
}
