package blocks

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// ---- leaderboards: /leaderboard and the weekly standings ----

var medals = []string{":first_place_medal:", ":second_place_medal:", ":third_place_medal:"}

// rankMark is a medal for the first three ranks (tied people share one),
// else "#k".
func rankMark(rank int) string {
	if rank >= 1 && rank <= len(medals) {
		return medals[rank-1]
	}
	return fmt.Sprintf("*#%d*", rank)
}

// standingScore is a standing's numbers, the mode's own first.
func standingScore(s sales.Standing, m sales.BoardMode, cur sales.Currency) string {
	deals := dgPlural(int(s.Deals), "deal")
	switch m {
	case sales.BoardDeals:
		return deals + " · " + cur.Abbrev(s.Won)
	case sales.BoardAttainment:
		return fmt.Sprintf("%s of %s · won %s", s.Attainment().Percent(), cur.Abbrev(s.Quota), cur.Abbrev(s.Won))
	case sales.BoardActivities:
		if s.Activities == 1 {
			return "1 activity"
		}
		return fmt.Sprintf("%d activities", s.Activities)
	}
	return cur.Abbrev(s.Won) + " · " + deals
}

// boardLines lists the top n of b (names escaped, never mentions: a
// leaderboard pings nobody), and a line for those tied with the last.
func boardLines(b sales.Board, n int, cur sales.Currency) []string {
	top, more := b.Top(n)
	lines := make([]string, 0, len(top)+1)
	for _, s := range top {
		lines = append(lines, fmt.Sprintf("%s *%s* · %s", rankMark(s.Rank), EscClipMd(OrText(s.Name, "someone"), 60), standingScore(s, b.Mode, cur)))
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("_and %d more tied at #%d_", more, top[len(top)-1].Rank))
	}
	return lines
}

// emptyBoard says why nobody is ranked.
func emptyBoard(b sales.Board, noQuota bool) string {
	switch {
	case b.Mode == sales.BoardAttainment && noQuota:
		return "Nobody has a quota for " + b.Period.Label() + ", so nobody is ranked on attainment. Managers set one with `/goal set @rep 50k " + periodWord(b.Period) + "`."
	case b.Mode == sales.BoardAttainment:
		return "Nobody with a quota for " + b.Period.Label() + " has won a deal yet."
	case b.Mode == sales.BoardActivities:
		return "No activities logged in " + b.Period.Label() + " yet."
	}
	return "No wins in " + b.Period.Label() + " yet: the board is open."
}

func periodWord(p sales.Period) string {
	switch p.Kind {
	case sales.Quarter:
		return "quarter"
	case sales.Year:
		return "year"
	}
	return "month"
}

// renderLeaderboard is /leaderboard: the top LeaderboardTop, the caller's
// own place, and how to rank otherwise.
func renderLeaderboard(res *commands.Result, o RenderOptions) Message {
	v := res.Leaderboard
	b := v.Board
	cur := v.Currency
	if cur.Code == "" {
		cur = o.Currency
	}
	bs := []slack.Block{header(OrText(res.Title, "Leaderboard"))}
	if len(b.Ranked) == 0 {
		bs = append(bs, Section("leaderboard.empty", emptyBoard(b, v.NoQuotaAnywhere)))
	} else {
		bs = append(bs, pack("leaderboard.top", boardLines(b, commands.LeaderboardTop, cur), 3)...)
	}
	you := ""
	switch {
	case v.You != nil:
		you = fmt.Sprintf("*You are #%d of %d* · %s", v.You.Rank, len(b.Ranked), standingScore(*v.You, b.Mode, cur))
		if n := tiedWith(b, *v.You); n > 0 {
			you += fmt.Sprintf(" (tied with %d)", n)
		}
	case len(b.Ranked) > 0 || v.YouWhy != "":
		you = "You are not on this board: " + EscapeMd(OrText(v.YouWhy, "nothing to rank yet")) + "."
	}
	if you != "" {
		bs = append(bs, Section("leaderboard.you", you))
	}
	var notes []string
	if b.NoQuota > 0 && !v.NoQuotaAnywhere {
		notes = append(notes, fmt.Sprintf("%s with wins %s no quota for %s and %s not ranked on attainment.",
			dgPlural(b.NoQuota, "rep"), plural3(b.NoQuota, "has", "have"), b.Period.Label(), plural3(b.NoQuota, "is", "are")))
	}
	notes = append(notes, "Ties share a rank. Managers are ranked only with a quota.")
	var other []string
	for _, m := range sales.BoardModes {
		if m != b.Mode {
			other = append(other, "`/leaderboard "+m.String()+"`")
		}
	}
	notes = append(notes, "Also: "+strings.Join(other, " · ")+" · with a period: `/leaderboard quarter "+b.Mode.String()+"`")
	bs = append(bs, ContextBlock("leaderboard.help", strings.Join(notes, "\n")))
	return Message{Text: fallback(OrText(res.Title, "Leaderboard"), boardFallback(b, cur)), Blocks: bs}
}

// boardFallback is the notification text: the first three.
func boardFallback(b sales.Board, cur sales.Currency) string {
	top, _ := b.Top(3)
	var parts []string
	for _, s := range top {
		parts = append(parts, fmt.Sprintf("%d. %s %s", s.Rank, s.Name, standingScore(s, b.Mode, cur)))
	}
	return strings.Join(parts, "; ")
}

// tiedWith counts the others who share s's rank.
func tiedWith(b sales.Board, s sales.Standing) int {
	n := 0
	for _, x := range b.Ranked {
		if x.Rank == s.Rank && x.Person != s.Person {
			n++
		}
	}
	return n
}

func plural3(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// MaxStandingsMilestones caps the milestone lines of a standings post.
const MaxStandingsMilestones = 10

// RenderStandings is the weekly standings post in the wins channel: the
// top of the board (names, no pings) and the week's milestones, which
// mention the people they praise (never one who muted celebrations: the
// digest leaves them out).
func RenderStandings(s *digest.Standings) Message {
	cur := s.Currency
	if cur.Code == "" {
		cur = sales.DefaultCurrency
	}
	b := s.Board
	bs := []slack.Block{header(OrText(s.Title, "Weekly standings"))}
	bs = append(bs, pack("standings.top", boardLines(b, commands.LeaderboardTop, cur), 3)...)
	if len(s.Milestones) > 0 {
		lines := []string{"*This week*"}
		for i, m := range s.Milestones {
			if i == MaxStandingsMilestones {
				lines = append(lines, fmt.Sprintf("_and %d more_", len(s.Milestones)-i))
				break
			}
			lines = append(lines, milestoneLine(m, cur))
		}
		bs = append(bs, pack("standings.milestones", lines, 2)...)
	}
	bs = append(bs, ContextBlock("standings.help", fmt.Sprintf("%s ranked by won value · ties share a rank · `/leaderboard` shows your place, `/leaderboard attainment` against quota.",
		peopleCount(len(b.Ranked)))))
	return Message{Text: fallback(OrText(s.Title, "Weekly standings"), boardFallback(b, cur)), Blocks: bs}
}

func milestoneLine(m sales.Milestone, cur sales.Currency) string {
	who := Mention(m.SlackID, m.Name)
	switch m.Kind {
	case sales.MilestoneQuotaReached:
		return fmt.Sprintf(":trophy: %s reached their %s quota (%s)", who, m.Period.Label(), cur.Abbrev(m.Amount))
	case sales.MilestonePersonalBest:
		return fmt.Sprintf(":chart_with_upwards_trend: %s set a new personal best: %s (up from %s)", who, cur.Abbrev(m.Amount), cur.Abbrev(m.Before))
	case sales.MilestoneStreak:
		return fmt.Sprintf(":fire: %s met every weekly activity goal %d weeks in a row", who, m.Weeks)
	}
	return fmt.Sprintf(":first_place_medal: %s won their first deal of %s (%s)", who, m.Period.Label(), cur.Abbrev(m.Amount))
}

func peopleCount(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}
