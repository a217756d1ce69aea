package transfer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/salesbot/salesbot/sales"
)

// Date is a civil date as a CRM writes it: no zone, no instant. An export's
// "3/1/2017" is the same day wherever it is read.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether d is the absent date.
func (d Date) IsZero() bool { return d == Date{} }

// String renders d as 2006-01-02.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// UTCMidnight is d in the form sales.Deal keeps civil dates: midnight UTC.
func (d Date) UTCMidnight() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// DateOrder says how a numeric a/b/yyyy date is read.
type DateOrder uint8

const (
	OrderUnknown  DateOrder = iota // ambiguous a/b/yyyy values are an error
	OrderMonthDay                  // 3/1/2017 is March 1 (en_US)
	OrderDayMonth                  // 3/1/2017 is 3 January (en_GB, de, fr)
)

// Layout is the --date-format layout that reads numeric dates in this order.
// Non-padded on purpose: 1/2/2006 reads both 3/1/2017 and 03/01/2017,
// while 01/02/2006 rejects 3/1/2017.
func (o DateOrder) Layout() string {
	if o == OrderDayMonth {
		return "2/1/2006"
	}
	return "1/2/2006"
}

// Plausible years; anything else is a typo or a placeholder such as
// 0001-01-01, which some exports write for "no date" and which must not
// silently become a deal closed in year 1.
const (
	minYear = 1900
	maxYear = 2199
)

// ParseDate reads one date in any unambiguous form: 2006-01-02, RFC 3339,
// "2006-01-02 15:04", "1/2/2006 15:04" (with order), "Jan 2, 2006",
// "2 Jan 2006", "2.1.2006". The time of day, when present, is dropped:
// imports keep civil dates. An empty value is the zero Date and no error.
func ParseDate(s string, order DateOrder) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	d, err := parseDate(s, order)
	if err != nil {
		return Date{}, err
	}
	if d.Year < minYear || d.Year > maxYear {
		return Date{}, sales.Errorf(sales.EINVALID, "date %q: year %d is not a real date; leave the cell empty when there is no date", s, d.Year)
	}
	if d.Month < 1 || d.Month > 12 {
		return Date{}, sales.Errorf(sales.EINVALID, "date %q: there is no month %d", s, int(d.Month))
	}
	if d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
		return Date{}, sales.Errorf(sales.EINVALID, "date %q: %s %d has no day %d", s, d.Month, d.Year, d.Day)
	}
	return d, nil
}

// ParseDateLayout reads s with an explicit Go layout (the --date-format
// flag). Only the calendar date of the result is kept.
func ParseDateLayout(s, layout string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, sales.Errorf(sales.EINVALID, "date %q does not match --date-format %s", s, layout)
	}
	d := Date{t.Year(), t.Month(), t.Day()}
	if d.Year < minYear || d.Year > maxYear {
		return Date{}, sales.Errorf(sales.EINVALID, "date %q: year %d is not a real date; leave the cell empty when there is no date", s, d.Year)
	}
	return d, nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func parseDate(s string, order DateOrder) (Date, error) {
	datePart := s
	// Drop a time of day: "2017-03-01T10:00:00Z", "2017-03-01 10:00",
	// "3/1/2017 10:35 AM".
	if i := strings.IndexAny(s, "T "); i > 0 && isDigit(s[0]) {
		datePart = s[:i]
	}
	if p, ok := split3(datePart, '-'); ok && isDigit(datePart[0]) && len(p[0]) == 4 {
		return ymd(s, p[:])
	}
	if p, ok := split3(datePart, '/'); ok && allDigits(p[:]) {
		parts := p[:]
		if len(parts[0]) == 4 {
			return ymd(s, parts)
		}
		return numericDMY(s, parts, order)
	}
	if p, ok := split3(datePart, '.'); ok && allDigits(p[:]) && len(p[2]) == 4 {
		parts := p[:]
		// 1.3.2017 is day-first in every locale that writes dots.
		return build(s, parts[2], parts[1], parts[0])
	}
	return named(s)
}

// split3 splits s at sep when it holds exactly two: strings.Split's
// three parts without its allocation, for every date cell of a file.
func split3(s string, sep byte) (p [3]string, ok bool) {
	i := strings.IndexByte(s, sep)
	if i < 0 {
		return p, false
	}
	j := strings.IndexByte(s[i+1:], sep)
	if j < 0 {
		return p, false
	}
	j += i + 1
	if strings.IndexByte(s[j+1:], sep) >= 0 {
		return p, false
	}
	return [3]string{s[:i], s[i+1 : j], s[j+1:]}, true
}

// firstField is strings.Fields(s)[0], "" when s is blank.
func firstField(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		s = s[:i]
	}
	return s
}

func ymd(s string, p []string) (Date, error) {
	if !allDigits(p) || len(p[0]) != 4 {
		return Date{}, badDate(s)
	}
	return build(s, p[0], p[1], p[2])
}

func numericDMY(s string, p []string, order DateOrder) (Date, error) {
	if len(p[2]) != 4 {
		return Date{}, sales.Errorf(sales.EINVALID, "date %q: write the year with four digits (3/1/2017)", s)
	}
	a, _ := strconv.Atoi(p[0])
	b, _ := strconv.Atoi(p[1])
	switch {
	case order == OrderMonthDay:
		return build(s, p[2], p[0], p[1])
	case order == OrderDayMonth:
		return build(s, p[2], p[1], p[0])
	case a > 12:
		return build(s, p[2], p[1], p[0])
	case b > 12 || a == b:
		return build(s, p[2], p[0], p[1])
	}
	return Date{}, ambiguous(s)
}

// ambiguous names both readings of s and the flag that settles them.
func ambiguous(s string) error {
	p := strings.Split(strings.Fields(s)[0], "/")
	md, _ := build(s, p[2], p[0], p[1])
	dm, _ := build(s, p[2], p[1], p[0])
	return sales.Errorf(sales.EINVALID, "date %q could be %s (month first) or %s (day first), and no date in the column decides it: add --date-format %s or --date-format %s",
		s, md.long(), dm.long(), OrderMonthDay.Layout(), OrderDayMonth.Layout())
}

func (d Date) long() string { return fmt.Sprintf("%s %d, %d", d.Month, d.Day, d.Year) }

// DateOrderOf decides how a column's numeric dates are read: any value
// whose first number is over 12 makes it day-first, any whose second is
// over 12 makes it month-first. Values of other forms don't vote. It fails
// when the column votes both ways, and returns OrderUnknown when nothing
// decides (ParseDate then fails only on values that really are ambiguous).
func DateOrderOf(column string, values []string) (DateOrder, error) {
	var dayFirst, monthFirst string
	for _, v := range values {
		f := firstField(v)
		if f == "" {
			continue
		}
		p, ok := split3(f, '/')
		if !ok || len(p[0]) == 4 || !allDigits(p[:]) {
			continue
		}
		a, _ := strconv.Atoi(p[0])
		b, _ := strconv.Atoi(p[1])
		switch {
		case a > 12 && dayFirst == "":
			dayFirst = v
		case b > 12 && monthFirst == "":
			monthFirst = v
		}
	}
	switch {
	case dayFirst != "" && monthFirst != "":
		return OrderUnknown, sales.Errorf(sales.EINVALID, "column %q mixes day-first (%s) and month-first (%s) dates; export it again in one format", column, dayFirst, monthFirst)
	case dayFirst != "":
		return OrderDayMonth, nil
	case monthFirst != "":
		return OrderMonthDay, nil
	}
	return OrderUnknown, nil
}

var monthNames = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		monthNames[name] = m
		monthNames[name[:3]] = m
	}
	monthNames["sept"] = time.September
}

// named reads "Jan 2, 2006", "January 2 2006", "2 Jan 2006", "2-Jan-2006",
// optionally followed by a time of day.
func named(s string) (Date, error) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '-' })
	if len(f) < 3 {
		return Date{}, badDate(s)
	}
	m1, ok1 := monthNames[strings.ToLower(strings.TrimSuffix(f[0], "."))]
	m2, ok2 := monthNames[strings.ToLower(strings.TrimSuffix(f[1], "."))]
	var day, year string
	var m time.Month
	switch {
	case ok1:
		m, day, year = m1, f[1], f[2]
	case ok2:
		m, day, year = m2, f[0], f[2]
	default:
		return Date{}, badDate(s)
	}
	if len(year) != 4 || !allDigits([]string{day, year}) {
		return Date{}, badDate(s)
	}
	return build(s, year, strconv.Itoa(int(m)), day)
}

func build(s, y, m, d string) (Date, error) {
	if len(m) > 2 || len(d) > 2 || m == "" || d == "" {
		return Date{}, badDate(s)
	}
	yy, err1 := strconv.Atoi(y)
	mm, err2 := strconv.Atoi(m)
	dd, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil {
		return Date{}, badDate(s)
	}
	return Date{yy, time.Month(mm), dd}, nil
}

func badDate(s string) error {
	return sales.Errorf(sales.EINVALID, "%q is not a date: write 2017-03-01, 3/1/2017 or Mar 1, 2017", s)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if !isDigit(p[i]) {
				return false
			}
		}
	}
	return true
}
