package bot

import (
	"context"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// PostStandings queues the weekly standings in the wins channel; the key
// (one a slot) makes a retried or caught-up slot post nothing twice.
func (p DigestPoster) PostStandings(ctx context.Context, channel string, s *digest.Standings, key string) error {
	if channel == "" {
		return sales.Errorf(sales.EINVALID, "no wins channel: set SALESBOT_WINS_CHANNEL")
	}
	m := blocks.RenderStandings(s)
	return p.out.Enqueue(ctx, "standings:"+key, outbox.Job{Kind: "standings", Steps: []outbox.Step{
		{Op: outbox.OpPost, Channel: channel, Text: m.Text, Blocks: outbox.BlocksJSON(m.Blocks)},
	}})
}
