package digest

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// JobStandings is the weekly standings post in the wins channel
// (SALESBOT_LEADERBOARD_SCHEDULE); one job, in the team's zone.
const JobStandings = "standings"

// Standings is the weekly standings post: the period's leaderboard by won
// value (sales.RankBoard, as /leaderboard won and the digest rank) and
// the week's milestones. Strings hold raw user text.
type Standings struct {
	Channel    string
	Title      string // "Weekly standings · December 2026"
	Board      sales.Board
	Milestones []sales.Milestone // one a person, most notable first
	From, To   time.Time         // the week the milestones cover
	Currency   sales.Currency
	Final      bool // the period is over: its final standings
}

// StandingsAt builds the standings a slot at `at` posts: for the month
// the day before `at` falls in (so a Monday 1st posts the month just
// ended, final), with the milestones of the seven days before `at`
// (a streak counts the weeks completed by `at`).
func (s *Service) StandingsAt(ctx context.Context, at time.Time) (*Standings, error) {
	now := s.now()
	p := sales.PeriodOf(sales.Month, at.In(s.loc).AddDate(0, 0, -1), s.loc)
	env := report.Env{Now: now, Loc: s.loc, Cur: s.cur}
	board, cs, err := report.Leaderboard(ctx, s.store, p, sales.BoardWon, env, nil)
	if err != nil {
		return nil, fmt.Errorf("standings: %w", err)
	}
	from := at.AddDate(0, 0, -7)
	// Streaks as of the slot; a store without activity goals has none.
	var streaks map[sales.PersonID]sales.Streak
	if src, ok := s.store.(report.StreaksSource); ok {
		if streaks, err = report.Streaks(ctx, src, at, s.loc); err != nil {
			return nil, fmt.Errorf("standings: %w", err)
		}
	}
	ms, err := report.Milestones(ctx, s.store, p, from, at, env, cs, streaks)
	if err != nil {
		return nil, fmt.Errorf("standings: %w", err)
	}
	st := &Standings{Channel: s.winsChan, Board: board, Milestones: ms, From: from, To: at, Currency: s.cur,
		Final: !p.End(s.loc).After(at)}
	st.Title = "Weekly standings · " + p.Label()
	if st.Final {
		st.Title = "Final standings · " + p.Label()
	}
	return st, nil
}

// standingsSlot posts the standings once per slot: the outbox dedupes
// the slot's key, and runSlot claims the slot after it is queued. An
// empty board (nobody has won yet) posts nothing: no noise.
func (s *Service) standingsSlot(ctx context.Context, slot time.Time) error {
	if s.winsChan == "" {
		s.log.InfoContext(ctx, "scheduler: standings skipped: no wins channel", sales.LogKeySlot, slot)
		return nil
	}
	st, err := s.StandingsAt(ctx, slot)
	if err != nil {
		return err
	}
	if len(st.Board.Ranked) == 0 {
		s.log.InfoContext(ctx, "scheduler: standings skipped: nobody has won yet", sales.LogKeySlot, slot)
		return nil
	}
	key := JobStandings + "/" + slot.UTC().Format(time.RFC3339)
	if err := s.poster.PostStandings(ctx, s.winsChan, st, key); err != nil {
		return fmt.Errorf("post standings %s: %w", key, err)
	}
	return nil
}
