package bot

import (
	"context"
	"errors"
	"fmt"

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
type DigestPoster struct {
	out    *outbox.Outbox
	people People   // nil: nobody is told when a route's channel refuses a digest
	admins []string // SALESBOT_ADMINS
}

// People is what the poster reads to find who owns a digest route
// (*storage.DB has it).
type People interface {
	Person(ctx context.Context, id sales.PersonID) (sales.Person, error)
	People(ctx context.Context) ([]sales.Person, error)
}

// WithRouteOwners makes each digest tell its route's owners by DM when
// Slack refuses its channel for good (the bot was removed, the channel
// archived or gone): the team's manager for a team digest, else the
// admins (SALESBOT_ADMINS and people with the admin role).
func (p DigestPoster) WithRouteOwners(people People, admins []string) DigestPoster {
	p.people, p.admins = people, admins
	return p
}

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
	return p.out.Enqueue(ctx, "digest:"+key, outbox.Job{Kind: "digest", Steps: steps, OnFail: p.routeNotice(ctx, channel, d)})
}

// routeNotice is the DM a digest's route owners get when its channel
// refuses it, with the fix; nil when nobody can be told.
func (p DigestPoster) routeNotice(ctx context.Context, channel string, d *digest.Digest) *outbox.Notice {
	if p.people == nil {
		return nil
	}
	owners, fix := p.routeOwners(ctx, d.Scope)
	if len(owners) == 0 {
		return nil
	}
	where := blocks.EscapeMd(channel)
	if isChannelID(channel) {
		where = "<#" + channel + ">"
	}
	lost := fmt.Sprintf("The digest \"%s\" could not be posted in %s", blocks.EscapeMd(blocks.OrText(d.Title, "Pipeline digest")), where)
	return &outbox.Notice{Users: owners, Texts: map[string]string{
		"not_in_channel":    fmt.Sprintf("%s: salesbot is not in that channel. Invite @salesbot to %s (/invite @salesbot there), or %s.", lost, where, fix),
		"channel_not_found": fmt.Sprintf("%s: the channel is gone, or private and salesbot is not in it. Invite @salesbot to it, or %s.", lost, fix),
		"is_archived":       fmt.Sprintf("%s: the channel is archived. Unarchive it, or %s.", lost, fix),
	}}
}

// routeOwners names who is told about a refused digest and the command
// that routes it elsewhere.
func (p DigestPoster) routeOwners(ctx context.Context, sc digest.Scope) (owners []string, fix string) {
	switch sc.Kind {
	case digest.ScopeTeam:
		fix = "stop it with /salesbot digest route @" + blocks.EscapeMd(sc.Name) + " none"
		if m, err := p.people.Person(ctx, sc.Manager); err == nil && sales.IsSlackUserID(m.SlackID) {
			fix = "stop it with /salesbot digest route <@" + m.SlackID + "> none"
			owners = append(owners, m.SlackID)
		}
	case digest.ScopeTerritory:
		fix = "route it with /territory route " + blocks.EscapeMd(sc.Name) + " #channel (or none)"
	default:
		fix = "route it with /salesbot digest route #channel (none goes back to SALESBOT_DIGEST_CHANNEL)"
	}
	if len(owners) > 0 {
		return owners, fix
	}
	seen := map[string]bool{}
	for _, a := range p.admins {
		if sales.IsSlackUserID(a) && !seen[a] {
			seen[a] = true
			owners = append(owners, a)
		}
	}
	if people, err := p.people.People(ctx); err == nil {
		for _, q := range people {
			if q.Role == sales.RoleAdmin && sales.IsSlackUserID(q.SlackID) && !seen[q.SlackID] {
				seen[q.SlackID] = true
				owners = append(owners, q.SlackID)
			}
		}
	}
	return owners, fix
}

// isChannelID reports whether s is shaped like a channel id (C or G, then
// capital letters and digits), so it may go in a <#…> link.
func isChannelID(s string) bool {
	if len(s) < 2 || len(s) > 24 || (s[0] != 'C' && s[0] != 'G') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
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

// dm queues a one-step job that DMs m to a user, skipped when Slack says
// the user is a bot, deactivated or a guest (outbox.Step.Person).
func (p DigestPoster) dm(ctx context.Context, jobKey, kind, user string, m blocks.DigestMsg) error {
	return p.out.Enqueue(ctx, jobKey, outbox.Job{Kind: kind, Steps: []outbox.Step{
		{Op: outbox.OpDM, Channel: user, Text: m.Text, Blocks: outbox.BlocksJSON(m.Blocks), Person: true},
	}})
}
