package storage_test

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// normRef is the account normalisation DealsByAccount documents, written
// out again so the test does not trust the code under test.
func normRef(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == 0 || unicode.IsSpace(r) })
	return strings.ToLower(strings.Join(f, " "))
}

// accountRef answers DealsByAccount the slow way: filter every deal, order
// by name then newest first, cut at limit.
func accountRef(all []sales.Deal, name string, prefix bool, limit int) []sales.DealID {
	n := normRef(name)
	var hits []sales.Deal
	for _, d := range all {
		a := normRef(d.Account)
		if a == n || prefix && strings.HasPrefix(a, n) {
			hits = append(hits, d)
		}
	}
	slices.SortFunc(hits, func(a, b sales.Deal) int {
		return cmp.Or(strings.Compare(normRef(a.Account), normRef(b.Account)), cmp.Compare(b.ID, a.ID))
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return ids(hits)
}

func TestDealsByAccount(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpen(t)
	accounts := []string{"Acme", "ACME  corp", "acme Corporation", "Acmex", "Big Acme", " Beta ", "", "Acme",
		"Nul\x00Co", "Ærø Fisk", "ærø fisk", "acme\tcorp", "Acme"}
	var all []sales.Deal
	for _, a := range accounts {
		all = append(all, must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: a}, 0)))
	}

	tests := []struct {
		name   string
		prefix bool
		limit  int
		want   []sales.DealID // nil: only compare with accountRef
	}{
		{"acme", false, 0, []sales.DealID{13, 8, 1}},
		{"Acme", false, 2, []sales.DealID{13, 8}},
		{"  acme \t CORP ", false, 0, []sales.DealID{12, 2}},
		{"acm", false, 0, []sales.DealID{}},
		{"acme", true, 0, []sales.DealID{13, 8, 1, 12, 2, 3, 4}},
		{"ACME", true, 4, []sales.DealID{13, 8, 1, 12}},
		{"acme c", true, 0, []sales.DealID{12, 2, 3}},
		{"acme corp", true, 0, nil},
		{"beta", false, 0, []sales.DealID{6}},
		{"", false, 0, []sales.DealID{7}},
		{"", true, 0, nil},
		{"", true, 5, nil},
		{"nul co", false, 0, []sales.DealID{9}},
		{"ÆRØ FISK", false, 0, []sales.DealID{11, 10}},
		{"ær", true, 0, []sales.DealID{11, 10}},
		{"big", true, 0, []sales.DealID{5}},
		{"zzz", true, 0, []sales.DealID{}},
		{"acmexx", true, 0, []sales.DealID{}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q prefix=%v limit=%d", tc.name, tc.prefix, tc.limit), func(t *testing.T) {
			got := ids(must[[]sales.Deal](t)(db.DealsByAccount(ctx, tc.name, tc.prefix, tc.limit)))
			if want := accountRef(all, tc.name, tc.prefix, tc.limit); !reflect.DeepEqual(got, want) {
				t.Fatalf("got %v, reference %v", got, want)
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	// Whole records come back, not just ids.
	if ds := must[[]sales.Deal](t)(db.DealsByAccount(ctx, "big acme", false, 0)); len(ds) != 1 || !reflect.DeepEqual(ds[0], all[4]) {
		t.Fatalf("record %+v, want %+v", ds, all[4])
	}
}

// findAccount is DealsByAccount(name, exact) as ids.
func findAccount(t *testing.T, db *storage.DB, name string) []sales.DealID {
	t.Helper()
	return ids(must[[]sales.Deal](t)(db.DealsByAccount(context.Background(), name, false, 0)))
}

func TestAccountIndexFollowsWrites(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, _, _ := team(t, db)

	// Create.
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme", Owner: alice.ID}, alice.ID))
	if got := findAccount(t, db, "acme"); !reflect.DeepEqual(got, []sales.DealID{d.ID}) {
		t.Fatalf("after create: %v", got)
	}

	// Rename: the old name no longer finds it, the new one does.
	must[sales.Deal](t)(db.UpdateDeal(ctx, d.ID, alice.ID, func(d *sales.Deal) error { d.Account = "Globex Ltd"; return nil }))
	if got := findAccount(t, db, "acme"); len(got) != 0 {
		t.Fatalf("old name still indexed: %v", got)
	}
	if got := findAccount(t, db, "GLOBEX LTD"); !reflect.DeepEqual(got, []sales.DealID{d.ID}) {
		t.Fatalf("after rename: %v", got)
	}
	// A change of case or spacing keeps the same key; other edits leave it be.
	must[sales.Deal](t)(db.UpdateDeal(ctx, d.ID, alice.ID, func(d *sales.Deal) error { d.Account = "globex  LTD"; return nil }))
	must[sales.Deal](t)(db.UpdateDeal(ctx, d.ID, alice.ID, func(d *sales.Deal) error { d.Amount = 5; d.Stage = 5; return nil }))
	if got := findAccount(t, db, "globex ltd"); !reflect.DeepEqual(got, []sales.DealID{d.ID}) {
		t.Fatalf("after respacing: %v", got)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}

	// Import: creates are indexed; an update by external id moves the entry.
	res := must[storage.ImportResult](t)(db.Import(ctx, storage.Import{Deals: []sales.Deal{
		{ExternalID: "crm-1", Account: "Initech"}, {ExternalID: "crm-2", Account: "Initech"},
	}}, alice.ID))
	if got := findAccount(t, db, "initech"); !reflect.DeepEqual(got, []sales.DealID{res.DealIDs[1], res.DealIDs[0]}) {
		t.Fatalf("after import: %v (imported %v)", got, res.DealIDs)
	}
	must[storage.ImportResult](t)(db.Import(ctx, storage.Import{Deals: []sales.Deal{
		{ExternalID: "crm-1", Account: "Initrode"},
	}}, alice.ID))
	if a, b := findAccount(t, db, "initech"), findAccount(t, db, "initrode"); !reflect.DeepEqual(a, res.DealIDs[1:]) ||
		!reflect.DeepEqual(b, res.DealIDs[:1]) {
		t.Fatalf("after re-import: initech %v, initrode %v", a, b)
	}

	// Bulk, across chunk boundaries.
	defer storage.SetBulkChunk(3)()
	var in storage.Import
	for i := range 10 {
		in.Deals = append(in.Deals, sales.Deal{Account: fmt.Sprintf("Bulk %d", i%4)})
	}
	must[storage.ImportResult](t)(db.Bulk(ctx, in, nil))
	if got := must[[]sales.Deal](t)(db.DealsByAccount(ctx, "bulk ", true, 0)); len(got) != 10 {
		t.Fatalf("bulk deals by prefix: %d, want 10", len(got))
	}
	if got := findAccount(t, db, "bulk 1"); len(got) != 3 {
		t.Fatalf("bulk 1: %v, want 3 deals", got)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// downgradeToV2 turns a current file into the version 2 layout: the same
// buckets without the account index.
func downgradeToV2(t *testing.T, db *storage.DB) {
	t.Helper()
	err := storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(storage.BucketIdxAccount); err != nil {
			return err
		}
		return tx.Bucket(storage.BucketMeta).Put([]byte("version"), binary.BigEndian.AppendUint32(nil, 2))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromVersion2BuildsAccountIndex(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(filepath.Join(t.TempDir(), "v2.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []sales.DealID
	for i := range 50 {
		d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: fmt.Sprintf("Account %d", i%7)}, 0))
		if i%7 == 3 {
			want = append(want, d.ID)
		}
	}
	slices.Reverse(want)
	downgradeToV2(t, db)
	// The downgraded file really lacks the index: Check says so.
	if err := storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket(storage.BucketIdxAccount)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(ctx); err == nil || !strings.Contains(err.Error(), "account index") {
		t.Fatalf("Check of a version 2 file: %v", err)
	}
	downgradeToV2(t, db)
	path := db.Path
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Read-only openers refuse the old file rather than run without the index.
	_, err = storage.Open(path, storage.Options{ReadOnly: true})
	wantCode(t, err, sales.EINVALID, "version 2")

	db = storagetest.MustOpenPath(t, path, storage.Options{}) // Check runs on cleanup
	var version uint32
	_ = storage.BoltOf(db).View(func(tx *bolt.Tx) error {
		version = binary.BigEndian.Uint32(tx.Bucket(storage.BucketMeta).Get([]byte("version")))
		return nil
	})
	if version != storage.SchemaVersion {
		t.Fatalf("version %d after migration, SchemaVersion %d", version, storage.SchemaVersion)
	}
	if got := findAccount(t, db, "account 3"); !reflect.DeepEqual(got, want) {
		t.Fatalf("migrated index: %v, want %v", got, want)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
	// New writes keep it up to date.
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "account 3"}, 0))
	if got := findAccount(t, db, "Account 3"); len(got) != len(want)+1 || got[0] != d.ID {
		t.Fatalf("after a new deal: %v", got)
	}
}

func TestCheckFindsMissingAccountEntry(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(filepath.Join(t.TempDir(), "broken.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Other"}, 0))
	d := must[sales.Deal](t)(db.CreateDeal(ctx, sales.Deal{Account: "Acme  Corp"}, 0))
	if err := db.Check(ctx); err != nil {
		t.Fatalf("healthy file: %v", err)
	}
	err = storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(storage.BucketIdxAccount)
		k := storage.AccountKey(d.Account, d.ID)
		if b.Get(k) == nil {
			return fmt.Errorf("no entry under %q", k)
		}
		return b.Delete(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Check(ctx)
	if err == nil || !strings.Contains(err.Error(), "D-2: account index entry missing") ||
		!strings.Contains(err.Error(), "idx_account has 1 entries, want 2") {
		t.Fatalf("Check of a file missing an account index entry: %v", err)
	}
	// A stale entry (the deal indexed under a name it no longer has) is
	// caught too.
	err = storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		return tx.Bucket(storage.BucketIdxAccount).Put(storage.AccountKey("old name", d.ID), []byte{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Check(ctx); err == nil || !strings.Contains(err.Error(), "account index entry missing") {
		t.Fatalf("Check of a file with a stale account entry: %v", err)
	}
}
