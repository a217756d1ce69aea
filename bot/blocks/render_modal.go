package blocks

import (
	"encoding/json"
	"strings"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
)

// ---- modals ----

// ModalMeta is what a modal carries to its submission (private_metadata).
type ModalMeta struct {
	Channel string `json:"c,omitempty"`
	Deal    string `json:"d,omitempty"`
	// ResponseURL of the command or button that opened the modal. A modal
	// has none of its own, and the command's works wherever it was typed,
	// even in a conversation the bot is not in (where chat.postEphemeral
	// fails), for 30 minutes and five posts.
	ResponseURL string `json:"r,omitempty"`
	// Replace: the result replaces the card whose button opened the modal.
	Replace bool `json:"x,omitempty"`
	// Period is the forecast-call form's period key ("2026-Q4").
	Period string `json:"p,omitempty"`
}

// maxPrivateMetadata is Slack's limit on a view's private_metadata
// (https://docs.slack.dev/reference/views/modal-views: "Max length of
// 3000 characters").
const maxPrivateMetadata = 3000

func (m ModalMeta) encode() string {
	b, _ := json.Marshal(m)
	if len(b) > maxPrivateMetadata {
		// The reply then goes by DM; the modal itself must still open.
		m.ResponseURL, m.Replace = "", false
		b, _ = json.Marshal(m)
	}
	return string(b)
}

// DecodeMeta reads a modal's private_metadata; unreadable metadata
// decodes to the zero ModalMeta.
func DecodeMeta(s string) ModalMeta {
	var m ModalMeta
	_ = json.Unmarshal([]byte(s), &m)
	return m
}

// Field block ids of the deal modal are commands.FormInput's field names,
// so SubmitDealForm's errors map straight onto the modal.
const (
	FieldAccount   = "account"
	FieldAmount    = "amount"
	FieldStage     = "stage"
	FieldClose     = "close"
	FieldOwner     = "owner"
	FieldTerritory = "territory"
	FieldForecast  = "forecast"
	FieldReason    = "reason"
)

// DealModal builds the new-deal or edit-deal modal from a form.
func DealModal(f *commands.DealForm, meta ModalMeta) slack.ModalViewRequest {
	title := "Log a deal"
	submit := "Log deal"
	if f.DealID != 0 {
		title = "Edit " + f.DealID.String()
		submit = "Save"
		meta.Deal = f.DealID.String()
	}
	input := func(id, label string, el slack.BlockElement, hint string, optional bool) *slack.InputBlock {
		var h *slack.TextBlockObject
		if hint != "" {
			h = plain(hint)
		}
		return slack.NewInputBlock(id, plain(label), h, el).WithOptional(optional)
	}
	account := slack.NewPlainTextInputBlockElement(plain("Acme Corp"), FieldAccount).WithMaxLength(200)
	if f.Account != "" {
		account = account.WithInitialValue(plainInput(f.Account, 200))
	}
	amount := slack.NewPlainTextInputBlockElement(plain("12000, 12k, $12,000"), FieldAmount).WithMaxLength(40)
	if f.Amount != "" {
		amount = amount.WithInitialValue(plainInput(f.Amount, 40))
	}
	blocks := []slack.Block{
		input(FieldAccount, "Account", account, "", false),
		input(FieldAmount, "Amount", amount, "12000, 12,000, $12,000, 12k, 12.5k or 1.2m", f.DealID != 0),
	}
	var stageOpts []*slack.OptionBlockObject
	var stageInit *slack.OptionBlockObject
	for _, s := range f.Stages {
		if len(stageOpts) == maxSelectOptions {
			break
		}
		v := plainInput(s, maxOptionValue)
		o := slack.NewOptionBlockObject(v, plain(EscClip(s, maxOptionText)), nil)
		if strings.EqualFold(s, f.Stage) {
			stageInit = o
		}
		stageOpts = append(stageOpts, o)
	}
	if len(stageOpts) > 0 {
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Stage"), FieldStage, stageOpts...)
		if stageInit != nil {
			sel = sel.WithInitialOption(stageInit)
		}
		blocks = append(blocks, input(FieldStage, "Stage", sel, "", stageInit != nil || f.DealID != 0))
	}
	date := slack.NewDatePickerBlockElement(FieldClose)
	date.Placeholder = plain("Expected close")
	if f.CloseDate != "" {
		date.InitialDate = f.CloseDate
	}
	blocks = append(blocks, input(FieldClose, "Expected close date", date, "", true))
	if f.ShowOwner {
		owner := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("You, unless you pick someone"), FieldOwner)
		if isSlackID(f.OwnerSlack) {
			owner = owner.WithInitialUser(f.OwnerSlack)
		}
		blocks = append(blocks, input(FieldOwner, "Owner", owner, "Managers and admins may log deals for their reps.", true))
	}
	if len(f.Territories) > 0 {
		var opts []*slack.OptionBlockObject
		var init *slack.OptionBlockObject
		for _, t := range f.Territories {
			if len(opts) == maxSelectOptions {
				break
			}
			o := slack.NewOptionBlockObject(plainInput(t, maxOptionValue), plain(EscClip(t, maxOptionText)), nil)
			if strings.EqualFold(t, f.Territory) {
				init = o
			}
			opts = append(opts, o)
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Territory"), FieldTerritory, opts...)
		if init != nil {
			sel = sel.WithInitialOption(init)
		}
		blocks = append(blocks, input(FieldTerritory, "Territory", sel, "", true))
	}
	if f.ShowForecast {
		blocks = append(blocks, forecastSelect(f, input))
	}
	if f.ShowNext {
		blocks = append(blocks, nextInputs(f, input)...)
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain(submit), Close: plain("Cancel"),
		CallbackID: CallbackDealForm, PrivateMetadata: meta.encode(),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// forecastSelect is the deal form's forecast-category choice; its values
// are commands' forecast: forms, the first being the stage's default.
func forecastSelect(f *commands.DealForm, input func(id, label string, el slack.BlockElement, hint string, optional bool) *slack.InputBlock) *slack.InputBlock {
	choices := [][2]string{
		{"default", "Stage default (" + f.ForecastDefault + ")"},
		{"commit", "Commit"}, {"best", "Best case"}, {"pipeline", "Pipeline"}, {"omitted", "Omitted"},
	}
	var opts []*slack.OptionBlockObject
	var init *slack.OptionBlockObject
	for _, c := range choices {
		o := slack.NewOptionBlockObject(c[0], plain(EscClip(c[1], maxOptionText)), nil)
		if c[0] == f.Forecast {
			init = o
		}
		opts = append(opts, o)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Forecast category"), FieldForecast, opts...)
	if init != nil {
		sel = sel.WithInitialOption(init)
	}
	return input(FieldForecast, "Forecast category", sel, "Commit: you expect it to close this period. Best case: it could.", true)
}

// LostModal asks why a deal was lost.
func LostModal(deal string, meta ModalMeta) slack.ModalViewRequest {
	meta.Deal = deal
	reason := slack.NewPlainTextInputBlockElement(plain("Went with a competitor, no budget, …"), FieldReason).
		WithMultiline(true).WithMaxLength(500)
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(Clip("Lost "+deal, 24)), Submit: plain("Mark lost"), Close: plain("Cancel"),
		CallbackID: CallbackLost, PrivateMetadata: meta.encode(),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			Section("lost.intro", "Why was *"+EscapeMd(deal)+"* lost? The reason helps the team's coaching."),
			slack.NewInputBlock(FieldReason, plain("Reason"), nil, reason).WithOptional(true),
		}},
	}
}

// HelpReply is the short answer to an @mention.
func HelpReply() Message {
	t := "Hi! I track deals, quotas and the pipeline. Try `/deal add Acme 12k`, `/deal list`, `/pipeline`, `/goal` or `/salesbot help`."
	return Message{Text: t, Blocks: []slack.Block{Section("mention.help", t)}}
}
