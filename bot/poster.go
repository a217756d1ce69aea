package bot

import (
	"context"
	"errors"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// The bot is the digest's digest.Poster. Each call renders with the digest
// helper's renderers and queues one outbox job under the slot's key, so a
// slot posts at most once even across restarts; the call returns once the
// job is durable.
var _ digest.Poster = (*Bot)(nil)

// PostDigest posts a digest to channel: the main message, then the chart
// (files v2 with alt text) and the thread replies under it, then the CSV.
func (b *Bot) PostDigest(ctx context.Context, channel string, d *digest.Digest, key string) error {
	if channel == "" {
		return sales.Errorf(sales.EINVALID, "no digest channel: set SALESBOT_DIGEST_CHANNEL or /salesbot digest route")
	}
	p := RenderDigest(d)
	steps := []step{{Op: opPost, Channel: channel, Text: p.Main.Text, Blocks: blocksJSON(p.Main.Blocks)}}
	if len(p.Chart) > 0 {
		steps = append(steps, step{Op: opUpload, Thread: true, Data: p.Chart, Name: orText(p.ChartName, "pipeline.png"),
			Title: orText(p.ChartTitle, "Pipeline chart"), Alt: p.ChartAlt})
	}
	for _, m := range p.Thread {
		steps = append(steps, step{Op: opPost, Thread: true, Text: m.Text, Blocks: blocksJSON(m.Blocks)})
	}
	if len(p.CSV) > 0 {
		steps = append(steps, step{Op: opUpload, Thread: true, Data: p.CSV, Name: orText(p.CSVName, "reps.csv"), Title: "All reps"})
	}
	return b.out.enqueue(ctx, "digest:"+key, job{Kind: "digest", Steps: steps})
}

// SendNudge DMs a coaching nudge to a rep.
func (b *Bot) SendNudge(ctx context.Context, n *digest.Nudge, key string) error {
	if n == nil || !isSlackID(n.Person.SlackID) {
		return errors.New("bot: nudge for a person without a Slack id")
	}
	m := RenderNudge(n)
	return b.out.enqueue(ctx, "nudge:"+key, job{Kind: "nudge", Steps: []step{
		{Op: opDM, Channel: n.Person.SlackID, Text: m.Text, Blocks: blocksJSON(m.Blocks)},
	}})
}

// SendNudgeSummary DMs a manager the weekly summary of their reps' nudges.
func (b *Bot) SendNudgeSummary(ctx context.Context, s *digest.NudgeSummary, key string) error {
	if s == nil || !isSlackID(s.Manager.SlackID) {
		return errors.New("bot: nudge summary for a manager without a Slack id")
	}
	m := RenderNudgeSummary(s)
	return b.out.enqueue(ctx, "nudge-summary:"+key, job{Kind: "nudge_summary", Steps: []step{
		{Op: opDM, Channel: s.Manager.SlackID, Text: m.Text, Blocks: blocksJSON(m.Blocks)},
	}})
}
