package commands

import (
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// LeaderboardTop is how many standings a /leaderboard reply lists (the
// caller's own place is always added): a message stays well inside Block
// Kit's limits however many reps there are.
const LeaderboardTop = 10

// LeaderboardView is /leaderboard: the whole ranking and the caller's
// place in it. Renderers list Board.Top(LeaderboardTop).
type LeaderboardView struct {
	Board    sales.Board
	Currency sales.Currency
	// You is the caller's standing; nil when not ranked, and YouWhy then
	// says why ("no wins in December 2026 yet").
	You    *sales.Standing
	YouWhy string
	// NoQuotaAnywhere is set for attainment when nobody has a quota for
	// the period, so the reply says how to set one instead of "nobody".
	NoQuotaAnywhere bool
}

func boardModeList() string {
	var ms []string
	for _, m := range sales.BoardModes {
		ms = append(ms, m.String())
	}
	return strings.Join(ms, ", ")
}

// leaderboard ranks everyone through report.Leaderboard, the ranking the
// digest's leaderboard uses. The period is the one given, else the
// current month; for attainment, else the first of month, quarter, year
// for which anyone has a quota (the contract's default for attainment).
func (r *run) leaderboard(c Cmd) (*Result, error) {
	mode := sales.BoardWon
	if c.HasBoard {
		mode = c.Board
	}
	env := report.Env{Now: r.now, Loc: r.loc, Cur: r.cur}
	var cs []sales.Contender
	var read sales.Period // the period cs holds
	load := func(q sales.Period) error {
		var err error
		if mode == sales.BoardActivities {
			var counts sales.ActivityCounts
			if counts, err = r.store.ActivityCounts(r.ctx, q.Start(r.loc), q.End(r.loc)); err == nil {
				cs, err = report.ActivityContenders(r.ctx, r.store, q, counts)
			}
		} else {
			cs, err = report.Contenders(r.ctx, r.store, q, env, nil)
		}
		read = q
		return err
	}
	p := c.Period
	if p.Kind == 0 {
		p = sales.PeriodOf(sales.Month, r.now, r.loc)
		if mode == sales.BoardAttainment {
			var err error
			p, _ = sales.DefaultQuotaPeriod(r.now, r.loc, func(q sales.Period) bool {
				if err == nil {
					err = load(q)
				}
				return err == nil && anyQuota(cs)
			})
			if err != nil {
				return nil, err
			}
		}
	}
	if read != p {
		if err := load(p); err != nil {
			return nil, err
		}
	}
	v := &LeaderboardView{Board: sales.RankBoard(cs, mode, p), Currency: r.cur}
	v.NoQuotaAnywhere = mode == sales.BoardAttainment && !anyQuota(cs)
	me := r.actor.Person.ID
	if s, ok := v.Board.Find(me); ok && me != 0 {
		v.You = &s
	} else {
		v.YouWhy = "you have not used salesbot yet"
		for _, x := range cs {
			if x.Person == me {
				_, v.YouWhy = sales.Eligible(x, mode, p)
			}
		}
	}
	title := "Leaderboard · " + p.Label() + " · " + mode.String()
	return &Result{Kind: KindLeaderboard, Title: title, Leaderboard: v}, nil
}

func anyQuota(cs []sales.Contender) bool {
	for _, x := range cs {
		if x.HasQuota {
			return true
		}
	}
	return false
}

// setCelebrations mutes or unmutes recognition of the actor: with it off
// a win is still announced in the wins channel (the team's record stays
// whole and agrees with the leaderboard) but by name only, with no
// mention, reaction or milestone, and the weekly standings leave them
// out of their milestones.
func (r *run) setCelebrations(c Cmd) (*Result, error) {
	if _, err := r.store.ModifyPerson(r.ctx, r.actor.Person.ID, func(p *sales.Person) error {
		p.CelebrationsOff = !c.On
		return nil
	}); err != nil {
		return nil, fmt.Errorf("celebrations: %w", err)
	}
	if c.On {
		return msg("Celebrations on", "Logged: your wins are celebrated in the wins channel, with a mention and any milestone. Turn it off with /salesbot celebrations off."), nil
	}
	return msg("Celebrations off", "Logged: your wins are announced by name only: no mention, reaction or milestone. Turn it back on with /salesbot celebrations on."), nil
}
