package seed

import (
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// Demo people, by index into DemoTeam's Import.People.
const (
	DemoAlice = iota // manager; the demo's default user
	DemoBob
	DemoCarol
	DemoDan
	DemoErin // admin
)

// DemoSlackIDs are the Slack user ids of the demo team, by the indexes above.
var DemoSlackIDs = []string{"U0ALICE", "U0BOB", "U0CAROL", "U0DAN", "U0ERIN"}

// demoDeal describes one demo deal relative to now.
type demoDeal struct {
	owner   int
	account string
	dollars int64
	product string
	stage   string
	created float64 // days ago
	entered float64 // days ago it entered its stage (closed, for won/lost)
	closeIn int     // open deals: expected close, days from today (<0 overdue)
	// thisMonth > 0 places a win inside the current month, at that share
	// of the month so far, so "won this month" holds whatever today is.
	thisMonth float64
	cycle     float64 // days created → won, with thisMonth
	lostFrom  string
	reason    string
	next      string // the next step, due nextIn days from today (<0 overdue)
	nextIn    int
}

var demoDeals = []demoDeal{
	// Bob: the most won this month, one big stale, overdue deal. Each rep
	// has something that moved in the last day, so the digest's "what
	// moved" has news whatever the hour.
	{owner: DemoBob, account: "Acme Corp", dollars: 24000, product: "Growth", stage: "Proposal", created: 20, entered: 3, closeIn: 14, next: "send the proposal", nextIn: 3},
	{owner: DemoBob, account: "Globex", dollars: 58000, product: "Enterprise", stage: "Negotiation", created: 45, entered: 5, closeIn: 7, next: "legal review call", nextIn: -1},
	{owner: DemoBob, account: "Initech", dollars: 12500, product: "Starter", stage: "Qualified", created: 12, entered: 6, closeIn: 30},
	{owner: DemoBob, account: "Hooli", dollars: 8000, product: "Starter", stage: "Prospecting", created: 4, entered: 4, closeIn: 45},
	{owner: DemoBob, account: "Stark Industries", dollars: 96000, product: "Enterprise", stage: "Proposal", created: 60, entered: 24, closeIn: -6},
	{owner: DemoBob, account: "Wayne Enterprises", dollars: 31000, product: "Growth", stage: "Qualified", created: 35, entered: 0.5, closeIn: 21},
	{owner: DemoBob, account: "Initrode", dollars: 5400, product: "Add-on", stage: "Prospecting", created: 0.3, entered: 0.3, closeIn: 50},
	{owner: DemoBob, account: "Dunder Mifflin", dollars: 18000, product: "Growth", stage: "Won", thisMonth: 0.3, cycle: 34},
	{owner: DemoBob, account: "Bluth Company", dollars: 26500, product: "Growth", stage: "Won", thisMonth: 0.7, cycle: 41},
	{owner: DemoBob, account: "Virtucon", dollars: 44000, product: "Enterprise", stage: "Won", created: 92, entered: 40},
	{owner: DemoBob, account: "Zorg Industries", dollars: 15500, product: "Services", stage: "Won", created: 133, entered: 95},
	{owner: DemoBob, account: "Tessier-Ashpool", dollars: 52000, product: "Enterprise", stage: "Lost", created: 61, entered: 25, lostFrom: "Proposal", reason: "price"},

	// Carol: a couple of deals going stale.
	{owner: DemoCarol, account: "Umbrella Health", dollars: 42000, product: "Enterprise", stage: "Negotiation", created: 50, entered: 9, closeIn: 3},
	{owner: DemoCarol, account: "Vandelay Industries", dollars: 15000, product: "Growth", stage: "Proposal", created: 25, entered: 4, closeIn: 10, next: "demo for the CFO", nextIn: 2},
	{owner: DemoCarol, account: "Soylent Foods", dollars: 7200, product: "Starter", stage: "Prospecting", created: 30, entered: 30, closeIn: -2},
	{owner: DemoCarol, account: "Tyrell Systems", dollars: 67000, product: "Enterprise", stage: "Qualified", created: 18, entered: 8, closeIn: 40},
	{owner: DemoCarol, account: "Wonka Confections", dollars: 19500, product: "Growth", stage: "Proposal", created: 40, entered: 12, closeIn: -10},
	{owner: DemoCarol, account: "Pied Piper", product: "Starter", stage: "Prospecting", created: 2, entered: 2, closeIn: 60},
	{owner: DemoCarol, account: "Spacely Sprockets", dollars: 33000, product: "Growth", stage: "Qualified", created: 14, entered: 5, closeIn: 25},
	{owner: DemoCarol, account: "Krusty Burger", dollars: 12000, product: "Starter", stage: "Won", thisMonth: 0.5, cycle: 28},
	{owner: DemoCarol, account: "Los Pollos Hermanos", dollars: 8800, product: "Add-on", stage: "Won", thisMonth: 0.97, cycle: 21},
	{owner: DemoCarol, account: "Octan Energy", dollars: 36000, product: "Growth", stage: "Won", created: 80, entered: 35},
	{owner: DemoCarol, account: "Duff Beverages", dollars: 9800, product: "Starter", stage: "Won", created: 100, entered: 70},
	{owner: DemoCarol, account: "Gringotts Bank", dollars: 80000, product: "Enterprise", stage: "Lost", created: 66, entered: 12, lostFrom: "Negotiation", reason: "went with a competitor"},
	{owner: DemoCarol, account: "Cogswell Cogs", dollars: 11000, product: "Starter", stage: "Lost", created: 20, entered: 0.6, lostFrom: "Qualified", reason: "timing"},

	// Dan: no win this month, several stale and overdue deals.
	{owner: DemoDan, account: "Oscorp", dollars: 38000, product: "Growth", stage: "Qualified", created: 28, entered: 20, closeIn: -4},
	{owner: DemoDan, account: "Cyberdyne Systems", dollars: 120000, product: "Enterprise", stage: "Negotiation", created: 70, entered: 15, closeIn: -1},
	{owner: DemoDan, account: "Aperture Labs", dollars: 9500, product: "Starter", stage: "Prospecting", created: 6, entered: 6, closeIn: 35},
	{owner: DemoDan, account: "Monarch Analytics", dollars: 27000, product: "Growth", stage: "Proposal", created: 22, entered: 7, closeIn: 18},
	{owner: DemoDan, account: "Nakatomi Trading", dollars: 16000, product: "Services", stage: "Qualified", created: 9, entered: 3, closeIn: 28},
	{owner: DemoDan, account: "Gekko Capital", dollars: 45000, product: "Enterprise", stage: "Prospecting", created: 40, entered: 40, closeIn: -12},
	{owner: DemoDan, account: "Weyland Corp", dollars: 72000, product: "Enterprise", stage: "Proposal", created: 33, entered: 11, closeIn: 5, next: "pricing workshop", nextIn: 5},
	{owner: DemoDan, account: "Rekall", dollars: 21000, product: "Growth", stage: "Won", created: 110, entered: 50},
	{owner: DemoDan, account: "Oceanic Airlines", dollars: 14000, product: "Growth", stage: "Lost", created: 30, entered: 8, lostFrom: "Qualified", reason: "no budget this year"},
	{owner: DemoDan, account: "Ghostbusters Inc", dollars: 6000, product: "Starter", stage: "Lost", created: 45, entered: 30, lostFrom: "Prospecting", reason: "no decision"},

	// Alice carries a few strategic deals herself.
	{owner: DemoAlice, account: "Massive Dynamic", dollars: 150000, product: "Enterprise", stage: "Negotiation", created: 55, entered: 4, closeIn: 12, next: "exec sponsor call", nextIn: 2},
	{owner: DemoAlice, account: "Sterling Cooper", dollars: 22000, product: "Services", stage: "Proposal", created: 16, entered: 5, closeIn: 20, next: "send the revised proposal", nextIn: -2},
	{owner: DemoAlice, account: "Dharma Initiative", dollars: 18000, product: "Growth", stage: "Qualified", created: 10, entered: 10, closeIn: 30},
	{owner: DemoAlice, account: "Prestige Worldwide", dollars: 30000, product: "Growth", stage: "Won", thisMonth: 0.2, cycle: 50},
	{owner: DemoAlice, account: "Nakatomi Plaza", dollars: 9000, product: "Add-on", stage: "Lost", created: 24, entered: 6, lostFrom: "Proposal", reason: "missing feature"},
}

// DemoTeam is the demo's team and pipeline at now (periods in now's
// location): alice (U0ALICE, manager), her reps bob, carol and dan, erin
// (U0ERIN, admin), two territories, quotas for the current month and
// quarter, and 40 deals with stage histories: some stale, some overdue,
// some won this month, bob ahead of pace and dan behind.
func DemoTeam(now time.Time) storage.Import {
	now = now.Truncate(time.Second)
	loc := now.Location()
	const na, emea = 0, 1
	in := storage.Import{
		Territories: []sales.Territory{{Name: "North America"}, {Name: "EMEA"}},
		People: []sales.Person{
			DemoAlice: {SlackID: "U0ALICE", Name: "alice", RealName: "Alice Anders", Email: "alice@example.com",
				Role: sales.RoleManager, Territory: storage.TerritoryRef(na)},
			DemoBob: {SlackID: "U0BOB", Name: "bob", RealName: "Bob Brown", Email: "bob@example.com",
				Role: sales.RoleRep, Manager: storage.PersonRef(DemoAlice), Territory: storage.TerritoryRef(na)},
			DemoCarol: {SlackID: "U0CAROL", Name: "carol", RealName: "Carol Chen", Email: "carol@example.com",
				Role: sales.RoleRep, Manager: storage.PersonRef(DemoAlice), Territory: storage.TerritoryRef(na)},
			DemoDan: {SlackID: "U0DAN", Name: "dan", RealName: "Dan Diaz", Email: "dan@example.com",
				Role: sales.RoleRep, Manager: storage.PersonRef(DemoAlice), Territory: storage.TerritoryRef(emea)},
			DemoErin: {SlackID: "U0ERIN", Name: "erin", RealName: "Erin Evans", Email: "erin@example.com", Role: sales.RoleAdmin},
		},
	}
	month := sales.PeriodOf(sales.Month, now, loc)
	quarter := sales.PeriodOf(sales.Quarter, now, loc)
	for _, q := range []struct {
		who     int
		monthly int64
	}{{DemoBob, 60000}, {DemoCarol, 50000}, {DemoDan, 45000}} {
		subj := uint64(storage.PersonRef(q.who))
		in.Quotas = append(in.Quotas,
			sales.Quota{Scope: sales.ScopeRep, Subject: subj, Period: month, Amount: sales.Money(q.monthly * 100)},
			sales.Quota{Scope: sales.ScopeRep, Subject: subj, Period: quarter, Amount: sales.Money(q.monthly * 300)})
	}
	in.Quotas = append(in.Quotas,
		sales.Quota{Scope: sales.ScopeTerritory, Subject: uint64(storage.TerritoryRef(na)), Period: quarter, Amount: 330000_00},
		sales.Quota{Scope: sales.ScopeTerritory, Subject: uint64(storage.TerritoryRef(emea)), Period: quarter, Amount: 135000_00})

	monthStart := month.Start(loc)
	daysAgo := func(d float64) time.Time {
		return now.Add(-time.Duration(d * 24 * float64(time.Hour))).Truncate(time.Second)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for i, dd := range demoDeals {
		stage, err := stages.Lookup(dd.stage)
		if err != nil {
			panic("seed: demo deal stage: " + err.Error()) // a typo in the table above
		}
		owner := storage.PersonRef(dd.owner)
		d := sales.Deal{
			Account: dd.account, Amount: sales.Money(dd.dollars * 100), Stage: stage.ID, Owner: owner,
			Territory: in.People[dd.owner].Territory, Product: dd.product, LostReason: dd.reason,
		}
		created, entered := daysAgo(dd.created), daysAgo(dd.entered)
		if dd.thisMonth > 0 {
			entered = monthStart.Add(time.Duration(dd.thisMonth * float64(now.Sub(monthStart)))).Truncate(time.Second)
			created = entered.Add(-time.Duration(dd.cycle * 24 * float64(time.Hour)))
		}
		d.CreatedAt, d.StageEnteredAt, d.UpdatedAt = created, entered, entered
		if stage.Kind == sales.StageOpen {
			d.CloseDate = today.AddDate(0, 0, dd.closeIn)
			if dd.next != "" {
				// Set a day ago, so the history shows it and the Home tab
				// lists it (one overdue for alice, the default user).
				d.NextStep, d.NextDue = dd.next, sales.DateIn(now, loc).AddDays(dd.nextIn)
				at := daysAgo(1)
				in.Events = append(in.Events,
					sales.Event{DealID: sales.DealID(i + 1), At: at, Actor: owner, Field: sales.FieldNextStep, To: d.NextStep},
					sales.Event{DealID: sales.DealID(i + 1), At: at, Actor: owner, Field: sales.FieldNextDue, To: d.NextDue.String()})
			}
		} else {
			d.ClosedAt = entered
			d.CloseDate = civil(entered.In(loc))
		}

		// History: the open stages up to the current one (or the one it
		// was lost from), evenly spaced from creation to entering the last.
		path := []sales.Stage{}
		last := stage
		if stage.Kind == sales.StageLost {
			last, _ = stages.Lookup(dd.lostFrom)
		}
		for _, s := range openStages {
			path = append(path, s)
			if s.ID == last.ID {
				break
			}
		}
		if stage.Kind != sales.StageOpen {
			path = append(path, stage)
		}
		steps := len(path) - 1
		for k := 1; k <= steps; k++ {
			at := created.Add(time.Duration(float64(entered.Sub(created)) * float64(k) / float64(steps))).Truncate(time.Second)
			in.Events = append(in.Events, sales.Event{DealID: sales.DealID(i + 1), At: at, Actor: owner,
				Field: sales.FieldStage, From: path[k-1].Name, To: path[k].Name})
		}
		in.Deals = append(in.Deals, d)
	}
	return in
}
