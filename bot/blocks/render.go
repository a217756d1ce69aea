package blocks

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
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
	// ActLogCall logs a call on the deal in one tap; ActLogActivity opens
	// the activity modal (value: the deal id, "" from the Home tab).
	ActLogCall = "deal.logcall"
	// ActForecast is the card's forecast-category menu (value: "D-n|commit").
	ActForecast    = "deal.forecast"
	ActLogActivity = "deal.activity"
)

// Callback ids of the bot's modals.
const (
	CallbackDealForm = "deal.form"
	CallbackLost     = "deal.lost"
	CallbackActivity = "deal.activity"
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
	case commands.KindForecast:
		if res.Forecast != nil {
			return renderForecast(res, o)
		}
	case commands.KindLeaderboard:
		if res.Leaderboard != nil {
			return renderLeaderboard(res, o)
		}
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
	if w.Muted {
		who = "*" + EscClipMd(nameOnly(w), 80) + "*" // celebrations off: named, not pinged
	}
	account := EscClipMd(OrText(w.Deal.Account, "a deal"), 200)
	amount := Escape(w.Amount)
	head := fmt.Sprintf(":tada: %s just won *%s*", who, account)
	if w.Muted {
		head = fmt.Sprintf("%s won *%s*", who, account)
	}
	if amount != "" {
		head += " — *" + amount + "*"
	}
	head += "!"
	bs := []slack.Block{Section("win.head", head)}
	// One milestone at most, the most notable: recognition, not noise.
	switch w.Milestone() {
	case sales.MilestoneQuotaReached:
		bs = append(bs, Section("win.flourish", ":trophy: *Quota reached* for "+w.Progress.Period.Label()+"! Take a bow."))
	case sales.MilestonePersonalBest:
		bs = append(bs, Section("win.flourish", ":chart_with_upwards_trend: *A new personal best*, up from "+Escape(cur.Format(w.PreviousBest))+"!"))
	case sales.MilestoneFirstWin:
		bs = append(bs, Section("win.flourish", ":first_place_medal: First win of "+w.Progress.Period.Label()+" — the board is open!"))
	case sales.MilestoneStreak:
		bs = append(bs, Section("win.flourish", fmt.Sprintf(":fire: %d weeks in a row on every weekly activity goal!", w.Streak)))
	}
	progress := progressText(w.Progress, cur)
	if w.Milestone() == sales.MilestoneQuotaReached {
		// The flourish already says "Quota reached"; say it once.
		progress, _ = progressParts(w.Progress, cur)
	}
	bs = append(bs, Section("win.progress", progress))
	if f := w.Forecast; f != nil && f.HasBefore {
		bs = append(bs, ContextBlock("win.forecast", EscapeMd(fmt.Sprintf(":crystal_ball: %s forecast for %s: projection %s → %s, commit now %s.",
			possessive(nameOnly(w)), f.Period.Label(), cur.Format(f.Before), cur.Format(f.Predicted), cur.Format(f.Commit)))))
	}
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

// possessive is "Bob's" (or "Chris'" for a name ending in s).
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}
