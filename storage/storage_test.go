package storage_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 500_000_000, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openClock(t *testing.T) (*storage.DB, *clock) {
	t.Helper()
	clk := newClock()
	return storagetest.MustOpenWith(t, storage.Options{Clock: clk}), clk
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantCode(t *testing.T, err error, code string, contains string) {
	t.Helper()
	if got := sales.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if contains != "" && !strings.Contains(sales.ErrorMessage(err), contains) {
		t.Fatalf("error message %q does not contain %q", sales.ErrorMessage(err), contains)
	}
}

// team creates alice (rep, U1), bob (rep, U2) and mia (manager, U3).
func team(t *testing.T, db *storage.DB) (alice, bob, mia sales.Person) {
	t.Helper()
	ctx := context.Background()
	mia = must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U3", Name: "mia", Role: sales.RoleManager}))
	alice = must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U1", Name: "alice", RealName: "Alice Smith", Manager: mia.ID}))
	bob = must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U2", Name: "bob", Manager: mia.ID}))
	return alice, bob, mia
}

func TestPeople(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, bob, mia := team(t, db)
	if mia.ID != 1 || alice.ID != 2 || bob.ID != 3 {
		t.Fatalf("ids %d %d %d, want 1 2 3", mia.ID, alice.ID, bob.ID)
	}
	got := must[sales.Person](t)(db.Person(ctx, alice.ID))
	if got != alice {
		t.Fatalf("Person = %+v, want %+v", got, alice)
	}
	if got := must[sales.Person](t)(db.PersonBySlackID(ctx, "U2")); got.ID != bob.ID {
		t.Fatalf("PersonBySlackID(U2) = %v", got.ID)
	}
	_, err := db.PersonBySlackID(ctx, "U404")
	wantCode(t, err, sales.ENOTFOUND, "U404")
	_, err = db.Person(ctx, 404)
	wantCode(t, err, sales.ENOTFOUND, "P-404")

	_, err = db.CreatePerson(ctx, sales.Person{SlackID: "U1", Name: "alice2"})
	wantCode(t, err, sales.ECONFLICT, "already linked")

	for _, n := range []string{"ALICE", "alice smith", "@alice"} {
		if got, err := db.PersonByName(ctx, n); err != nil || got.ID != alice.ID {
			t.Fatalf("PersonByName(%q) = %v, %v", n, got.ID, err)
		}
	}
	_, err = db.PersonByName(ctx, "nobody")
	wantCode(t, err, sales.ENOTFOUND, "nobody")
	must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "Bob"}))
	_, err = db.PersonByName(ctx, "bob")
	wantCode(t, err, sales.ECONFLICT, "2 people")

	// Update: relink Slack id, change role.
	bob.SlackID, bob.Role = "U9", sales.RoleManager
	if err := db.UpdatePerson(ctx, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PersonBySlackID(ctx, "U2"); sales.ErrorCode(err) != sales.ENOTFOUND {
		t.Fatalf("old slack id still linked: %v", err)
	}
	if got := must[sales.Person](t)(db.PersonBySlackID(ctx, "U9")); got != bob {
		t.Fatalf("after update %+v, want %+v", got, bob)
	}
	bob.SlackID = "U1"
	wantCode(t, db.UpdatePerson(ctx, bob), sales.ECONFLICT, "alice")
	wantCode(t, db.UpdatePerson(ctx, sales.Person{ID: 99}), sales.ENOTFOUND, "")

	people := must[[]sales.Person](t)(db.People(ctx))
	for i, p := range people {
		if p.ID != sales.PersonID(i+1) {
			t.Fatalf("People not ordered by id: %v", people)
		}
	}
}

func TestEnsurePerson(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	// Imported people, not yet linked to Slack: an admin by name, a manager
	// by email, and two records sharing an email.
	admin := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "Dana Lee", Role: sales.RoleAdmin}))
	mgr := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "Ed", Email: "ed@example.com", Role: sales.RoleManager}))
	for range 2 {
		must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "Twin", Email: "twin@example.com"}))
	}

	tests := []struct {
		name, slack, display, real, email string
		wantID                            sales.PersonID
		wantName                          string
		wantRole, wantPending             sales.Role
	}{
		{"creates a rep", "U10", "carl", "Carl Jones", "", 5, "carl", sales.RoleRep, sales.RoleRep},
		{"finds linked", "U10", "", "", "", 5, "carl", sales.RoleRep, sales.RoleRep},
		{"refreshes names", "U10", "carlj", "", "", 5, "carlj", sales.RoleRep, sales.RoleRep},
		// Slack names are self-service: a name never links.
		{"never links by name", "U11", "Dana Lee", "dana lee", "", 6, "Dana Lee", sales.RoleRep, sales.RoleRep},
		{"links by email as a rep", "U12", "eddie", "", " ED@example.com", mgr.ID, "eddie", sales.RoleRep, sales.RoleManager},
		{"linked now", "U12", "eddie", "", "", mgr.ID, "eddie", sales.RoleRep, sales.RoleManager},
		{"an email two share links neither", "U13", "t", "", "twin@example.com", 7, "t", sales.RoleRep, sales.RoleRep},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := db.EnsurePerson(ctx, tc.slack, tc.display, tc.real, tc.email)
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != tc.wantID || p.Name != tc.wantName || p.SlackID != tc.slack || p.Role != tc.wantRole || p.PendingRole != tc.wantPending {
				t.Fatalf("got %+v, want id %d name %q role %s pending %s", p, tc.wantID, tc.wantName, tc.wantRole, tc.wantPending)
			}
			if stored := must[sales.Person](t)(db.PersonBySlackID(ctx, tc.slack)); stored != p {
				t.Fatalf("stored %+v, returned %+v", stored, p)
			}
		})
	}
	if p := must[sales.Person](t)(db.Person(ctx, admin.ID)); p.SlackID != "" || p.Role != sales.RoleAdmin {
		t.Fatalf("imported admin after a same-named Slack user: %+v", p)
	}
	_, err := db.EnsurePerson(ctx, "", "x", "", "")
	wantCode(t, err, sales.EINVALID, "")

	// Concurrent first contact by the same user makes one person.
	var wg sync.WaitGroup
	ids := make([]sales.PersonID, 16)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := db.EnsurePerson(ctx, "U77", "zed", "", "")
			if err != nil {
				t.Error(err)
			}
			ids[i] = p.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent EnsurePerson made several people: %v", ids)
		}
	}
}

func TestTerritories(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	west := must[sales.Territory](t)(db.CreateTerritory(ctx, sales.Territory{Name: " West "}))
	east := must[sales.Territory](t)(db.CreateTerritory(ctx, sales.Territory{Name: "east", Channel: "C1"}))
	if west.Name != "West" || west.ID != 1 || east.ID != 2 {
		t.Fatalf("created %+v %+v", west, east)
	}
	_, err := db.CreateTerritory(ctx, sales.Territory{Name: "WEST"})
	wantCode(t, err, sales.ECONFLICT, "already exists")
	_, err = db.CreateTerritory(ctx, sales.Territory{Name: "  "})
	wantCode(t, err, sales.EINVALID, "")

	if got := must[sales.Territory](t)(db.TerritoryByName(ctx, "wEsT")); got != west {
		t.Fatalf("TerritoryByName = %+v", got)
	}
	_, err = db.TerritoryByName(ctx, "north")
	wantCode(t, err, sales.ENOTFOUND, "north")
	list := must[[]sales.Territory](t)(db.Territories(ctx))
	if len(list) != 2 || list[0] != east || list[1] != west {
		t.Fatalf("Territories = %+v", list)
	}
	west.Name, west.Channel = "Pacific", "C2"
	if err := db.UpdateTerritory(ctx, west); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TerritoryByName(ctx, "west"); sales.ErrorCode(err) != sales.ENOTFOUND {
		t.Fatalf("old name still found: %v", err)
	}
	if got := must[sales.Territory](t)(db.Territory(ctx, west.ID)); got != west {
		t.Fatalf("Territory = %+v", got)
	}
	west.Name = "East"
	wantCode(t, db.UpdateTerritory(ctx, west), sales.ECONFLICT, "")
	wantCode(t, db.UpdateTerritory(ctx, sales.Territory{ID: 9, Name: "x"}), sales.ENOTFOUND, "")
}

func TestStages(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, _, _ := team(t, db)
	if got := must[sales.StageSet](t)(db.Stages(ctx)); !reflect.DeepEqual(got, sales.DefaultStages()) {
		t.Fatalf("new file stages = %+v", got)
	}
	ss := sales.DefaultStages()
	ss.Stages[1].Name, ss.Stages[1].Probability = "Discovery", 3000
	if err := db.SetStages(ctx, ss); err != nil {
		t.Fatal(err)
	}
	if got := must[sales.StageSet](t)(db.Stages(ctx)); !reflect.DeepEqual(got, ss) {
		t.Fatalf("stages = %+v", got)
	}
	bad := sales.StageSet{Stages: ss.Stages[:2]}
	wantCode(t, db.SetStages(ctx, bad), sales.EINVALID, "Won")

	// A stage with deals cannot go away or change kind.
	must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "A", Owner: alice.ID, Stage: 2}, alice.ID))
	removed := sales.StageSet{Stages: append([]sales.Stage{ss.Stages[0]}, ss.Stages[2:]...)}
	wantCode(t, db.SetStages(ctx, removed), sales.EINVALID, "Discovery")
	kind := sales.DefaultStages()
	kind.Stages[1].Kind = sales.StageLost
	kind.Stages[5].Kind = sales.StageOpen
	wantCode(t, db.SetStages(ctx, kind), sales.EINVALID, "")
	// Removing an unused stage is fine.
	unused := sales.StageSet{Stages: append(append([]sales.Stage{}, ss.Stages[:2]...), ss.Stages[3:]...)}
	if err := db.SetStages(ctx, unused); err != nil {
		t.Fatal(err)
	}
}

func TestCloseTwiceAndClosedErrors(t *testing.T) {
	db := storagetest.MustOpen(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	_, err := db.Deal(context.Background(), 1)
	if !errors.Is(err, storage.ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
}

func storagetestReopen(t *testing.T, db *storage.DB, opts storage.Options) *storage.DB {
	t.Helper()
	return storagetest.Reopen(t, db, opts)
}
