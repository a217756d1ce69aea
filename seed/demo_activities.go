package seed

import (
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// DemoActivities are calls, meetings, emails and notes on the demo
// pipeline imported from in (res is what Import returned for it), as of
// now: every rep was busy this week except dan, whose deals have gone
// quiet, and won deals carry the calls and meetings that won them.
// Deterministic for a given now.
func DemoActivities(in storage.Import, res storage.ImportResult, now time.Time) []sales.Activity {
	now = now.Truncate(time.Second)
	texts := map[string][]string{
		sales.ActivityCall:    {"discovery call", "pricing questions answered", "left a voicemail", "agreed next steps"},
		sales.ActivityMeeting: {"demo with the team", "on-site workshop", "CFO review"},
		sales.ActivityEmail:   {"sent the proposal", "follow-up with case studies", "contract redlines"},
		sales.ActivityNote:    {"champion is the VP of Ops", "budget approved for Q1"},
	}
	order := []string{sales.ActivityCall, sales.ActivityEmail, sales.ActivityCall, sales.ActivityMeeting, sales.ActivityNote, sales.ActivityCall}
	var out []sales.Activity
	for i, d := range in.Deals {
		if i >= len(res.DealIDs) || i >= len(demoDeals) {
			break
		}
		owner := res.PersonIDs[demoDeals[i].owner]
		n := 2 + i%4
		// The most recent activity: within the week for open deals, except
		// dan's (quiet for three weeks or more); at the close for closed ones.
		last := now.Add(-time.Duration(6+i*11%90) * time.Hour)
		switch {
		case !d.ClosedAt.IsZero():
			last = d.ClosedAt.Add(-24 * time.Hour)
		case demoDeals[i].owner == DemoDan:
			last = now.AddDate(0, 0, -20-i%10)
		}
		for k := 0; k < n; k++ {
			typ := order[(i+k)%len(order)]
			at := last.Add(-time.Duration(k) * 3 * 24 * time.Hour)
			if at.Before(d.CreatedAt) {
				break
			}
			a := sales.Activity{Deal: res.DealIDs[i], Who: owner, At: at, Type: typ, Text: texts[typ][(i+k)%len(texts[typ])]}
			if typ == sales.ActivityCall {
				a.Outcome = []string{"connected", "voicemail", "connected"}[(i+k)%3]
			}
			out = append(out, a)
		}
	}
	return out
}

// DemoActivityGoals are the demo team's weekly activity goals, set four
// weeks ago by the manager so /goal and the Home tab show activity beside
// quota (and dan, whose deals have gone quiet, is behind on his).
func DemoActivityGoals(res storage.ImportResult, now time.Time, loc *time.Location) []sales.ActivityGoal {
	from := sales.PeriodOf(sales.Week, now.AddDate(0, 0, -28), loc)
	alice := res.PersonIDs[DemoAlice]
	goal := func(who sales.PersonID, team bool, typ string, n int) sales.ActivityGoal {
		return sales.ActivityGoal{Person: who, Team: team, Type: typ, Kind: sales.Week, From: from, Recurs: true, Target: n, SetBy: alice}
	}
	return []sales.ActivityGoal{
		goal(res.PersonIDs[DemoBob], false, sales.ActivityCall, 6),
		goal(res.PersonIDs[DemoCarol], false, sales.ActivityCall, 6),
		goal(res.PersonIDs[DemoDan], false, sales.ActivityCall, 6),
		goal(alice, true, "", 30),
	}
}
