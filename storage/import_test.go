package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// crmFile is what `import` makes of a small CRM export with a team: new
// people and a territory referred to by index, deals with external ids and
// stage history.
func crmFile() storage.Import {
	created := time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)
	return storage.Import{
		Territories: []sales.Territory{{Name: "EMEA"}},
		People: []sales.Person{
			{Name: "Grace", Role: sales.RoleManager},
			{Name: "Hopper", Manager: storage.PersonRef(0), Territory: storage.TerritoryRef(0)},
		},
		Deals: []sales.Deal{
			{ExternalID: "crm-1", Account: "Acme", Amount: 500_000, Stage: 3, Owner: storage.PersonRef(1),
				Territory: storage.TerritoryRef(0), CreatedAt: created},
			{ExternalID: "crm-2", Account: "Beta", Amount: 90_000, Stage: 5, Owner: storage.PersonRef(1),
				CreatedAt: created, ClosedAt: created.Add(30 * 24 * time.Hour)},
			{ExternalID: "crm-3", Account: "Gamma", Owner: storage.PersonRef(0)}, // no amount, no created date
		},
		Events: []sales.Event{
			{DealID: 1, At: created.Add(24 * time.Hour), Field: "stage", From: "Prospecting", To: "Qualified"},
			{DealID: 1, At: created.Add(48 * time.Hour), Field: "stage", From: "Qualified", To: "Proposal"},
		},
		Quotas: []sales.Quota{{Scope: sales.ScopeRep, Subject: uint64(storage.PersonRef(1)),
			Period: sales.Period{Kind: sales.Quarter, Year: 2026, Index: 1}, Amount: 1_000_000}},
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	admin := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U0", Name: "admin", Role: sales.RoleAdmin}))

	res, err := db.Import(ctx, crmFile(), admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.PeopleCreated != 2 || res.DealsCreated != 3 || res.DealsUpdated != 0 ||
		!reflect.DeepEqual(res.DealIDs, []sales.DealID{1, 2, 3}) || !reflect.DeepEqual(res.PersonIDs, []sales.PersonID{2, 3}) ||
		!reflect.DeepEqual(res.TerritoryIDs, []sales.TerritoryID{1}) {
		t.Fatalf("first import: %+v", res)
	}
	hopper := must[sales.Person](t)(db.Person(ctx, 3))
	if hopper.Manager != 2 || hopper.Territory != 1 {
		t.Fatalf("refs not resolved: %+v", hopper)
	}
	acme := must[sales.Deal](t)(db.DealByExternalID(ctx, "crm-1"))
	if acme.Owner != 3 || acme.Territory != 1 || !acme.CreatedAt.Equal(crmFile().Deals[0].CreatedAt) {
		t.Fatalf("imported deal %+v", acme)
	}
	hist := must[[]sales.Event](t)(db.DealHistory(ctx, acme.ID))
	if len(hist) != 3 || hist[0].Field != "created" || hist[2].To != "Proposal" || hist[1].Actor != admin.ID {
		t.Fatalf("imported history %+v", hist)
	}
	if q, ok, _ := db.Quota(ctx, sales.ScopeRep, 3, sales.Period{Kind: sales.Quarter, Year: 2026, Index: 1}); !ok || q.SetBy != admin.ID {
		t.Fatalf("imported quota %+v %v", q, ok)
	}
	beta := must[sales.Deal](t)(db.DealByExternalID(ctx, "crm-2"))
	if !beta.ClosedAt.Equal(crmFile().Deals[1].ClosedAt) {
		t.Fatalf("won deal's close time %v", beta.ClosedAt)
	}

	// The same file again duplicates nothing.
	clk.Advance(time.Hour)
	res, err = db.Import(ctx, crmFile(), admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.PeopleCreated != 0 || res.DealsCreated != 0 || res.DealsUpdated != 0 || res.DealsUnchanged != 3 ||
		!reflect.DeepEqual(res.DealIDs, []sales.DealID{1, 2, 3}) || !reflect.DeepEqual(res.PersonIDs, []sales.PersonID{2, 3}) {
		t.Fatalf("re-import: %+v", res)
	}
	if n := must[int](t)(db.CountDeals(ctx)); n != 3 {
		t.Fatalf("re-import made %d deals", n)
	}
	if h := must[[]sales.Event](t)(db.DealHistory(ctx, acme.ID)); len(h) != 3 {
		t.Fatalf("re-import repeated history: %+v", h)
	}
	if ts := must[[]sales.Territory](t)(db.Territories(ctx)); len(ts) != 1 {
		t.Fatalf("re-import duplicated territories: %+v", ts)
	}

	// A changed row updates its deal and records what changed; an empty
	// column keeps the stored value.
	f := crmFile()
	f.Deals[0].Amount = 750_000
	f.Deals[0].Account = ""
	res, err = db.Import(ctx, f, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.DealsUpdated != 1 || res.DealsUnchanged != 2 {
		t.Fatalf("changed import: %+v", res)
	}
	acme = must[sales.Deal](t)(db.Deal(ctx, acme.ID))
	if acme.Amount != 750_000 || acme.Account != "Acme" {
		t.Fatalf("updated deal %+v", acme)
	}
	h := must[[]sales.Event](t)(db.DealHistory(ctx, acme.ID))
	if last := h[len(h)-1]; last.Field != "amount" || last.From != "5000.00" || last.To != "7500.00" {
		t.Fatalf("update event %+v", last)
	}
}

func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	good := crmFile()
	cases := []struct {
		name  string
		edit  func(*storage.Import)
		kind  string
		index int
		code  string
	}{
		{"unknown owner", func(in *storage.Import) { in.Deals[2].Owner = 404 }, "deal", 2, sales.EINVALID},
		{"unknown stage", func(in *storage.Import) { in.Deals[1].Stage = 77 }, "deal", 1, sales.EINVALID},
		{"bad person ref", func(in *storage.Import) { in.Deals[0].Owner = storage.PersonRef(9) }, "deal", 0, sales.EINVALID},
		{"duplicate external id", func(in *storage.Import) { in.Deals[2].ExternalID = "crm-1" }, "deal", 2, sales.ECONFLICT},
		{"negative amount", func(in *storage.Import) { in.Deals[1].Amount = -1 }, "deal", 1, sales.EINVALID},
		{"event for no deal", func(in *storage.Import) { in.Events[1].DealID = 9 }, "event", 1, sales.EINVALID},
		{"bad quota", func(in *storage.Import) { in.Quotas[0].Period.Index = 5 }, "quota", 0, sales.EINVALID},
		{"slack id clash", func(in *storage.Import) { in.People[0].SlackID = "U1"; in.People[1].SlackID = "U1" }, "person", 1, sales.ECONFLICT},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := crmFile()
			tc.edit(&in)
			_, err := db.Import(ctx, in, 0)
			wantCode(t, err, tc.code, fmt.Sprintf("%s %d of the import", tc.kind, tc.index+1))
			var ie *storage.ImportError
			if !errors.As(err, &ie) || ie.Kind != tc.kind || ie.Index != tc.index {
				t.Fatalf("error %v: want ImportError{%s, %d}", err, tc.kind, tc.index)
			}
			if n := must[int](t)(db.CountDeals(ctx)); n != 0 {
				t.Fatalf("failed import wrote %d deals", n)
			}
			if p := must[[]sales.Person](t)(db.People(ctx)); len(p) != 0 {
				t.Fatalf("failed import wrote people: %+v", p)
			}
			if q := must[[]sales.Quota](t)(db.Quotas(ctx)); len(q) != 0 {
				t.Fatalf("failed import wrote quotas: %+v", q)
			}
		})
	}
	if _, err := db.Import(ctx, good, 0); err != nil {
		t.Fatalf("the good file after failures: %v", err)
	}
}

func TestImportKeepsIDs(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	// An export read back into an empty file keeps its ids.
	in := storage.Import{
		People: []sales.Person{{ID: 5, Name: "eve", SlackID: "U5"}},
		Deals:  []sales.Deal{{ID: 42, Account: "Keep", Owner: 5}},
	}
	res := must[storage.ImportResult](t)(db.Import(ctx, in, 0))
	if res.DealIDs[0] != 42 || res.PersonIDs[0] != 5 || res.DealsCreated != 1 || res.PeopleCreated != 1 {
		t.Fatalf("explicit ids: %+v", res)
	}
	if d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "next"}, 0)); d.ID != 43 {
		t.Fatalf("next id %v", d.ID)
	}
	if p := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "next"})); p.ID != 6 {
		t.Fatalf("next person %v", p.ID)
	}
}

func TestBulk(t *testing.T) {
	defer storage.SetBulkChunk(100)()
	ctx := context.Background()
	db, _ := openClock(t)
	in := storage.Import{
		People: []sales.Person{{Name: "r1"}, {Name: "r2"}},
	}
	const n = 250
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		d := sales.Deal{Account: fmt.Sprint("Acct", i), Amount: sales.Money(i * 1000), Owner: storage.PersonRef(i % 2),
			Stage: sales.StageID(1 + i%6), CreatedAt: start.Add(time.Duration(i) * time.Hour)}
		in.Deals = append(in.Deals, d)
		in.Events = append(in.Events, sales.Event{DealID: sales.DealID(n - i), At: start.Add(1000 * time.Hour), Field: "note", To: "x"})
	}
	var progress []int
	res, err := db.Bulk(ctx, in, func(done int) { progress = append(progress, done) })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(progress, []int{100, 200, 250}) {
		t.Fatalf("progress %v", progress)
	}
	if res.DealsCreated != n || len(res.DealIDs) != n || res.DealIDs[n-1] != n {
		t.Fatalf("Bulk result: created %d, ids %d", res.DealsCreated, len(res.DealIDs))
	}
	if c := must[int](t)(db.CountDeals(ctx)); c != n {
		t.Fatalf("CountDeals = %d", c)
	}
	if h := must[[]sales.Event](t)(db.DealHistory(ctx, 250)); len(h) != 2 || h[1].Field != "note" {
		t.Fatalf("history of D-250: %+v", h)
	}
	if f := must[[]sales.Facts](t)(db.OwnerFacts(ctx, res.PersonIDs[1])); len(f) != n/2 {
		t.Fatalf("OwnerFacts = %d", len(f))
	}

	// An error in a later chunk keeps the earlier chunks and says how far it got.
	bad := storage.Import{Deals: make([]sales.Deal, 150)}
	bad.Deals[120].Stage = 99
	res, err = db.Bulk(ctx, bad, nil)
	var ie *storage.ImportError
	if !errors.As(err, &ie) || ie.Index != 120 || res.DealsCreated != 100 {
		t.Fatalf("Bulk with bad chunk: %+v, %v", res, err)
	}
	if c := must[int](t)(db.CountDeals(ctx)); c != n+100 {
		t.Fatalf("CountDeals after partial bulk = %d", c)
	}
}

// TestImportHistoryStartsAtFirstStage: a deal imported with its stage
// history was created in the stage that history starts from, at CreatedAt,
// not "created → Won" followed by the moves that got it there.
func TestImportHistoryStartsAtFirstStage(t *testing.T) {
	created := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	in := func() storage.Import {
		return storage.Import{
			Deals: []sales.Deal{
				{Account: "Won one", Stage: 5, CreatedAt: created},
				{Account: "No history", Stage: 3, CreatedAt: created},
				{Account: "Notes only", Stage: 4, CreatedAt: created},
			},
			Events: []sales.Event{ // out of order on purpose
				{DealID: 1, At: created.Add(72 * time.Hour), Field: "stage", From: "Qualified", To: "Won"},
				{DealID: 3, At: created.Add(time.Hour), Field: "notes", To: "called"},
				{DealID: 1, At: created.Add(24 * time.Hour), Field: "stage", From: "Prospecting", To: "Qualified"},
			},
		}
	}
	want := [][]string{
		{"created:Prospecting", "stage:Prospecting>Qualified", "stage:Qualified>Won"},
		{"created:Proposal"},
		{"created:Negotiation", "notes:>called"},
	}
	load := map[string]func(context.Context, *storage.DB, storage.Import) (storage.ImportResult, error){
		"Import": func(ctx context.Context, db *storage.DB, in storage.Import) (storage.ImportResult, error) {
			return db.Import(ctx, in, 0)
		},
		"Bulk": func(ctx context.Context, db *storage.DB, in storage.Import) (storage.ImportResult, error) {
			return db.Bulk(ctx, in, nil)
		},
	}
	for name, fn := range load {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := openClock(t)
			res := must[storage.ImportResult](t)(fn(ctx, db, in()))
			for i, id := range res.DealIDs {
				h := must[[]sales.Event](t)(db.DealHistory(ctx, id))
				var got []string
				for _, e := range h {
					if e.Field == sales.FieldCreated {
						got = append(got, "created:"+e.To)
					} else {
						got = append(got, e.Field+":"+e.From+">"+e.To)
					}
				}
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("deal %d history %q, want %q", i+1, got, want[i])
				}
				if !h[0].At.Equal(created) {
					t.Errorf("deal %d created at %v, want %v", i+1, h[0].At, created)
				}
			}
			if d := must[sales.Deal](t)(db.Deal(ctx, res.DealIDs[0])); d.Stage != 5 {
				t.Errorf("the deal itself is in stage %d, want Won (5)", d.Stage)
			}
			if err := db.Check(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// An imported deal without a territory takes its owner's, as /deal add
// does (issue 9 item 9); one with its own keeps it.
func TestImportedDealTakesOwnersTerritory(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpen(t)
	in := storage.Import{
		Territories: []sales.Territory{{Name: "EMEA"}, {Name: "APAC"}},
		People:      []sales.Person{{Name: "ada", Territory: storage.TerritoryRef(0)}},
		Deals: []sales.Deal{
			{Account: "Plain", Amount: 100, Owner: storage.PersonRef(0)},
			{Account: "Own", Amount: 100, Owner: storage.PersonRef(0), Territory: storage.TerritoryRef(1)},
		},
	}
	res, err := db.Import(ctx, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := db.Deal(ctx, res.DealIDs[0])
	if err != nil || plain.Territory != res.TerritoryIDs[0] {
		t.Errorf("deal without a territory: %v, %v; want the owner's %v", plain.Territory, err, res.TerritoryIDs[0])
	}
	own, err := db.Deal(ctx, res.DealIDs[1])
	if err != nil || own.Territory != res.TerritoryIDs[1] {
		t.Errorf("deal with its own territory: %v, %v", own.Territory, err)
	}
}
