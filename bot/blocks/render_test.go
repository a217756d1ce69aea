package blocks_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

var update = flag.Bool("update", false, "rewrite golden files")

const hostile = "<!channel> Acme & <@U0EVIL> <!subteam^S1|@team> <http://evil.example|bank> \x00\u202Eevil"

// markup is user text full of mrkdwn formatting characters.
const markup = "x *bold* _it_ ~gone~ `code`"

var (
	usd   = sales.DefaultCurrency
	day   = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	month = sales.Period{Kind: sales.Month, Year: 2026, Index: 11}
)

func progress(quota, won, open sales.Money) sales.Progress {
	basis := sales.ComposeQuota(month, quota, quota > 0, nil, nil)
	return sales.NewProgress(basis, sales.WinSplit{Inside: won}, sales.PipelineByClose{ByEnd: open}, month.Start(time.UTC).Add(15*24*time.Hour), time.UTC)
}

func card(id int, account string, kind sales.StageKind, canEdit bool) commands.DealCard {
	return commands.DealCard{
		Deal: sales.Deal{ID: sales.DealID(id), Account: account, Amount: sales.Money(id) * 100000,
			CloseDate: day.AddDate(0, 0, id%40), LostReason: map[bool]string{true: "went with <!here> competitor"}[kind == sales.StageLost]},
		StageName: "Proposal", StageKind: kind, Probability: "50%", Amount: usd.Format(sales.Money(id) * 100000),
		OwnerName: "bob", OwnerSlackID: "U0BOB", TerritoryName: "EMEA", NextStage: "Negotiation",
		CanEdit: canEdit, CanLog: canEdit, Stale: id%3 == 0, Overdue: id%5 == 0,
	}
}

func cases() map[string]any {
	stages := []string{"Prospecting", "Qualified", "Proposal", "Negotiation", "Won", "Lost"}
	o := blocks.RenderOptions{Currency: usd, Stages: stages}
	show := card(42, hostile, sales.StageOpen, true)
	for i := 0; i < 80; i++ {
		show.History = append(show.History, commands.HistoryLine{At: "2026-11-26 14:03", Actor: "alice", Text: fmt.Sprintf("stage Qualified → Proposal (%d)", i)})
	}
	// More activities than one section holds: the latest are shown, the
	// rest counted.
	for i := range 40 {
		show.Activities = append(show.Activities, commands.HistoryLine{At: "2026-11-27 09:00", Actor: "alice", Text: fmt.Sprintf("call (connected): %s %d", hostile, i)})
	}
	show.ActivityTotal = 120
	var many []commands.DealCard
	for i := 1; i <= 60; i++ {
		many = append(many, card(i, fmt.Sprintf("Account %d", i), sales.StageOpen, i%2 == 0))
	}
	var goals []commands.GoalView
	for i := 0; i < 500; i++ {
		goals = append(goals, commands.GoalView{Subject: fmt.Sprintf("rep%03d", i), SlackID: fmt.Sprintf("U%05d", i),
			Progress: progress(sales.Money(5000000+i*1000), sales.Money(i*10000), 3000000), Currency: usd})
	}
	var help []commands.HelpTopic
	for _, f := range commands.Forms() {
		help = append(help, commands.HelpTopic{Command: f.Name(), Usage: f.Usage(), Summary: f.Summary, Examples: f.Examples, Who: f.Who})
	}
	funnel := sales.Funnel{Open: 12, PipelineValue: 9000000, Weighted: 3000000, Won: 3, Lost: 2, WonValue: 4500000,
		WinRate: sales.Some(0.6), AvgDealSize: sales.Some(1500000), AvgCycleDays: sales.Some(30), Velocity: sales.Some(12 * 1500000 * 0.6 / 30)}
	pr := progress(10000000, 4500000, 9000000)
	pipeline := &commands.PipelineView{Subject: "team", Period: month, Funnel: funnel, Progress: &pr, Currency: usd,
		ByStage: []commands.StageRow{{Stage: "Prospecting", Count: 5, Value: 2000000, Weighted: 200000}, {Stage: "Proposal", Count: 7, Value: 7000000, Weighted: 3500000}}}
	home := &commands.HomeView{Name: "alice", Role: sales.RoleManager, Currency: usd,
		Goal: commands.GoalView{Subject: "alice", Progress: progress(10000000, 2000000, 5000000)},
		Team: pipeline, TeamGoals: goals[:30]}
	for s := 0; s < 4; s++ {
		sd := commands.StageDeals{Stage: stages[s], Total: 1234500}
		sd.Deals = append(sd.Deals, many[s*15:s*15+15]...)
		home.ByStage = append(home.ByStage, sd)
	}
	home.Stale, home.Overdue = many[:20], many[20:35]
	withNext := homeWithNextSteps(home, many)
	proj := forecast.Projection{Period: month, AsOf: day, WonToDate: 4500000, FromOpen: 3100000, FromNew: 900000, Predicted: 8500000,
		Low: 7000000, High: 9900000, Chance: sales.Some(0.3), MoreNeeded: 1500000, CommitGap: 2500000, Units: 12, Unit: "month",
		Totals:  forecast.Totals{ClosedWon: 4500000, OpenCommit: 3000000, OpenBestCase: 1500000, OpenPipeline: 2000000},
		ByStage: []forecast.StageTerm{{Stage: 1, Deals: 4, Amount: 2000000, Expected: 200000}, {Stage: 3, Deals: 3, Amount: 4500000, Expected: 2900000}},
		Slipped: []forecast.Slip{{ID: 4, Amount: 1200000}}}
	proj.ByCategory[forecast.Commit], proj.ByCategory[forecast.BestCase], proj.ByCategory[forecast.Pipeline] = 2100000, 800000, 200000
	fc := &commands.ForecastView{Subject: hostile, Period: month, Quota: sales.ComposeQuota(month, 10000000, true, nil, nil), Projection: proj,
		StageNames: map[sales.StageID]string{1: "Prospecting", 3: markup}, Loc: time.UTC, Currency: usd,
		Calls:   []commands.CallLine{{Name: hostile, Commit: 3000000, Best: 4500000, At: day}, {Name: "bob", Commit: 2000000, Best: 2000000, At: day}},
		Missing: []string{"carol", markup}}
	company := *fc // a company roll-up: more calls and missing people than a section holds
	company.Calls, company.Missing = nil, nil
	for i := 1; i <= 1000; i++ {
		if i <= 25 {
			company.Calls = append(company.Calls, commands.CallLine{Name: fmt.Sprintf("caller%02d", i), Commit: 100000, Best: 200000, At: day})
		}
		company.Missing = append(company.Missing, fmt.Sprintf("firstname.lastname%04d", i))
	}
	young := *fc
	young.Projection.Fallback, young.Projection.Reason = true, "only 16 closed deals in the last year to learn from (need 150): the projection uses stage probabilities"
	young.Quota = sales.ComposeQuota(month, 0, false, nil, nil)
	board := func(m sales.BoardMode, me sales.PersonID, noQuota bool) *commands.Result {
		var cs []sales.Contender
		for i := 1; i <= 500; i++ {
			c := sales.Contender{Person: sales.PersonID(i), Name: fmt.Sprintf("rep%03d", i), SlackID: fmt.Sprintf("U%05d", i),
				Won: sales.Money((i % 37) * 250000), Deals: int64(i%7 + 1)}
			if i%5 != 0 && !noQuota {
				c.Quota, c.HasQuota = sales.Money(((i%4)+1)*1000000), true
			}
			switch i {
			case 1:
				c.Name, c.Won = hostile, 36*250000 // ties with 36, 73, ...
			case 2:
				c.Name, c.Won, c.Role = markup, 99*250000, sales.RoleManager // no quota for a manager here: not ranked
				c.HasQuota = false
			}
			cs = append(cs, c)
		}
		v := &commands.LeaderboardView{Board: sales.RankBoard(cs, m, month), Currency: usd, NoQuotaAnywhere: noQuota}
		if s, ok := v.Board.Find(me); ok {
			v.You = &s
		} else {
			_, v.YouWhy = sales.Eligible(cs[me-1], m, month)
		}
		return &commands.Result{Kind: commands.KindLeaderboard, Title: "Leaderboard · " + month.Label() + " · " + m.String(), Leaderboard: v}
	}
	return map[string]any{
		"leaderboard_won":        blocks.Render(board(sales.BoardWon, 250, false), o),
		"leaderboard_deals":      blocks.Render(board(sales.BoardDeals, 6, false), o),
		"leaderboard_attainment": blocks.Render(board(sales.BoardAttainment, 5, false), o),
		"leaderboard_noquota":    blocks.Render(board(sales.BoardAttainment, 7, true), o),
		"leaderboard_activities": blocks.Render(board(sales.BoardActivities, 8, false), o),
		"standings": blocks.RenderStandings(&digest.Standings{Title: "Weekly standings · November 2026", Board: board(sales.BoardWon, 1, false).Leaderboard.Board, Currency: usd,
			Milestones: append([]sales.Milestone{
				{Kind: sales.MilestoneQuotaReached, Person: 3, Name: "rep003", SlackID: "U00003", Period: month, Amount: 4000000},
				{Kind: sales.MilestonePersonalBest, Person: 1, Name: hostile, Period: month, Amount: 9000000, Before: 4000000},
				{Kind: sales.MilestoneFirstWin, Person: 4, Name: markup, SlackID: "U00004", Period: month, Amount: 250000},
			}, firstWins(9)...)}),
		// A streak ranks below every win's milestone (sales.MilestoneKind).
		"standings_streak": blocks.RenderStandings(&digest.Standings{Title: "Weekly standings · November 2026", Board: board(sales.BoardWon, 1, false).Leaderboard.Board, Currency: usd,
			Milestones: []sales.Milestone{
				{Kind: sales.MilestoneFirstWin, Person: 4, Name: "rep004", SlackID: "U00004", Period: month, Amount: 250000},
				{Kind: sales.MilestoneStreak, Person: 2, Name: "rep002", SlackID: "U00002", Period: sales.Period{Kind: sales.Week, Year: 2026, Index: 48}, Weeks: 10},
				{Kind: sales.MilestoneStreak, Person: 1, Name: hostile, Period: sales.Period{Kind: sales.Week, Year: 2026, Index: 48}, Weeks: 3},
			}}),
		"leaderboard_empty": blocks.Render(&commands.Result{Kind: commands.KindLeaderboard, Title: "Leaderboard · December 2026 · won", Leaderboard: &commands.LeaderboardView{Board: sales.Board{Period: sales.Period{Kind: sales.Month, Year: 2026, Index: 12}}, YouWhy: "no wins in December 2026 yet"}}, o),
		"forecast":          blocks.Render(&commands.Result{Kind: commands.KindForecast, Forecast: fc}, o),
		"forecast_young":    blocks.Render(&commands.Result{Kind: commands.KindForecast, Forecast: &young}, o),
		"forecast_company":  blocks.Render(&commands.Result{Kind: commands.KindForecast, Forecast: &company}, o),
		"message":           blocks.Render(&commands.Result{Kind: commands.KindMessage, Title: "Role changed", Lines: []string{"bob is now a manager.", hostile}}, o),
		"error":             blocks.RenderError(sales.Errorf(sales.EINVALID, "amount %q is not a number: use 12000, 12k or $12,000", hostile)),
		"error_intern":      blocks.RenderError(errors.New("bolt: disk on fire")),
		"deal_show":         blocks.Render(&commands.Result{Kind: commands.KindDeal, Lines: []string{"Logged D-42 for " + hostile}, Deal: &show}, o),
		"deal_lost":         blocks.Render(&commands.Result{Kind: commands.KindDeal, Deal: ptr(card(7, "Initech", sales.StageLost, true))}, o),
		"deal_view":         blocks.Render(&commands.Result{Kind: commands.KindDeal, Deal: ptr(card(8, "Umbrella", sales.StageOpen, false))}, o),
		"deal_list":         blocks.Render(&commands.Result{Kind: commands.KindDealList, Title: "Open deals · bob", Lines: []string{"60 open · $1.8M"}, Deals: many, NextPage: "/deal list all page:2"}, o),
		"deal_empty":        blocks.Render(&commands.Result{Kind: commands.KindDealList, Title: "Open deals"}, o),
		"list_past_end": blocks.Render(&commands.Result{Kind: commands.KindDealList, Title: "Open deals · bob",
			Lines: []string{"Page 9 is past the end: bob has 2 open deals on 1 page."}}, o),
		"deal_markup": blocks.Render(&commands.Result{Kind: commands.KindDeal, Lines: []string{"Logged D-9 for " + markup},
			Deal: ptr(commands.DealCard{Deal: sales.Deal{ID: 9, Account: markup, Notes: markup, Product: markup}, StageName: markup,
				StageKind: sales.StageOpen, OwnerName: markup, TerritoryName: markup, Amount: "$5,000.00", CanEdit: true})}, o),
		"pipeline": blocks.Render(&commands.Result{Kind: commands.KindPipeline, Pipeline: pipeline}, o),
		// Nothing closed yet: every n/a says why.
		"pipeline_nothing_closed": blocks.Render(&commands.Result{Kind: commands.KindPipeline, Pipeline: &commands.PipelineView{Subject: "dan", Period: month,
			Funnel: sales.FunnelSum{}.Funnel(), Currency: usd}}, o),
		"goals_one":      blocks.Render(&commands.Result{Kind: commands.KindGoals, Goals: goals[:1]}, o),
		"goals_none":     blocks.Render(&commands.Result{Kind: commands.KindGoals, Goals: []commands.GoalView{{Subject: "carol", Progress: progress(0, 100000, 0)}}}, o),
		"goals_500":      blocks.Render(&commands.Result{Kind: commands.KindGoals, Title: "Team quota progress", Goals: goals}, o),
		"goals_activity": blocks.Render(&commands.Result{Kind: commands.KindGoals, Goals: []commands.GoalView{activityGoals(goals[0])}}, o),
		"goals_streak":   blocks.Render(&commands.Result{Kind: commands.KindGoals, Goals: []commands.GoalView{withStreak(activityGoals(goals[0]))}}, o),
		"home_activity":  blocks.RenderHome(&commands.HomeView{Name: "alice", Goal: activityGoals(goals[0])}, o),
		"help":           blocks.Render(&commands.Result{Kind: commands.KindHelp, Help: help}, o),
		"territories": blocks.Render(&commands.Result{Kind: commands.KindTerritories, Territories: []commands.TerritoryView{
			{Name: "EMEA", Members: []string{"alice", "bob"}, Open: 3, Value: 3000000, Channel: "C0EMEA1"}, {Name: hostile, Open: 0, Channel: "<!channel>"}}}, o),
		"digest_status": blocks.Render(&commands.Result{Kind: commands.KindDigest, Title: "Digests", Digest: &commands.DigestView{
			Schedule: "0 8 * * 1-5", Zone: "Europe/Berlin", Nudges: "CRON_TZ=Europe/Berlin 0 9 * * 1-5",
			Next:      time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC),
			Last:      time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC),
			NextNudge: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
			Routes: []commands.DigestRoute{{Kind: "company", Channel: "C0DIGEST"}, {Kind: "territory", Name: hostile, Channel: "C0EMEA1"},
				{Kind: "team", Name: "carol", Channel: "#team-carol"}}}}, o),
		"digest_status_off": blocks.Render(&commands.Result{Kind: commands.KindDigest, Digest: &commands.DigestView{Zone: "UTC",
			Routes: []commands.DigestRoute{{Kind: "company"}}}}, o),
		"win": blocks.RenderWin(&commands.WinNotice{Deal: sales.Deal{ID: 42, Account: hostile}, Amount: "$12,000.00", OwnerName: "bob",
			OwnerSlackID: "U0BOB", Progress: progress(1000000, 1200000, 0), FirstWin: true, QuotaReached: true}, usd),
		"win_best": blocks.RenderWin(&commands.WinNotice{Deal: sales.Deal{ID: 43, Account: "Initech"}, Amount: "$48,000.00", OwnerName: "carol",
			OwnerSlackID: "U0CAROL", Progress: progress(10000000, 6000000, 0), FirstWin: true, PersonalBest: true, PreviousBest: 3000000}, usd),
		"win_muted": blocks.RenderWin(&commands.WinNotice{Deal: sales.Deal{ID: 44, Account: "Hooli"}, Amount: "$9,000.00", OwnerName: markup,
			OwnerSlackID: "U0DAN", Progress: progress(1000000, 1200000, 0), QuotaReached: true, PersonalBest: true, Muted: true}, usd),
		"win_streak": blocks.RenderWin(&commands.WinNotice{Deal: sales.Deal{ID: 45, Account: "Umbrella"}, Amount: "$2,000.00", OwnerName: "erin",
			OwnerSlackID: "U0ERIN", Progress: progress(10000000, 3000000, 0), Streak: 5}, usd),
		"win_noquota": blocks.RenderWin(&commands.WinNotice{Deal: sales.Deal{ID: 3, Account: "Globex"}, Amount: "$5.00", OwnerName: "dan",
			Progress: progress(0, 500, 0)}, usd),
		"home":       blocks.RenderHome(home, o),
		"home_next":  blocks.RenderHome(withNext, o),
		"home_empty": blocks.RenderHome(&commands.HomeView{Name: "dan", Goal: commands.GoalView{Progress: progress(0, 0, 0)}}, o),
		"modal_new": blocks.DealModal(&commands.DealForm{Stages: stages, Territories: []string{"EMEA", "AMER", hostile}, ShowOwner: true},
			blocks.ModalMeta{Channel: "C1"}),
		"modal_edit": blocks.DealModal(&commands.DealForm{DealID: 42, Account: "A&B <Corp>", Amount: "12,000", Stage: "Proposal", CloseDate: "2026-12-01", ShowForecast: true, Forecast: "commit", ForecastDefault: "best case", ShowNext: true, NextStep: "send <!here> proposal", NextDue: "2026-12-04",
			OwnerSlack: "U0BOB", Stages: stages}, blocks.ModalMeta{Channel: "C1"}),
		"modal_lost":          blocks.LostModal("D-42", blocks.ModalMeta{Channel: "C1"}),
		"modal_activity":      blocks.ActivityModal("D-42", []string{"call", "meeting", "email", "note", hostile}, blocks.ModalMeta{Channel: "C1"}),
		"modal_activity_home": blocks.ActivityModal("", []string{"call", "meeting"}, blocks.ModalMeta{}),
	}
}

func ptr[T any](v T) *T { return &v }

// firstWins is n first-win milestones, more than a standings post lists.
func firstWins(n int) []sales.Milestone {
	var ms []sales.Milestone
	for i := 0; i < n; i++ {
		ms = append(ms, sales.Milestone{Kind: sales.MilestoneFirstWin, Person: sales.PersonID(20 + i), Name: fmt.Sprintf("rep%03d", 20+i),
			SlackID: fmt.Sprintf("U%05d", 20+i), Period: month, Amount: sales.Money(100000 * (i + 1))})
	}
	return ms
}

func TestRenderGolden(t *testing.T) {
	for name, v := range cases() {
		t.Run(name, func(t *testing.T) {
			// Unescaped HTML so the goldens (and the checks) show what Slack sees.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			checkRendered(t, name, v, got)
			path := filepath.Join("testdata", "render_"+name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./bot/blocks -run TestRenderGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s; rerun with -update after checking the change", name, path)
			}
		})
	}
}

// checkRendered validates Block Kit limits with the emulator's checker and
// that no user text can ping or link.
func checkRendered(t *testing.T, name string, v any, raw []byte) {
	t.Helper()
	var kit []slack.Block
	view := false
	switch m := v.(type) {
	case blocks.Message:
		kit = m.Blocks
		if strings.Contains(m.Text, "<!") || strings.Contains(m.Text, "<http") {
			t.Errorf("fallback text not escaped: %q", m.Text)
		}
	case slack.HomeTabViewRequest:
		kit, view = m.Blocks.BlockSet, true
	case slack.ModalViewRequest:
		kit, view = m.Blocks.BlockSet, true
		if len([]rune(m.Title.Text)) > 24 {
			t.Errorf("modal title too long: %q", m.Title.Text)
		}
	}
	bj, _ := json.Marshal(kit)
	probs := slacktest.ValidateBlocks(bj)
	if view {
		probs = slacktest.ValidateViewBlocks(bj)
	}
	if len(probs) > 0 {
		t.Errorf("%s breaks Block Kit limits: %v", name, probs)
	}
	if m := regexp.MustCompile(`<[^@#]|<@[^UW]|<#[^CGD]`).Find(raw); m != nil {
		t.Errorf("%s has an unescaped %q: only <@U…> mentions and <#C…> channel links may be raw", name, m)
	}
	for _, bad := range []string{"<!channel>", "<!here>", "<@U0EVIL>", "<!subteam", "<http://evil", "\\u0000", "\u202e"} {
		if bytes.Contains(raw, []byte(bad)) {
			t.Errorf("%s lets %q through", name, bad)
		}
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<!channel>", "&lt;!channel&gt;"},
		{"a & b", "a &amp; b"},
		{"nul\x00byte", "nulbyte"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"\u202Eevil", "evil"},
		{"שלום עולם", "שלום עולם"},
		{"🚀 Rocket", "🚀 Rocket"},
	}
	for _, tc := range tests {
		if got := blocks.Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := blocks.Clip("aaaa&amp;b", 6); got != "aaaa…" {
		t.Errorf("Clip split an entity: %q", got)
	}
	if got := blocks.Clip("ééééé", 3); got != "éé…" {
		t.Errorf("Clip = %q", got)
	}
}

func FuzzEscape(f *testing.F) {
	f.Add(hostile)
	f.Add("&&&<<<>>>")
	f.Fuzz(func(t *testing.T, s string) {
		e := blocks.Escape(s)
		if strings.ContainsAny(e, "<>\x00") {
			t.Fatalf("Escape(%q) = %q", s, e)
		}
		c := blocks.Clip(e, 10)
		if n := len([]rune(c)); n > 10 {
			t.Fatalf("Clip too long: %d", n)
		}
		if i := strings.LastIndexByte(c, '&'); i >= 0 && !strings.Contains(c[i:], ";") {
			t.Fatalf("Clip split an entity: %q", c)
		}
	})
}

func TestEscapeMd(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"x *bold*", "x \u2217bold\u2217"},
		{"acme_corp ~x~ `y`", "acme_corp \u223cx\u223c \u02cby\u02cb"},
		{"_it_ a__b x_ _y SALESBOT_ADMINS", "\u02cdit\u02cd a\u02cd\u02cdb x\u02cd \u02cdy SALESBOT_ADMINS"},
		{"é_ü 3_4 a_😀", "é_ü 3_4 a\u02cd😀"},
		{"<!here> & *a*", "&lt;!here&gt; &amp; \u2217a\u2217"},
		{":no_entry: only a_b", ":no_entry: only a_b"},
		{":_x_:", ":\u02cdx\u02cd:"},
	}
	for _, tc := range tests {
		if got := blocks.EscapeMd(tc.in); got != tc.want {
			t.Errorf("EscapeMd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// mrkdwnTexts collects every mrkdwn text in a rendered value.
func mrkdwnTexts(t *testing.T, v any) []string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				s, _ := x["text"].(string)
				out = append(out, s)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var root any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	walk(root)
	return out
}

// noMarkup fails when a user's formatting characters reached mrkdwn.
func noMarkup(t *testing.T, where string, v any) {
	t.Helper()
	texts := mrkdwnTexts(t, v)
	if len(texts) == 0 {
		t.Fatalf("%s: no mrkdwn text", where)
	}
	for _, s := range texts {
		for _, bad := range []string{"*bold*", "_it_", "~gone~", "`code`", "bold**"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s: user markup %q reached mrkdwn: %q", where, bad, s)
			}
		}
	}
}

func TestRenderNeutralisesMarkup(t *testing.T) {
	o := blocks.RenderOptions{Currency: usd, Stages: []string{"Proposal", markup}}
	c := commands.DealCard{Deal: sales.Deal{ID: 9, Account: markup, Notes: markup, LostReason: markup}, StageName: markup,
		StageKind: sales.StageOpen, OwnerName: markup, TerritoryName: markup, Amount: "$5,000.00", CanEdit: true,
		History:    []commands.HistoryLine{{At: "2026-11-26 14:03", Actor: markup, Text: markup}},
		Activities: []commands.HistoryLine{{At: "2026-11-26 14:05", Actor: markup, Text: "call: " + markup}}, ActivityTotal: 1}
	g := commands.GoalView{Subject: markup, Progress: progress(100000, 5000, 0)}
	for name, v := range map[string]any{
		"deal":   blocks.Render(&commands.Result{Kind: commands.KindDeal, Lines: []string{markup}, Deal: &c}, o),
		"list":   blocks.Render(&commands.Result{Kind: commands.KindDealList, Lines: []string{markup}, Deals: []commands.DealCard{c}}, o),
		"empty":  blocks.Render(&commands.Result{Kind: commands.KindDealList, Lines: []string{markup}}, o),
		"msg":    blocks.Render(&commands.Result{Kind: commands.KindMessage, Lines: []string{markup}}, o),
		"goals":  blocks.Render(&commands.Result{Kind: commands.KindGoals, Goals: []commands.GoalView{g}}, o),
		"terr":   blocks.Render(&commands.Result{Kind: commands.KindTerritories, Territories: []commands.TerritoryView{{Name: markup, Members: []string{markup}}}}, o),
		"error":  blocks.RenderError(sales.Errorf(sales.EINVALID, "unknown stage %q", markup)),
		"win":    blocks.RenderWin(&commands.WinNotice{Deal: c.Deal, Amount: "$5.00", OwnerName: markup, Progress: progress(0, 500, 0)}, usd),
		"home":   blocks.RenderHome(&commands.HomeView{Name: markup, Goal: g, ByStage: []commands.StageDeals{{Stage: markup, Deals: []commands.DealCard{c}}}, Stale: []commands.DealCard{c}}, o),
		"stages": blocks.Render(&commands.Result{Kind: commands.KindPipeline, Pipeline: &commands.PipelineView{Subject: markup, Period: month, ByStage: []commands.StageRow{{Stage: markup, Count: 1}}}}, o),
	} {
		noMarkup(t, name, v)
	}
}

func TestRenderPaceIsAMultiple(t *testing.T) {
	// 20% won with half the month gone: pace 0.20× as in the digest, never "(20%)".
	g := commands.GoalView{Subject: "bob", Progress: progress(100000, 20000, 0)}
	m := blocks.Render(&commands.Result{Kind: commands.KindGoals, Goals: []commands.GoalView{g}}, blocks.RenderOptions{Currency: usd})
	all := strings.Join(mrkdwnTexts(t, m), "\n")
	if want := "behind pace (" + digest.PaceText(g.Progress.Pace) + ")"; !strings.Contains(all, want) || !strings.HasSuffix(digest.PaceText(g.Progress.Pace), "×") {
		t.Errorf("goal text %q lacks %q", all, want)
	}
}

func TestRenderSaysOnce(t *testing.T) {
	win := blocks.RenderWin(&commands.WinNotice{Deal: sales.Deal{ID: 2, Account: "Acme"}, Amount: "$70,000.00", OwnerName: "bob",
		Progress: progress(5000000, 7000000, 0), QuotaReached: true}, usd)
	if n := strings.Count(strings.ToLower(strings.Join(mrkdwnTexts(t, win), "\n")), "quota reached"); n != 1 {
		t.Errorf("win says \"quota reached\" %d times, want once", n)
	}
	empty := blocks.Render(&commands.Result{Kind: commands.KindDealList, Lines: []string{"Page 3 is past the end."}}, blocks.RenderOptions{Currency: usd})
	all := strings.Join(mrkdwnTexts(t, empty), "\n")
	if !strings.Contains(all, "past the end") || strings.Contains(all, "No deals here yet") {
		t.Errorf("empty page shows %q, want only the command's message", all)
	}
}

func TestRenderHelpKeepsGapsAcrossSections(t *testing.T) {
	var help []commands.HelpTopic
	for _, f := range commands.Forms() {
		help = append(help, commands.HelpTopic{Command: f.Name(), Usage: f.Usage(), Summary: f.Summary, Examples: f.Examples, Who: f.Who})
	}
	texts := mrkdwnTexts(t, blocks.Render(&commands.Result{Kind: commands.KindHelp, Help: help}, blocks.RenderOptions{}))
	if len(texts) < 2 {
		t.Fatalf("help fits %d section; the test needs a split", len(texts))
	}
	for i, s := range texts[:len(texts)-1] {
		// What a client shows after trimming trailing whitespace must
		// still end with an empty-looking line before the next section.
		s = strings.TrimRight(s, " \n\t")
		if !strings.HasSuffix(s, "\n\u200b") {
			t.Errorf("help section %d ends without a gap: …%q", i, s[max(0, len(s)-40):])
		}
	}
}

// A reply's Mentions become real mentions; the same text typed by a user
// for anyone else stays escaped.
func TestRenderMentions(t *testing.T) {
	res := &commands.Result{Kind: commands.KindMessage, Title: "Linked"}
	who := res.Mention(sales.Person{SlackID: "U0DAN", Name: "dan"})
	res.Lines = []string{"Logged: \"<@U0BOB> & <!channel>\" is now " + who + " in Slack."}
	nobody := res.Mention(sales.Person{SlackID: "not-an-id", Name: "<b>"})
	res.Lines = append(res.Lines, nobody+" has no Slack id.")
	m := blocks.Render(res, blocks.RenderOptions{})
	got := plainBlocks(t, m.Blocks)
	for _, want := range []string{"is now <@U0DAN> in Slack", "&lt;@U0BOB&gt; &amp; &lt;!channel&gt;", "&lt;b&gt; has no Slack id"} {
		if !strings.Contains(got, want) {
			t.Errorf("blocks lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<@U0BOB>") || strings.Contains(got, "<!channel>") || !strings.Contains(m.Text, "<@U0DAN>") {
		t.Errorf("mentions: text %q blocks %s", m.Text, got)
	}
}

func plainBlocks(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// activityGoals gives g a weekly call goal behind pace, a monthly meeting
// goal reached and a user-text type that must be escaped.
func activityGoals(g commands.GoalView) commands.GoalView {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	week := sales.PeriodOf(sales.Week, now, time.UTC)
	month := sales.PeriodOf(sales.Month, now, time.UTC)
	for _, a := range []struct {
		typ    string
		p      sales.Period
		target int
		done   int
	}{{"call", week, 40, 3}, {"meeting", month, 8, 9}, {"<!channel>", week, 5, 3}} {
		goal := sales.ActivityGoal{Person: 1, Type: a.typ, Kind: a.p.Kind, From: a.p, Recurs: true, Target: a.target}
		pr := sales.NewActivityProgress(goal, a.p, a.done, now, time.UTC)
		g.Activity = append(g.Activity, commands.ActivityLine{Progress: pr, Text: pr.Line(now, time.UTC)})
	}
	return g
}

func withStreak(g commands.GoalView) commands.GoalView {
	g.Streak = "4-week streak on your weekly activity goals (through the week of 16 Nov 2026)"
	return g
}
