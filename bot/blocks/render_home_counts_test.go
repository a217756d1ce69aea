package blocks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// The Home tab's counts are of all the user's deals, not of the capped
// lists it shows (at most HomeStaleDeals, HomeOverdueDeals and
// HomeDealsPerStage): "Needs attention · 7 overdue · 9 stale" with five
// of each listed, and a stage's count beside its total.
func TestHomeCountsAreNotTheCappedLists(t *testing.T) {
	cards := func(from, n int) []commands.DealCard {
		var out []commands.DealCard
		for i := from; i < from+n; i++ {
			out = append(out, card(i, fmt.Sprintf("Account %d", i), sales.StageOpen, false))
		}
		return out
	}
	for _, tc := range []struct {
		name                  string
		overdue, stale, stage int // counts
		shownO, shownS        int
		shownStage            int
		want, wantNot         []string
	}{
		{name: "capped", overdue: 7, stale: 9, stage: 12, shownO: 5, shownS: 5, shownStage: 8,
			want: []string{"*Needs attention* · 7 overdue · 9 stale", "*Proposal* · 12 · ", "… and 4 more in Proposal", "… more deals need attention"}},
		{name: "all shown", overdue: 2, stale: 3, stage: 4, shownO: 2, shownS: 3, shownStage: 4,
			want: []string{"*Needs attention* · 2 overdue · 3 stale", "*Proposal* · 4 · "}, wantNot: []string{"more in Proposal", "more deals need attention"}},
		{name: "no counts set", shownO: 2, shownS: 1, shownStage: 3,
			want: []string{"*Needs attention* · 2 overdue · 1 stale", "*Proposal* · 3 · "}, wantNot: []string{"more in Proposal", "more deals need attention"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &commands.HomeView{Name: "ann", Currency: usd, Goal: commands.GoalView{Progress: progress(0, 0, 0)},
				ByStage: []commands.StageDeals{{Stage: "Proposal", Deals: cards(100, tc.shownStage), Count: tc.stage, Total: 1234500}},
				Overdue: cards(1, tc.shownO), Stale: cards(50, tc.shownS),
				StaleCount: tc.stale, OverdueCount: tc.overdue}
			all := strings.Join(mrkdwnTexts(t, blocks.RenderHome(h, blocks.RenderOptions{Currency: usd})), "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("missing %q in\n%s", w, all)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(all, w) {
					t.Errorf("unexpected %q in\n%s", w, all)
				}
			}
		})
	}
}
