package bot

import (
	"context"
	"errors"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
	"github.com/slack-go/slack"
)

// SendForecastCall DMs a rep their weekly forecast call.
func (p DigestPoster) SendForecastCall(ctx context.Context, c *digest.ForecastCall, key string) error {
	if c == nil || !sales.IsSlackUserID(c.Person.SlackID) {
		return errors.New("bot: forecast call for a person without a Slack id")
	}
	return p.dm(ctx, "forecast-call:"+key, "forecast_call", c.Person.SlackID, blocks.RenderForecastCall(c))
}

// SendForecastRollup DMs a manager the week's forecast roll-up.
func (p DigestPoster) SendForecastRollup(ctx context.Context, r *digest.ForecastRollup, key string) error {
	if r == nil || !sales.IsSlackUserID(r.Manager.SlackID) {
		return errors.New("bot: forecast roll-up for a manager without a Slack id")
	}
	return p.dm(ctx, "forecast-rollup:"+key, "forecast_rollup", r.Manager.SlackID, blocks.RenderForecastRollup(r))
}

// openForecastCall opens the call form from the weekly DM's button,
// prefilled with the amounts the button carries. The submission answers
// on the button's response_url (a DM's works), else by DM.
func (b *Bot) openForecastCall(ctx context.Context, e *envelope, rt *replyTo, cb slack.InteractionCallback, value string) {
	e.mark(ctx)
	if !e.first() {
		e.count("duplicate")
		return
	}
	e.count("handled")
	period, commit, best, ok := blocks.ParseForecastCallValue(value)
	p, err := sales.ParsePeriodKey(period)
	if !ok || err != nil {
		b.deliver(ctx, rt, nil, sales.Errorf(sales.EINVALID, "that button names no period (%q): use /forecast submit <commit> best <best case>", value))
		return
	}
	meta := blocks.ModalMeta{Channel: rt.channel, ResponseURL: cb.ResponseURL, Period: p.Key()}
	if !b.openModal(ctx, cb.TriggerID, blocks.ForecastCallModal(p.Label(), commit, best, meta)) {
		b.deliver(ctx, rt, nil, sales.Errorf(sales.EINVALID, "the form could not open in time; use /forecast submit %s best %s %s", commit, best, p.Key()))
	}
}
