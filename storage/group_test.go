package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// Concurrent writes share commits: every write that succeeds is stored
// once, a write that fails inside its transaction gets its own error and
// takes none of the others down, and an envelope marked by several
// writers at once is first for exactly one.
func TestConcurrentWritesShareCommits(t *testing.T) {
	ctx := context.Background()
	db := storagetest.MustOpen(t)
	owner, err := db.EnsurePerson(ctx, "U1", "ann", "Ann Archer", "")
	if err != nil {
		t.Fatal(err)
	}
	const n = 120
	var wg sync.WaitGroup
	errs := make([]error, n)
	ids := make([]sales.DealID, n)
	firsts := make([]bool, n)
	for i := range n {
		wg.Go(func() {
			d := sales.Deal{Account: fmt.Sprintf("Acct %d", i), Owner: owner.ID, Amount: 100}
			if i%5 == 0 {
				d.Owner = 9999 // refused inside the transaction
			}
			got, err := db.CreateDeal(ctx, d, owner.ID)
			errs[i], ids[i] = err, got.ID
			first, err := db.MarkEnvelope(ctx, fmt.Sprintf("env-%d", i%10))
			if err != nil {
				t.Error(err)
			}
			firsts[i] = first
		})
	}
	wg.Wait()
	seen := map[sales.DealID]bool{}
	for i, err := range errs {
		switch {
		case i%5 == 0 && sales.ErrorCode(err) != sales.EINVALID:
			t.Errorf("write %d (unknown owner): %v, want EINVALID", i, err)
		case i%5 != 0 && err != nil:
			t.Errorf("write %d: %v", i, err)
		case i%5 != 0:
			if ids[i] == 0 || seen[ids[i]] {
				t.Errorf("write %d: deal id %d missing or repeated", i, ids[i])
			}
			seen[ids[i]] = true
		}
	}
	if got, err := db.CountDeals(ctx); err != nil || got != n-n/5 {
		t.Fatalf("%d deals stored (%v), want %d", got, err, n-n/5)
	}
	marked := map[int]int{}
	for i, f := range firsts {
		if f {
			marked[i%10]++
		}
	}
	for k := range 10 {
		if marked[k] != 1 {
			t.Errorf("env-%d first for %d writers, want 1", k, marked[k])
		}
	}
}
