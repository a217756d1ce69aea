package digest

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// CoachGoneQuiet is an open deal with no activity for the quiet days.
const CoachGoneQuiet CoachKind = "gone_quiet"

// activityStore is what gone quiet needs beyond Store; a store without
// activities (an old fake) simply finds no deal quiet.
type activityStore interface {
	LastActivities(ctx context.Context, deals []sales.DealID) (map[sales.DealID]time.Time, error)
	ActivityConfig(ctx context.Context) (sales.ActivityConfig, error)
}

// quietness decides gone quiet for the deals of one build. Contract:
// "gone quiet: an open deal with no activity (call, meeting, email, note)
// for 14 days (configurable)" — measured from the last activity, else from
// created (sales.GoneQuiet); snoozed deals are not listed.
type quietness struct {
	last map[sales.DealID]time.Time
	days int
	now  time.Time
	loc  *time.Location
}

func (s *Service) quietness(ctx context.Context, now time.Time, loc *time.Location) (*quietness, error) {
	q := &quietness{now: now, loc: loc, days: sales.DefaultQuietDays}
	as, ok := s.store.(activityStore)
	if !ok {
		return nil, nil
	}
	cfg, err := as.ActivityConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest: activity config: %w", err)
	}
	q.days = cfg.Quiet()
	if q.last, err = as.LastActivities(ctx, nil); err != nil {
		return nil, fmt.Errorf("digest: last activities: %w", err)
	}
	return q, nil
}

// of says whether the open deal f has gone quiet, and for how many days.
func (q *quietness) of(f *sales.Facts, kind sales.StageKind) (int, bool) {
	if q == nil || f.SnoozedUntil > q.now.Unix() {
		return 0, false
	}
	created := time.Unix(f.Created, 0)
	if f.Created == 0 { // imported without a created date: known since its stage entry
		created = time.Unix(f.StageEntered, 0)
	}
	last := q.last[f.ID]
	if !sales.GoneQuiet(kind, last, created, q.now, q.loc, q.days) {
		return 0, false
	}
	from := last
	if from.IsZero() {
		from = created
	}
	return sales.DateIn(from, q.loc).DaysUntil(sales.DateIn(q.now, q.loc)), true
}

// goneQuiet turns a scope's quiet deals (largest first) into coaching.
func (b *builder) goneQuiet(a *scopeAcc) ([]Coaching, error) {
	var out []Coaching
	for i, c := range a.quiet.items {
		co := Coaching{Kind: CoachGoneQuiet, RepID: c.owner, Rep: b.name(c.owner), Deal: c.id}
		account := c.id.String()
		if i < CoachingSize {
			dl, err := b.deal(c.id)
			if err != nil {
				return nil, err
			}
			account = dl.Account
		}
		co.Problem = fmt.Sprintf("%s (%s, %s, %s) has had no call, meeting, email or note for %d days.",
			account, c.id, b.stages.Name(c.stage), b.s.cur.Abbrev(c.amount), c.days)
		co.Next = fmt.Sprintf("Ask %s to call the buyer this week and log it (/deal call %s); if nobody answers, mark it lost so the forecast stays honest.", co.Rep, c.id)
		out = append(out, co)
	}
	return out, nil
}
