package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

// Plain deal files (salesbot's own columns, a spreadsheet) get what CRM
// presets get: dates in any unambiguous form and a stable key when the
// file has no id column.

// genericDateFields are the deal columns read as dates.
var genericDateFields = []string{"close_date", "created", "updated", "closed", "stage_entered", "snoozed_until"}

// genericDateOrder decides, from the whole file, how a/b/yyyy dates read
// (transfer.FileDateOrder): a column with 25/4/2017 settles 3/4/2017 in
// every column; a file where nothing decides stops with both readings.
func (im *importer) genericDateOrder() (transfer.DateOrder, error) {
	var cols []transfer.DateColumn
	for _, f := range genericDateFields {
		i, ok := im.cols[f]
		if !ok {
			continue
		}
		vals := make([]string, 0, len(im.t.rows))
		for _, row := range im.t.rows {
			if row.err == nil {
				vals = append(vals, row.cells[i])
			}
		}
		cols = append(cols, transfer.DateColumn{Name: im.t.header[i], Values: vals})
	}
	return transfer.FileDateOrder(cols)
}

// date reads a date cell: --date-format, ISO or RFC 3339 first (exact
// instants), then any unambiguous form transfer reads, as midnight in the
// team's zone (civil: midnight UTC, as close dates are kept).
func (im *importer) date(field, s string, civil bool) (time.Time, error) {
	var t time.Time
	var err error
	if civil {
		t, err = im.dates.civil(field, s)
	} else {
		t, err = im.dates.instant(field, s)
	}
	if err == nil || im.o.dateLayout != "" || isoLike(s) {
		return t, err // an ISO value's own error is the better message
	}
	d, terr := transfer.ParseDate(s, im.order)
	if terr != nil {
		return time.Time{}, sales.Errorf(sales.EINVALID, "%s: %s", field, errText(terr))
	}
	if civil {
		return d.UTCMidnight(), nil
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, im.cfg.Loc), nil
}

// stableKey is transfer.StableKey for a row without an id: account,
// created date and owner (a plain file has no separate deal name), with
// "#2", "#3" for the same identity again in file order.
func (im *importer) stableKey(d sales.Deal, owner string) string {
	rec := transfer.Record{Account: d.Account, Owner: owner}
	if strings.Contains(owner, "@") {
		rec.Owner, rec.OwnerEmail = "", owner
	}
	if !d.CreatedAt.IsZero() {
		t := d.CreatedAt.In(im.cfg.Loc)
		rec.Created = transfer.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	k := transfer.StableKey(nil, rec)
	if im.keys == nil {
		im.keys = map[string]int{}
	}
	im.keys[k]++
	if n := im.keys[k]; n > 1 {
		k += "#" + strconv.Itoa(n)
	}
	return k
}

// isoLike: s starts as 2006-01-02 does.
func isoLike(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 5 || s[4] != '-' {
		return false
	}
	for i := range 4 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// genericDecimalComma decides, as transfer does for CRM exports, whether
// the file's amounts write the decimal mark as a comma (a spreadsheet
// saved in most of Europe: "1.234,50", "12.000"), so they are read as
// 1234.50 and 12000 rather than refused or misread.
func (im *importer) genericDecimalComma() bool {
	i, ok := im.cols["amount"]
	if !ok {
		return false
	}
	vals := make([]string, 0, len(im.t.rows))
	for _, row := range im.t.rows {
		if row.err == nil {
			vals = append(vals, row.cells[i])
		}
	}
	return transfer.AmountsDecimalComma(vals, im.conv.Delimiter == ';')
}

// swapMarks writes a decimal-comma amount the way commands.ParseAmount
// reads it: "1.234,50" as "1,234.50".
var swapMarks = strings.NewReplacer(".", ",", ",", ".")
