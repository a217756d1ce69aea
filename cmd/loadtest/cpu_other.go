//go:build !unix

package main

import "time"

// cpuTime is not measured here; the report then shows no CPU figures.
func cpuTime() time.Duration { return 0 }
