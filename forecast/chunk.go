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
	k := chunks(n)
	if k <= 1 {
		if n > 0 {
			fn(0, 0, n)
		}
		return
	}
	workers := min(runtime.GOMAXPROCS(0), k)
	next := make(chan int, k)
	for c := range k {
		next <- c
	}
	close(next)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				fn(c, c*chunkSize, min(n, (c+1)*chunkSize))
			}
		}()
	}
	wg.Wait()
}
