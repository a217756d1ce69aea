package transfer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/transfer"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in    string
		order transfer.DateOrder
		want  string // "" with err
		err   string
	}{
		{"", transfer.OrderUnknown, "", ""},
		{"2017-03-01", transfer.OrderUnknown, "2017-03-01", ""},
		{"2017-3-1", transfer.OrderUnknown, "2017-03-01", ""},
		{"2017/03/01", transfer.OrderUnknown, "2017-03-01", ""},
		{"2017-03-01T23:30:00-08:00", transfer.OrderUnknown, "2017-03-01", ""}, // the civil date as written, not shifted to UTC
		{"2017-03-01T10:00:00Z", transfer.OrderUnknown, "2017-03-01", ""},
		{"2017-03-01 15:04", transfer.OrderUnknown, "2017-03-01", ""},
		{"2017-03-01 15:04:05", transfer.OrderUnknown, "2017-03-01", ""},
		{"03/01/2017 15:04", transfer.OrderMonthDay, "2017-03-01", ""}, // HubSpot
		{"3/1/2017", transfer.OrderMonthDay, "2017-03-01", ""},         // Salesforce en_US
		{"3/1/2017", transfer.OrderDayMonth, "2017-01-03", ""},         // Salesforce en_GB
		{"3/1/2017 10:35 AM", transfer.OrderMonthDay, "2017-03-01", ""},
		{"13/1/2017", transfer.OrderUnknown, "2017-01-13", ""},
		{"1/13/2017", transfer.OrderUnknown, "2017-01-13", ""},
		{"5/5/2017", transfer.OrderUnknown, "2017-05-05", ""},
		{"1.3.2017", transfer.OrderUnknown, "2017-03-01", ""},
		{"Jan 2, 2006", transfer.OrderUnknown, "2006-01-02", ""},
		{"January 2, 2006", transfer.OrderUnknown, "2006-01-02", ""},
		{"2 Jan 2006", transfer.OrderUnknown, "2006-01-02", ""},
		{"2-Jan-2006", transfer.OrderUnknown, "2006-01-02", ""},
		{"Sept 30, 2006", transfer.OrderUnknown, "2006-09-30", ""},
		{"3/4/2017", transfer.OrderUnknown, "", "could be March 4, 2017 (month first) or April 3, 2017 (day first)"},
		{"3/4/2017", transfer.OrderUnknown, "", "--date-format 1/2/2006 or --date-format 2/1/2006"},
		{"0001-01-01", transfer.OrderUnknown, "", "year 1 is not a real date"},
		{"2017-02-30", transfer.OrderUnknown, "", "has no day 30"},
		{"2017-13-01", transfer.OrderUnknown, "", "no month 13"},
		{"3/1/17", transfer.OrderMonthDay, "", "four digits"},
		{"tomorrow", transfer.OrderUnknown, "", "is not a date"},
		{"2017-03", transfer.OrderUnknown, "", "is not a date"},
		{"123/1/2017", transfer.OrderUnknown, "", "is not a date"},
	}
	for _, tt := range tests {
		got, err := transfer.ParseDate(tt.in, tt.order)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDate(%q, %d) error = %v, want %q", tt.in, tt.order, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseDate(%q, %d) = %v, %v; want %s", tt.in, tt.order, got, err, tt.want)
		}
	}
}

func TestDateOrderOf(t *testing.T) {
	tests := []struct {
		vals []string
		want transfer.DateOrder
		err  string
	}{
		{[]string{"3/4/2017", "25/4/2017"}, transfer.OrderDayMonth, ""},
		{[]string{"3/4/2017", "4/25/2017 10:00"}, transfer.OrderMonthDay, ""},
		{[]string{"3/4/2017", "", "2017-05-01"}, transfer.OrderUnknown, ""},
		{[]string{"13/4/2017", "4/25/2017"}, transfer.OrderUnknown, "mixes day-first (13/4/2017) and month-first (4/25/2017)"},
	}
	for _, tt := range tests {
		got, err := transfer.DateOrderOf("Close Date", tt.vals)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("DateOrderOf(%q) error = %v, want %q", tt.vals, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DateOrderOf(%q) = %d, %v; want %d", tt.vals, got, err, tt.want)
		}
	}
}

// The layout the error suggests reads unpadded values; 01/02/2006 would not.
func TestSuggestedLayoutReadsUnpadded(t *testing.T) {
	for _, o := range []transfer.DateOrder{transfer.OrderMonthDay, transfer.OrderDayMonth} {
		for _, v := range []string{"3/1/2017", "03/01/2017"} {
			if _, err := transfer.ParseDateLayout(v, o.Layout()); err != nil {
				t.Errorf("ParseDateLayout(%q, %q): %v", v, o.Layout(), err)
			}
		}
	}
	if _, err := transfer.ParseDateLayout("0001-01-01", "2006-01-02"); err == nil {
		t.Error("ParseDateLayout accepted 0001-01-01")
	}
}

func TestDateUTCMidnight(t *testing.T) {
	d, _ := transfer.ParseDate("2017-03-01T23:30:00-08:00", transfer.OrderUnknown)
	if got, want := d.UTCMidnight(), time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("UTCMidnight = %v, want %v", got, want)
	}
	if !(transfer.Date{}).UTCMidnight().IsZero() {
		t.Error("zero Date did not give the zero time")
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2017-03-01", "3/4/2017", "Jan 2, 2006", "2 Jan 2006", "1.3.2017", "2017-03-01T10:00:00Z", "0001-01-01", "99/99/9999"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		d, err := transfer.ParseDate(s, transfer.DateOrder(o%3))
		if err != nil || d.IsZero() {
			return
		}
		// Every accepted date is a real day and reads back as itself.
		back, err := transfer.ParseDate(d.String(), transfer.OrderUnknown)
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v, which reads back as %v, %v", s, d, back, err)
		}
		if tm := d.UTCMidnight(); tm.Year() != d.Year || tm.Month() != d.Month || tm.Day() != d.Day {
			t.Fatalf("ParseDate(%q) = %v, not a real day", s, d)
		}
	})
}
