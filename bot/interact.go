package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

func (b *Bot) openModal(ctx context.Context, trigger string, v slack.ModalViewRequest) bool {
	if trigger == "" {
		return false
	}
	// A trigger lives 3 seconds and works once: no retries.
	octx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := b.api.OpenViewContext(octx, trigger, v); err != nil {
		b.log.Warn("views.open failed", sales.LogKeyError, redact(err))
		return false
	}
	return true
}

// onInteraction runs a button press or a modal submission. Block actions
// take no ack payload: they ack first, then work. A submission may carry
// field errors in its ack, so it waits for them.
func (b *Bot) onInteraction(ctx context.Context, e *envelope, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		e.ack()
		b.onBlockAction(ctx, e, cb)
	case slack.InteractionTypeViewSubmission:
		b.onViewSubmission(ctx, e, cb)
	default:
		e.drop("ignored")
	}
}

// actionCommand is what a button or menu does: a built command (cmd), or
// command text the button carries (the page button's "list …", and ""
// for the bare /deal form), or lost: the deal whose lost-reason modal to
// open. No command text is assembled here: the form table's builders
// make the Cmd, and the handlers see what a typed command gives them.
func (b *Bot) actionCommand(ctx context.Context, a *slack.BlockAction) (cmd *commands.Cmd, text string, lost string, err error) {
	dealArg := func(v string) (sales.DealID, error) {
		id, ok := sales.ParseDealID(v)
		if !ok {
			return 0, sales.Errorf(sales.EINVALID, "that button does not name a deal (%q)", v)
		}
		return id, nil
	}
	built := func(c commands.Cmd) (*commands.Cmd, string, string, error) { return &c, "", "", nil }
	switch a.ActionID {
	case blocks.ActAdvance, blocks.ActWon, blocks.ActEdit, blocks.ActSnooze, blocks.ActPush, blocks.ActLost:
		id, err := dealArg(a.Value)
		if err != nil {
			return nil, "", "", err
		}
		switch a.ActionID {
		case blocks.ActAdvance:
			return built(commands.AdvanceCmd(id))
		case blocks.ActWon:
			return built(commands.WonCmd(id))
		case blocks.ActEdit:
			return built(commands.EditCmd(id))
		case blocks.ActSnooze:
			return built(b.svc.SnoozeCmd(id, 7))
		case blocks.ActPush:
			return built(b.svc.PushCmd(id, 7))
		default:
			return nil, "", id.String(), nil
		}
	case blocks.ActLogCall:
		id, err := dealArg(a.Value)
		if err != nil {
			return nil, "", "", err
		}
		return built(commands.ActivityCmd(commands.DealRef{ID: id}, sales.ActivityCall, "", ""))
	case blocks.ActNextDone, blocks.ActNextPush:
		id, err := dealArg(a.Value)
		if err != nil {
			return nil, "", "", err
		}
		if a.ActionID == blocks.ActNextDone {
			return built(commands.NextDoneCmd(id))
		}
		return built(commands.NextPushCmd(id, 7))
	case blocks.ActForecast:
		id, cat, ok := strings.Cut(a.SelectedOption.Value, "|")
		if !ok {
			return nil, "", "", sales.Errorf(sales.EINVALID, "that forecast choice is malformed (%q)", a.SelectedOption.Value)
		}
		deal, err := dealArg(id)
		if err != nil {
			return nil, "", "", err
		}
		c, err := sales.ParseForecastCategory(cat)
		if err != nil {
			return nil, "", "", err
		}
		return built(commands.ForecastCmd(deal, c))
	case blocks.ActStage:
		v := a.SelectedOption.Value
		i := strings.IndexByte(v, '|')
		if i < 0 {
			return nil, "", "", sales.Errorf(sales.EINVALID, "that stage choice is malformed (%q)", v)
		}
		id, err := dealArg(v[:i])
		if err != nil {
			return nil, "", "", err
		}
		stage := strings.TrimSpace(v[i+1:])
		if strings.EqualFold(stage, b.stages(ctx).Lost().Name) {
			return nil, "", id.String(), nil
		}
		return built(commands.StageCmd(id, stage))
	case blocks.ActLog:
		return nil, "", "", nil
	case blocks.ActPage:
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(a.Value), "/deal"))
		if !strings.HasPrefix(strings.ToLower(t), "list") {
			return nil, "", "", sales.Errorf(sales.EINVALID, "that page button is malformed")
		}
		return nil, t, "", nil
	}
	return nil, "", "", sales.Errorf(sales.EINVALID, "unknown action %q", a.ActionID)
}

func (b *Bot) onBlockAction(ctx context.Context, e *envelope, cb slack.InteractionCallback) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	a := cb.ActionCallback.BlockActions[0]
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	rt := &replyTo{env: e, respURL: cb.ResponseURL, channel: channel,
		user: cb.User.ID, triggerID: cb.TriggerID, home: cb.Container.Type == "view" && cb.View.Type == slack.VTHomeTab,
		command: "action " + a.ActionID}
	// A button on a deal card or a page button updates that message in place.
	rt.replace = strings.HasPrefix(a.BlockID, "deal:") || a.ActionID == blocks.ActPage

	if a.ActionID == blocks.ActForecastCall {
		b.openForecastCall(ctx, e, rt, cb, a.Value)
		return
	}
	if a.ActionID == blocks.ActLogActivity {
		b.openActivity(ctx, e, rt, cb, a.Value)
		return
	}
	cmd, text, lost, err := b.actionCommand(ctx, a)
	if err != nil {
		e.count("handled")
		b.deliver(ctx, rt, nil, err)
		return
	}
	if lost != "" {
		e.mark(ctx)
		if !e.first() {
			e.count("duplicate")
			return
		}
		e.count("handled")
		meta := blocks.ModalMeta{Channel: channel, ResponseURL: cb.ResponseURL, Replace: rt.replace}
		if !b.openModal(ctx, cb.TriggerID, blocks.LostModal(lost, meta)) {
			b.deliver(ctx, rt, nil, sales.Errorf(sales.EINVALID, "the form could not open in time; use /deal lost %s <reason>", lost))
		}
		return
	}
	ictx := sales.WithIdempotencyKey(ctx, "env:"+e.id)
	e.mark(ictx)
	creq := b.request(ctx, "/deal", text, cb.User.ID, cb.User.Name, channel)
	var res *commands.Result
	var herr error
	if cmd != nil {
		res, herr = b.svc.Run(ictx, creq, *cmd)
	} else {
		res, herr = b.svc.Handle(ictx, creq)
	}
	if !e.first() {
		e.count("duplicate")
		return
	}
	e.count("handled")
	b.deliver(ctx, rt, res, herr)
}

// formInput reads the deal modal's state.
func formInput(v slack.View, meta blocks.ModalMeta) commands.FormInput {
	var in commands.FormInput
	if v.State == nil {
		return in
	}
	get := func(block string) slack.BlockAction {
		return v.State.Values[block][block]
	}
	in.Account = get(blocks.FieldAccount).Value
	in.Amount = get(blocks.FieldAmount).Value
	in.Stage = get(blocks.FieldStage).SelectedOption.Value
	in.CloseDate = get(blocks.FieldClose).SelectedDate
	in.OwnerSlack = get(blocks.FieldOwner).SelectedUser
	in.Forecast = get(blocks.FieldForecast).SelectedOption.Value
	in.NextStep, in.NextDue = get(blocks.FieldNext).Value, get(blocks.FieldNextDue).SelectedDate
	in.HasNext = inputBlocks(v)[blocks.FieldNext]
	t := get(blocks.FieldTerritory)
	in.Territory = t.SelectedOption.Value
	if in.Territory == "" {
		in.Territory = t.Value
	}
	if id, ok := sales.ParseDealID(meta.Deal); ok {
		in.DealID = id
	}
	return in
}

// inputBlocks lists the input block ids of a submitted view.
func inputBlocks(v slack.View) map[string]bool {
	out := map[string]bool{}
	if v.State != nil {
		for id := range v.State.Values {
			out[id] = true
		}
	}
	for _, bl := range v.Blocks.BlockSet {
		if bl.BlockType() == slack.MBTInput {
			out[bl.ID()] = true
		}
	}
	return out
}

// fieldErrors maps errors onto blocks the modal has; errors for fields it
// lacks go on the first field, so Slack never rejects the response.
func fieldErrors(errs map[string]string, v slack.View, fallbackField string) map[string]string {
	have := inputBlocks(v)
	out := map[string]string{}
	for k, msg := range errs {
		msg = blocks.Clip(blocks.Escape(msg), 300)
		if !have[k] {
			k = fallbackField
		}
		if prev, ok := out[k]; ok {
			msg = blocks.Clip(prev+" "+msg, 300)
		}
		out[k] = msg
	}
	return out
}

// onViewSubmission is the modal policy: field errors must ride in the
// ack, so it waits for the work as long as the deadline allows; a slow
// submission is acked (the modal closes) and its outcome follows.
func (b *Bot) onViewSubmission(ctx context.Context, e *envelope, cb slack.InteractionCallback) {
	meta := blocks.DecodeMeta(cb.View.PrivateMetadata)
	// A modal's writes are keyed by the view, not the envelope: pressing
	// Submit again after a slow or lost answer is a new envelope for the
	// same form, and must not log the deal twice. A rejected submission
	// writes nothing, so the corrected one still goes through.
	key := "env:" + e.id
	if cb.View.ID != "" {
		key = "view:" + cb.View.ID
	}
	ictx := sales.WithIdempotencyKey(ctx, key)
	rt := &replyTo{env: e, respURL: meta.ResponseURL, replace: meta.Replace && meta.ResponseURL != "",
		channel: meta.Channel, user: cb.User.ID, home: meta.Channel == "" && meta.ResponseURL == "", modal: true}
	var w *work
	fallbackField := blocks.FieldAccount
	switch cb.View.CallbackID {
	case blocks.CallbackDealForm:
		rt.command = "modal deal"
		in := formInput(cb.View, meta)
		creq := b.request(ctx, "/deal", "", cb.User.ID, cb.User.Name, meta.Channel)
		w = b.start(func() (*commands.Result, map[string]string, error) {
			return b.svc.SubmitDealForm(ictx, creq, in)
		})
	case blocks.CallbackLost:
		rt.command = "modal lost"
		fallbackField = blocks.FieldReason
		reason := ""
		if cb.View.State != nil {
			reason = cb.View.State.Values[blocks.FieldReason][blocks.FieldReason].Value
		}
		id, ok := sales.ParseDealID(meta.Deal)
		creq := b.request(ctx, "/deal", "", cb.User.ID, cb.User.Name, meta.Channel)
		w = b.start(func() (*commands.Result, map[string]string, error) {
			if !ok {
				return nil, nil, sales.Errorf(sales.EINVALID, "that form does not name a deal (%q)", meta.Deal)
			}
			res, err := b.svc.Run(ictx, creq, commands.LostCmd(id, reason))
			return res, nil, err
		})
	case blocks.CallbackActivity:
		rt.command = "modal activity"
		fallbackField = blocks.FieldActText
		if meta.Deal == "" {
			fallbackField = blocks.FieldActDeal
		}
		creq := b.request(ctx, "/deal", "", cb.User.ID, cb.User.Name, meta.Channel)
		w = b.start(func() (*commands.Result, map[string]string, error) {
			c, err := activitySubmission(cb.View, meta)
			if err != nil {
				return nil, nil, err
			}
			res, err := b.svc.Run(ictx, creq, c)
			return res, nil, err
		})
	case blocks.CallbackForecastCall:
		rt.command = "modal forecast call"
		fallbackField = commands.FieldCommit
		value := func(id string) string {
			if cb.View.State == nil {
				return ""
			}
			return cb.View.State.Values[id][id].Value
		}
		creq := b.request(ctx, "/forecast", "", cb.User.ID, cb.User.Name, meta.Channel)
		w = b.start(func() (*commands.Result, map[string]string, error) {
			return b.svc.SubmitForecastForm(ictx, creq, value(commands.FieldCommit), value(commands.FieldBest), meta.Period)
		})
	default:
		e.drop("ignored")
		return
	}
	e.mark(ictx)
	defer e.settle()
	budget := ackBudget - 300*time.Millisecond
	if !e.waitFor(w.done, budget) {
		e.ack() // closes the modal; the outcome follows
		<-w.done
	}
	rejected := len(w.errs) > 0 || w.err != nil && sales.ErrorCode(w.err) != sales.EINTERNAL
	var first bool
	switch {
	case rejected && !e.acked:
		// Field errors changed nothing: they need not wait for the dedupe
		// mark's commit (an fsync that a busy disk can make slower than
		// the ack deadline).
		first = e.firstSoFar()
	case !e.acked && !e.waitFor(e.m.done, budget):
		e.ack()
		first = e.first()
	default:
		first = e.first()
	}
	if !first {
		e.drop("duplicate")
		return
	}
	e.count("handled")
	if !e.acked {
		errs := w.errs
		if w.err != nil && sales.ErrorCode(w.err) != sales.EINTERNAL {
			field := fallbackField
			if sales.ErrorCode(w.err) == sales.EFORBIDDEN && inputBlocks(cb.View)[blocks.FieldOwner] {
				field = blocks.FieldOwner
			}
			errs = map[string]string{field: sales.ErrorMessage(w.err)}
		}
		if len(errs) > 0 {
			b.m.commands.WithLabelValues(rt.command, sales.EINVALID).Inc()
			e.ackWith(slack.NewErrorsViewSubmissionResponse(fieldErrors(errs, cb.View, fallbackField)))
			return
		}
		e.ack()
	}
	if len(w.errs) > 0 && w.err == nil {
		w.err = sales.Errorf(sales.EINVALID, "the form was not saved: %s", joinErrs(w.errs))
	}
	b.deliver(ctx, rt, w.res, w.err)
}

func joinErrs(m map[string]string) string {
	var parts []string
	for _, k := range []string{blocks.FieldAccount, blocks.FieldAmount, blocks.FieldStage, blocks.FieldClose, blocks.FieldOwner, blocks.FieldTerritory,
		blocks.FieldForecast, blocks.FieldNext, blocks.FieldNextDue, commands.FieldCommit, commands.FieldBest} {
		if v, ok := m[k]; ok {
			parts = append(parts, k+": "+v)
		}
	}
	return strings.Join(parts, "; ")
}
