package blocks

import (
	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/sales"
)

// Field block ids of the activity modal.
const (
	FieldActDeal    = "act_deal"
	FieldActType    = "act_type"
	FieldActOutcome = "act_outcome"
	FieldActText    = "act_text"
)

// ActivityModal is the "Log activity…" form: type, outcome and text, for
// deal (a deal id); with deal "" (the Home tab) it asks for the deal too.
// types are the configured activity types, the first preselected.
func ActivityModal(deal string, types []string, meta ModalMeta) slack.ModalViewRequest {
	meta.Deal = deal
	var opts []*slack.OptionBlockObject
	for _, t := range types {
		if len(opts) == maxSelectOptions {
			break
		}
		if sales.ValidActivityTypeName(t) != nil {
			continue // stored types are valid words; anything else is no value to send back
		}
		opts = append(opts, slack.NewOptionBlockObject(Clip(t, maxOptionValue), plain(EscClip(t, maxOptionText)), nil))
	}
	title := "Log activity"
	intro := "What happened? It counts toward activity goals and keeps the deal from going quiet."
	bs := []slack.Block{}
	if deal != "" {
		title = Clip("Log activity "+deal, 24)
		intro = "Log an activity on *" + EscapeMd(deal) + "*. It counts toward activity goals and keeps the deal from going quiet."
	}
	bs = append(bs, Section("activity.intro", intro))
	if deal == "" {
		in := slack.NewPlainTextInputBlockElement(plain("D-42 or the account name"), FieldActDeal).WithMaxLength(200)
		bs = append(bs, slack.NewInputBlock(FieldActDeal, plain("Deal"), nil, in))
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Type"), FieldActType, opts...)
	if len(opts) > 0 {
		sel = sel.WithInitialOption(opts[0])
	}
	outcome := slack.NewPlainTextInputBlockElement(plain("Connected, left a voicemail, booked a demo…"), FieldActOutcome).WithMaxLength(100)
	text := slack.NewPlainTextInputBlockElement(plain("What was said, what comes next"), FieldActText).WithMultiline(true).WithMaxLength(2000)
	bs = append(bs,
		slack.NewInputBlock(FieldActType, plain("Type"), nil, sel),
		slack.NewInputBlock(FieldActOutcome, plain("Outcome"), nil, outcome).WithOptional(true),
		slack.NewInputBlock(FieldActText, plain("Notes"), nil, text).WithOptional(true),
	)
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain("Log it"), Close: plain("Cancel"),
		CallbackID: CallbackActivity, PrivateMetadata: meta.encode(),
		Blocks: slack.Blocks{BlockSet: bs},
	}
}
