package bot

import (
	"context"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// onEventsAPI acks first (Events API takes no payload), then handles the
// event once: Slack retries an event under a new envelope id, so the event
// id is marked too.
func (b *Bot) onEventsAPI(ctx context.Context, e *envelope, ev slackevents.EventsAPIEvent) {
	e.ack()
	var extra []string
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.EventID != "" {
		extra = append(extra, "event:"+cb.EventID)
	}
	e.mark(ctx, extra...)
	if !e.first() {
		e.count("duplicate")
		return
	}
	e.count("handled")
	// The mention's reply is keyed by the event when Slack names one.
	mentionKey := e.id
	if len(extra) > 0 {
		mentionKey = extra[0]
	}
	switch in := ev.InnerEvent.Data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		if in.Tab == "home" || in.Tab == "" {
			b.m.commands.WithLabelValues("app_home_opened", "ok").Inc()
			b.publishHome(ctx, in.User, "")
		}
	case *slackevents.AppMentionEvent:
		b.m.commands.WithLabelValues("app_mention", "ok").Inc()
		thread := in.ThreadTimeStamp
		if thread == "" {
			thread = in.TimeStamp
		}
		msg := blocks.HelpReply()
		j := outbox.Job{Kind: "mention", Steps: []outbox.Step{{Op: outbox.OpPost, Channel: in.Channel, ThreadTS: thread, Text: msg.Text,
			Blocks: outbox.BlocksJSON(msg.Blocks)}}}
		if err := b.out.Enqueue(ctx, "mention:"+mentionKey, j); err != nil {
			b.log.Error("queue mention reply failed", sales.LogKeyError, redact(err))
		}
	}
}

// publishHome renders and publishes a user's Home tab; notice, when set,
// is the outcome of the button they just pressed (already escaped).
func (b *Bot) publishHome(ctx context.Context, userID, notice string) {
	req := b.request(ctx, "/home", "", userID, "", "")
	h, err := b.svc.Home(ctx, req)
	var view slack.HomeTabViewRequest
	if err != nil {
		m := blocks.RenderError(err)
		view = slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: m.Blocks}}
	} else {
		view = blocks.RenderHome(h, b.renderOptions(ctx))
	}
	if notice != "" {
		note := blocks.ContextBlock("home.notice", blocks.Clip(notice, blocks.MaxContextText))
		kit := append([]slack.Block{note}, view.Blocks.BlockSet...)
		if len(kit) > blocks.MaxViewBlocks {
			kit = kit[:blocks.MaxViewBlocks]
		}
		view.Blocks.BlockSet = kit
	}
	err = retrySlack(ctx, 3, func(ctx context.Context) error {
		_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		return err
	})
	if err != nil {
		b.log.Error("views.publish failed", sales.LogKeyUser, userID, sales.LogKeyError, redact(err))
	}
}
