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

// Locale is the clock, zone and currency a component works in. Every
// constructor takes one and calls WithDefaults, so the defaults live here.
type Locale struct {
	Clock    Clock          // default: the system clock
	Loc      *time.Location // SALESBOT_TIMEZONE; default UTC
	Currency Currency       // SALESBOT_CURRENCY; default DefaultCurrency
}

// WithDefaults fills what l leaves unset.
func (l Locale) WithDefaults() Locale {
	if l.Clock == nil {
		l.Clock = SystemClock{}
	}
	if l.Loc == nil {
		l.Loc = time.UTC
	}
	if l.Currency.Code == "" {
		l.Currency = DefaultCurrency
	}
	return l
}
