package sales

import "time"

// Clock tells the time. Production uses SystemClock; tests inject a fixed or
// stepped clock so schedules run without sleeps.
type Clock interface {
	Now() time.Time
}

// SystemClock reads the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

func (f ClockFunc) Now() time.Time { return f() }
