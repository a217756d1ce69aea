package digest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// Text renders the digest as plain text, for `salesbot digest --print`
// and the demo. It lists every rep; nothing is escaped (no Slack here).
func Text(d *Digest) string {
	var b strings.Builder
	c := d.Currency
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	line("%s", d.Title)
	line("%s · %s (%s gone) · what moved %s", d.ScopeLabel(), d.Period.Label(), d.Team.Progress.Elapsed.Percent(), d.SinceText())
	if d.Empty {
		line("")
		line("No deals yet, so there is nothing to sum up. To get going:")
		for _, t := range d.Tips {
			line("  • %s", t)
		}
		return b.String()
	}

	line("")
	line("PIPELINE BY STAGE")
	rows := [][]string{{"Stage", "Deals", "Value", "Weighted"}}
	for _, s := range append(append([]StageLine{}, d.Stages...), d.Pipeline) {
		rows = append(rows, []string{s.Name, fmt.Sprint(s.Count), c.Abbrev(s.Value), c.Abbrev(s.Weighted)})
	}
	table(&b, "  ", rows, "lrrr")

	line("")
	line("WHAT MOVED %s", strings.ToUpper(d.SinceText()))
	if d.Moved.NewCount+d.Moved.ChangedCount+d.Moved.WonCount+d.Moved.LostCount == 0 {
		line("  Nothing moved.")
	}
	moves := func(title string, n int, v sales.Money, showV bool, l []Move, f func(Move) string) {
		if n == 0 {
			return
		}
		if showV {
			line("  %s: %d (%s)", title, n, c.Abbrev(v))
		} else {
			line("  %s: %d", title, n)
		}
		for _, m := range l {
			line("    %s", f(m))
		}
		if n > len(l) {
			line("    … and %d more", n-len(l))
		}
	}
	moves("New", d.Moved.NewCount, d.Moved.NewValue, true, d.Moved.New, func(m Move) string {
		return fmt.Sprintf("%s %s · %s · %s · %s", m.Deal, m.Account, c.Abbrev(m.Amount), m.To, m.Owner)
	})
	moves("Stage changes", d.Moved.ChangedCount, 0, false, d.Moved.Changed, func(m Move) string {
		return fmt.Sprintf("%s %s: %s → %s · %s · %s", m.Deal, m.Account, m.From, m.To, c.Abbrev(m.Amount), m.Owner)
	})
	moves("Won", d.Moved.WonCount, d.Moved.WonValue, true, d.Moved.Won, func(m Move) string {
		return fmt.Sprintf("%s %s · %s · %s", m.Deal, m.Account, c.Abbrev(m.Amount), m.Owner)
	})
	moves("Lost", d.Moved.LostCount, d.Moved.LostValue, true, d.Moved.Lost, func(m Move) string {
		return fmt.Sprintf("%s %s · %s · %s · reason: %s", m.Deal, m.Account, c.Abbrev(m.Amount), m.Owner, orNone(m.Reason))
	})

	line("")
	line("FUNNEL: %s TO DATE VS %s", strings.ToUpper(d.Period.Label()), strings.ToUpper(d.Period.Previous().Label()))
	rows = [][]string{{"Metric", "Now", "Before", "Change"}}
	for _, m := range d.Metrics {
		ch, _ := m.Change(c)
		rows = append(rows, []string{m.Name, m.Value(c), m.PrevValue(c), ch})
	}
	table(&b, "  ", rows, "lrrl")

	line("")
	line("QUOTA PROGRESS: %s", strings.ToUpper(d.Period.Label()))
	rows = [][]string{{"Rep", "Attained", "Progress", "Pace", "Coverage", "Won", "Quota", "Note"}}
	for _, r := range append(append([]RepLine{}, d.Reps...), d.Team) {
		rows = append(rows, repRow(r, c, d.Period))
	}
	table(&b, "  ", rows, RepAlign)
	if len(d.Reps) == 0 {
		line("  No reps yet: people appear here once they own a deal or have a quota.")
	}
	if d.Forecast != nil {
		line("")
		line("FORECAST: %s", strings.ToUpper(d.Period.Label()))
		line("  %s", ForecastText(d.Forecast, c))
	}
	if d.Accuracy != nil {
		head, reps := AccuracyText(d.Accuracy, c)
		line("")
		line("HOW THE FORECAST DID: %s", strings.ToUpper(d.Accuracy.Period.Label()))
		line("  %s", head)
		for _, r := range reps {
			line("  %s", r)
		}
	}

	if len(d.Leaderboard) > 0 {
		line("")
		line("LEADERBOARD: %s", strings.ToUpper(d.Period.Label()))
		for _, r := range d.Leaderboard {
			line("  %d. %s  %s (%s)", r.Rank, r.Name, c.Abbrev(r.Won), plural(int(r.Deals), "deal"))
		}
		if d.LeaderboardTied > 0 {
			line("  and %d more at #%d", d.LeaderboardTied, d.Leaderboard[len(d.Leaderboard)-1].Rank)
		}
	}

	line("")
	line("STALE DEALS: %d (%s), in their stage for longer than it allows", d.Stale.Count, c.Abbrev(d.Stale.Value))
	for _, s := range d.Stale.Deals {
		line("  %s %s · %s · %s · %s · %s", s.ID, s.Account, s.Stage, c.Abbrev(s.Amount), s.Staleness(), s.Owner)
	}
	more(&b, d.Stale)
	line("OVERDUE: %d (%s), past their expected close date", d.Overdue.Count, c.Abbrev(d.Overdue.Value))
	for _, s := range d.Overdue.Deals {
		line("  %s %s · %s · %s · was due %s (%s ago) · %s", s.ID, s.Account, s.Stage, c.Abbrev(s.Amount), DateText(s.CloseDate), plural(s.Days, "day"), s.Owner)
	}
	more(&b, d.Overdue)

	line("")
	line("COACHING OPPORTUNITIES")
	if d.CoachingTotal == 0 {
		line("  None today: everyone is on pace and no deal is stuck.")
	}
	for _, co := range d.Coaching {
		line("  • %s", co.Problem)
		line("    Next step: %s", co.Next)
	}
	if d.CoachingTotal > len(d.Coaching) {
		line("  … and %d more", d.CoachingTotal-len(d.Coaching))
	}
	if len(d.Tips) > 0 {
		line("")
		for _, t := range d.Tips {
			line("Tip: %s", t)
		}
	}
	if d.ChartAlt != "" {
		line("")
		line("Chart: %s", d.ChartAlt)
	}
	return b.String()
}

func repRow(r RepLine, c sales.Currency, p sales.Period) []string {
	pr := r.Progress
	quota := "–"
	if pr.HasQuota {
		quota = c.Abbrev(pr.Quota)
	}
	note := PaceNote(pr)
	if r.Period != p && r.Period.Kind != 0 {
		note += " (" + r.Period.Label() + ")"
	}
	return []string{r.Name, pr.Attainment.Percent(), ProgressBar(pr), PaceText(pr.Pace), CoverageText(pr.Coverage), c.Abbrev(pr.Won), quota, note}
}

// RepRow is one rep's quota line as cells: name, attained, bar, pace,
// coverage, won, quota, note (shared by the Slack and text renderers).
func RepRow(r RepLine, d *Digest) []string { return repRow(r, d.Currency, d.Period) }

func more(b *strings.Builder, l DealList) {
	if l.Count > len(l.Deals) {
		fmt.Fprintf(b, "  … and %d more\n", l.Count-len(l.Deals))
	}
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none given"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// RepAlign aligns RepRow cells.
const RepAlign = "lrlrrrrl"

// table writes rows as aligned columns; align has one letter per column,
// l or r. Trailing spaces are trimmed.
func table(b *strings.Builder, indent string, rows [][]string, align string) {
	var w []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(w) {
				w = append(w, 0)
			}
			w[i] = max(w[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var l strings.Builder
		l.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", w[i]-utf8.RuneCountInString(c))
			if i < len(align) && align[i] == 'r' {
				l.WriteString(pad + c)
			} else {
				l.WriteString(c + pad)
			}
			if i < len(r)-1 {
				l.WriteString("  ")
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteString("\n")
	}
}

// Table renders rows as aligned plain-text columns (for code blocks);
// align has one letter per column, l or r.
func Table(rows [][]string, align string) string {
	var b strings.Builder
	table(&b, "", rows, align)
	return b.String()
}

// NudgeText renders a nudge as plain text (the demo, logs, tests).
func NudgeText(n *Nudge) string {
	var b strings.Builder
	c := n.Currency
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	line("Nudge for %s · %s", n.Person.Label(), n.Now.In(n.Loc).Format("Mon 2 Jan 15:04 MST"))
	if n.Streak >= 2 {
		line("  %d wins in a row! Keep it going.", n.Streak)
	}
	pr := n.Progress
	if n.Behind {
		line("  Behind pace: %s of your %s %s quota with %d of %d working days gone; %s per working day over %s gets you there.",
			pr.Attainment.Percent(), c.Abbrev(pr.Quota), pr.Period.Label(), pr.WorkingDaysElapsed, pr.WorkingDaysTotal,
			pr.PerWorkingDay.Money(c), plural(pr.WorkingDays, "working day"))
	}
	if n.NoNewPipeline {
		line("  No new deals in the last 7 days: open pipeline covers %s of the %s still to win; add %s to reach %.0f× coverage.",
			CoverageText(pr.Coverage), c.Abbrev(pr.Remaining), c.Abbrev(n.NeedPipeline), n.TargetCoverage)
	}
	for _, d := range n.Overdue {
		line("  Overdue: %s %s · %s · %s · was due %s (%s ago)  [update stage] [push +7d] [snooze] [lost]",
			d.ID, d.Account, d.Stage, c.Abbrev(d.Amount), DateText(d.CloseDate), plural(d.Days, "day"))
	}
	for _, d := range n.Stale {
		line("  Gone quiet: %s %s · %s · %s · no activity for %s  [update stage] [push +7d] [snooze] [lost]",
			d.ID, d.Account, d.Stage, c.Abbrev(d.Amount), plural(d.Days, "day"))
	}
	if n.More > 0 {
		line("  … and %d more: /deal list", n.More)
	}
	return b.String()
}

// SummaryText renders a manager's nudge summary as plain text.
func SummaryText(s *NudgeSummary) string {
	var b strings.Builder
	loc := s.Loc
	if loc == nil {
		loc = s.From.Location()
	}
	fmt.Fprintf(&b, "Nudge summary for %s · week of %s\n", s.Manager.Label(), s.From.In(loc).Format("Mon 2 Jan"))
	fmt.Fprintf(&b, "  %s about %s; %d changed afterwards.\n", plural(s.Nudges, "nudge"), plural(s.Deals, "deal"), s.Acted)
	for _, r := range s.Reps {
		note := ""
		if r.Behind {
			note = " · behind pace"
		}
		fmt.Fprintf(&b, "  %s · %s%s\n", r.Name, plural(r.Nudges, "nudge"), note)
		for _, it := range r.Items {
			fmt.Fprintf(&b, "    %s %s (%s): %s\n", it.Deal, it.Account, it.About, it.Outcome)
		}
	}
	return b.String()
}
