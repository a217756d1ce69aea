package digest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// The digest's leaderboard is /leaderboard won for the digest's period:
// the same people, ranks and numbers, for every fixture (with quotas,
// without, 500 reps with ties) and for a manager who carries a quota.
func TestDigestLeaderboardIsLeaderboardWon(t *testing.T) {
	ctx := context.Background()
	for _, fx := range digesttest.Fixtures {
		for _, managerQuota := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/manager quota %v", fx.Name, managerQuota), func(t *testing.T) {
				s, db, clock := digesttest.Setup(t, fx, nil)
				if managerQuota {
					people, err := db.People(ctx)
					if err != nil {
						t.Fatal(err)
					}
					for _, p := range people {
						if p.Role == sales.RoleManager {
							if err := db.SetQuota(ctx, sales.Quota{Scope: sales.ScopeRep, Subject: uint64(p.ID), Period: sales.PeriodOf(sales.Month, clock.Now(), time.UTC), Amount: 100}); err != nil {
								t.Fatal(err)
							}
						}
					}
				}
				d, err := s.Build(ctx)
				if err != nil {
					t.Fatal(err)
				}
				b, cs, err := report.Leaderboard(ctx, db, d.Period, sales.BoardWon, report.Env{Now: clock.Now(), Loc: time.UTC, Cur: sales.DefaultCurrency}, nil)
				if err != nil {
					t.Fatal(err)
				}
				top, tied := b.Top(digest.LeaderboardSize)
				if len(top) != len(d.Leaderboard) || tied != d.LeaderboardTied {
					t.Fatalf("digest lists %d (+%d tied), /leaderboard won %d (+%d)", len(d.Leaderboard), d.LeaderboardTied, len(top), tied)
				}
				for i, w := range top {
					g := d.Leaderboard[i]
					if g.Person != w.Person || g.Rank != w.Rank || g.Won != w.Won || g.Deals != w.Deals || g.Name != w.Name {
						t.Errorf("#%d: digest %d %s %d/%d, /leaderboard %d %s %d/%d", i, g.Rank, g.Name, g.Won, g.Deals, w.Rank, w.Name, w.Won, w.Deals)
					}
				}
				won := 0
				for _, c := range cs {
					if c.Won > 0 && (c.Role == sales.RoleRep || c.HasQuota) {
						won++
					}
				}
				if won != len(b.Ranked) {
					t.Errorf("%d people won in %s, %d ranked", won, d.Period.Label(), len(b.Ranked))
				}
			})
		}
	}
}
