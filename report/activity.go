package report

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// ActivitySource is the store's one activity count (storage.DB has it).
type ActivitySource interface {
	ActivityCounts(ctx context.Context, from, to time.Time) (sales.ActivityCounts, error)
}

// ActivityRow is one group's activity over a window: the default types,
// every activity of any type, and activities per won deal of the group.
type ActivityRow struct {
	Calls, Meetings, Emails, All int
	PerWon                       sales.Num
	// Why is set when the grouping cannot count activities (by stage: an
	// activity belongs to a person, not to a stage); the numbers are then
	// not shown.
	Why string
}

// ActivityRollup counts the activities logged in window w for each row
// of t (made by Rollup with the same by and window), and for its total.
// Activities group by the person who logged them: by owner their own, by
// manager the manager's team (sales.TeamOf, as the funnel rows), by
// territory the person's territory, all for everyone.
func ActivityRollup(ctx context.Context, src Source, acts ActivitySource, t Table, by By, w sales.Window) ([]ActivityRow, ActivityRow, error) {
	var from, to time.Time
	if w.From != 0 {
		from = time.Unix(w.From, 0)
	}
	if w.To != 0 {
		to = time.Unix(w.To, 0)
	}
	counts, err := acts.ActivityCounts(ctx, from, to)
	if err != nil {
		return nil, ActivityRow{}, fmt.Errorf("activity rollup: %w", err)
	}
	people, err := src.People(ctx)
	if err != nil {
		return nil, ActivityRow{}, fmt.Errorf("activity rollup: %w", err)
	}
	sum := func(who func(sales.PersonID) bool, won int64) ActivityRow {
		var r ActivityRow
		for id, byType := range counts {
			if !who(id) {
				continue
			}
			for typ, n := range byType {
				r.All += n
				switch typ {
				case sales.ActivityCall:
					r.Calls += n
				case sales.ActivityMeeting:
					r.Meetings += n
				case sales.ActivityEmail:
					r.Emails += n
				}
			}
		}
		r.PerWon = sales.ActivityPerWon(r.All, won)
		return r
	}
	everyone := func(sales.PersonID) bool { return true }
	total := sum(everyone, t.Total.Funnel.Won)
	rows := make([]ActivityRow, len(t.Rows))
	if by == ByStage {
		why := "activities are counted by person, not by stage"
		for i := range rows {
			rows[i] = ActivityRow{Why: why, PerWon: sales.NumWhy(why)}
		}
		return rows, total, nil
	}
	terr := map[sales.PersonID]sales.TerritoryID{}
	for _, p := range people {
		terr[p.ID] = p.Territory
	}
	for i, r := range t.Rows {
		var who func(sales.PersonID) bool
		switch by {
		case ByOwner:
			id := sales.PersonID(r.ID)
			who = func(p sales.PersonID) bool { return p == id }
		case ByManager:
			team := sales.TeamOf(people, sales.PersonID(r.ID))
			who = func(p sales.PersonID) bool { return team[p] }
		case ByTerritory:
			id := sales.TerritoryID(r.ID)
			who = func(p sales.PersonID) bool { return terr[p] == id }
		default:
			who = everyone
		}
		rows[i] = sum(who, r.Funnel.Won)
	}
	return rows, total, nil
}
