package blocks

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// The weekly forecast call's button and modal.
const (
	ActForecastCall      = "forecast.call"
	CallbackForecastCall = "forecast.call"
)

// ForecastCallValue is the call button's value: the period and the
// amounts the modal opens with, "2026-Q4|120000.00|150000.00".
func ForecastCallValue(p sales.Period, commit, best sales.Money, cur sales.Currency) string {
	return p.Key() + "|" + cur.Plain(commit) + "|" + cur.Plain(best)
}

// ParseForecastCallValue reads ForecastCallValue back.
func ParseForecastCallValue(v string) (period, commit, best string, ok bool) {
	parts := strings.Split(v, "|")
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// RenderForecastCall is a rep's weekly forecast-call DM: the numbers the
// call is about, the last call, and a button that opens the call form
// prefilled with the current commit and best case.
func RenderForecastCall(c *digest.ForecastCall) DigestMsg {
	cur, pr := c.Currency, c.Projection
	commit, best := pr.Totals.Commit(), pr.Totals.BestCase()
	kv := [][2]string{
		{"Quota", cur.Format(c.Quota.Amount)},
		{"Closed won", cur.Format(pr.WonToDate)},
		{"Commit (won + commit deals)", cur.Format(commit)},
		{"Best case", cur.Format(best)},
		{"Projection", cur.Format(pr.Predicted) + ", 80% range " + rangeText(pr, cur)},
		{"Chance of reaching quota", chanceText(pr.Chance)},
	}
	fields := make([]*slack.TextBlockObject, len(kv))
	for i, f := range kv {
		fields[i] = md("*" + f[0] + "*\n" + f[1])
	}
	last := fmt.Sprintf("You have not called %s yet.", c.Period.Label())
	if c.Last != nil {
		at := timeIn(c.Last.At, c.Loc)
		last = fmt.Sprintf("Your last call (%s): commit %s, best case %s.", at.Format("Mon 2 Jan"), cur.Format(c.Last.Commit), cur.Format(c.Last.Best))
	}
	takes := ""
	if pr.CommitGap > 0 {
		takes = fmt.Sprintf(" %s more in commit would cover the quota.", cur.Format(pr.CommitGap))
	}
	bs := []slack.Block{
		header("Forecast call · " + c.Period.Label()),
		slack.NewSectionBlock(nil, fields, nil, slack.SectionBlockOptionBlockID("call.numbers")),
		Section("call.last", EscapeMd(last+takes)),
		slack.NewActionBlock("call.actions",
			button(ActForecastCall, ForecastCallValue(c.Period, commit, best, cur), "Submit my call", slack.StylePrimary)),
		ContextBlock("call.help", EscapeMd("Or type /forecast submit <commit> best <best case>, e.g. /forecast submit "+
			cur.Plain(commit)+" best "+cur.Plain(best)+". Your call is kept as you made it; a new one does not rewrite it.")),
	}
	return DigestMsg{Text: Escape(fmt.Sprintf("Forecast call for %s: commit %s, best case %s, projection %s. %s",
		c.Period.Label(), cur.Format(commit), cur.Format(best), cur.Format(pr.Predicted), last)), Blocks: bs}
}

// RenderForecastRollup is a manager's weekly roll-up.
func RenderForecastRollup(r *digest.ForecastRollup) DigestMsg {
	cur, pr := r.Currency, r.Projection
	quota := "no team quota for " + r.Period.Label()
	if r.Quota.Has {
		quota = cur.Format(r.Quota.Amount)
	}
	called := len(r.Calls) - r.Missing
	kv := [][2]string{
		{"Team quota", quota},
		{"Closed won", cur.Format(pr.WonToDate)},
		{"Commit (won + commit deals)", cur.Format(pr.Totals.Commit())},
		{"Best case", cur.Format(pr.Totals.BestCase())},
		{"Projection", cur.Format(pr.Predicted) + ", 80% range " + rangeText(pr, cur)},
		{"Reps' calls", fmt.Sprintf("commit %s, best case %s (%d of %d called)", cur.Format(r.CalledCommit), cur.Format(r.CalledBest), called, len(r.Calls))},
	}
	fields := make([]*slack.TextBlockObject, len(kv))
	for i, f := range kv {
		fields[i] = md("*" + f[0] + "*\n" + f[1])
	}
	bs := []slack.Block{
		header("Forecast roll-up · " + r.Manager.Label() + "'s team · " + r.Period.Label()),
		slack.NewSectionBlock(nil, fields, nil, slack.SectionBlockOptionBlockID("rollup.numbers")),
	}
	var lines []string
	for _, c := range r.Calls {
		who := EscClipMd(c.Name, 60) // a name, not a mention: the roll-up pings nobody
		call := "_not in yet_"
		if c.Called {
			call = fmt.Sprintf("commit %s, best case %s (%s)", cur.Format(c.Commit), cur.Format(c.Best), timeIn(c.At.Unix(), r.Loc).Format("Mon 2 Jan"))
		}
		lines = append(lines, fmt.Sprintf("• %s: %s · projection %s of %s", who, call, cur.Format(c.Projected), cur.Format(c.Quota)))
	}
	if len(lines) > 0 {
		bs = append(bs, dgSections("*Calls beside the projection*", lines, false)...)
	}
	var changes []string
	for _, c := range r.Changes {
		changes = append(changes, changeLine(c, r.Period, cur))
	}
	since := timeIn(r.Since.Unix(), r.Loc).Format("Mon 2 Jan")
	switch {
	case len(changes) == 0:
		bs = append(bs, Section("rollup.changes", "*Since "+since+":* no deal entered or left commit, moved its close date across the period's end or changed its amount."))
	default:
		if more := r.ChangesTotal - len(r.Changes); more > 0 {
			changes = append(changes, fmt.Sprintf("_… and %d more; /forecast team has the whole picture._", more))
		}
		bs = append(bs, dgSections("*Since "+since+"*", changes, false)...)
	}
	if len(bs) > dgMaxBlocks-1 {
		bs = append(bs[:dgMaxBlocks-2], dgContext("… more than fits in one message: /forecast team has everything."))
	}
	bs = append(bs, ContextBlock("rollup.help", EscapeMd("Calls are snapshots: each is kept as the rep made it. /forecast team shows the live numbers.")))
	return DigestMsg{Text: Escape(fmt.Sprintf("Forecast roll-up for %s: %d of %d reps called, calls commit %s; projection %s.",
		r.Period.Label(), called, len(r.Calls), cur.Format(r.CalledCommit), cur.Format(pr.Predicted))), Blocks: bs}
}

func changeLine(c digest.ChangeLine, p sales.Period, cur sales.Currency) string {
	deal := fmt.Sprintf("*%s* (%s, %s)", EscClipMd(OrText(c.Account, "deal"), dgMaxAccount), c.ID, EscClipMd(OrText(c.Owner, "no owner"), 40))
	var what string
	switch c.Kind {
	case forecast.AddedToCommit:
		what = "added to commit, " + cur.Format(c.To)
	case forecast.DroppedFromCommit:
		what = "dropped from commit, " + cur.Format(c.To)
	case forecast.PushedOut:
		what = fmt.Sprintf("close date pushed out of %s to %s, %s", p.Label(), dateOr(c.CloseTo, "none"), cur.Format(c.To))
	case forecast.PulledIn:
		what = fmt.Sprintf("close date pulled into %s (%s), %s", p.Label(), dateOr(c.CloseTo, "none"), cur.Format(c.To))
	case forecast.AmountChanged:
		what = fmt.Sprintf("amount %s → %s", cur.Format(c.From), cur.Format(c.To))
	case forecast.WonDeal:
		what = ":trophy: won, " + cur.Format(c.To)
	case forecast.LostDeal:
		what = "lost, " + cur.Format(c.To)
	}
	return "• " + deal + ": " + what
}

// ForecastCallModal is the call form, prefilled; meta.Period names the
// period the call is for.
func ForecastCallModal(periodLabel, commit, best string, meta ModalMeta) slack.ModalViewRequest {
	field := func(id, label, value string) *slack.InputBlock {
		el := slack.NewPlainTextInputBlockElement(plain("120k"), id).WithMaxLength(40)
		if value != "" {
			el = el.WithInitialValue(plainInput(value, 40))
		}
		return slack.NewInputBlock(id, plain(label), plain("12000, 12k, $12,000 or 1.2m"), el)
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(Clip("Call "+periodLabel, 24)), Submit: plain("Submit call"), Close: plain("Cancel"),
		CallbackID: CallbackForecastCall, PrivateMetadata: meta.encode(),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			Section("call.intro", EscapeMd("Your call for "+periodLabel+": what you commit to close, and your best case (commit included). It is kept as a snapshot.")),
			field(commands.FieldCommit, "Commit", commit),
			field(commands.FieldBest, "Best case", best),
		}},
	}
}

// rangeText is the projection's 80% range as every forecast view shows
// it; with too little history it spans won to all dated pipeline.
func rangeText(pr forecast.Projection, cur sales.Currency) string {
	s := cur.Format(pr.Low) + " – " + cur.Format(pr.High)
	if pr.Fallback {
		s += " (won to all dated pipeline)"
	}
	return s
}

// chanceText is the chance of reaching quota, or why there is none.
func chanceText(n sales.Num) string {
	if !n.OK && n.Why != "" {
		return sales.NA + " (" + EscapeMd(n.Why) + ")"
	}
	return n.Percent()
}

// timeIn is unix seconds as a time in loc (UTC when nil).
func timeIn(unix int64, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Unix(unix, 0).In(loc)
}

// dateOr is a civil date (UTC midnight) as YYYY-MM-DD, or none.
func dateOr(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return t.UTC().Format(time.DateOnly)
}

// BriefText is a one-line forecast, for the Home tab: "Forecast for
// December 2026: projection $X (80% range …) · commit $C · best case $B".
func BriefText(b *commands.ForecastBrief, cur sales.Currency) string {
	rng := cur.Format(b.Low) + " – " + cur.Format(b.High)
	if b.Fallback {
		rng += " (won to all dated pipeline)"
	}
	s := fmt.Sprintf("projection %s (80%% range %s) · commit %s · best case %s", cur.Format(b.Predicted), rng, cur.Format(b.Commit), cur.Format(b.Best))
	if b.Call != nil {
		s += fmt.Sprintf(" · your call: commit %s, best case %s", cur.Format(b.Call.Commit), cur.Format(b.Call.Best))
	}
	return s
}
