package sales_test

import (
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func TestStale(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	proposal := sales.Stage{ID: 3, Name: "Proposal", Kind: sales.StageOpen, StaleDays: 14}
	won := sales.Stage{ID: 5, Name: "Won", Kind: sales.StageWon}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, la)
	daysAgo := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	tests := []struct {
		name  string
		deal  sales.Deal
		stage sales.Stage
		stale bool
		text  string
	}{
		{"14 days with limit 14 is not stale", sales.Deal{StageEnteredAt: daysAgo(14)}, proposal, false, "14 days in Proposal (limit 14)"},
		{"15 days is", sales.Deal{StageEnteredAt: daysAgo(15)}, proposal, true, "15 days in Proposal (limit 14)"},
		{"a note yesterday does not reset it", sales.Deal{StageEnteredAt: daysAgo(20), UpdatedAt: daysAgo(1)}, proposal, true, "20 days in Proposal (limit 14)"},
		{"snoozed", sales.Deal{StageEnteredAt: daysAgo(20), SnoozedUntil: now.Add(time.Hour)}, proposal, false, "20 days in Proposal (limit 14)"},
		{"snooze over", sales.Deal{StageEnteredAt: daysAgo(20), SnoozedUntil: now}, proposal, true, "20 days in Proposal (limit 14)"},
		{"imported without stage time: created", sales.Deal{CreatedAt: time.Date(2017, 3, 1, 12, 0, 0, 0, time.UTC), UpdatedAt: now}, proposal, true, "3561 days in Proposal (limit 14)"},
		{"closed deals are never stale", sales.Deal{StageEnteredAt: daysAgo(99)}, won, false, "99 days in Won (limit 14)"},
		{"no dates at all", sales.Deal{}, proposal, false, "0 days in Proposal (limit 14)"},
		// 8 March 2026 is 23 hours long in LA: 14 calendar days are 335 hours.
		{"across the DST start", sales.Deal{StageEnteredAt: time.Date(2026, 3, 1, 10, 0, 0, 0, la)}, sales.Stage{Name: "Qualified", StaleDays: 13}, true, "14 days in Qualified (limit 13)"},
	}
	for _, tt := range tests {
		at := now
		if tt.name == "across the DST start" {
			at = time.Date(2026, 3, 15, 9, 0, 0, 0, la)
		}
		s := sales.StaleOf(tt.deal, tt.stage, at, la)
		if s.Stale != tt.stale || s.String() != tt.text || sales.IsStale(tt.deal, tt.stage, at, la) != tt.stale {
			t.Errorf("%s: %+v %q", tt.name, s, s.String())
		}
	}
}

func TestOverdue(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	now := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC) // 30 Nov 21:00 in LA
	tests := []struct {
		name    string
		kind    sales.StageKind
		close   string
		snoozed time.Time
		loc     *time.Location
		want    bool
	}{
		{"yesterday in UTC", sales.StageOpen, "2026-11-30", time.Time{}, time.UTC, true},
		{"today in LA", sales.StageOpen, "2026-11-30", time.Time{}, la, false},
		{"yesterday in LA", sales.StageOpen, "2026-11-29", time.Time{}, la, true},
		{"snoozed", sales.StageOpen, "2026-11-29", now.Add(time.Hour), la, false},
		{"won", sales.StageWon, "2026-11-29", time.Time{}, la, false},
		{"no close date", sales.StageOpen, "", time.Time{}, la, false},
		{"leap day, the day after", sales.StageOpen, "2028-02-29", time.Time{}, time.UTC, false},
	}
	for _, tt := range tests {
		var cd sales.Date
		if tt.close != "" {
			cd = date(t, tt.close)
		}
		at := now
		if tt.name == "leap day, the day after" {
			at = time.Date(2028, 2, 29, 23, 59, 0, 0, time.UTC)
		}
		if got := sales.IsOverdue(tt.kind, cd, tt.snoozed, at, tt.loc); got != tt.want {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
}

func TestGoneQuiet(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	created := now.AddDate(0, -2, 0)
	tests := []struct {
		name string
		kind sales.StageKind
		last time.Time
		days int
		want bool
	}{
		{"13 days", sales.StageOpen, now.AddDate(0, 0, -13), 0, false},
		{"14 days", sales.StageOpen, now.AddDate(0, 0, -14), 0, true},
		{"configured 30", sales.StageOpen, now.AddDate(0, 0, -20), 30, false},
		{"never any activity: from created", sales.StageOpen, time.Time{}, 0, true},
		{"won", sales.StageWon, time.Time{}, 0, false},
	}
	for _, tt := range tests {
		if got := sales.GoneQuiet(tt.kind, tt.last, created, now, time.UTC, tt.days); got != tt.want {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
}

func TestValidateWon(t *testing.T) {
	if err := sales.ValidateWon(sales.Deal{ID: 1, Amount: 1}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []sales.Deal{{ID: 1}, {ID: 1, Amount: -5}, {Account: "Acme"}} {
		err := sales.ValidateWon(d)
		if sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("%+v: %v", d, err)
		}
	}
	if msg := sales.ErrorMessage(sales.ValidateWon(sales.Deal{ID: 1})); msg != "D-1 needs an amount greater than zero to be won: give it, e.g. /deal won D-1 12k" {
		t.Errorf("message %q", msg)
	}
}
