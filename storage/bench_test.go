package storage_test

// Benchmarks behind the goals, each next to its raw bbolt baseline
// so the figures are read as ratios from one run:
//
//	go test ./storage -run '^$' -bench 'CreateDeal|RawBatchPut'
//	go test ./storage -run '^$' -bench '1M' -benchtime 3x
//
// The 1M-deal file is built once with Bulk into os.TempDir() and reused.
// Its name carries SchemaVersion, so a schema change builds a fresh one
// instead of benchmarking a file that Open would first have to migrate.

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	bolt "go.etcd.io/bbolt"
)

const benchWriters = 64

func benchDeal(owner sales.PersonID) sales.Deal {
	return sales.Deal{Account: "Acme Corporation", Amount: 1_250_000, Owner: owner, Product: "Platform",
		CloseDate: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}
}

// parallel64 runs fn from 64 goroutines however many CPUs there are.
func parallel64(b *testing.B, fn func()) {
	b.SetParallelism((benchWriters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fn()
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCreateDeal is the durable /deal add path: 64 concurrent
// CreateDeal calls, each returning after its commit is fsynced.
func BenchmarkCreateDeal(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rep, err := db.CreatePerson(ctx, sales.Person{SlackID: "U1", Name: "rep"})
	if err != nil {
		b.Fatal(err)
	}
	d := benchDeal(rep.ID)
	parallel64(b, func() {
		if _, err := db.CreateDeal(ctx, d, rep.ID); err != nil {
			b.Error(err)
		}
	})
}

// BenchmarkRawBatchPut is the baseline: bbolt Batch putting the same
// encoded record under a NextSequence key, 64 writers, same bbolt options
// and durability.
func BenchmarkRawBatchPut(b *testing.B) {
	raw, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, storage.RawOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	bucket := []byte("deals")
	if err := raw.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		b.Fatal(err)
	}
	d := benchDeal(1)
	d.ID, d.Stage, d.CreatedAt, d.UpdatedAt, d.StageEnteredAt = 1, 1, time.Now(), time.Now(), time.Now()
	rec := storage.EncodeDeal(&d)
	parallel64(b, func() {
		err := raw.Batch(func(tx *bolt.Tx) error {
			bk := tx.Bucket(bucket)
			id, err := bk.NextSequence()
			if err != nil {
				return err
			}
			return bk.Put(binary.BigEndian.AppendUint64(nil, id), rec)
		})
		if err != nil {
			b.Error(err)
		}
	})
}

// ---- one million deals ----

const (
	millionDeals = 1_000_000
	millionReps  = 1000
)

var (
	millionOnce sync.Once
	millionDB   *storage.DB
	millionErr  error
)

// million opens the cached 1M-deal file, building it with Bulk first when
// it is missing (about a minute; reruns reuse it).
func million(b *testing.B) *storage.DB {
	millionOnce.Do(func() {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("salesbot-bench-%d-deals-%d-reps-v%d.db",
			millionDeals, millionReps, storage.SchemaVersion))
		if _, err := os.Stat(path); err != nil {
			b.Logf("building %s (once)", path)
			if millionErr = buildMillion(path); millionErr != nil {
				return
			}
		}
		millionDB, millionErr = storage.Open(path, storage.Options{})
	})
	if millionErr != nil {
		b.Fatal(millionErr)
	}
	return millionDB
}

func TestMain(m *testing.M) {
	code := m.Run()
	if millionDB != nil {
		millionDB.Close()
	}
	os.Exit(code)
}

// buildMillion writes the file beside path and renames it into place, so
// an interrupted build never leaves a partial cache.
func buildMillion(path string) error {
	tmp := path + ".building"
	os.Remove(tmp)
	db, err := storage.Open(tmp, storage.Options{})
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	r := rand.New(rand.NewPCG(1, 2))
	var in storage.Import
	for i := range 10 {
		in.Territories = append(in.Territories, sales.Territory{Name: fmt.Sprintf("Territory %d", i+1)})
	}
	const managers = 50
	for i := range managers {
		in.People = append(in.People, sales.Person{Name: fmt.Sprintf("manager%d", i+1), Role: sales.RoleManager,
			Territory: storage.TerritoryRef(i % 10)})
	}
	for i := range millionReps {
		in.People = append(in.People, sales.Person{Name: fmt.Sprintf("rep%d", i+1),
			Manager: storage.PersonRef(i % managers), Territory: storage.TerritoryRef(i % 10)})
	}
	end := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	in.Deals = make([]sales.Deal, millionDeals)
	for i := range in.Deals {
		rep := r.IntN(millionReps)
		created := end.Add(-time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
		d := sales.Deal{
			Account: fmt.Sprintf("Account %d", r.IntN(200_000)), Amount: sales.Money(100_000 + r.Int64N(50_000_000)),
			Owner: storage.PersonRef(managers + rep), Territory: storage.TerritoryRef(rep % 10), Product: "Platform",
			CreatedAt: created, CloseDate: created.AddDate(0, 3, 0).Truncate(24 * time.Hour),
		}
		switch x := r.IntN(100); {
		case x < 25:
			d.Stage = 5
		case x < 40:
			d.Stage = 6
		default:
			d.Stage = sales.StageID(1 + r.IntN(4))
		}
		if d.Stage >= 5 {
			d.ClosedAt = created.Add(time.Duration(5+r.IntN(120)) * 24 * time.Hour)
		}
		in.Deals[i] = d
	}
	if _, err := db.Bulk(context.Background(), in, nil); err != nil {
		db.Close()
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// BenchmarkRollupByOwner1M is `report --by owner` over a million deals.
func BenchmarkRollupByOwner1M(b *testing.B) {
	db := million(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		tb, err := report.Rollup(ctx, db, report.ByOwner, sales.Window{}, report.Env{Now: time.Now(), Loc: time.UTC, Cur: sales.DefaultCurrency})
		if err != nil || len(tb.Rows) < millionReps {
			b.Fatalf("rollup: %d rows, %v", len(tb.Rows), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// BenchmarkRawScan1M is its baseline: one read transaction's cursor over
// the same deals bucket, reading a byte of every key and value.
func BenchmarkRawScan1M(b *testing.B) {
	db := million(b)
	raw := storage.BoltOf(db)
	b.ResetTimer()
	for range b.N {
		var n, sum int
		err := raw.View(func(tx *bolt.Tx) error {
			return tx.Bucket(storage.BucketDeals).ForEach(func(k, v []byte) error {
				n++
				sum += int(k[len(k)-1]) + int(v[len(v)-1])
				return nil
			})
		})
		if err != nil || n != millionDeals {
			b.Fatalf("scan: %d deals, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// BenchmarkRepPipeline1M is one rep's /pipeline: funnel and quota progress
// through the owner index.
func BenchmarkRepPipeline1M(b *testing.B) {
	db := million(b)
	ctx := context.Background()
	now := time.Date(2026, 2, 15, 12, 0, 0, 0, time.UTC)
	p := sales.PeriodOf(sales.Quarter, now, time.UTC)
	rep, err := db.PersonByName(ctx, "rep500")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		m, err := report.MeasureSubject(ctx, db, report.Subject{Scope: sales.ScopeRep, Person: rep.ID}, p, report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency})
		if err != nil || m.Sum.Pipeline.Open == 0 {
			b.Fatalf("measure: %+v, %v", m.Sum, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// BenchmarkResolveAccount1M is resolving a typed account name among
// everyone's deals, as /deal show <name> does once the actor's own deals
// miss. "scan" is the substring FindDeals every lookup paid before the
// account index, and stays the fallback when nothing is named that way;
// "exact" and "prefix" are DealsByAccount (about 5 and 55 deals match).
func BenchmarkResolveAccount1M(b *testing.B) {
	db := million(b)
	ctx := context.Background()
	const name = "Account 4242"
	for _, bc := range []struct {
		name string
		find func() ([]sales.Deal, error)
	}{
		{"scan", func() ([]sales.Deal, error) {
			return db.FindDeals(ctx, sales.DealFilter{Account: name, Limit: 500})
		}},
		{"exact", func() ([]sales.Deal, error) { return db.DealsByAccount(ctx, name, false, 500) }},
		{"prefix", func() ([]sales.Deal, error) { return db.DealsByAccount(ctx, name, true, 500) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				ds, err := bc.find()
				if err != nil || len(ds) == 0 {
					b.Fatalf("%d deals, %v", len(ds), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/op")
		})
	}
}
