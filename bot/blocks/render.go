package blocks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// This file turns commands.Result values into Block Kit. Every function is
// pure; golden files in testdata pin the output. All user text goes
// through Escape/EscClip, and every message stays within Block Kit's
// limits: long lists are packed into few sections, clipped, and summarised
// ("… and 12 more") instead of failing.

// Action ids shared with the digest's nudges (PLAN.md).
const (
	ActAdvance = "deal.advance"
	ActWon     = "deal.won"
	ActLost    = "deal.lost"
	ActEdit    = "deal.edit"
	ActSnooze  = "deal.snooze"
	ActPush    = "deal.push"
	ActStage   = "deal.stage"
	ActLog     = "deal.log"
	ActPage    = "list.page"
)

// Callback ids of the bot's modals.
const (
	CallbackDealForm = "deal.form"
	CallbackLost     = "deal.lost"
)

// Message is a rendered message: Block Kit plus the plain-text fallback
// Slack shows in notifications.
type Message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks,omitempty"`
}

// RenderOptions is what renderers need besides the result.
type RenderOptions struct {
	Currency sales.Currency
	// Stages are the stage names in pipeline order; when set, editable deal
	// rows get a stage picker.
	Stages []string
}

func md(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// Section holds already-escaped mrkdwn, clipped to the limit.
func Section(id, text string) *slack.SectionBlock {
	var opts []slack.SectionBlockOption
	if id != "" {
		opts = append(opts, slack.SectionBlockOptionBlockID(id))
	}
	return slack.NewSectionBlock(md(Clip(text, maxSectionText)), nil, nil, opts...)
}

// header takes raw text.
func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(EscClip(OrText(text, "salesbot"), maxHeaderText)))
}

// WithNote adds a line of already-escaped mrkdwn under a message.
func WithNote(msg Message, note string) Message {
	msg.Text = msg.Text + "\n" + note
	if len(msg.Blocks) > 0 {
		if len(msg.Blocks) >= maxMessageBlocks {
			msg.Blocks = msg.Blocks[:maxMessageBlocks-1]
		}
		msg.Blocks = append(msg.Blocks, ContextBlock("note", note))
	}
	return msg
}

// ContextBlock holds already-escaped mrkdwn.
func ContextBlock(id, text string) *slack.ContextBlock {
	return slack.NewContextBlock(id, md(Clip(text, MaxContextText)))
}

// button takes a raw label.
func button(actionID, value, label string, style slack.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(EscClip(label, maxButtonText)))
	if style != "" {
		b = b.WithStyle(style)
	}
	return b
}

// OrText is s, or def when s is blank.
func OrText(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// fallback builds the notification text from raw parts.
func fallback(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, strings.TrimSpace(p))
		}
	}
	return EscClip(strings.Join(keep, " — "), maxFallbackText)
}

// pack joins escaped lines into as few sections as possible, each within
// the section limit, using at most room blocks; when lines are left over,
// the last section says how many.
func pack(idPrefix string, lines []string, room int) []slack.Block {
	if room <= 0 || len(lines) == 0 {
		return nil
	}
	var chunks []string
	var cur strings.Builder
	n := 0 // lines placed
	for _, l := range lines {
		l = Clip(l, maxSectionText)
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(l) > maxSectionText-60 {
			if len(chunks)+1 >= room {
				break
			}
			chunks = append(chunks, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
		n++
	}
	if cur.Len() > 0 {
		last := cur.String()
		if left := len(lines) - n; left > 0 {
			last += fmt.Sprintf("\n_… and %d more not shown_", left)
		}
		chunks = append(chunks, last)
	}
	out := make([]slack.Block, len(chunks))
	for i, c := range chunks {
		id := ""
		if idPrefix != "" {
			id = fmt.Sprintf("%s.%d", idPrefix, i)
		}
		out[i] = Section(id, c)
	}
	return out
}

// escLines escapes raw lines for mrkdwn (command messages carry user
// text), then makes real mentions of the ids the command named with
// Result.Mention.
func escLines(lines, mentions []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = withMentions(EscapeMd(l), mentions)
	}
	return out
}

// withMentions turns the escaped "<@id>" of each of ids back into a
// mention. Only ids the command itself named qualify, so a user who types
// "<@U123>" pings no one the reply does not mention anyway.
func withMentions(escaped string, ids []string) string {
	for _, id := range ids {
		if isSlackID(id) {
			escaped = strings.ReplaceAll(escaped, "&lt;@"+id+"&gt;", "<@"+id+">")
		}
	}
	return escaped
}

// Render turns a command result into a message. KindDealForm has no
// message form (the bot opens DealModal instead); it renders a hint.
func Render(res *commands.Result, o RenderOptions) Message {
	if res == nil {
		return Message{Text: "Done.", Blocks: []slack.Block{Section("", "Done.")}}
	}
	if o.Currency.Code == "" {
		o.Currency = sales.DefaultCurrency
	}
	switch res.Kind {
	case commands.KindDeal:
		if res.Deal != nil {
			return renderDeal(res, o)
		}
	case commands.KindDealList:
		return renderDealList(res, o)
	case commands.KindPipeline:
		if res.Pipeline != nil {
			return renderPipeline(res, o)
		}
	case commands.KindGoals:
		return renderGoals(res, o)
	case commands.KindHelp:
		return renderHelp(res)
	case commands.KindTerritories:
		return renderTerritories(res, o)
	case commands.KindDigest:
		if res.Digest != nil {
			return renderDigestStatus(res)
		}
	case commands.KindDealForm:
		return RenderMessage(&commands.Result{Title: res.Title, Lines: append([]string{"Opening the deal form…"}, res.Lines...)})
	}
	return RenderMessage(res)
}

// RenderError is the reply to a failed command: the one line from
// sales.UserText (specific, with the right form), escaped.
func RenderError(err error) Message {
	t := EscapeMd(sales.UserText(err))
	return Message{Text: Clip(t, maxFallbackText), Blocks: []slack.Block{Section("error", t)}}
}

// RenderMessage is a plain reply: the result's title and lines, no cards.
func RenderMessage(res *commands.Result) Message {
	var bs []slack.Block
	if res.Title != "" {
		bs = append(bs, header(res.Title))
	}
	bs = append(bs, pack("msg", escLines(res.Lines, res.Mentions), maxMessageBlocks-len(bs))...)
	if len(bs) == 0 {
		bs = append(bs, Section("msg.0", "Done."))
	}
	first := ""
	if len(res.Lines) > 0 {
		first = res.Lines[0]
	}
	return Message{Text: withMentions(fallback(res.Title, first), res.Mentions), Blocks: bs}
}

// ---- deals ----

// dealTitle is "*D-42 · Acme Corp*"; EscClipMd keeps an account such as
// "x *bold*" from closing the bold early.
func dealTitle(c *commands.DealCard) string {
	return "*" + c.Deal.ID.String() + " · " + EscClipMd(OrText(c.Deal.Account, "(no account)"), 200) + "*"
}

func dealFlags(c *commands.DealCard) []string {
	var f []string
	switch c.StageKind {
	case sales.StageWon:
		f = append(f, ":trophy: won")
	case sales.StageLost:
		f = append(f, ":x: lost")
	}
	if c.Overdue {
		f = append(f, ":warning: past close date")
	}
	if c.Stale {
		f = append(f, ":hourglass_flowing_sand: stale")
	}
	return f
}

// dealLine is one deal on one line, for lists and the Home tab.
func dealLine(c *commands.DealCard) string {
	parts := []string{dealTitle(c)}
	if c.Amount != "" {
		parts = append(parts, Escape(c.Amount))
	}
	parts = append(parts, EscClipMd(c.StageName, 60))
	if c.OwnerSlackID != "" || c.OwnerName != "" {
		parts = append(parts, Mention(c.OwnerSlackID, c.OwnerName))
	}
	if !c.Deal.CloseDate.IsZero() {
		parts = append(parts, "closes "+c.Deal.CloseDate.Format("2006-01-02"))
	}
	parts = append(parts, dealFlags(c)...)
	return strings.Join(parts, " · ")
}

// dealButtons are the card's actions; nil when the viewer may not edit.
func dealButtons(c *commands.DealCard, blockID string) slack.Block {
	if !c.CanEdit {
		return nil
	}
	id := c.Deal.ID.String()
	var els []slack.BlockElement
	if c.StageKind == sales.StageOpen {
		if c.NextStage != "" {
			els = append(els, button(ActAdvance, id, "Advance → "+c.NextStage, ""))
		}
		els = append(els, button(ActWon, id, "Won", slack.StylePrimary), button(ActLost, id, "Lost", slack.StyleDanger))
	}
	els = append(els, button(ActEdit, id, "Edit", ""))
	return slack.NewActionBlock(blockID, els...)
}

// stagePicker is a deal.stage select over stages, for editable open deals.
func stagePicker(c *commands.DealCard, stages []string) slack.BlockElement {
	if !c.CanEdit || c.StageKind != sales.StageOpen || len(stages) == 0 {
		return nil
	}
	id := c.Deal.ID.String()
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, s := range stages {
		v := id + "|" + s
		if utf8.RuneCountInString(v) > maxOptionValue || len(opts) == maxSelectOptions {
			continue
		}
		o := slack.NewOptionBlockObject(v, plain(EscClip(s, maxOptionText)), nil)
		if strings.EqualFold(s, c.StageName) {
			initial = o
		}
		opts = append(opts, o)
	}
	if len(opts) == 0 {
		return nil
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Move to…"), ActStage, opts...)
	if initial != nil {
		sel = sel.WithInitialOption(initial)
	}
	return sel
}

// DealCard renders one deal: title, fields, flags, notes, history (when
// the card has it) and buttons.
func DealCard(c *commands.DealCard, o RenderOptions) []slack.Block {
	id := c.Deal.ID.String()
	var fields []*slack.TextBlockObject
	field := func(label, value string) {
		if value != "" && len(fields) < maxFields {
			fields = append(fields, md("*"+label+"*\n"+Clip(value, maxFieldText-len(label)-4)))
		}
	}
	field("Amount", Escape(OrText(c.Amount, "not set")))
	stage := EscClipMd(c.StageName, 100)
	if c.Probability != "" {
		stage += " · " + Escape(c.Probability)
	}
	field("Stage", stage)
	field("Owner", Mention(c.OwnerSlackID, c.OwnerName))
	if !c.Deal.CloseDate.IsZero() {
		field("Close date", c.Deal.CloseDate.Format("2006-01-02"))
	}
	if c.TerritoryName != "" {
		field("Territory", EscClipMd(c.TerritoryName, 200))
	}
	if c.Deal.Product != "" {
		field("Product", EscClipMd(c.Deal.Product, 200))
	}
	bs := []slack.Block{slack.NewSectionBlock(md(dealTitle(c)), fields, nil, slack.SectionBlockOptionBlockID("deal.card:"+id))}
	var notes []string
	notes = append(notes, dealFlags(c)...)
	if c.Deal.LostReason != "" {
		notes = append(notes, "reason: "+EscClipMd(c.Deal.LostReason, 500))
	}
	if c.Deal.Notes != "" {
		notes = append(notes, "notes: "+EscClipMd(c.Deal.Notes, 1000))
	}
	if len(notes) > 0 {
		bs = append(bs, ContextBlock("deal.flags:"+id, strings.Join(notes, " · ")))
	}
	if len(c.History) > 0 {
		lines := make([]string, 0, len(c.History))
		for _, h := range c.History {
			lines = append(lines, fmt.Sprintf("`%s` %s: %s", Escape(h.At), EscClipMd(h.Actor, 80), EscClipMd(h.Text, 300)))
		}
		// Newest last; keep the latest that fit one section.
		text := "*History*"
		kept, size := 0, utf8.RuneCountInString(text)+40
		for i := len(lines) - 1; i >= 0; i-- {
			size += utf8.RuneCountInString(lines[i]) + 1
			if size > maxSectionText {
				break
			}
			kept++
		}
		if skipped := len(lines) - kept; skipped > 0 {
			text += fmt.Sprintf("\n_… %d earlier changes_", skipped)
		}
		for _, l := range lines[len(lines)-kept:] {
			text += "\n" + l
		}
		bs = append(bs, Section("deal.history:"+id, text))
	}
	if b := dealButtons(c, "deal:"+id); b != nil {
		bs = append(bs, b)
	}
	return bs
}

func renderDeal(res *commands.Result, o RenderOptions) Message {
	var bs []slack.Block
	if len(res.Lines) > 0 {
		bs = append(bs, Section("deal.msg", EscapeMd(strings.Join(res.Lines, "\n"))))
	}
	bs = append(bs, DealCard(res.Deal, o)...)
	lead := res.Title
	if len(res.Lines) > 0 {
		lead = res.Lines[0]
	}
	c := res.Deal
	return Message{Text: fallback(lead, c.Deal.ID.String()+" "+c.Deal.Account+" "+c.Amount+" ("+c.StageName+")"), Blocks: bs}
}

func renderDealList(res *commands.Result, o RenderOptions) Message {
	bs := []slack.Block{header(OrText(res.Title, "Deals"))}
	switch {
	case len(res.Deals) == 0 && len(res.Lines) > 0:
		// The command says why the list is empty (or the page is past the
		// end); the generic hint would repeat it.
		bs = append(bs, Section("list.empty", EscapeMd(strings.Join(res.Lines, "\n"))))
	case len(res.Deals) == 0:
		bs = append(bs, Section("list.empty", "No deals here yet. Log one with `/deal add &lt;account&gt; &lt;amount&gt;`."))
	case len(res.Lines) > 0:
		bs = append(bs, ContextBlock("list.summary", EscapeMd(strings.Join(res.Lines, " · "))))
	}
	// Leave room for the overflow note and paging.
	room := maxMessageBlocks - len(bs) - 2
	shown := 0
	for i := range res.Deals {
		if shown == room {
			break
		}
		c := &res.Deals[i]
		var acc *slack.Accessory
		if el := stagePicker(c, o.Stages); el != nil {
			acc = slack.NewAccessory(el)
		}
		bs = append(bs, slack.NewSectionBlock(md(Clip(dealLine(c), maxSectionText)), nil, acc,
			slack.SectionBlockOptionBlockID("deal.row:"+c.Deal.ID.String())))
		shown++
	}
	if left := len(res.Deals) - shown; left > 0 {
		bs = append(bs, ContextBlock("list.more", fmt.Sprintf("… and %d more. Narrow the list: `/deal list @user stage:&lt;stage&gt;`.", left)))
	}
	if next := res.NextPage; next != "" && utf8.RuneCountInString(next) <= 2000 {
		bs = append(bs, slack.NewActionBlock("list.page", button(ActPage, next, "Next page →", "")))
	}
	return Message{Text: fallback(OrText(res.Title, "Deals"), fmt.Sprintf("%d deals", len(res.Deals))), Blocks: bs}
}

// ---- pipeline and goals ----

func progressText(p sales.Progress, cur sales.Currency) string {
	head, pace := progressParts(p, cur)
	if pace == "" {
		return head
	}
	return head + "\n" + pace
}

// progressParts is the attainment line and the pace line (empty without a
// quota). Pace and coverage are multiples formatted by the digest's
// helpers ("0.87×"), so /goal, /pipeline, Home and the digest agree.
func progressParts(p sales.Progress, cur sales.Currency) (head, pace string) {
	if !p.HasQuota {
		return fmt.Sprintf("No quota for %s. Won so far: %s · open pipeline %s.", p.Period.Label(), cur.Format(p.Won), cur.Format(p.Open)), ""
	}
	share := 0.0
	if p.Attainment.OK {
		share = p.Attainment.V
	}
	head = fmt.Sprintf("`%s` *%s* of %s for %s · won %s", sales.Bar(share, 10), p.Attainment.Percent(), cur.Format(p.Quota), p.Period.Label(), cur.Format(p.Won))
	pace = "pace " + digest.PaceText(p.Pace)
	switch {
	case p.Won >= p.Quota:
		pace = ":trophy: quota reached"
	case p.Behind():
		pace = ":warning: behind pace (" + digest.PaceText(p.Pace) + ")"
	case p.Pace.OK:
		pace = ":white_check_mark: on pace (" + digest.PaceText(p.Pace) + ")"
	}
	if p.Won < p.Quota {
		pace += " · coverage " + digest.CoverageText(p.Coverage)
		if p.PerWorkingDay.OK {
			pace += fmt.Sprintf(" · %s per working day to go (%d left)", p.PerWorkingDay.Money(cur), p.WorkingDays)
		}
	}
	return head, pace
}

func funnelFields(f sales.Funnel, cur sales.Currency) []*slack.TextBlockObject {
	days := sales.NA
	if f.AvgCycleDays.OK {
		days = f.AvgCycleDays.Fixed(1) + " days"
	}
	vel := sales.NA
	if f.Velocity.OK {
		vel = f.Velocity.Money(cur) + "/day"
	}
	kv := [][2]string{
		{"Open deals", fmt.Sprint(f.Open)},
		{"Pipeline value", cur.Format(f.PipelineValue)},
		{"Weighted", cur.Format(f.Weighted)},
		{"Won", fmt.Sprintf("%d · %s", f.Won, cur.Format(f.WonValue))},
		{"Win rate", f.WinRate.Percent()},
		{"Avg deal size", f.AvgDealSize.Money(cur)},
		{"Avg sales cycle", days},
		{"Velocity", vel},
	}
	out := make([]*slack.TextBlockObject, len(kv))
	for i, p := range kv {
		out[i] = md("*" + p[0] + "*\n" + p[1])
	}
	return out
}

func renderPipeline(res *commands.Result, o RenderOptions) Message {
	pv := res.Pipeline
	cur := pv.Currency
	if cur.Code == "" {
		cur = o.Currency
	}
	title := "Pipeline · " + OrText(pv.Subject, "team")
	bs := []slack.Block{header(title), ContextBlock("pipeline.period", "Closed deals counted in "+pv.Period.Label()+"; open deals as of now.")}
	bs = append(bs, slack.NewSectionBlock(nil, funnelFields(pv.Funnel, cur), nil, slack.SectionBlockOptionBlockID("pipeline.funnel")))
	if len(pv.ByStage) > 0 {
		lines := make([]string, len(pv.ByStage))
		for i, r := range pv.ByStage {
			lines[i] = fmt.Sprintf("*%s* — %d · %s · weighted %s", EscClipMd(r.Stage, 60), r.Count, cur.Format(r.Value), cur.Format(r.Weighted))
		}
		bs = append(bs, pack("pipeline.stages", append([]string{"*By stage*"}, lines...), 3)...)
	}
	if pv.Progress != nil {
		bs = append(bs, Section("pipeline.progress", "*Quota*\n"+progressText(*pv.Progress, cur)))
	}
	for _, l := range res.Lines {
		bs = append(bs, ContextBlock(fmt.Sprintf("pipeline.note.%d", len(bs)), EscapeMd(l)))
		if len(bs) >= maxMessageBlocks {
			break
		}
	}
	f := pv.Funnel
	return Message{Text: fallback(title, fmt.Sprintf("%d open deals, %s", f.Open, cur.Format(f.PipelineValue))), Blocks: bs}
}

func goalLine(g *commands.GoalView, cur sales.Currency) string {
	who := EscClipMd(OrText(g.Subject, "you"), 120)
	if isSlackID(g.SlackID) {
		who = "<@" + g.SlackID + ">"
	}
	return "*" + who + "*  " + progressText(g.Progress, cur)
}

func renderGoals(res *commands.Result, o RenderOptions) Message {
	title := OrText(res.Title, "Quota progress")
	bs := []slack.Block{header(title)}
	if len(res.Goals) == 0 && len(res.Lines) == 0 {
		bs = append(bs, Section("goals.empty", "No quotas yet. A manager sets one with `/goal set @user 50k month`."))
	}
	lines := make([]string, 0, len(res.Goals)+len(res.Lines))
	for i := range res.Goals {
		cur := res.Goals[i].Currency
		if cur.Code == "" {
			cur = o.Currency
		}
		lines = append(lines, goalLine(&res.Goals[i], cur))
	}
	lines = append(lines, escLines(res.Lines, res.Mentions)...)
	if len(res.Goals) <= 12 {
		// Few subjects: one section each reads best.
		for i, l := range lines {
			bs = append(bs, Section(fmt.Sprintf("goals.%d", i), l))
		}
	} else {
		bs = append(bs, pack("goals", lines, maxMessageBlocks-len(bs))...)
	}
	first := ""
	if len(res.Goals) > 0 {
		g := res.Goals[0]
		first = g.Subject + " " + g.Progress.Attainment.Percent()
	}
	return Message{Text: fallback(title, first), Blocks: bs}
}

// ---- help, territories ----

func renderHelp(res *commands.Result) Message {
	title := OrText(res.Title, "salesbot commands")
	bs := []slack.Block{header(title)}
	if len(res.Lines) > 0 {
		bs = append(bs, Section("help.intro", Escape(strings.Join(res.Lines, "\n"))))
	}
	var lines []string
	for _, h := range res.Help {
		l := "*`" + Escape(h.Usage) + "`*\n" + Escape(h.Summary)
		if h.Who != "" {
			l += " _(" + Escape(h.Who) + ")_"
		}
		if len(h.Examples) > 0 {
			ex := make([]string, len(h.Examples))
			for i, e := range h.Examples {
				ex[i] = "`" + Escape(e) + "`"
			}
			l += "\ne.g. " + strings.Join(ex, " · ")
		}
		lines = append(lines, l+"\n")
	}
	packed := pack("help", lines, maxMessageBlocks-len(bs))
	// Entries end with a blank line, but Slack (and the demo) trim a
	// section's trailing newlines, so where the help continues in the next
	// section the gap would vanish; a zero-width space keeps the line.
	for _, b := range packed[:max(len(packed)-1, 0)] {
		if sb, ok := b.(*slack.SectionBlock); ok && strings.HasSuffix(sb.Text.Text, "\n") {
			sb.Text.Text += "\u200b"
		}
	}
	bs = append(bs, packed...)
	return Message{Text: fallback(title), Blocks: bs}
}

func renderTerritories(res *commands.Result, o RenderOptions) Message {
	title := OrText(res.Title, "Territories")
	bs := []slack.Block{header(title)}
	if len(res.Territories) == 0 {
		bs = append(bs, Section("territories.empty", "No territories yet. A manager adds one with `/territory add &lt;name&gt;`."))
	}
	var lines []string
	for _, t := range res.Territories {
		members := "no members"
		if len(t.Members) > 0 {
			ms := make([]string, 0, len(t.Members))
			for _, m := range t.Members {
				ms = append(ms, EscClipMd(m, 80))
			}
			members = Clip(strings.Join(ms, ", "), 1500)
		}
		route := ""
		if t.Channel != "" {
			route = " · digest → " + channelRef(t.Channel)
		}
		lines = append(lines, fmt.Sprintf("*%s* — %d open · %s%s\n%s", EscClipMd(t.Name, 150), t.Open, o.Currency.Format(t.Value), route, members))
	}
	lines = append(lines, escLines(res.Lines, res.Mentions)...)
	bs = append(bs, pack("territories", lines, maxMessageBlocks-len(bs))...)
	return Message{Text: fallback(title, fmt.Sprintf("%d territories", len(res.Territories))), Blocks: bs}
}

// channelRef links a stored channel id (<#C0123>); anything that is not
// an id shows as escaped text.
func channelRef(id string) string {
	if channelID.MatchString(id) {
		return "<#" + id + ">"
	}
	return EscClipMd(id, 80)
}

var channelID = regexp.MustCompile(`^[CGD][A-Z0-9]{2,30}$`)

// codeSpan shows text as inline code: inside it * and _ are literal, so
// only a backtick (which would end the span) needs a lookalike.
func codeSpan(s string) string {
	return "`" + strings.ReplaceAll(EscClip(s, 100), "`", "\u02cb") + "`"
}

// renderDigestStatus is "/salesbot digest": schedules, then routes.
func renderDigestStatus(res *commands.Result) Message {
	v := res.Digest
	when := func(t time.Time) string { return t.Format("Mon 2 Jan, 15:04") }
	var lines []string
	if v.Schedule == "" {
		lines = append(lines, "*Manager digest:* not scheduled (SALESBOT_DIGEST_SCHEDULE is empty). `/salesbot digest now` still posts one.")
	} else {
		l := fmt.Sprintf("*Manager digest:* %s (%s) · next %s", codeSpan(v.Schedule), EscClipMd(v.Zone, 60), when(v.Next))
		if !v.Last.IsZero() {
			l += " · last " + when(v.Last)
		} else {
			l += " · none posted yet"
		}
		lines = append(lines, l)
	}
	if v.Nudges == "" {
		lines = append(lines, "*Coaching nudges:* off (SALESBOT_NUDGE_SCHEDULE is empty).")
	} else {
		lines = append(lines, fmt.Sprintf("*Coaching nudges:* %s, at that time in each rep's own time zone, never on their weekend · next %s (%s)",
			codeSpan(v.Nudges), when(v.NextNudge), EscClipMd(v.Zone, 60)))
	}
	var routes []string
	for _, r := range v.Routes {
		name := "Company digest"
		switch r.Kind {
		case "territory":
			name = EscClipMd(r.Name, 100) + " digest"
		case "team":
			name = EscClipMd(r.Name, 100) + "'s team digest"
		}
		to := "no channel: set SALESBOT_DIGEST_CHANNEL or `/salesbot digest route #channel`"
		if r.Channel != "" {
			to = channelRef(r.Channel)
		}
		routes = append(routes, "• "+name+" → "+to)
	}
	bs := []slack.Block{header(OrText(res.Title, "Digests")), Section("digest.schedule", strings.Join(lines, "\n"))}
	bs = append(bs, pack("digest.routes", append([]string{"*Where they go*"}, routes...), maxMessageBlocks-len(bs)-1)...)
	bs = append(bs, ContextBlock("digest.help", "Route with `/salesbot digest route [@manager] #channel` or `/territory route &lt;territory&gt; #channel`; `none` undoes a route."))
	return Message{Text: fallback("Digests", fmt.Sprintf("%d digest routes", len(v.Routes))), Blocks: bs}
}

// ---- wins ----

// RenderWin is the celebration posted to the wins channel.
func RenderWin(w *commands.WinNotice, cur sales.Currency) Message {
	if cur.Code == "" {
		cur = sales.DefaultCurrency
	}
	who := Mention(w.OwnerSlackID, w.OwnerName)
	account := EscClipMd(OrText(w.Deal.Account, "a deal"), 200)
	amount := Escape(w.Amount)
	head := fmt.Sprintf(":tada: %s just won *%s*", who, account)
	if amount != "" {
		head += " — *" + amount + "*"
	}
	head += "!"
	bs := []slack.Block{Section("win.head", head)}
	var flourish []string
	if w.QuotaReached {
		flourish = append(flourish, ":trophy: *Quota reached* for "+w.Progress.Period.Label()+"! Take a bow.")
	}
	if w.FirstWin {
		flourish = append(flourish, ":first_place_medal: First win of "+w.Progress.Period.Label()+" — the board is open!")
	}
	if len(flourish) > 0 {
		bs = append(bs, Section("win.flourish", strings.Join(flourish, "\n")))
	}
	progress := progressText(w.Progress, cur)
	if w.QuotaReached {
		// The flourish already says "Quota reached"; say it once.
		progress, _ = progressParts(w.Progress, cur)
	}
	bs = append(bs, Section("win.progress", progress))
	bs = append(bs, ContextBlock("win.deal", w.Deal.ID.String()+" · "+account))
	txt := fmt.Sprintf("%s won %s", nameOnly(w), w.Deal.Account)
	if w.Amount != "" {
		txt += " (" + w.Amount + ")"
	}
	return Message{Text: EscClip(txt, maxFallbackText), Blocks: bs}
}

func nameOnly(w *commands.WinNotice) string {
	if w.OwnerName != "" {
		return w.OwnerName
	}
	return "Someone"
}

// ---- App Home ----

// RenderHome builds the Home tab: progress, a "Log a deal" button, open
// deals by stage with buttons, stale and overdue deals and, for managers,
// the team. It stays within the 100-block limit by summarising.
func RenderHome(h *commands.HomeView, o RenderOptions) slack.HomeTabViewRequest {
	cur := h.Currency
	if cur.Code == "" {
		cur = o.Currency
	}
	if cur.Code == "" {
		cur = sales.DefaultCurrency
	}
	b := &budget{max: MaxViewBlocks}
	b.add(header("Hi " + OrText(h.Name, "there") + " 👋"))
	b.add(Section("home.goal", "*Your quota*\n"+progressText(h.Goal.Progress, cur)))
	b.add(slack.NewActionBlock("home.log", button(ActLog, "", "Log a deal", slack.StylePrimary)))

	// Reserve room for the later parts so one long part cannot starve them.
	teamRoom := 0
	if h.Team != nil || len(h.TeamGoals) > 0 {
		teamRoom = 8
	}
	attention := append(append([]commands.DealCard(nil), h.Overdue...), h.Stale...)
	attnRoom := min(2*len(attention)+1, 25)
	b.add(slack.NewDividerBlock())
	b.add(Section("home.open.title", "*Your open deals*"))
	open := 0
	for _, sd := range h.ByStage {
		open += len(sd.Deals)
	}
	if open == 0 {
		b.add(ContextBlock("home.open.none", "No open deals. Press *Log a deal* or type `/deal add &lt;account&gt; &lt;amount&gt;`."))
	}
	openRoom := b.room() - attnRoom - teamRoom - 4
	for _, sd := range h.ByStage {
		if len(sd.Deals) == 0 {
			continue
		}
		if openRoom < 2 {
			b.add(ContextBlock("home.open.more", "… more stages not shown. See `/deal list`."))
			break
		}
		b.add(Section("home.stage:"+Clip(Sanitize(sd.Stage), 60), fmt.Sprintf("*%s* · %d · %s", EscClipMd(sd.Stage, 80), len(sd.Deals), cur.Format(sd.Total))))
		openRoom--
		for i := range sd.Deals {
			if openRoom < 2 {
				b.add(ContextBlock("home.stagemore:"+Clip(Sanitize(sd.Stage), 60), fmt.Sprintf("… and %d more in %s: `/deal list stage:%s`", len(sd.Deals)-i, EscClipMd(sd.Stage, 60), EscClipMd(sd.Stage, 60))))
				openRoom--
				break
			}
			c := &sd.Deals[i]
			var acc *slack.Accessory
			if el := stagePicker(c, o.Stages); el != nil {
				acc = slack.NewAccessory(el)
			} else if c.CanEdit {
				acc = slack.NewAccessory(button(ActWon, c.Deal.ID.String(), "Won", slack.StylePrimary))
			}
			b.add(slack.NewSectionBlock(md(Clip(dealLine(c), maxSectionText)), nil, acc,
				slack.SectionBlockOptionBlockID("home.deal:"+c.Deal.ID.String())))
			openRoom--
		}
	}

	if len(attention) > 0 {
		b.add(slack.NewDividerBlock())
		b.add(Section("home.attn.title", fmt.Sprintf("*Needs attention* · %d overdue · %d stale", len(h.Overdue), len(h.Stale))))
		seen := map[sales.DealID]bool{}
		room := b.room() - teamRoom - 1
		for i := range attention {
			c := &attention[i]
			if seen[c.Deal.ID] {
				continue
			}
			if room < 2 {
				b.add(ContextBlock("home.attn.more", "… more deals need attention. See `/deal list`."))
				break
			}
			seen[c.Deal.ID] = true
			id := c.Deal.ID.String()
			b.add(Section("home.attn:"+id, dealLine(c)))
			room--
			if c.CanEdit {
				b.add(slack.NewActionBlock("home.attn.act:"+id,
					button(ActAdvance, id, "Update stage", ""),
					button(ActPush, id, "Push close +7d", ""),
					button(ActSnooze, id, "Snooze 7d", ""),
					button(ActLost, id, "Mark lost", slack.StyleDanger)))
				room--
			}
		}
	}

	if h.Team != nil || len(h.TeamGoals) > 0 {
		b.add(slack.NewDividerBlock())
		b.add(Section("home.team.title", "*Your team*"))
		if h.Team != nil {
			b.add(slack.NewSectionBlock(nil, funnelFields(h.Team.Funnel, cur), nil, slack.SectionBlockOptionBlockID("home.team.funnel")))
			if h.Team.Progress != nil {
				b.add(Section("home.team.progress", progressText(*h.Team.Progress, cur)))
			}
		}
		if len(h.TeamGoals) > 0 {
			lines := make([]string, len(h.TeamGoals))
			for i := range h.TeamGoals {
				lines[i] = goalLine(&h.TeamGoals[i], cur)
			}
			b.add(pack("home.team.goals", lines, min(3, b.room()))...)
		}
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: b.list}}
}

type budget struct {
	list []slack.Block
	max  int
}

func (b *budget) room() int { return b.max - len(b.list) }

func (b *budget) add(bs ...slack.Block) {
	for _, x := range bs {
		if x != nil && len(b.list) < b.max {
			b.list = append(b.list, x)
		}
	}
}

// ---- modals ----

// ModalMeta is what a modal carries to its submission (private_metadata).
type ModalMeta struct {
	Channel string `json:"c,omitempty"`
	Deal    string `json:"d,omitempty"`
	// ResponseURL of the message whose button opened the modal, so the
	// result can replace that card.
	ResponseURL string `json:"r,omitempty"`
}

func (m ModalMeta) encode() string {
	b, _ := json.Marshal(m)
	if len(b) > 3000 {
		m.ResponseURL = ""
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
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain(submit), Close: plain("Cancel"),
		CallbackID: CallbackDealForm, PrivateMetadata: meta.encode(),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
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
