package storage_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

func TestActivityGoalsStoreAndReopen(t *testing.T) {
	ctx := context.Background()
	db, clk := openClock(t)
	alice, bob, _ := team(t, db)
	w49 := sales.Period{Kind: sales.Week, Year: 2026, Index: 49}
	w51 := sales.Period{Kind: sales.Week, Year: 2026, Index: 51}
	goals := []sales.ActivityGoal{
		{Person: alice.ID, Type: "call", Kind: sales.Week, From: w49, Recurs: true, Target: 40, SetBy: bob.ID},
		{Person: alice.ID, Type: "call", Kind: sales.Week, From: w51, Recurs: true, Target: 50, SetBy: bob.ID},
		{Person: alice.ID, Type: "call", Kind: sales.Week, From: sales.Period{Kind: sales.Week, Year: 2026, Index: 52}, Target: 10, SetBy: bob.ID},
		{Person: alice.ID, Type: "", Kind: sales.Week, From: w49, Recurs: true, Target: 60, SetBy: bob.ID},
		{Person: bob.ID, Team: true, Type: "meeting", Kind: sales.Month, From: sales.Period{Kind: sales.Month, Year: 2026, Index: 12}, Recurs: true, Target: 30, SetBy: bob.ID},
	}
	for _, g := range goals {
		if err := db.SetActivityGoal(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	// Setting the same subject, type and start again replaces the target.
	goals[0].Target = 45
	if err := db.SetActivityGoal(ctx, goals[0]); err != nil {
		t.Fatal(err)
	}
	db = storagetest.Reopen(t, db, storage.Options{Clock: clk})
	got, err := db.ActivityGoals(ctx, alice.ID, false, sales.Week)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("alice's weekly goals: %d, want 4: %+v", len(got), got)
	}
	byType := func(typ string) []sales.ActivityGoal {
		var out []sales.ActivityGoal
		for _, g := range got {
			if g.Type == typ {
				out = append(out, g)
			}
		}
		return out
	}
	calls := byType("call")
	for _, c := range []struct {
		week int
		want int
	}{{48, 0}, {49, 45}, {50, 45}, {51, 50}, {52, 10}, {53, 50}} {
		p := sales.Period{Kind: sales.Week, Year: 2026, Index: c.week}
		g, ok := sales.GoalFor(calls, p)
		if c.want == 0 {
			if ok {
				t.Errorf("week %d: goal %d, want none", c.week, g.Target)
			}
			continue
		}
		if !ok || g.Target != c.want {
			t.Errorf("week %d: goal %d (%v), want %d", c.week, g.Target, ok, c.want)
		}
	}
	if all := byType(""); len(all) != 1 || all[0].Target != 60 || all[0].SetBy != bob.ID || all[0].SetAt.IsZero() {
		t.Fatalf("the all-activities goal: %+v", all)
	}
	team, err := db.ActivityGoals(ctx, bob.ID, true, sales.Month)
	if err != nil || len(team) != 1 || !reflect.DeepEqual(team[0].From, goals[4].From) || !team[0].Team {
		t.Fatalf("bob's team goals: %+v, %v", team, err)
	}
	every, err := db.AllActivityGoals(ctx)
	if err != nil || len(every) != 5 {
		t.Fatalf("all goals: %d, %v", len(every), err)
	}
}

func TestActivityGoalRefusals(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	alice, _, _ := team(t, db)
	w := sales.Period{Kind: sales.Week, Year: 2026, Index: 49}
	for _, c := range []struct {
		name string
		g    sales.ActivityGoal
		code string
	}{
		{"zero", sales.ActivityGoal{Person: alice.ID, Type: "call", Kind: sales.Week, From: w, Target: 0}, sales.EINVALID},
		{"negative", sales.ActivityGoal{Person: alice.ID, Type: "call", Kind: sales.Week, From: w, Target: -5}, sales.EINVALID},
		{"quarter", sales.ActivityGoal{Person: alice.ID, Type: "call", Kind: sales.Quarter, From: sales.Period{Kind: sales.Quarter, Year: 2026, Index: 4}, Target: 5}, sales.EINVALID},
		{"kind mismatch", sales.ActivityGoal{Person: alice.ID, Type: "call", Kind: sales.Month, From: w, Target: 5}, sales.EINVALID},
		{"unknown person", sales.ActivityGoal{Person: 999, Type: "call", Kind: sales.Week, From: w, Target: 5}, sales.ENOTFOUND},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, db.SetActivityGoal(ctx, c.g), c.code, "")
		})
	}
	if all, err := db.AllActivityGoals(ctx); err != nil || len(all) != 0 {
		t.Fatalf("refused goals were stored: %+v, %v", all, err)
	}
}
