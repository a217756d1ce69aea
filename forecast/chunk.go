package forecast

import (
	"runtime"
	"sync"
)

// chunkSize is how many deals one worker reads at a time. It is fixed, not
// derived from the core count, so a sum split into chunks is added in the
// same order on every machine and a small history (most tests) is one
// chunk read exactly as a plain loop reads it.
const chunkSize = 1 << 15

func chunks(n int) int { return (n + chunkSize - 1) / chunkSize }

// eachChunk calls fn for each chunk [lo, hi) of n items, on up to
// GOMAXPROCS goroutines; fn writes only its own chunk's result.
func eachChunk(n int, fn func(c, lo, hi int)) {
	eachJob(chunks(n), func(c int) { fn(c, c*chunkSize, min(n, (c+1)*chunkSize)) })
}

// eachJob runs fn(0) … fn(jobs-1) on up to GOMAXPROCS goroutines (in
// this goroutine when there is one job or one core).
func eachJob(jobs int, fn func(job int)) {
	workers := min(runtime.GOMAXPROCS(0), jobs)
	if workers <= 1 {
		for j := range jobs {
			fn(j)
		}
		return
	}
	next := make(chan int, jobs)
	for j := range jobs {
		next <- j
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				fn(j)
			}
		}()
	}
	wg.Wait()
}
