//go:build !unix

package main

import "time"

// cpuTime is not measured here; the benchmark then reports 0 cpu-s.
func cpuTime() time.Duration { return 0 }
