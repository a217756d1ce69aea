//go:build unix

package main

import (
	"syscall"
	"time"
)

// cpuTime is this process's user plus system CPU time so far: on a
// shared machine wall time measures the neighbours too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
