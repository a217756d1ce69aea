package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// spec is a parsed schedule with stable slots: every occurrence is a
// fixed instant, the same before and after a restart, so a slot can be
// claimed in the database and posted at most once.
type spec struct {
	text  string
	cron  *cron.SpecSchedule // nil for @every
	every time.Duration      // > 0 for @every
	loc   *time.Location     // the zone of a cron spec
	ownTZ bool               // the spec named its own CRON_TZ=
}

// parseSpec reads a schedule with CronParser. A spec without CRON_TZ= runs
// in def (SALESBOT_TIMEZONE) rather than the process's local zone.
func parseSpec(text string, def *time.Location) (sp spec, err error) {
	text = strings.TrimSpace(text)
	defer func() {
		// robfig/cron v3 panics on a bare "CRON_TZ=Zone" with nothing after.
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if (strings.HasPrefix(text, "CRON_TZ=") || strings.HasPrefix(text, "TZ=")) && !strings.Contains(text, " ") {
		return spec{}, fmt.Errorf("nothing after the time zone: write e.g. CRON_TZ=Europe/Berlin 0 8 * * 1-5")
	}
	s, err := CronParser.Parse(text)
	if err != nil {
		return spec{}, err
	}
	sp = spec{text: text, ownTZ: strings.HasPrefix(text, "CRON_TZ=") || strings.HasPrefix(text, "TZ=")}
	switch s := s.(type) {
	case cron.ConstantDelaySchedule:
		sp.every = s.Delay
		sp.loc = def
	case *cron.SpecSchedule:
		c := *s
		if !sp.ownTZ {
			c.Location = def
		}
		sp.cron = &c
		sp.loc = c.Location
	default:
		return spec{}, fmt.Errorf("unsupported schedule type %T", s)
	}
	return sp, nil
}

// in returns the same schedule evaluated in loc: a nudge at "0 9 * * 1-5"
// reaches a rep at 9:00 in their own zone. @every has no local time.
func (sp spec) in(loc *time.Location) spec {
	if sp.cron == nil || loc == nil {
		return sp
	}
	c := *sp.cron
	c.Location = loc
	sp.cron = &c
	sp.loc = loc
	return sp
}

// next is the first slot strictly after t. @every slots are anchored to
// multiples of the period (not to the start time) so they survive restarts.
func (sp spec) next(t time.Time) time.Time {
	if sp.every > 0 {
		return t.Truncate(sp.every).Add(sp.every)
	}
	return sp.cron.Next(t)
}

// maxSteps bounds the walk over a dense cron spec (every minute for a
// month is 43,200 steps).
const maxSteps = 50000

// latest is the last slot s with after < s <= now, and how many slots in
// that range came before it.
func (sp spec) latest(after, now time.Time) (slot time.Time, skipped int, ok bool) {
	if !after.Before(now) && !after.Equal(now) {
		return time.Time{}, 0, false
	}
	if sp.every > 0 {
		s := now.Truncate(sp.every)
		if !s.After(after) {
			return time.Time{}, 0, false
		}
		n := int(s.Sub(after) / sp.every)
		if n > 0 && after.Truncate(sp.every).Equal(after) {
			n-- // after itself was a slot
		}
		return s, n, true
	}
	s := sp.cron.Next(after)
	for i := 0; i < maxSteps && !s.IsZero() && !s.After(now); i++ {
		if ok {
			skipped++
		}
		slot, ok = s, true
		s = sp.cron.Next(s)
	}
	return slot, skipped, ok
}

// schedule is one job's position: cursor is the latest slot handled (or
// the time from which slots count).
type schedule struct {
	job    string
	spec   spec
	cursor time.Time
	retry  time.Time // non-zero: the last slot failed; try again then
	zone   string    // nudge jobs: the zone the job serves ("" = team)
}

// MinInterval is the shortest @every a configured schedule may use: the
// smallest period the interface documents (@every 10s). robfig/cron rounds
// anything shorter up to one second, so "@every 1ns" would post every second.
const MinInterval = 10 * time.Second

// CheckSpec is the up-front check of a configured schedule: it parses as
// New will, and @every is at least MinInterval. (Five cron fields fire at
// most once a minute.)
func CheckSpec(text string) error {
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("empty")
	}
	sp, err := parseSpec(text, time.UTC)
	if err != nil {
		return err
	}
	if sp.cron == nil && sp.every < MinInterval {
		return fmt.Errorf("it fires more often than once per %v", MinInterval)
	}
	return nil
}
