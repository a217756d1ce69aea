package bot

import (
	"context"
	"errors"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// DigestPoster is the digest's digest.Poster: each call renders with the
// bot's renderers and queues one outbox job under the slot's key, so a
// slot posts at most once even across restarts; the call returns once the
// job is durable. It needs only the outbox, so the digest is built before
// the bot.
type DigestPoster struct{ out *outbox.Outbox }

var _ digest.Poster = DigestPoster{}

// NewDigestPoster posts digests and nudges through out.
func NewDigestPoster(out *outbox.Outbox) DigestPoster { return DigestPoster{out: out} }

// PostDigest posts a digest to channel: the main message, then the chart
// (files v2 with alt text) and the thread replies under it, then the CSV.
func (p DigestPoster) PostDigest(ctx context.Context, channel string, d *digest.Digest, key string) error {
	if channel == "" {
		return sales.Errorf(sales.EINVALID, "no digest channel: set SALESBOT_DIGEST_CHANNEL or /salesbot digest route")
	}
	r := blocks.RenderDigest(d)
	steps := []outbox.Step{{Op: outbox.OpPost, Channel: channel, Text: r.Main.Text, Blocks: outbox.BlocksJSON(r.Main.Blocks)}}
	if len(r.Chart) > 0 {
		steps = append(steps, outbox.Step{Op: outbox.OpUpload, Thread: true, Data: r.Chart, Name: blocks.OrText(r.ChartName, "pipeline.png"),
			Title: blocks.OrText(r.ChartTitle, "Pipeline chart"), Alt: r.ChartAlt})
	}
	for _, m := range r.Thread {
		steps = append(steps, outbox.Step{Op: outbox.OpPost, Thread: true, Text: m.Text, Blocks: outbox.BlocksJSON(m.Blocks)})
	}
	if len(r.CSV) > 0 {
		steps = append(steps, outbox.Step{Op: outbox.OpUpload, Thread: true, Data: r.CSV, Name: blocks.OrText(r.CSVName, "reps.csv"), Title: "All reps"})
	}
	return p.out.Enqueue(ctx, "digest:"+key, outbox.Job{Kind: "digest", Steps: steps})
}

// SendNudge DMs a coaching nudge to a rep.
func (p DigestPoster) SendNudge(ctx context.Context, n *digest.Nudge, key string) error {
	if n == nil || !sales.IsSlackUserID(n.Person.SlackID) {
		return errors.New("bot: nudge for a person without a Slack id")
	}
	return p.dm(ctx, "nudge:"+key, "nudge", n.Person.SlackID, blocks.RenderNudge(n))
}

// SendNudgeSummary DMs a manager the weekly summary of their reps' nudges.
func (p DigestPoster) SendNudgeSummary(ctx context.Context, s *digest.NudgeSummary, key string) error {
	if s == nil || !sales.IsSlackUserID(s.Manager.SlackID) {
		return errors.New("bot: nudge summary for a manager without a Slack id")
	}
	return p.dm(ctx, "nudge-summary:"+key, "nudge_summary", s.Manager.SlackID, blocks.RenderNudgeSummary(s))
}

// dm queues a one-step job that DMs m to a user.
func (p DigestPoster) dm(ctx context.Context, jobKey, kind, user string, m blocks.DigestMsg) error {
	return p.out.Enqueue(ctx, jobKey, outbox.Job{Kind: kind, Steps: []outbox.Step{
		{Op: outbox.OpDM, Channel: user, Text: m.Text, Blocks: outbox.BlocksJSON(m.Blocks)},
	}})
}
