package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

func TestContendersAndMilestones(t *testing.T) {
	nov := sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
	env := report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency}
	week := func(from, to int) (time.Time, time.Time) {
		return time.Date(2026, 11, from, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, to, 0, 0, 0, 0, time.UTC)
	}
	tests := []struct {
		name     string
		bobQuota sales.Money // 0: the fixture's 80k
		catMuted bool
		from, to int
		want     string
	}{
		// bob's first wins of November (30k on the 11th, 10k the 13th);
		// cat's 5k on the 14th beats her October 4k: a personal best
		// outranks her first win of the month.
		{"first win and personal best", 0, false, 10, 17, "personal best cat 5000.00 (4000.00), first win bob 30000.00"},
		{"quota reached outranks the first win", 35_000_00, false, 10, 17, "quota reached bob 35000.00, personal best cat 5000.00 (4000.00)"},
		{"quota reached earlier is not this week's", 35_000_00, false, 14, 21, "personal best cat 5000.00 (4000.00)"},
		{"muted people get none", 0, true, 10, 17, "first win bob 30000.00"},
		{"a quiet week has none", 0, false, 1, 8, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			if _, err := f.db.CreateDeal(ctx, sales.Deal{Account: "acct", Owner: f.cat.ID, Stage: 5, Amount: 5_000_00,
				CreatedAt: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), ClosedAt: time.Date(2026, 11, 14, 10, 0, 0, 0, time.UTC)}, f.cat.ID); err != nil {
				t.Fatal(err)
			}
			if tt.bobQuota > 0 {
				if err := f.db.SetQuota(ctx, sales.Quota{Scope: sales.ScopeRep, Subject: uint64(f.bob.ID), Period: nov, Amount: tt.bobQuota}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.catMuted {
				if _, err := f.db.ModifyPerson(ctx, f.cat.ID, func(p *sales.Person) error { p.CelebrationsOff = true; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			cs, err := report.Contenders(ctx, f.db, nov, env, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				var want sales.Contender
				switch c.Person {
				case f.bob.ID:
					want = sales.Contender{Won: 40_000_00, Deals: 2, HasQuota: true}
				case f.cat.ID:
					want = sales.Contender{Won: 5_000_00, Deals: 1, HasQuota: true, Muted: tt.catMuted}
				case f.ann.ID:
					want = sales.Contender{}
				}
				if c.Won != want.Won || c.Deals != want.Deals || c.HasQuota != want.HasQuota || c.Muted != want.Muted {
					t.Errorf("%s: %+v", c.Name, c)
				}
			}
			from, to := week(tt.from, tt.to)
			ms, err := report.Milestones(ctx, f.db, nov, from, to, env, cs, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				kind := map[sales.MilestoneKind]string{sales.MilestoneFirstWin: "first win", sales.MilestonePersonalBest: "personal best", sales.MilestoneQuotaReached: "quota reached"}[m.Kind]
				s := fmt.Sprintf("%s %s %s", kind, m.Name, sales.DefaultCurrency.Plain(m.Amount))
				if m.Kind == sales.MilestonePersonalBest {
					s += " (" + sales.DefaultCurrency.Plain(m.Before) + ")"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, ", "); g != tt.want {
				t.Errorf("milestones %q, want %q", g, tt.want)
			}
		})
	}
}
