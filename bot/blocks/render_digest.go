package blocks

// Block Kit rendering of digests, nudges and nudge summaries (owned by the
// digest package's author). Every string from users (names, accounts,
// stages, reasons, territories) goes through escDigest; the layout stays
// inside Block Kit's limits at any team size: the main message summarises
// and the rest goes to thread replies and an attached CSV.

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/csvsafe"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// DigestMsg is one Slack message: fallback text and blocks.
type DigestMsg struct {
	Text   string
	Blocks []slack.Block
}

// DigestPost is everything one digest posts: the main message, thread
// replies, the chart (files upload v2, with alt text) and a CSV when the
// main message had to summarise.
type DigestPost struct {
	Main       DigestMsg
	Thread     []DigestMsg
	Chart      []byte
	ChartName  string
	ChartAlt   string
	ChartTitle string
	CSV        []byte
	CSVName    string
}

// The digest's own layout limits; Slack's are in limits.go.
const (
	dgThreadBlocks = 45 // per thread reply, leaving headroom
	dgMainReps     = 15 // more reps than this: top and bottom in the main message
	dgAccuracyReps = 10 // reps listed under "how the forecast did"
	dgMainEach     = 5  // top/bottom reps, stale, overdue, moves shown in the main message
	dgMainCoaching = 6
	dgMaxAccount   = 60
	dgMaxName      = 18
)

// escDigest escapes user text for Slack (mrkdwn and plain_text alike) with
// the bot's one policy (Escape: sanitize, then &, <, >), so user text can
// neither ping @channel, mention a group nor forge a link.
func escDigest(s string) string { return Escape(s) }

// escDigestMd is escDigest for mrkdwn: formatting characters in user text
// become lookalikes (EscapeMd) so a name cannot bold, italicise, strike or
// code-format the text around it. Code blocks keep escDigest: nothing
// formats inside them.
func escDigestMd(s string) string { return EscapeMd(s) }

// dgClip shortens s to n runes with an ellipsis (before escaping, so an
// entity is never cut in half).
func dgClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func dgMd(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func dgPlain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// dgHeader fits a header in 150 characters after escaping.
func dgHeader(s string) slack.Block {
	n := dgMaxHeader
	t := escDigest(dgClip(s, n))
	for utf8.RuneCountInString(t) > dgMaxHeader {
		n -= 10
		t = escDigest(dgClip(s, n))
	}
	return slack.NewHeaderBlock(dgPlain(t))
}

func dgContext(lines ...string) slack.Block {
	var els []slack.MixedElement
	for _, l := range lines {
		if len(els) == 10 {
			break
		}
		els = append(els, dgMd(dgClipText(l, dgMaxSection)))
	}
	return slack.NewContextBlock("", els...)
}

// dgClipText shortens already-escaped mrkdwn to n bytes at a line or rune
// boundary, never inside an &entity;.
func dgClipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("\n…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(s[:cut], '&'); i >= 0 && !strings.Contains(s[i:cut], ";") {
		cut = i
	}
	if i := strings.LastIndexByte(s[:cut], '\n'); i > cut/2 {
		cut = i
	}
	return s[:cut] + "\n…"
}

// dgSections packs lines into as few sections as fit 3000 characters each.
// A code block is closed and reopened across sections.
func dgSections(title string, lines []string, code bool) []slack.Block {
	var out []slack.Block
	var b strings.Builder
	open := func() {
		b.Reset()
		if title != "" && len(out) == 0 {
			b.WriteString(title + "\n")
		}
		if code {
			b.WriteString("```")
		}
	}
	flush := func() {
		if code {
			b.WriteString("```")
		}
		out = append(out, slack.NewSectionBlock(dgMd(b.String()), nil, nil))
	}
	open()
	empty := true
	for _, l := range lines {
		l = dgClipText(l, dgMaxSection-len(title)-20)
		if !empty && b.Len()+len(l)+1+6 > dgMaxSection {
			flush()
			open()
			empty = true
		}
		if !empty {
			b.WriteString("\n")
		}
		b.WriteString(l)
		empty = false
	}
	if !empty || title != "" {
		flush()
	}
	return out
}

// RenderDigest lays a digest out as Slack messages.
func RenderDigest(d *digest.Digest) DigestPost {
	c := d.Currency
	day := d.Now.In(dgLoc(d)).Format("2006-01-02")
	p := DigestPost{}
	var main []slack.Block
	main = append(main, dgHeader(d.Title),
		dgContext(fmt.Sprintf("%s · *%s* · %s of the period gone · what moved %s",
			escDigestMd(d.ScopeLabel()), escDigestMd(d.Period.Label()), d.Team.Progress.Elapsed.Percent(), escDigestMd(d.SinceText()))))

	if d.Empty {
		var tips []string
		for _, t := range d.Tips {
			tips = append(tips, "• "+escDigestMd(t))
		}
		main = append(main, dgSections(":wave: *No deals yet, so there is nothing to sum up.* To get going:", tips, false)...)
		p.Main = DigestMsg{Text: escDigest(d.Title) + ": no deals yet. Log one with /deal add.", Blocks: main}
		return p
	}

	// Pipeline by stage.
	rows := [][]string{{"Stage", "Deals", "Value", "Weighted"}}
	for _, s := range append(append([]digest.StageLine{}, d.Stages...), d.Pipeline) {
		rows = append(rows, []string{dgClip(s.Name, dgMaxName), fmt.Sprint(s.Count), c.Abbrev(s.Value), c.Abbrev(s.Weighted)})
	}
	main = append(main, dgSections(":bar_chart: *Pipeline by stage*", dgCodeLines(rows, "lrrr"), true)...)
	main = append(main, slack.NewDividerBlock())

	// What moved.
	mv := d.Moved
	if mv.NewCount+mv.ChangedCount+mv.WonCount+mv.LostCount == 0 {
		main = append(main, slack.NewSectionBlock(dgMd(":zzz: *What moved* "+escDigestMd(d.SinceText())+": nothing."), nil, nil))
	} else {
		main = append(main, slack.NewSectionBlock(dgMd(":arrows_counterclockwise: *What moved* "+escDigestMd(d.SinceText())), nil, nil))
		moveBlock := func(emoji, title string, n int, v sales.Money, showV bool, l []digest.Move, f func(digest.Move) string) {
			if n == 0 {
				return
			}
			head := fmt.Sprintf("%s *%s: %d*", emoji, title, n)
			if showV {
				head = fmt.Sprintf("%s *%s: %d* (%s)", emoji, title, n, c.Abbrev(v))
			}
			var lines []string
			for i, m := range l {
				if i == dgMainEach {
					break
				}
				lines = append(lines, "• "+f(m))
			}
			if n > len(lines) {
				lines = append(lines, fmt.Sprintf("_… and %d more_", n-len(lines)))
			}
			main = append(main, dgSections(head, lines, false)...)
		}
		deal := func(m digest.Move) string {
			return fmt.Sprintf("*%s* (%s)", escDigestMd(dgClip(m.Account, dgMaxAccount)), m.Deal)
		}
		moveBlock(":new:", "New", mv.NewCount, mv.NewValue, true, mv.New, func(m digest.Move) string {
			return fmt.Sprintf("%s · %s · %s · %s", deal(m), c.Abbrev(m.Amount), escDigestMd(m.To), escDigestMd(m.Owner))
		})
		moveBlock(":twisted_rightwards_arrows:", "Stage changes", mv.ChangedCount, 0, false, mv.Changed, func(m digest.Move) string {
			return fmt.Sprintf("%s: %s → *%s* · %s · %s", deal(m), escDigestMd(m.From), escDigestMd(m.To), c.Abbrev(m.Amount), escDigestMd(m.Owner))
		})
		moveBlock(":trophy:", "Won", mv.WonCount, mv.WonValue, true, mv.Won, func(m digest.Move) string {
			return fmt.Sprintf("%s · %s · %s", deal(m), c.Abbrev(m.Amount), escDigestMd(m.Owner))
		})
		moveBlock(":x:", "Lost", mv.LostCount, mv.LostValue, true, mv.Lost, func(m digest.Move) string {
			reason := "no reason given"
			if strings.TrimSpace(m.Reason) != "" {
				reason = "“" + escDigestMd(dgClip(m.Reason, 120)) + "”"
			}
			return fmt.Sprintf("%s · %s · %s · %s", deal(m), c.Abbrev(m.Amount), escDigestMd(m.Owner), reason)
		})
	}
	main = append(main, slack.NewDividerBlock())

	// Funnel metrics with change against the previous period.
	var fields []*slack.TextBlockObject
	for _, m := range d.Metrics {
		ch, tr := m.Change(c)
		// The arrow says which way the number went; the word says whether
		// that is good (a shorter sales cycle is).
		change := ch
		switch {
		case tr == digest.TrendGood || tr == digest.TrendBad:
			arrow := ":arrow_up_small:"
			if m.Cur.V < m.Prev.V {
				arrow = ":arrow_down_small:"
			}
			word := map[digest.Trend]string{digest.TrendGood: "better", digest.TrendBad: "worse"}[tr]
			change = fmt.Sprintf("%s %s _(%s)_", arrow, ch, word)
		case tr == digest.TrendNone && ch == "new":
			change = "_new this period_"
		case tr == digest.TrendNone:
			change = ""
		}
		fields = append(fields, dgMd(strings.TrimSpace(fmt.Sprintf("*%s*\n%s  %s", m.Name, m.Value(c), change))))
		if len(fields) == 10 {
			break
		}
	}
	main = append(main, slack.NewSectionBlock(dgMd(fmt.Sprintf(":chart_with_upwards_trend: *Funnel* · %s to date vs %s",
		escDigestMd(d.Period.Label()), escDigestMd(d.Period.Previous().Label()))), fields, nil))

	// Quota progress: every rep when few, else top and bottom plus team.
	pr := d.Team.Progress
	teamLine := fmt.Sprintf(":dart: *Team: %s*  `%s`", pr.Attainment.Percent(), digest.ProgressBar(pr))
	if pr.HasQuota {
		teamLine += fmt.Sprintf("  %s of %s · pace %s (%s) · coverage %s", c.Abbrev(pr.Won), c.Abbrev(pr.Quota),
			digest.PaceText(pr.Pace), digest.PaceNote(pr), digest.CoverageText(pr.Coverage))
	} else {
		teamLine += fmt.Sprintf("  %s won · no quota set for %s", c.Abbrev(pr.Won), escDigestMd(d.Period.Label()))
	}
	main = append(main, slack.NewSectionBlock(dgMd(teamLine), nil, nil))
	if d.Forecast != nil {
		main = append(main, slack.NewSectionBlock(dgMd(":crystal_ball: *Forecast* · "+escDigestMd(digest.ForecastText(d.Forecast, c))), nil, nil))
	}
	if d.Accuracy != nil {
		head, reps := digest.AccuracyText(d.Accuracy, c)
		lines := make([]string, 0, len(reps))
		for i, r := range reps {
			if i == dgAccuracyReps {
				lines = append(lines, fmt.Sprintf("_… and %d more reps: salesbot forecast --backtest has every period._", len(reps)-i))
				break
			}
			lines = append(lines, "• "+escDigestMd(r))
		}
		main = append(main, dgSections(":checkered_flag: *How the forecast did* · "+escDigestMd(head), lines, false)...)
	}
	head := []string{"Rep", "Attained", "Progress", "Pace", "Cover", "Won", "Quota", "Note"}
	repRows := func(rs []digest.RepLine) [][]string {
		out := [][]string{head}
		for _, r := range rs {
			cells := digest.RepRow(r, d)
			cells[0] = dgClip(cells[0], dgMaxName)
			out = append(out, cells)
		}
		return out
	}
	summarised := len(d.Reps) > dgMainReps
	switch {
	case len(d.Reps) == 0:
		main = append(main, dgContext("No reps yet: people appear here once they own a deal or have a quota."))
	case !summarised:
		main = append(main, dgSections(fmt.Sprintf("*Quota progress · %s*", escDigestMd(d.Period.Label())), dgCodeLines(repRows(d.Reps), digest.RepAlign), true)...)
	default:
		top := d.Reps[:dgMainEach]
		bottom := d.Reps[len(d.Reps)-dgMainEach:]
		main = append(main, dgSections(fmt.Sprintf("*Top %d of %d reps · %s*", dgMainEach, len(d.Reps), escDigestMd(d.Period.Label())), dgCodeLines(repRows(top), digest.RepAlign), true)...)
		main = append(main, dgSections(fmt.Sprintf("*Bottom %d*", dgMainEach), dgCodeLines(repRows(bottom), digest.RepAlign), true)...)
		main = append(main, dgContext(fmt.Sprintf("All %d reps are in the thread and in the attached CSV.", len(d.Reps))))
		// Thread: the full table, in as many replies as it takes.
		var all []slack.Block
		all = append(all, dgSections(fmt.Sprintf("*Quota progress, all %d reps · %s*", len(d.Reps), escDigestMd(d.Period.Label())), dgCodeLines(repRows(d.Reps), digest.RepAlign), true)...)
		p.Thread = append(p.Thread, dgSplit(all, fmt.Sprintf("Quota progress, all %d reps", len(d.Reps)))...)
		p.CSV = dgRepsCSV(d)
		p.CSVName = "digest-reps-" + day + ".csv"
	}

	if len(d.Leaderboard) > 0 {
		var lines []string
		for _, r := range d.Leaderboard {
			rank := fmt.Sprintf("%d.", r.Rank)
			if r.Rank <= len(medals) {
				rank = medals[r.Rank-1] // tied: the same medal
			}
			lines = append(lines, fmt.Sprintf("%s *%s* %s (%s)", rank, escDigestMd(dgClip(r.Name, 40)), c.Abbrev(r.Won), dgPlural(int(r.Deals), "deal")))
		}
		if d.LeaderboardTied > 0 {
			lines = append(lines, fmt.Sprintf("_and %d more at #%d_", d.LeaderboardTied, d.Leaderboard[len(d.Leaderboard)-1].Rank))
		}
		main = append(main, dgSections(fmt.Sprintf(":trophy: *Leaderboard · %s*", escDigestMd(d.Period.Label())), lines, false)...)
	}
	main = append(main, slack.NewDividerBlock())

	// Deals needing attention.
	dealLines := func(l digest.DealList, n int, f func(digest.DealLine) string) []string {
		var lines []string
		for i, x := range l.Deals {
			if i == n {
				break
			}
			lines = append(lines, "• "+f(x))
		}
		if l.Count > len(lines) {
			lines = append(lines, fmt.Sprintf("_… and %d more_", l.Count-len(lines)))
		}
		return lines
	}
	staleF := func(x digest.DealLine) string {
		return fmt.Sprintf("*%s* (%s) · %s · %s · %s · %s",
			escDigestMd(dgClip(x.Account, dgMaxAccount)), x.ID, escDigestMd(x.Stage), c.Abbrev(x.Amount), escDigestMd(x.Staleness()), escDigestMd(x.Owner))
	}
	overF := func(x digest.DealLine) string {
		return fmt.Sprintf("*%s* (%s) · %s · %s · was due %s (%s ago) · %s",
			escDigestMd(dgClip(x.Account, dgMaxAccount)), x.ID, escDigestMd(x.Stage), c.Abbrev(x.Amount), digest.DateText(x.CloseDate), dgPlural(x.Days, "day"), escDigestMd(x.Owner))
	}
	if d.Stale.Count+d.Overdue.Count == 0 {
		main = append(main, slack.NewSectionBlock(dgMd(":white_check_mark: *No stale or overdue deals.*"), nil, nil))
	}
	if d.Stale.Count > 0 {
		main = append(main, dgSections(fmt.Sprintf(":hourglass: *Stale: %d deals (%s)* in their stage for longer than it allows", d.Stale.Count, c.Abbrev(d.Stale.Value)),
			dealLines(d.Stale, dgMainEach, staleF), false)...)
	}
	if d.Overdue.Count > 0 {
		main = append(main, dgSections(fmt.Sprintf(":calendar: *Overdue: %d deals (%s)* past their expected close date", d.Overdue.Count, c.Abbrev(d.Overdue.Value)),
			dealLines(d.Overdue, dgMainEach, overF), false)...)
	}
	var more []slack.Block
	if len(d.Stale.Deals) > dgMainEach {
		more = append(more, dgSections(fmt.Sprintf("*Stale deals, largest %d of %d*", len(d.Stale.Deals), d.Stale.Count), dealLines(d.Stale, len(d.Stale.Deals), staleF), false)...)
	}
	if len(d.Overdue.Deals) > dgMainEach {
		more = append(more, dgSections(fmt.Sprintf("*Overdue deals, largest %d of %d*", len(d.Overdue.Deals), d.Overdue.Count), dealLines(d.Overdue, len(d.Overdue.Deals), overF), false)...)
	}

	// Coaching.
	coach := func(co digest.Coaching) string {
		return "• " + escDigestMd(co.Problem) + "\n   :point_right: " + escDigestMd(co.Next)
	}
	var cl []string
	for i, co := range d.Coaching {
		if i == dgMainCoaching {
			break
		}
		cl = append(cl, coach(co))
	}
	if d.CoachingTotal == 0 {
		main = append(main, slack.NewSectionBlock(dgMd(":handshake: *Coaching*: nothing stands out today: everyone is on pace and no deal is stuck."), nil, nil))
	} else {
		if d.CoachingTotal > len(cl) {
			cl = append(cl, fmt.Sprintf("_… and %d more_", d.CoachingTotal-len(cl)))
		}
		main = append(main, dgSections(fmt.Sprintf(":handshake: *Coaching opportunities: %d*", d.CoachingTotal), cl, false)...)
	}
	if len(d.Coaching) > dgMainCoaching {
		var rest []string
		for _, co := range d.Coaching[dgMainCoaching:] {
			rest = append(rest, coach(co))
		}
		if d.CoachingTotal > len(d.Coaching) {
			rest = append(rest, fmt.Sprintf("_… and %d more, smaller ones_", d.CoachingTotal-len(d.Coaching)))
		}
		more = append(more, dgSections("*More coaching opportunities*", rest, false)...)
	}
	if len(more) > 0 {
		p.Thread = append(p.Thread, dgSplit(more, "More deals and coaching")...)
	}

	var foot []string
	for _, t := range d.Tips {
		foot = append(foot, ":bulb: "+escDigestMd(t))
	}
	if d.Chart != nil {
		foot = append(foot, ":frame_with_picture: The chart (funnel by stage, attainment by rep) is attached below.")
	}
	if len(foot) > 0 {
		main = append(main, dgContext(foot...))
	}
	if len(main) > dgMaxBlocks { // cannot happen with the caps above; never fail to post
		main = append(main[:dgMaxBlocks-1], dgContext("_More in the thread._"))
	}

	p.Main = DigestMsg{Blocks: main, Text: dgFallback(d)}
	if d.Chart != nil {
		p.Chart = d.Chart
		p.ChartName = "digest-" + day + ".png"
		// Both carry user text (rep and stage names; the period's label):
		// escaped as in any message. Slack refuses alt text over 1000
		// characters (alt_txt_too_large,
		// https://api.slack.com/methods/files.getUploadURLExternal).
		p.ChartAlt = EscClip(d.ChartAlt, dgMaxChartAlt)
		p.ChartTitle = Escape("Pipeline and attainment · " + d.Period.Label())
	}
	return p
}

func dgLoc(d *digest.Digest) *time.Location {
	if d.Loc == nil {
		return time.UTC
	}
	return d.Loc
}

func dgFallback(d *digest.Digest) string {
	c := d.Currency
	s := fmt.Sprintf("%s: %s open in %s", d.Title, c.Abbrev(d.Pipeline.Value), dgPlural(int(d.Pipeline.Count), "deal"))
	if d.Moved.WonCount > 0 {
		s += fmt.Sprintf(", %d won (%s) %s", d.Moved.WonCount, c.Abbrev(d.Moved.WonValue), d.SinceText())
	}
	if d.Team.Progress.HasQuota {
		s += ", team at " + d.Team.Progress.Attainment.Percent() + " of quota"
	}
	return escDigest(s + ".")
}

// dgSplit spreads blocks over thread replies of at most dgThreadBlocks.
func dgSplit(blocks []slack.Block, text string) []DigestMsg {
	var out []DigestMsg
	for len(blocks) > 0 {
		n := min(len(blocks), dgThreadBlocks)
		out = append(out, DigestMsg{Text: escDigest(text), Blocks: blocks[:n:n]})
		blocks = blocks[n:]
	}
	return out
}

// dgCodeLines renders rows as an aligned table, escaped, one line per row.
func dgCodeLines(rows [][]string, align string) []string {
	for _, r := range rows {
		for i := range r {
			r[i] = strings.ReplaceAll(r[i], "`", "'") // a backtick would end the code block
		}
	}
	t := digest.Table(rows, align)
	lines := strings.Split(strings.TrimRight(t, "\n"), "\n")
	for i := range lines {
		lines[i] = escDigest(lines[i])
	}
	return lines
}

func dgPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// dgRepsCSV is every rep's line, for teams too big for one message. Raw
// values (no Slack escaping: it is a file), numbers without grouping.
func dgRepsCSV(d *digest.Digest) []byte {
	c := d.Currency
	var b bytes.Buffer
	// Everything but rep and slack_id is a number we computed.
	w := csvsafe.NewWriter(&b, false, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)
	_ = w.Write([]string{"rep", "slack_id", "period", "quota", "won", "won_deals", "attainment", "pace", "coverage", "per_working_day", "open_deals", "open_value", "stale", "overdue"})
	num := func(n sales.Num) string { return n.Full() }
	for _, r := range append(append([]digest.RepLine{}, d.Reps...), d.Team) {
		pr := r.Progress
		quota := ""
		if pr.HasQuota {
			quota = c.Plain(pr.Quota)
		}
		_ = w.Write([]string{r.Name, r.SlackID, r.Period.Key(), quota, c.Plain(pr.Won), fmt.Sprint(r.WonCount),
			num(pr.Attainment), num(pr.Pace), num(pr.Coverage), num(pr.PerWorkingDay), fmt.Sprint(r.Open), c.Plain(pr.Open),
			fmt.Sprint(r.Stale), fmt.Sprint(r.Overdue)})
	}
	w.Flush()
	return b.Bytes()
}
