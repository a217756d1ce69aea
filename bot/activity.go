package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// openActivity answers "Log activity…" (a deal card's, or the Home tab's
// with no deal) with the activity modal.
func (b *Bot) openActivity(ctx context.Context, e *envelope, rt *replyTo, cb slack.InteractionCallback, deal string) {
	e.mark(ctx)
	if !e.first() {
		e.count("duplicate")
		return
	}
	e.count("handled")
	if deal != "" {
		if _, ok := sales.ParseDealID(deal); !ok {
			b.deliver(ctx, rt, nil, sales.Errorf(sales.EINVALID, "that button does not name a deal (%q)", deal))
			return
		}
	}
	types, err := b.svc.ActivityTypes(ctx)
	if err != nil {
		b.deliver(ctx, rt, nil, err)
		return
	}
	// The answer is a new ephemeral message: the card stays as it was.
	meta := blocks.ModalMeta{Channel: rt.channel, ResponseURL: cb.ResponseURL}
	if !b.openModal(ctx, cb.TriggerID, blocks.ActivityModal(deal, types, meta)) {
		b.deliver(ctx, rt, nil, sales.Errorf(sales.EINVALID, "the form could not open in time; use /deal call|meeting|email|note <deal> [text]"))
	}
}

// activitySubmission reads the activity modal into its command.
func activitySubmission(v slack.View, meta blocks.ModalMeta) (commands.Cmd, error) {
	get := func(id string) slack.BlockAction {
		if v.State == nil {
			return slack.BlockAction{}
		}
		return v.State.Values[id][id]
	}
	deal := meta.Deal
	if deal == "" {
		deal = get(blocks.FieldActDeal).Value
	}
	ref := commands.DealRefOf(deal)
	if ref.IsZero() {
		return commands.Cmd{}, sales.Errorf(sales.EINVALID, "name the deal: its id (D-42) or its account")
	}
	return commands.ActivityCmd(ref, get(blocks.FieldActType).SelectedOption.Value,
		get(blocks.FieldActOutcome).Value, get(blocks.FieldActText).Value), nil
}
