package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// An import that moves a stored deal to another external id frees the old
// one within the same transaction: a later row with the old id is a new
// deal, not a second update of the moved one (the external-id index keeps
// only its pending deletes for lookups).
func TestImportMovedExternalID(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpen(t)
	first := must[storage.ImportResult](t)(db.Import(ctx, storage.Import{Deals: []sales.Deal{
		{ExternalID: "x", Account: "Acme", Amount: 100},
	}}, 0))
	id := first.DealIDs[0]
	res := must[storage.ImportResult](t)(db.Import(ctx, storage.Import{Deals: []sales.Deal{
		{ID: id, ExternalID: "y"},
		{ExternalID: "x", Account: "Beta", Amount: 200},
	}}, 0))
	if res.DealsUpdated != 1 || res.DealsCreated != 1 || res.DealIDs[1] == id {
		t.Fatalf("result %+v: want deal %s updated and a new deal for x", res, id)
	}
	for ext, want := range map[string]string{"y": "Acme", "x": "Beta"} {
		d := must[sales.Deal](t)(db.DealByExternalID(ctx, ext))
		if d.Account != want {
			t.Errorf("external id %s is %s (%s), want %s", ext, d.ID, d.Account, want)
		}
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// The first bad deal of an import is the one reported, whichever of the
// import's goroutines finds it: an account too long for the account index
// (found by the index worker) before an unknown stage (found by the deals
// loop), and nothing is written.
func TestImportFirstFailureWins(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpen(t)
	long := strings.Repeat("a", bolt.MaxKeySize)
	for _, tc := range []struct {
		name  string
		deals []sales.Deal
		want  string
	}{
		{"index first", []sales.Deal{{Account: "ok"}, {Account: long}, {Account: "x", Stage: 99}}, "key too large"},
		{"stage first", []sales.Deal{{Account: "ok"}, {Account: "x", Stage: 99}, {Account: long}}, "stage #99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.Import(ctx, storage.Import{Deals: tc.deals}, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if n := must[int](t)(db.CountDeals(ctx)); n != 0 {
				t.Fatalf("%d deals written", n)
			}
		})
	}
}
