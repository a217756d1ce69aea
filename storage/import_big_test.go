package storage_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	bolt "go.etcd.io/bbolt"
)

// csvImport is what `salesbot import deals` makes of a CRM export of n
// short rows: external ids, accounts, owners among reps already stored,
// creation dates spread over two years, a third of the deals closed. Keys
// of every index arrive out of order, as they do from a real file.
func csvImport(n int, reps []sales.PersonID, seed uint64) storage.Import {
	r := rand.New(rand.NewPCG(seed, 7))
	end := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	in := storage.Import{Deals: make([]sales.Deal, n)}
	for i := range in.Deals {
		created := end.Add(-time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
		in.Deals[i] = sales.Deal{
			ExternalID: fmt.Sprintf("crm-%d", r.Uint64()), Account: fmt.Sprintf("Account %d", r.IntN(n/3+1)),
			Amount: sales.Money(100_000 + r.Int64N(50_000_000)), Owner: reps[r.IntN(len(reps))],
			Stage: sales.StageID(1 + r.IntN(6)), CreatedAt: created, CloseDate: created.AddDate(0, 3, 0),
		}
	}
	return in
}

func bigImportDB(tb testing.TB, reps int) (*storage.DB, []sales.PersonID) {
	tb.Helper()
	db, err := storage.Open(filepath.Join(tb.TempDir(), "big.db"), storage.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	var ids []sales.PersonID
	for i := range reps {
		p, err := db.CreatePerson(context.Background(), sales.Person{Name: fmt.Sprintf("rep%d", i+1)})
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return db, ids
}

// BenchmarkImport70k is `salesbot import deals` of a 10 MB CSV (70k short
// rows) into an empty file: one all-or-nothing transaction. Its baseline,
// BenchmarkRawImport70k, puts the same encoded records under sequential
// keys in one raw bbolt transaction.
//
//	go test ./storage -run '^$' -bench 'Import70k' -benchtime 3x
func BenchmarkImport70k(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db, reps := bigImportDB(b, 200)
		in := csvImport(70_000, reps, 1)
		b.StartTimer()
		res, err := db.Import(ctx, in, 0)
		if err != nil || res.DealsCreated != len(in.Deals) {
			b.Fatalf("import: %+v, %v", res.DealsCreated, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

func BenchmarkRawImport70k(b *testing.B) {
	in := csvImport(70_000, []sales.PersonID{1}, 1)
	recs := make([][]byte, len(in.Deals))
	for i := range in.Deals {
		d := in.Deals[i]
		d.ID, d.UpdatedAt, d.StageEnteredAt = sales.DealID(i+1), d.CreatedAt, d.CreatedAt
		recs[i] = storage.EncodeDeal(&d)
	}
	for b.Loop() {
		b.StopTimer()
		raw, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, storage.RawOptions())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		err = raw.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucket([]byte("deals"))
			if err != nil {
				return err
			}
			for _, rec := range recs {
				id, _ := bk.NextSequence()
				if err := bk.Put(binary.BigEndian.AppendUint64(nil, id), rec); err != nil {
					return err
				}
			}
			return nil
		})
		b.StopTimer()
		raw.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// TestImportManyOutOfOrder covers what Import's key-ordered writes must get
// right: records later in the file see the writes of earlier ones (an id
// given twice, an external id freed and reused), index entries move, and
// the file checks clean after each import.
func TestImportManyOutOfOrder(t *testing.T) {
	ctx := context.Background()
	db, reps := bigImportDB(t, 20)
	const n = 2000
	first := csvImport(n, reps, 3)
	res := must[storage.ImportResult](t)(db.Import(ctx, first, 0))
	if res.DealsCreated != n {
		t.Fatalf("first import: %+v", res.DealsCreated)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatalf("after first import: %v", err)
	}
	if res := must[storage.ImportResult](t)(db.Import(ctx, first, 0)); res.DealsUnchanged != n {
		t.Fatalf("re-import: %d unchanged", res.DealsUnchanged)
	}

	// Half the rows change owner, stage and account; new rows follow.
	second := csvImport(n, reps, 4)
	for i := 0; i < n; i += 2 {
		d := &second.Deals[i]
		d.ExternalID = first.Deals[i].ExternalID
	}
	second.Deals[0].ID = res.DealIDs[0] // D-1, by id, trades its external id for a new one...
	second.Deals[0].ExternalID = "moved"
	second.Deals[1].ExternalID = first.Deals[0].ExternalID // ...which a new deal then takes.
	second.Deals = append(second.Deals,
		sales.Deal{ID: 9000, Account: "Twice", Amount: 1, Owner: reps[0]},
		sales.Deal{ID: 9000, Amount: 2, Stage: 5}) // the second updates what the first created
	res2 := must[storage.ImportResult](t)(db.Import(ctx, second, 0))
	if res2.DealsCreated != n/2+1 || res2.DealsUpdated != n/2+1 {
		t.Fatalf("second import: created %d, updated %d", res2.DealsCreated, res2.DealsUpdated)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatalf("after second import: %v", err)
	}
	if c := must[int](t)(db.CountDeals(ctx)); c != n+n/2+1 {
		t.Fatalf("CountDeals = %d", c)
	}
	moved := must[sales.Deal](t)(db.DealByExternalID(ctx, "moved"))
	taker := must[sales.Deal](t)(db.DealByExternalID(ctx, first.Deals[0].ExternalID))
	if moved.ID != res.DealIDs[0] || taker.ID != res2.DealIDs[1] || taker.ID == moved.ID {
		t.Fatalf("moved external id: moved=%s taker=%s", moved.ID, taker.ID)
	}
	twice := must[sales.Deal](t)(db.Deal(ctx, 9000))
	if twice.Account != "Twice" || twice.Amount != 2 || twice.Stage != 5 || twice.ClosedAt.IsZero() {
		t.Fatalf("deal given twice: %+v", twice)
	}
	if h := must[[]sales.Event](t)(db.DealHistory(ctx, 9000)); len(h) != 3 {
		t.Fatalf("history of the deal given twice: %+v", h)
	}
	for i := 2; i < n; i += 2 {
		d := must[sales.Deal](t)(db.Deal(ctx, res.DealIDs[i]))
		w := second.Deals[i]
		if d.Owner != w.Owner || d.Stage != w.Stage || d.Account != w.Account {
			t.Fatalf("row %d not updated: %+v", i, d)
		}
	}
	var owned int
	for _, r := range reps {
		owned += len(must[[]sales.Facts](t)(db.OwnerFacts(ctx, r)))
	}
	if owned != n+n/2+1 {
		t.Fatalf("owner index holds %d deals", owned)
	}

	// A bad row at the end undoes every buffered write before it.
	third := csvImport(500, reps, 5)
	third.Deals[499].Owner = 4040
	if _, err := db.Import(ctx, third, 0); err == nil {
		t.Fatal("import with an unknown owner succeeded")
	}
	if c := must[int](t)(db.CountDeals(ctx)); c != n+n/2+1 {
		t.Fatalf("failed import changed CountDeals to %d", c)
	}
	if err := db.Check(ctx); err != nil {
		t.Fatalf("after failed import: %v", err)
	}
}
