//go:build unix

// Package cputime reads the process's CPU time, which the benchmarks and
// the load tool report beside wall time: on a shared machine wall time
// measures the neighbours too.
package cputime

import (
	"syscall"
	"time"
)

// Process is this process's user plus system CPU time so far.
func Process() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
