package blocks_test

import (
	"fmt"
	"testing"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// homeWithNextSteps is the full manager Home tab plus nine next steps (two
// overdue, one undated, one not editable, one hostile), more than the tab
// lists: it must summarise and stay within 100 blocks.
func homeWithNextSteps(home *commands.HomeView, deals []commands.DealCard) *commands.HomeView {
	h := *home
	for i := 0; i < 9; i++ {
		c := deals[i]
		c.Deal.NextStep = fmt.Sprintf("send proposal v%d", i)
		if i == 3 {
			c.Deal.NextStep = hostile
		}
		if i != 8 {
			c.Deal.NextDue = sales.MakeDate(2026, 11, 20+2*i)
		}
		c.NextOverdue = i < 2
		c.CanEdit = i != 4
		if len(h.NextSteps) < commands.HomeNextSteps {
			h.NextSteps = append(h.NextSteps, c)
		}
	}
	h.NextStepCount, h.NextOverdueCount = 9, 2
	return &h
}

func TestHomeNextStepsWithinLimits(t *testing.T) {
	var many []commands.DealCard
	for i := 1; i <= 60; i++ {
		many = append(many, card(i, fmt.Sprintf("Account %d", i), sales.StageOpen, true))
	}
	h := homeWithNextSteps(&commands.HomeView{Name: "ann", Currency: usd, Goal: commands.GoalView{Progress: progress(0, 0, 0)},
		ByStage: []commands.StageDeals{{Stage: "Proposal", Deals: many, Count: len(many)}}, Stale: many, Overdue: many}, many)
	v := blocks.RenderHome(h, blocks.RenderOptions{Currency: usd})
	if n := len(v.Blocks.BlockSet); n > blocks.MaxViewBlocks {
		t.Fatalf("%d blocks", n)
	}
	found := 0
	for _, b := range v.Blocks.BlockSet {
		switch b.ID() {
		case "home.next.title", "home.next.more", "home.next.act:D-1":
			found++
		}
	}
	if found != 3 {
		t.Fatalf("next steps title, buttons or summary missing (%d of 3)", found)
	}
}
