package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// buildDigest builds the company digest of the env's database an hour
// from now, so the import's instant is well inside its window.
func buildDigest(t *testing.T, e *env) *digest.Digest {
	t.Helper()
	db, done := e.open(e.db)
	defer done()
	usd, err := sales.LookupCurrency("USD")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := digest.New(digest.Config{Store: db, Locale: sales.Locale{Loc: time.UTC, Currency: usd,
		Clock: sales.ClockFunc(func() time.Time { return time.Now().Add(time.Hour) })}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Imported deals do not fill the first digest's "New" and are stale by
// their own dates (interface.md, "new" and "stale"; issue 12): a deal is
// new by the created date of its file, a deal the file gives no created
// date is never new, and its stage entry is its stage-change column, else
// its created date.
func TestImportedDealsInFirstDigest(t *testing.T) {
	now := time.Now().UTC()
	lastYear := now.AddDate(-1, 0, -20).Format("2006-01-02")
	recent := now.AddDate(0, 0, -3).Format("2006-01-02")
	open := []string{"Prospecting", "Qualified", "Proposal", "Negotiation"}

	t.Run("created last year", func(t *testing.T) {
		e := newEnv(t)
		var b strings.Builder
		b.WriteString("external_id,account,amount,stage,owner,created,closed,stage_entered\n")
		wantStale := 0
		for i := range 500 {
			switch {
			case i%5 == 0: // won last year
				fmt.Fprintf(&b, "X%d,Acme %d,1000,Won,alice,%s,%s,\n", i, i, lastYear, lastYear)
			case i%5 == 1: // moved to Negotiation three days ago: not stale (limit 7)
				fmt.Fprintf(&b, "X%d,Acme %d,1000,Negotiation,bob,%s,,%s\n", i, i, lastYear, recent)
			default:
				wantStale++
				fmt.Fprintf(&b, "X%d,Acme %d,1000,%s,carol,%s,,\n", i, i, open[i%4], lastYear)
			}
		}
		e.must(ImportCmd, "deals", "--file", e.file("old.csv", b.String()))
		d := buildDigest(t, e)
		if m := d.Moved; m.NewCount != 0 || m.WonCount != 0 || m.LostCount != 0 {
			t.Errorf("new/won/lost = %d/%d/%d, want 0/0/0: deals created and won last year moved today", m.NewCount, m.WonCount, m.LostCount)
		}
		if d.Stale.Count != wantStale {
			t.Errorf("stale = %d, want %d (open since last year, none moved recently)", d.Stale.Count, wantStale)
		}
	})

	t.Run("no created date", func(t *testing.T) {
		// Maven's sample leaves engage_date empty on its 500 Prospecting rows.
		e := newEnv(t)
		var b strings.Builder
		b.WriteString("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n")
		for i := range 500 {
			fmt.Fprintf(&b, "OPP%04d,Anna Snelling,GTX Pro,Acme %d,Prospecting,,,\n", i, i)
		}
		e.must(ImportCmd, "deals", "--file", e.file("maven.csv", b.String()))
		d := buildDigest(t, e)
		if d.Moved.NewCount != 0 {
			t.Errorf("New: %d, want 0: the file says nothing of when these deals were created", d.Moved.NewCount)
		}
		if d.Stale.Count != 0 {
			t.Errorf("stale = %d, want 0: known in their stage only since the import", d.Stale.Count)
		}
		if ex := e.must(ExportCmd, "deals").stdout; strings.Count(ex, ",Prospecting,") != 500 {
			t.Errorf("export:\n%.300s", ex)
		}
	})

	t.Run("created today", func(t *testing.T) {
		e := newEnv(t)
		today := now.Add(time.Hour).Format("2006-01-02") // the digest's day
		e.must(ImportCmd, "deals", "--file", e.file("new.csv",
			"external_id,account,stage,created\nN1,Fresh,Prospecting,"+today+"\nN2,Old,Prospecting,"+lastYear+"\n"))
		if n := buildDigest(t, e).Moved.NewCount; n != 1 {
			t.Errorf("New: %d, want 1: the deal the file says was created today", n)
		}
	})
}
