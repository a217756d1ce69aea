package storage_test

import (
	"context"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
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
