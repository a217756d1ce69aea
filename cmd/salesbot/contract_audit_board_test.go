package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// The leaderboard, Home and nudge audit: a team with ties on every mode,
// managers with and without a quota, a rep with no wins, wins in the last
// and first minutes of months in the team's zone (another day in UTC), a
// win reopened, an amount corrected after winning, snoozed and overdue
// deals and activities either side of a Monday midnight. Every figure of
// /leaderboard, the Home tab and the nudges is recomputed from
// `export deals|events|quotas|team|activities` alone.
//
// Where interface.md is silent the code's reading is followed (and
// listed in the audit's report): a rep with a quota and no wins is not
// on the attainment board; managers without a quota are on no board,
// weekly and activity boards included; activities count for whoever
// logged them; gone quiet runs from created when a deal has no activity;
// the nudge lists an overdue deal once, as overdue; a manager's team
// lines on Home use the team block's period. Every person here is in the
// team's zone: a nudge reads "today" in the rep's own Slack zone, Home in
// SALESBOT_TIMEZONE.

var boardNames = map[string]string{"UMARIA": "maria", "UMIKE": "mike", "UALICE": "alice", "UBOB": "bob", "UCARL": "carl", "UDAVE": "dave", "UROOT": "root"}

func boardDo(s *auditScenario, at, user, cmd, text string) *commands.Result {
	s.t.Helper()
	if at != "" {
		s.clk.set(la(at))
	}
	res, err := s.svc.Handle(context.Background(), commands.Request{Command: cmd, Text: text, UserID: user, UserName: boardNames[user]})
	if err != nil {
		s.t.Fatalf("%s %s %s: %v", user, cmd, text, err)
	}
	return res
}

func newBoardScenario(t *testing.T) *auditScenario {
	e := newEnv(t)
	t.Setenv("SALESBOT_TIMEZONE", auditLoc.String())
	s := &auditScenario{t: t, e: e, clk: &auditClock{t: la("2026-10-01 09:00")}}
	s.open()
	do := func(at, user, cmd, text string) { boardDo(s, at, user, cmd, text) }
	for _, u := range []string{"UMARIA", "UMIKE", "UALICE", "UBOB", "UCARL", "UDAVE"} {
		do("", u, "/salesbot", "help") // everyone has used salesbot
	}
	do("", "UROOT", "/salesbot", "role <@UMARIA|maria> manager")
	do("", "UROOT", "/salesbot", "role <@UMIKE|mike> manager")
	for _, u := range []string{"UALICE", "UBOB"} {
		do("", "UROOT", "/salesbot", fmt.Sprintf("manager <@%s|%s> <@UMARIA|maria>", u, boardNames[u]))
	}
	for _, u := range []string{"UCARL", "UDAVE"} {
		do("", "UROOT", "/salesbot", fmt.Sprintf("manager <@%s|%s> <@UMIKE|mike>", u, boardNames[u]))
	}
	// Quotas: alice and bob the same November quota, maria's such that she
	// wins half of hers as they do (a three-way tie on attainment), alice a quarter too; mike, carl, dave none.
	do("", "UROOT", "/goal", "set <@UALICE|alice> 60k 2026-11")
	do("", "UROOT", "/goal", "set <@UBOB|bob> 60k 2026-11")
	do("", "UROOT", "/goal", "set <@UMARIA|maria> 38k 2026-11")
	do("", "UROOT", "/goal", "set <@UALICE|alice> 150k 2026-Q4")
	do("", "UROOT", "/goal", "set <@UALICE|alice> 10 calls week")

	// alice: won in October's last minutes (November in UTC), amount
	// corrected after; two November wins, one in its last minutes.
	do("2026-10-01 10:00", "UALICE", "/deal", `add "Acme" 20k stage:Qualified close:2026-11-15`) // D-1
	do("2026-10-31 23:30", "UALICE", "/deal", "won D-1 22k")
	do("2026-10-05 10:00", "UALICE", "/deal", `add "Globex" 10k stage:Proposal close:2026-11-30`) // D-2
	do("2026-11-01 00:10", "UALICE", "/deal", "won D-2")
	do("2026-10-06 10:00", "UALICE", "/deal", `add "Initech" 20k stage:Negotiation close:2026-12-20`) // D-3
	do("2026-11-30 23:30", "UALICE", "/deal", "won D-3")
	// bob: one win ties alice's value; a second won, then reopened.
	do("2026-10-02 10:00", "UBOB", "/deal", `add "Wayne" 30k stage:Qualified close:2026-11-15`) // D-4
	do("2026-11-15 10:00", "UBOB", "/deal", "won D-4")
	do("2026-10-03 10:00", "UBOB", "/deal", `add "Tyrell" 9k stage:Proposal close:2026-11-20`) // D-5
	do("2026-11-20 10:00", "UBOB", "/deal", "won D-5")
	do("2026-11-25 10:00", "UBOB", "/deal", "reopen D-5")
	do("2026-11-25 10:05", "UBOB", "/deal", "set D-5 close:2026-11-28")
	// maria (manager with quota), mike (manager without), carl (no quota).
	do("2026-10-04 10:00", "UMARIA", "/deal", `add "Hooli" 15k stage:Proposal close:2026-11-10`) // D-6
	do("2026-11-10 10:00", "UMARIA", "/deal", "won D-6")
	do("2026-10-04 11:00", "UMIKE", "/deal", `add "Stark" 50k stage:Proposal close:2026-11-12`) // D-7
	do("2026-11-12 10:00", "UMIKE", "/deal", "won D-7")
	do("2026-10-04 12:00", "UCARL", "/deal", `add "Oscorp" 15k stage:Proposal close:2026-11-03`) // D-8
	do("2026-11-03 10:00", "UCARL", "/deal", "won D-8")
	do("", "UALICE", "/deal", "set D-1 amount:25k") // after November's wins

	// Open deals: overdue, stale, snoozed, next steps, gone quiet.
	do("2026-11-01 10:00", "UDAVE", "/deal", `add "Umbrella" 5k stage:Proposal close:2026-11-20`) // D-9
	for i := 2; i <= 7; i++ {                                                                     // D-10..D-15: more than Home and a nudge list
		do("2026-11-01 11:00", "UDAVE", "/deal", fmt.Sprintf(`add "Umbrella %d" %dk stage:Proposal close:2026-11-2%d`, i, i, i))
	}
	do("2026-11-02 10:00", "UALICE", "/deal", `add "Cyberdyne" 12k stage:Qualified close:2026-11-25`)   // D-16
	do("2026-11-03 10:00", "UALICE", "/deal", `add "Soylent" 8k stage:Proposal`)                        // D-17
	do("2026-11-04 10:00", "UALICE", "/deal", `add "Pied Piper" 7k stage:Negotiation close:2026-11-20`) // D-18
	do("2026-11-21 10:00", "UALICE", "/deal", "snooze D-18 2026-12-10")
	do("2026-11-22 10:00", "UALICE", "/deal", "next D-16 send the contract due:2026-11-30")
	do("2026-11-22 10:05", "UALICE", "/deal", "next D-17 book a demo due:2026-12-09")
	// Activities either side of Monday Nov 30's midnight, and of
	// December's (Dec 1 UTC is still Nov 30 in the zone).
	do("2026-11-29 23:30", "UALICE", "/deal", "call D-16 Sunday night")
	do("2026-11-30 00:30", "UALICE", "/deal", "call D-16 Monday morning")
	do("2026-11-30 12:00", "UALICE", "/deal", "email D-17 proposal sent")
	do("2026-11-30 23:30", "UCARL", "/deal", "meeting D-8 review")
	do("2026-11-30 23:40", "UBOB", "/deal", "call D-5 follow up")
	do("2026-12-01 08:00", "UBOB", "/deal", "email D-5 follow up")
	do("2026-12-01 09:00", "UDAVE", "/deal", "note D-9 left a message")
	do("2026-12-01 09:30", "UDAVE", "/deal", "note D-9 again")
	s.close()
	// Imported wins on civil close dates either side of November's end,
	// one file read under another zone, and activities logged elsewhere.
	s.e.must(ImportCmd, "deals", "--file", s.e.file("crm.csv",
		"external_id,account,amount,stage,owner,created,close_date\n"+
			"X1,Vandelay,4000,Won,carl,2026-10-01,2026-11-30\n"+
			"X2,Krusty,6000,Won,dave,,2026-12-01\n"))
	t.Setenv("SALESBOT_TIMEZONE", "Pacific/Auckland")
	s.e.must(ImportCmd, "deals", "--file", s.e.file("crm2.csv",
		"external_id,account,amount,stage,owner,created,close_date\n"+
			"Y1,Gringotts,4000,Won,maria,2026-10-10,2026-11-01\n"))
	t.Setenv("SALESBOT_TIMEZONE", auditLoc.String())
	s.e.must(ImportCmd, "activities", "--file", s.e.file("acts.csv",
		"deal,at,who,type,text\n"+
			"D-8,2026-12-01T07:30:00Z,carl,call,Nov 30 in the zone\n"+
			"D-8,2026-11-30T07:59:00Z,carl,call,Sunday Nov 29 in the zone\n"))
	return s
}

// The independent side.

type xAct struct {
	who string
	at  time.Time
}

func xActivities(t *testing.T, e *env) []xAct {
	var out []xAct
	for _, m := range xRows(t, e.must(ExportCmd, "activities").stdout) {
		out = append(out, xAct{who: m["who"], at: xTime(t, m["at"])})
	}
	return out
}

// xPeriodKey resolves /leaderboard's period words at now.
func xPeriodKey(word string, now time.Time) string {
	t := now.In(auditLoc)
	switch word {
	case "", "month":
		return t.Format("2006-01")
	case "quarter":
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
	case "year":
		return fmt.Sprint(t.Year())
	case "week":
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	return word
}

// xBoardDays is a period key's first and last day, weeks (Mon-Sun) too.
func xBoardDays(key string) (string, string) {
	if i := strings.Index(key, "-W"); i > 0 {
		var y, w int
		fmt.Sscanf(key, "%d-W%d", &y, &w)
		d := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC) // always in week 1
		d = d.AddDate(0, 0, -((int(d.Weekday())+6)%7)+7*(w-1))
		return d.Format("2006-01-02"), d.AddDate(0, 0, 6).Format("2006-01-02")
	}
	return xPeriodDays(key)
}

type xStanding struct {
	name        string
	rank        int
	won, quota  int64
	deals, acts int64
	hasQuota    bool
}

// xBoard ranks per the leaderboard's own words: won value, won deals,
// attainment (people with a quota only), activities; managers and admins
// only with a quota; ties share a rank (1, 2, 2, 4); nobody with nothing
// scored yet.
func xBoard(x xData, people []map[string]string, quotas map[xQuota]int64, acts []xAct, mode, period string) []xStanding {
	first, last := xBoardDays(period)
	start, end := xDayStart(first), xDayStart(last).AddDate(0, 0, 1)
	var out []xStanding
	for _, p := range people {
		s := xStanding{name: p["name"]}
		s.quota = quotas[xQuota{"rep", s.name, period}]
		s.hasQuota = s.quota > 0
		for _, d := range x.deals {
			if d.owner == s.name && d.stage == "Won" && d.closeDay() >= first && d.closeDay() <= last {
				s.won += d.amount
				s.deals++
			}
		}
		for _, a := range acts {
			if a.who == s.name && !a.at.Before(start) && a.at.Before(end) {
				s.acts++
			}
		}
		if p["role"] != "rep" && !s.hasQuota {
			continue
		}
		switch mode {
		case "attainment":
			if !s.hasQuota || s.won == 0 {
				continue
			}
		case "activities":
			if s.acts == 0 {
				continue
			}
		default:
			if s.won == 0 {
				continue
			}
		}
		out = append(out, s)
	}
	score := func(s xStanding) *big.Rat {
		switch mode {
		case "deals":
			return big.NewRat(s.deals, 1)
		case "attainment":
			return big.NewRat(s.won, s.quota)
		case "activities":
			return big.NewRat(s.acts, 1)
		}
		return big.NewRat(s.won, 1)
	}
	for i := range out {
		out[i].rank = 1
		for j := range out {
			if score(out[j]).Cmp(score(out[i])) > 0 {
				out[i].rank++
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].rank < out[j].rank })
	return out
}

// boardText lists a ranking by rank then name, with the figures mode
// reads: won/deals/quota, or activities.
func boardText(b []xStanding, mode string) string {
	b = append([]xStanding(nil), b...)
	sort.SliceStable(b, func(i, j int) bool {
		if b[i].rank != b[j].rank {
			return b[i].rank < b[j].rank
		}
		return b[i].name < b[j].name
	})
	var parts []string
	for _, s := range b {
		if mode == "activities" {
			parts = append(parts, fmt.Sprintf("#%d %s %d", s.rank, s.name, s.acts))
			continue
		}
		parts = append(parts, fmt.Sprintf("#%d %s %d/%d/%d", s.rank, s.name, s.won, s.deals, s.quota))
	}
	return strings.Join(parts, ", ")
}

func gotBoardText(b sales.Board) []xStanding {
	var out []xStanding
	for _, s := range b.Ranked {
		out = append(out, xStanding{name: s.Name, rank: s.Rank, won: int64(s.Won), deals: s.Deals, quota: int64(s.Quota), acts: s.Activities})
	}
	return out
}

var boardMoments = []string{"2026-11-30 23:59", "2026-12-01 00:05", "2026-12-02 10:00", "2027-01-04 09:00"}

func TestContractAuditBoard(t *testing.T) {
	s := newBoardScenario(t)
	x := xLoad(t, s.e)
	quotas := x.quotas(t, s.e)
	people := xRows(t, s.e.must(ExportCmd, "team").stdout)
	acts := xActivities(t, s.e)
	s.open()
	defer s.close()
	for _, at := range boardMoments {
		s.clk.set(la(at))
		now := la(at)
		for _, period := range []string{"", "month", "quarter", "year", "2026-10", "2026-11", "2026-Q4", "2026", "week", "2026-W48", "2026-W49"} {
			for _, mode := range []string{"", "won", "deals", "attainment", "activities"} {
				key := xPeriodKey(period, now)
				want := xBoard(x, people, quotas, acts, mode, key)
				for _, u := range []string{"UALICE", "UMIKE", "UDAVE", "UMARIA"} {
					res := boardDo(s, "", u, "/leaderboard", strings.TrimSpace(period+" "+mode))
					v := res.Leaderboard
					if u == "UALICE" {
						if period == "" && mode == "attainment" {
							continue // default period: checked below
						}
						if v.Board.Period.Key() != key {
							t.Errorf("at %s /leaderboard %s %s: period %s, want %s", at, period, mode, v.Board.Period.Key(), key)
							continue
						}
						if mode == "attainment" {
							// Reps with wins but no quota are counted beside the board.
							noQuota, anyQuota := 0, false
							for _, c := range xBoard(x, people, quotas, acts, "won", key) {
								if c.hasQuota {
									anyQuota = true
								}
							}
							for _, p := range people {
								q := quotas[xQuota{"rep", p["name"], key}]
								anyQuota = anyQuota || q > 0
								if p["role"] == "rep" && q == 0 && xBoard(x, []map[string]string{p}, quotas, acts, "won", key) != nil {
									noQuota++
								}
							}
							if v.Board.NoQuota != noQuota || v.NoQuotaAnywhere == anyQuota {
								t.Errorf("at %s /leaderboard %s attainment: %d reps with wins and no quota (nobody has one: %v), contract %d (%v)", at, period, v.Board.NoQuota, v.NoQuotaAnywhere, noQuota, !anyQuota)
							}
						}
						if g, w := boardText(gotBoardText(v.Board), mode), boardText(want, mode); g != w {
							t.Errorf("at %s /leaderboard %s %s:\n got  %s\n want %s", at, period, mode, g, w)
						}
					}
					// "You are #n of m", or why not.
					var mine *xStanding
					for i := range want {
						if want[i].name == boardNames[u] {
							mine = &want[i]
						}
					}
					switch {
					case mine != nil && (v.You == nil || v.You.Rank != mine.rank || len(v.Board.Ranked) != len(want)):
						t.Errorf("at %s /leaderboard %s %s as %s: you %+v of %d, want #%d of %d", at, period, mode, u, v.You, len(v.Board.Ranked), mine.rank, len(want))
					case mine == nil && (v.You != nil || v.YouWhy == ""):
						t.Errorf("at %s /leaderboard %s %s as %s: ranked %+v or no reason (%q)", at, period, mode, u, v.You, v.YouWhy)
					}
				}
			}
		}
		// Attainment's default: the first of month, quarter, year for
		// which anyone has a quota.
		res := boardDo(s, "", "UALICE", "/leaderboard", "attainment")
		def := ""
		for _, k := range []string{xPeriodKey("month", now), xPeriodKey("quarter", now), xPeriodKey("year", now)} {
			for q := range quotas {
				if q.scope == "rep" && q.period == k && def == "" {
					def = k
				}
			}
		}
		if def == "" {
			def = xPeriodKey("month", now)
		}
		if res.Leaderboard.Board.Period.Key() != def {
			t.Errorf("at %s /leaderboard attainment: period %s, want %s", at, res.Leaderboard.Board.Period.Key(), def)
		}
	}
}

// xDealRow is what Home and the nudges read of a deal's export row.
type xDealRow struct {
	id, owner, stage, closeDate, nextDue string
	entered, created                     string // civil days in the zone
	snoozed                              time.Time
}

func xDealRows(t *testing.T, e *env) []xDealRow {
	var out []xDealRow
	day := func(s string) string {
		if s == "" {
			return ""
		}
		return xTime(t, s).In(auditLoc).Format("2006-01-02")
	}
	for _, m := range xRows(t, e.must(ExportCmd, "deals").stdout) {
		out = append(out, xDealRow{id: m["id"], owner: m["owner"], stage: m["stage"], closeDate: m["close_date"], nextDue: m["next_due"],
			entered: day(m["stage_entered"]), created: day(m["created"]), snoozed: xTime(t, m["snoozed_until"])})
	}
	return out
}

func xDaysBetween(a, b string) int { return int(xDayStart(b).Sub(xDayStart(a)).Hours()+12) / 24 }

func TestContractAuditHome(t *testing.T) {
	s := newBoardScenario(t)
	x := xLoad(t, s.e)
	quotas := x.quotas(t, s.e)
	rows := xDealRows(t, s.e)
	actsByDeal := map[string][]time.Time{}
	for _, m := range xRows(t, s.e.must(ExportCmd, "activities").stdout) {
		actsByDeal[m["deal"]] = append(actsByDeal[m["deal"]], xTime(t, m["at"]))
	}
	// calls is who's calls in now's week (Mon-Sun in the zone) up to now.
	actRows := xRows(t, s.e.must(ExportCmd, "activities").stdout)
	calls := func(who string, now time.Time) int {
		first, _ := xBoardDays(xPeriodKey("week", now))
		n := 0
		for _, m := range actRows {
			at := xTime(t, m["at"])
			if m["who"] == who && m["type"] == "call" && !at.Before(xDayStart(first)) && !at.After(now) {
				n++
			}
		}
		return n
	}
	team := map[string][]string{"maria": {"maria", "alice", "bob"}, "mike": {"mike", "carl", "dave"}, "root": {"maria", "mike", "alice", "bob", "carl", "dave", "root"}}
	s.open()
	defer s.close()
	dg, err := digest.New(digest.Config{Store: s.db, Locale: sales.Locale{Clock: s.clk, Loc: auditLoc, Currency: sales.DefaultCurrency}, Channel: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range boardMoments {
		s.clk.set(la(at))
		now := la(at)
		today := now.In(auditLoc).Format("2006-01-02")
		for _, u := range []string{"UALICE", "UBOB", "UDAVE", "UMARIA", "UMIKE", "UROOT"} {
			name := boardNames[u]
			v, err := s.svc.Home(context.Background(), commands.Request{UserID: u, UserName: name})
			if err != nil {
				t.Fatal(err)
			}
			me := xSubject{name: name, members: []string{name}, deal: func(d xDeal) bool { return d.owner == name }}
			per := x.defaultPeriod(me, now, quotas)
			if d := diffProgress(v.Goal.Progress, x.progress(me, per, now, quotas)); d != "" {
				t.Errorf("at %s Home %s quota: %s", at, name, d)
			}
			var stale, overdue, nextOver int
			for _, r := range rows {
				if r.owner != name || !xOpenStage(r.stage) {
					continue
				}
				snoozed := r.snoozed.After(now)
				entered := r.created
				for _, e := range x.events[r.id] {
					if e.field == "stage" && !e.at.After(now) {
						entered = e.at.In(auditLoc).Format("2006-01-02")
					}
				}
				if entered != r.entered {
					t.Errorf("%s: stage entered %s, its last stage change %s", r.id, r.entered, entered)
				}
				if !snoozed && xDaysBetween(entered, today) > xStaleDays[r.stage] {
					stale++
				}
				if !snoozed && r.closeDate != "" && r.closeDate < today {
					overdue++
				}
				if r.nextDue != "" && r.nextDue < today {
					nextOver++
				}
			}
			if v.StaleCount != stale || v.OverdueCount != overdue || v.NextOverdueCount != nextOver {
				t.Errorf("at %s Home %s stale/overdue/next steps overdue %d/%d/%d, contract %d/%d/%d", at, name, v.StaleCount, v.OverdueCount, v.NextOverdueCount, stale, overdue, nextOver)
			}
			if stale+overdue > 0 {
				tab, err := json.Marshal(blocks.RenderHome(v, blocks.RenderOptions{Currency: sales.DefaultCurrency}))
				if err != nil {
					t.Fatal(err)
				}
				if want := fmt.Sprintf("*Needs attention* · %d overdue · %d stale", overdue, stale); !strings.Contains(string(tab), want) {
					t.Errorf("at %s Home %s: the tab does not say %q", at, name, want)
				}
			}
			// The forecast line: commit and best case of the quota's period.
			if f := v.Forecast; f != nil {
				w := x.forecastTotals(me, f.Period.Key(), now)
				if f.Period.Key() != per || int64(f.Commit) != w[1] || int64(f.Best) != w[2] {
					t.Errorf("at %s Home %s forecast %s commit %d best %d, contract %s %d %d", at, name, f.Period.Key(), f.Commit, f.Best, per, w[1], w[2])
				}
				fr := boardDo(s, "", u, "/forecast", f.Period.Key()).Forecast.Projection
				if fr.Predicted != f.Predicted || fr.Low != f.Low || fr.High != f.High {
					t.Errorf("at %s Home %s forecast %d (%d..%d), /forecast %d (%d..%d)", at, name, f.Predicted, f.Low, f.High, fr.Predicted, fr.Low, fr.High)
				}
			} else if v.Goal.Progress.HasQuota {
				t.Errorf("at %s Home %s: a quota but no forecast line", at, name)
			}
			// Activity goals: calls this week (Mon-Sun in the zone), up to now.
			for _, al := range v.Goal.Activity {
				a := al.Progress
				if a.Period.Kind != sales.Week {
					continue
				}
				done := calls(name, now)
				first, last := xBoardDays(xPeriodKey("week", now))
				total, ended := xWorkingDays(first, last), xWorkingDays(first, min(xAddDays(today, -1), last))
				left := xWorkingDays(max(today, first), last)
				elapsed, att := float64(ended)/float64(total), float64(done)/float64(a.Goal.Target)
				verdict := "period just started"
				switch pace := att / elapsed; {
				case done >= a.Goal.Target:
					verdict = "quota reached"
				case elapsed < 0.1:
				case pace < 0.9:
					verdict = "behind pace"
				case pace >= 1.1:
					verdict = "ahead of pace"
				default:
					verdict = "on pace"
				}
				perDay := float64(a.Goal.Target-done) / float64(left)
				if a.Done != done || !sameNum(numOf(a.Elapsed), &elapsed) || a.WorkingDays != left || !sameNum(numOf(a.PerWorkingDay), &perDay) || a.Verdict.String() != verdict {
					t.Errorf("at %s Home %s %s this week: %d, elapsed %s, %d days left, %s a day, %s; contract %d, %.4f, %d, %.4f, %s",
						at, name, a.Goal.Noun(), a.Done, fmtNum(numOf(a.Elapsed)), a.WorkingDays, fmtNum(numOf(a.PerWorkingDay)), a.Verdict, done, elapsed, left, perDay, verdict)
				}
				if elapsed >= 0.1 && !sameNum(numOf(a.Pace), ptrTo(att/elapsed)) {
					t.Errorf("at %s Home %s activity pace %s, contract %.4f", at, name, fmtNum(numOf(a.Pace)), att/elapsed)
				}
			}
			if members, ok := team[name]; ok {
				own := xQuota{scope: "team", subject: name}
				if name == "root" {
					own.subject = "company"
				}
				sub := xSubject{name: name, members: members, deal: func(d xDeal) bool { return slicesContains(members, d.owner) }, own: own}
				per := x.defaultPeriod(sub, now, quotas)
				switch {
				case v.Team == nil:
					t.Errorf("at %s Home %s: no team block", at, name)
				case v.Team.Progress == nil:
					t.Errorf("at %s Home %s: team block without progress", at, name)
				default:
					if d := diffProgress(*v.Team.Progress, x.progress(sub, per, now, quotas)); d != "" {
						t.Errorf("at %s Home %s team: %s", at, name, d)
					}
					// Each member's line, over the team block's period.
					seen := 0
					for _, g := range v.TeamGoals {
						m := g.Subject
						if !slicesContains(members, m) {
							continue
						}
						seen++
						rep := xSubject{name: m, members: []string{m}, deal: func(d xDeal) bool { return d.owner == m }}
						if d := diffProgress(g.Progress, x.progress(rep, per, now, quotas)); d != "" {
							t.Errorf("at %s Home %s team line %s: %s", at, name, m, d)
						}
					}
					if seen == 0 {
						t.Errorf("at %s Home %s: no team lines (%d)", at, name, len(v.TeamGoals))
					}
				}
			}

			// The nudge of the same person, in the team's zone.
			if name == "root" {
				continue
			}
			p, err := s.db.PersonBySlackID(context.Background(), u)
			if err != nil {
				t.Fatal(err)
			}
			n, err := dg.NudgeFor(context.Background(), p, now, now.AddDate(0, 0, -1))
			if err != nil {
				t.Fatal(err)
			}
			wantOver, wantQuiet := map[string]int{}, map[string]int{}
			for _, r := range rows {
				if r.owner != name || !xOpenStage(r.stage) || r.snoozed.After(now) {
					continue
				}
				if r.closeDate != "" && r.closeDate < today {
					wantOver[r.id] = xDaysBetween(r.closeDate, today)
					continue
				}
				from := r.created
				for _, a := range actsByDeal[r.id] {
					if a.Before(now) || a.Equal(now) {
						if d := a.In(auditLoc).Format("2006-01-02"); d > from {
							from = d
						}
					}
				}
				if days := xDaysBetween(from, today); days >= sales.DefaultQuietDays {
					wantQuiet[r.id] = days
				}
			}
			gotOver, gotQuiet := map[string]int{}, map[string]int{}
			for _, d := range n.Overdue {
				gotOver[d.ID.String()] = d.Days
			}
			for _, d := range n.Stale {
				gotQuiet[d.ID.String()] = d.Days
			}
			// The nudge lists NudgeDeals of them and counts the rest.
			if len(gotOver)+len(gotQuiet)+n.More != len(wantOver)+len(wantQuiet) {
				t.Errorf("at %s nudge %s: %d overdue + %d gone quiet + %d more, contract %d + %d", at, name, len(gotOver), len(gotQuiet), n.More, len(wantOver), len(wantQuiet))
			}
			for _, d := range n.NextSteps {
				var due string
				for _, r := range rows {
					if r.id == d.ID.String() {
						due = r.nextDue
					}
				}
				if due == "" || due >= today || d.Days != xDaysBetween(due, today) {
					t.Errorf("at %s nudge %s: next step of %s overdue %d days, due %q", at, name, d.ID, d.Days, due)
				}
			}
			for id, days := range gotOver {
				if w, ok := wantOver[id]; !ok || w != days {
					t.Errorf("at %s nudge %s: %s overdue %d days, contract %v (%d)", at, name, id, days, ok, w)
				}
			}
			for id, days := range gotQuiet {
				if w, ok := wantQuiet[id]; !ok || w != days {
					t.Errorf("at %s nudge %s: %s gone quiet %d days, contract %v (%d)", at, name, id, days, ok, w)
				}
			}
			if d := diffProgress(n.Progress, x.progress(me, per, now, quotas)); d != "" {
				t.Errorf("at %s nudge %s progress: %s", at, name, d)
			}
			// "with %d of %d working days gone; … over %d working days"
			pr := n.Progress
			first, last := xPeriodDays(per)
			total, ended, left := xWorkingDays(first, last), xWorkingDays(first, min(xAddDays(today, -1), last)), xWorkingDays(max(today, first), last)
			if pr.WorkingDaysTotal != total || pr.WorkingDaysElapsed != ended || pr.WorkingDays != left {
				t.Errorf("at %s nudge %s: %d of %d working days gone, %d left; contract %d of %d, %d", at, name, pr.WorkingDaysElapsed, pr.WorkingDaysTotal, pr.WorkingDays, ended, total, left)
			}
			if pr.HasQuota && int64(pr.Remaining) != max(int64(pr.Quota-pr.Won), 0) {
				t.Errorf("at %s nudge %s: %d still to win of %d with %d won", at, name, pr.Remaining, pr.Quota, pr.Won)
			}
		}
		// The digest's coaching quotes alice's calls this week.
		d, err := dg.Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range d.Coaching {
			if c.Rep == "alice" && (c.Kind == digest.CoachBehindActivity || strings.Contains(c.Problem, "calls this week")) {
				if want := fmt.Sprintf("%d calls this week against 10", calls("alice", now)); !strings.Contains(c.Problem, want) {
					t.Errorf("at %s digest coaching %q, contract %q", at, c.Problem, want)
				}
			}
		}
	}
}

func slicesContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func ptrTo(v float64) *float64 { return &v }
