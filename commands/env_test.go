package commands_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// The handlers need exactly what *storage.DB offers.
var _ commands.Store = (*storage.DB)(nil)

// clock is a settable test clock shared by the store and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Slack users of the test team. UADMIN is in SALESBOT_ADMINS.
const (
	admin   = "UADMIN"
	manager = "UMGR"
	alice   = "UALICE" // a rep reporting to UMGR
	bob     = "UBOB"   // a rep reporting to UMGR
	carol   = "UCAROL" // a rep with no manager
)

var names = map[string]string{admin: "root", manager: "maria", alice: "alice", bob: "bob", carol: "carol"}

// env is a service over a real bbolt file with a fixed clock.
type env struct {
	t     *testing.T
	db    *storage.DB
	svc   *commands.Service
	clock *clock
	ctx   context.Context
	dg    *digests
}

// digests stands in for the digest scheduler: it counts PostNow calls
// and reports a fixed status (the real one is tested end to end in bot).
type digests struct {
	mu      sync.Mutex
	posts   int
	postErr error
	status  sales.DigestStatus
}

func (d *digests) PostNow(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.postErr != nil {
		return d.postErr
	}
	d.posts++
	return nil
}

func (d *digests) Status(context.Context) (sales.DigestStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status, nil
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: now}
	db := storagetest.MustOpenWith(t, storage.Options{Clock: clk})
	dg := &digests{}
	svc := commands.New(db, commands.Config{Locale: sales.Locale{Clock: clk, Loc: time.UTC, Currency: sales.DefaultCurrency},
		Admins: []string{admin}, Digests: dg})
	return &env{t: t, db: db, svc: svc, clock: clk, ctx: context.Background(), dg: dg}
}

// team sets up a manager with alice and bob, and carol on her own.
func (e *env) team() {
	e.t.Helper()
	e.must(admin, "/salesbot", "role <@UMGR|maria> manager")
	e.must(admin, "/salesbot", "manager <@UALICE|alice> <@UMGR|maria>")
	e.must(admin, "/salesbot", "manager <@UBOB|bob> <@UMGR|maria>")
	e.must(carol, "/salesbot", "whoami")
}

func (e *env) req(user, cmd, text string) commands.Request {
	return commands.Request{Command: cmd, Text: text, UserID: user, UserName: names[user]}
}

func (e *env) do(user, cmd, text string) (*commands.Result, error) {
	e.t.Helper()
	return e.svc.Handle(e.ctx, e.req(user, cmd, text))
}

func (e *env) must(user, cmd, text string) *commands.Result {
	e.t.Helper()
	res, err := e.do(user, cmd, text)
	if err != nil {
		e.t.Fatalf("%s %s %s: %v", user, cmd, text, err)
	}
	return res
}

// fail runs a command that must fail with code, mentioning want, and
// change nothing.
func (e *env) fail(user, cmd, text, code, want string) {
	e.t.Helper()
	before := e.snapshot()
	res, err := e.do(user, cmd, text)
	if err == nil {
		e.t.Fatalf("%s %s %s succeeded: %+v", user, cmd, text, res)
	}
	if got := sales.ErrorCode(err); got != code {
		e.t.Errorf("%s %s %s: code %s, want %s (%v)", user, cmd, text, got, code, err)
	}
	if !strings.Contains(sales.ErrorMessage(err), want) {
		e.t.Errorf("%s %s %s: error %q does not mention %q", user, cmd, text, sales.ErrorMessage(err), want)
	}
	e.unchanged(before, cmd+" "+text)
}

// state is everything a command could change.
type state struct {
	Deals    []sales.Deal
	Events   []sales.Event
	People   []sales.Person
	Terrs    []sales.Territory
	Quotas   []sales.Quota
	Settings map[string]string
	Stages   sales.StageSet
	Acts     []sales.Activity
	ActCfg   sales.ActivityConfig
	ActGoals []sales.ActivityGoal
}

func (e *env) snapshot() state {
	e.t.Helper()
	var s state
	var err error
	check := func(err error) {
		if err != nil {
			e.t.Fatal(err)
		}
	}
	s.Deals, err = e.db.FindDeals(e.ctx, sales.DealFilter{})
	check(err)
	s.Events, err = e.db.EventsBetween(e.ctx, time.Unix(0, 0), now.AddDate(10, 0, 0))
	check(err)
	s.People, err = e.db.People(e.ctx)
	check(err)
	s.Terrs, err = e.db.Territories(e.ctx)
	check(err)
	s.Quotas, err = e.db.Quotas(e.ctx)
	check(err)
	s.Settings, err = e.db.Settings(e.ctx, "")
	check(err)
	s.Stages, err = e.db.Stages(e.ctx)
	check(err)
	check(e.db.ScanActivities(e.ctx, time.Time{}, time.Time{}, func(a sales.Activity) error { s.Acts = append(s.Acts, a); return nil }))
	s.ActCfg, err = e.db.ActivityConfig(e.ctx)
	check(err)
	s.ActGoals, err = e.db.AllActivityGoals(e.ctx)
	check(err)
	return s
}

func (e *env) unchanged(before state, what string) {
	e.t.Helper()
	after := e.snapshot()
	if !reflect.DeepEqual(before, after) {
		e.t.Errorf("%s changed the database:\nbefore %+v\nafter  %+v", what, before, after)
	}
}

func (e *env) deal(id sales.DealID) sales.Deal {
	e.t.Helper()
	d, err := e.db.Deal(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) person(slackID string) sales.Person {
	e.t.Helper()
	p, err := e.db.PersonBySlackID(e.ctx, slackID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// add logs a deal and returns its id.
func (e *env) add(user, text string) sales.DealID {
	e.t.Helper()
	res := e.must(user, "/deal", "add "+text)
	if res.Deal == nil || res.Deal.Deal.ID == 0 {
		e.t.Fatalf("add %s: no deal in %+v", text, res)
	}
	return res.Deal.Deal.ID
}

// stageName names a stage id as stored now.
func (e *env) stageName(id sales.StageID) string {
	e.t.Helper()
	ss, err := e.db.Stages(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return ss.Name(id)
}

// routes reads the digest routes as the digest package will.
func (e *env) routes() sales.DigestChannels {
	e.t.Helper()
	r, err := e.db.DigestChannels(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}
