package sales_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

func TestRankBoard(t *testing.T) {
	dec := sales.Period{Kind: sales.Month, Year: 2026, Index: 12}
	rep := func(id int, name string, won sales.Money, deals int64) sales.Contender {
		return sales.Contender{Person: sales.PersonID(id), Name: name, Won: won, Deals: deals}
	}
	quota := func(c sales.Contender, q sales.Money) sales.Contender {
		c.Quota, c.HasQuota = q, true
		return c
	}
	manager := func(c sales.Contender) sales.Contender { c.Role = sales.RoleManager; return c }
	admin := func(c sales.Contender) sales.Contender { c.Role = sales.RoleAdmin; return c }
	acts := func(c sales.Contender, n int64) sales.Contender { c.Activities = n; return c }

	tests := []struct {
		name    string
		in      []sales.Contender
		mode    sales.BoardMode
		want    string // "rank name" joined by ", "
		noQuota int
	}{
		{"won, best first", []sales.Contender{rep(1, "ann", 100, 1), rep(2, "bob", 300, 1), rep(3, "cy", 200, 4)},
			sales.BoardWon, "1 bob, 2 cy, 3 ann", 0},
		{"won ties share a rank and the next skips", []sales.Contender{rep(1, "ann", 100, 1), rep(2, "bob", 300, 1), rep(3, "cy", 300, 2), rep(4, "dee", 50, 1)},
			sales.BoardWon, "1 cy, 1 bob, 3 ann, 4 dee", 0},
		{"won tie order by name when deals tie too", []sales.Contender{rep(2, "Zed", 300, 1), rep(1, "amy", 300, 1)},
			sales.BoardWon, "1 amy, 1 Zed", 0},
		{"nobody with nothing won", []sales.Contender{rep(1, "ann", 0, 0), rep(2, "bob", 10, 1)},
			sales.BoardWon, "1 bob", 0},
		{"deals", []sales.Contender{rep(1, "ann", 900, 1), rep(2, "bob", 300, 3), rep(3, "cy", 100, 3)},
			sales.BoardDeals, "1 bob, 1 cy, 3 ann", 0},
		{"attainment ranks only reps with a quota", []sales.Contender{quota(rep(1, "ann", 50, 1), 100), rep(2, "bob", 900, 3), quota(rep(3, "cy", 90, 2), 100)},
			sales.BoardAttainment, "1 cy, 2 ann", 1},
		{"attainment ties exactly (1/3 = 2/6)", []sales.Contender{quota(rep(1, "ann", 1, 1), 3), quota(rep(2, "bob", 2, 1), 6), quota(rep(3, "cy", 1, 1), 4)},
			sales.BoardAttainment, "1 bob, 1 ann, 3 cy", 0},
		{"attainment with a quota but no wins is not ranked", []sales.Contender{quota(rep(1, "ann", 0, 0), 100), quota(rep(2, "bob", 5, 1), 100)},
			sales.BoardAttainment, "1 bob", 0},
		{"attainment does not overflow on huge amounts", []sales.Contender{quota(rep(1, "ann", 1<<62, 1), 1<<62), quota(rep(2, "bob", 1<<61, 1), 1<<62)},
			sales.BoardAttainment, "1 ann, 2 bob", 0},
		{"a manager without a quota is not ranked", []sales.Contender{manager(rep(1, "mia", 999, 9)), rep(2, "bob", 10, 1)},
			sales.BoardWon, "1 bob", 0},
		{"an admin without a quota is not ranked", []sales.Contender{admin(rep(1, "ada", 999, 9)), rep(2, "bob", 10, 1)},
			sales.BoardDeals, "1 bob", 0},
		{"a manager with a quota is ranked", []sales.Contender{quota(manager(rep(1, "mia", 999, 9)), 2000), rep(2, "bob", 10, 1)},
			sales.BoardWon, "1 mia, 2 bob", 0},
		{"a manager without a quota is not counted as missing one", []sales.Contender{manager(rep(1, "mia", 999, 9))},
			sales.BoardAttainment, "", 0},
		{"activities", []sales.Contender{acts(rep(1, "ann", 0, 0), 4), acts(rep(2, "bob", 0, 0), 9), acts(rep(3, "cy", 0, 0), 4), rep(4, "dee", 50, 1)},
			sales.BoardActivities, "1 bob, 2 ann, 2 cy", 0},
	}
	for _, tt := range tests {
		b := sales.RankBoard(tt.in, tt.mode, dec)
		var got []string
		for _, s := range b.Ranked {
			got = append(got, fmt.Sprintf("%d %s", s.Rank, s.Name))
		}
		if g := strings.Join(got, ", "); g != tt.want || b.NoQuota != tt.noQuota {
			t.Errorf("%s: %q (no quota %d), want %q (%d)", tt.name, g, b.NoQuota, tt.want, tt.noQuota)
		}
	}
}

func TestBoardTop(t *testing.T) {
	var cs []sales.Contender
	for i, won := range []sales.Money{90, 80, 70, 70, 70, 60} {
		cs = append(cs, sales.Contender{Person: sales.PersonID(i + 1), Name: fmt.Sprint("p", i), Won: won, Deals: 1})
	}
	b := sales.RankBoard(cs, sales.BoardWon, sales.Period{Kind: sales.Month, Year: 2026, Index: 12})
	for _, tt := range []struct{ n, shown, more int }{{2, 2, 0}, {3, 3, 2}, {4, 4, 1}, {5, 5, 0}, {10, 6, 0}} {
		top, more := b.Top(tt.n)
		if len(top) != tt.shown || more != tt.more {
			t.Errorf("Top(%d): %d shown, %d more tied; want %d, %d", tt.n, len(top), more, tt.shown, tt.more)
		}
	}
	if s, ok := b.Find(5); !ok || s.Rank != 3 {
		t.Errorf("Find(5) = %+v %v, want rank 3", s, ok)
	}
	if _, ok := b.Find(99); ok {
		t.Error("Find(99) found someone")
	}
}

func TestParseBoardMode(t *testing.T) {
	for _, m := range sales.BoardModes {
		if got, ok := sales.ParseBoardMode(strings.ToUpper(m.String())); !ok || got != m {
			t.Errorf("ParseBoardMode(%q) = %v, %v", m, got, ok)
		}
	}
	for _, s := range []string{"", "calls", "2026-Q4"} {
		if _, ok := sales.ParseBoardMode(s); ok {
			t.Errorf("ParseBoardMode(%q) accepted", s)
		}
	}
}
