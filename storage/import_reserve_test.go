package storage_test

import (
	"context"
	"os"
	"testing"

	"github.com/salesbot/salesbot/storage"
)

// A large import reserves its space first (two small transactions) and
// leaves a file that checks clean; importing the same deals again reserves
// nothing, so the file does not grow.
func TestImportReserve(t *testing.T) {
	ctx := context.Background()
	db, reps := bigImportDB(t, 20)
	in := csvImport(21_000, reps, 9)
	res := must[storage.ImportResult](t)(db.Import(ctx, in, 0))
	if res.DealsCreated != len(in.Deals) {
		t.Fatalf("created %d", res.DealsCreated)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	res = must[storage.ImportResult](t)(db.Import(ctx, in, 0))
	if res.DealsUnchanged != len(in.Deals) {
		t.Fatalf("re-import: %d unchanged", res.DealsUnchanged)
	}
	st2, _ := os.Stat(db.Path)
	if st2.Size() > st.Size()+st.Size()/10 {
		t.Errorf("re-import grew the file from %d to %d bytes", st.Size(), st2.Size())
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
}
