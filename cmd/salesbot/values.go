package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// dateParser reads dates and times in the user's --date-format, else ISO
// (2006-01-02) or RFC 3339. Date-only values mean midnight in loc.
type dateParser struct {
	layout string // user's layout, "" = none
	loc    *time.Location
	// importing: the value comes from a file, so suggest --date-format.
	importing bool
}

var isoLayouts = []string{time.RFC3339Nano, "2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04"}

// instant parses a timestamp (created, closed).
func (p dateParser) instant(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	layouts := isoLayouts
	if p.layout != "" {
		layouts = append([]string{p.layout}, isoLayouts...)
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
			if !sales.ValidDate(t) {
				// 0001-01-01 would read back as "no date".
				return time.Time{}, fmt.Errorf("%s %q is not a date salesbot keeps: use a year from %d to %d", field, s, sales.MinYear, sales.MaxYear)
			}
			return t, nil
		}
	}
	want := "2006-01-02 or RFC 3339 (2006-01-02T15:04:05Z)"
	if p.layout != "" {
		want = p.layout + " (from --date-format), " + want
	} else if p.importing {
		want += "; set --date-format to match your file, e.g. --date-format 01/02/2006"
	}
	return time.Time{}, fmt.Errorf("%s %q is not a date: expected %s", field, s, want)
}

// civil parses an expected close date: the calendar date, stored at UTC
// midnight as sales.Deal.CloseDate requires.
func (p dateParser) civil(field, s string) (time.Time, error) {
	t, err := p.instant(field, s)
	if err != nil {
		return t, err
	}
	t = t.In(p.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}
