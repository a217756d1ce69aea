package sales_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func TestParseActivityGoalType(t *testing.T) {
	cfg := sales.DefaultActivityConfig()
	cfg.Types = append(cfg.Types, "demo", "inbox")
	for _, c := range []struct{ in, want, err string }{
		{"calls", "call", ""}, {"Call", "call", ""}, {"meetings", "meeting", ""}, {"emails", "email", ""},
		{"activities", "", ""}, {"demos", "demo", ""}, {"inboxes", "inbox", ""},
		{"visits", "", "not an activity type"}, {"", "", "not an activity type"},
	} {
		got, err := sales.ParseActivityGoalType(c.in, cfg)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestParseActivityGoalTarget(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{{"40", 40, true}, {" 1 ", 1, true}, {"0", 0, false}, {"-5", 0, false}, {"4.5", 0, false}, {"40k", 0, false}, {"10001", 0, false}} {
		got, err := sales.ParseActivityGoalTarget(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%q = %d, %v", c.in, got, err)
		}
	}
}

// Progress on a weekly goal of 40 calls in the week of Mon 30 Nov 2026,
// worked out by hand: 5 working days; on Thursday 3 Dec at noon three
// have ended (60%).
func TestActivityProgress(t *testing.T) {
	loc := time.UTC
	w := sales.Period{Kind: sales.Week, Year: 2026, Index: 49}
	g := sales.ActivityGoal{Person: 1, Type: "call", Kind: sales.Week, From: w, Recurs: true, Target: 40}
	thu := time.Date(2026, 12, 3, 12, 0, 0, 0, loc)
	for _, c := range []struct {
		name    string
		now     time.Time
		done    int
		verdict sales.PaceVerdict
		perDay  float64
		line    string
	}{
		{"behind", thu, 3, sales.PaceBehind, 18.5, "3 of 40 calls this week (8%) · behind pace · 18.5 a working day to go"},
		{"on pace", thu, 24, sales.PaceOn, 8, "24 of 40 calls this week (60%) · on pace · 8.0 a working day to go"},
		{"ahead", thu, 30, sales.PaceAhead, 5, "30 of 40 calls this week (75%) · ahead of pace · 5.0 a working day to go"},
		{"reached", thu, 41, sales.PaceQuotaReached, 0, "41 of 40 calls this week (102%) · goal reached"},
		{"monday", time.Date(2026, 11, 30, 9, 0, 0, 0, loc), 0, sales.PaceJustStarted, 8, "0 of 40 calls this week (0%) · period just started · 8.0 a working day to go"},
		{"ended", time.Date(2026, 12, 8, 9, 0, 0, 0, loc), 35, sales.PaceEndedShort, 0, "35 of 40 calls in week of 30 Nov 2026 (88%) · week of 30 Nov 2026 ended short of the goal by 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := sales.NewActivityProgress(g, w, c.done, c.now, loc)
			if a.Verdict != c.verdict {
				t.Errorf("verdict %v, want %v", a.Verdict, c.verdict)
			}
			if c.verdict != sales.PaceEndedShort && (!a.PerWorkingDay.OK || a.PerWorkingDay.V != c.perDay) {
				t.Errorf("per working day %+v, want %v", a.PerWorkingDay, c.perDay)
			}
			if got := a.Line(c.now, loc); got != c.line {
				t.Errorf("line\n got %q\nwant %q", got, c.line)
			}
		})
	}
}

func TestActivityNoun(t *testing.T) {
	for _, c := range []struct {
		typ  string
		n    int
		want string
	}{{"call", 1, "call"}, {"call", 3, "calls"}, {"", 2, "activities"}, {"", 1, "activity"}, {"inbox", 2, "inboxes"}, {"reply", 2, "replies"}, {"survey", 2, "surveys"}} {
		if got := sales.ActivityNoun(c.typ, c.n); got != c.want {
			t.Errorf("ActivityNoun(%q, %d) = %q, want %q", c.typ, c.n, got, c.want)
		}
	}
}
