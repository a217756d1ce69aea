package commands_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

func BenchmarkParse(b *testing.B) {
	p := parser()
	for b.Loop() {
		if _, err := p.Parse("/deal", `add "Acme Corp" $12,500 stage:proposal close:next friday owner:<@U123|alice>`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandleDealAdd is the whole durable /deal add path (parse,
// actor, permission, commit, reply) with 64 concurrent writers. Compare
// with storage's raw Batch benchmark in the same run.
func BenchmarkHandleDealAdd(b *testing.B) {
	db := storagetest.MustOpenWith(b, storage.Options{})
	svc := commands.New(db, commands.Config{Locale: sales.Locale{Clock: sales.SystemClock{}, Loc: time.UTC}})
	ctx := context.Background()
	for i := 0; i < 64; i++ {
		if _, err := svc.Actor(ctx, fmt.Sprintf("U%04d", i), fmt.Sprintf("rep%d", i), "", ""); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((64 + procs - 1) / procs) // 64 goroutines in all
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			req := commands.Request{Command: "/deal", Text: fmt.Sprintf("add Account%d 12.5k", i), UserID: fmt.Sprintf("U%04d", i%64)}
			if _, err := svc.Handle(ctx, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}
