package sales_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

func TestValidateNextStep(t *testing.T) {
	today := sales.MakeDate(2026, 12, 3)
	for _, tc := range []struct {
		name, text string
		due        sales.Date
		want       string // "" = valid; else a part of the message
	}{
		{"text and due today", "send proposal", today, ""},
		{"no due date", "call the CFO", sales.Date{}, ""},
		{"due later", "demo", today.AddDays(30), ""},
		{"empty", "", today, "empty"},
		{"blank", "   ", sales.Date{}, "empty"},
		{"due yesterday", "send proposal", today.AddDays(-1), "in the past"},
		{"too long", strings.Repeat("x", sales.MaxNextStep+1), sales.Date{}, "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sales.ValidateNextStep(tc.text, tc.due, today)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("error %v, want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || sales.ErrorCode(err) != sales.EINVALID):
				t.Fatalf("error %v, want EINVALID with %q", err, tc.want)
			}
		})
	}
}

func TestNextStepRules(t *testing.T) {
	today := sales.MakeDate(2026, 12, 3)
	for _, tc := range []struct {
		name string
		due  sales.Date
		push sales.Date // due after pushing a week
	}{
		{"due later: a week after it", today.AddDays(3), today.AddDays(10)},
		{"overdue: a week from today", today.AddDays(-5), today.AddDays(7)},
		{"no date: a week from today", sales.Date{}, today.AddDays(7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sales.PushNextDue(tc.due, today, 7); got != tc.push {
				t.Fatalf("PushNextDue = %v, want %v", got, tc.push)
			}
		})
	}
	over := sales.Deal{NextStep: "x", NextDue: today.AddDays(-1)}
	if !sales.NextStepOverdue(over, today) || sales.NextStepOverdue(sales.Deal{NextStep: "x", NextDue: today}, today) ||
		sales.NextStepOverdue(sales.Deal{NextStep: "x"}, today) {
		t.Fatal("NextStepOverdue: only a step due before today is overdue")
	}
}

func TestLateStage(t *testing.T) {
	def := sales.DefaultStages()
	renamed := sales.DefaultStages()
	for i := range renamed.Stages {
		renamed.Stages[i].Name = "S" + renamed.Stages[i].Name // no stage is called Proposal
	}
	byName := func(ss sales.StageSet, name string) sales.StageID {
		for _, s := range ss.Stages {
			if strings.EqualFold(s.Name, name) {
				return s.ID
			}
		}
		t.Fatalf("no stage %s", name)
		return 0
	}
	for _, tc := range []struct {
		ss    sales.StageSet
		stage string
		late  bool
	}{
		{def, "Prospecting", false}, {def, "Qualified", false}, {def, "Proposal", true}, {def, "Negotiation", true},
		{def, "Won", false}, {def, "Lost", false},
		{renamed, "SQualified", false}, {renamed, "SProposal", true}, {renamed, "SNegotiation", true},
	} {
		if got := tc.ss.LateStage(byName(tc.ss, tc.stage)); got != tc.late {
			t.Errorf("LateStage(%s) = %v, want %v", tc.stage, got, tc.late)
		}
	}
	d := sales.Deal{Stage: byName(def, "Negotiation")}
	if !sales.NeedsNextStep(d, def) {
		t.Error("an open Negotiation deal with no next step needs one")
	}
	d.NextStep = "legal review"
	if sales.NeedsNextStep(d, def) {
		t.Error("a deal with a next step needs none")
	}
}
