package bot

import (
	"context"
	"time"

	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// zoneRefreshEvery is how often every rep's time zone is read again from
// users.list: nudges and forecast DMs go out at 9:00 in each rep's own
// zone, and a rep who moved (or never typed a command since being
// imported) would otherwise get them at the zone the bot last saw.
const zoneRefreshEvery = 24 * time.Hour

// zoneRefreshDelay is how long after start the first refresh waits, so
// a restart loop does not spend users.list's Tier 2 budget.
const zoneRefreshDelay = 5 * time.Minute

// runZoneRefresh refreshes time zones after zoneRefreshDelay and then
// daily, until ctx ends.
func (b *Bot) runZoneRefresh(ctx context.Context) {
	t := time.NewTimer(zoneRefreshDelay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := b.RefreshZones(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("time zone refresh failed; next try in a day", sales.LogKeyError, redact(err), "updated", n)
		} else if n > 0 {
			b.log.Info("time zones refreshed", "updated", n)
		}
		t.Reset(zoneRefreshEvery)
	}
}

// RefreshZones reads every member from users.list (paged, within its
// tier, sharing the outbox's pacer) and stores each known person's zone
// where Slack's differs. Slack users who are nobody here are left alone:
// people are created when they use the bot or are imported. It returns
// how many zones changed.
func (b *Bot) RefreshZones(ctx context.Context) (int, error) {
	users, err := outbox.ListUsers(ctx, b.api, b.out.Pacer())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range users {
		if u.IsBot || u.Deleted || u.TZ == "" {
			continue
		}
		p, err := b.store.PersonBySlackID(ctx, u.ID)
		if err != nil || p.TZ == u.TZ {
			continue // not someone here (ENOTFOUND), or current
		}
		if _, err := time.LoadLocation(u.TZ); err != nil {
			continue // a zone this binary does not know: keep the old one
		}
		if _, err := b.store.ModifyPerson(ctx, p.ID, func(q *sales.Person) error {
			q.TZ = u.TZ
			return nil
		}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
