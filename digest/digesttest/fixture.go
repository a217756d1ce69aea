package digesttest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// Options shapes a generated team.
type Options struct {
	Reps        int
	DealsPerRep int // default 10
	Now         time.Time
	Seed        uint64
	// NoQuota is how many reps (the last ones) have no quota.
	NoQuota int
	// Territories are spread over the reps round-robin; none when empty.
	Territories []string
	// Hostile puts Slack control sequences in an account and a name, to
	// prove renderers escape them.
	Hostile bool
}

var firstNames = []string{"Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Ken",
	"Lena", "Mallory", "Niaj", "Olivia", "Peggy", "Quinn", "Rupert", "Sybil", "Trent", "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zoe"}

var companies = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne",
	"Soylent", "Vandelay", "Pied Piper", "Aperture", "Gringotts", "Oscorp", "Massive Dynamic", "Monarch", "Nakatomi", "Dunder Mifflin"}

var suffixes = []string{"Corp", "Ltd", "GmbH", "Labs", "Group", "Inc", "Systems", "Partners"}

var reasons = []string{"price", "timing", "went with a competitor", "no budget", "no decision", "price"}

var zones = []string{"", "", "America/New_York", "Europe/Berlin", ""}

// Team generates a deterministic team and pipeline around o.Now: a
// manager (Alice, U0ALICE) with o.Reps reps, each owning DealsPerRep deals
// of every kind (open, stale, overdue, won and lost this and last month,
// some moved in the last day), their stage history, and month quotas.
func Team(o Options) storage.Import {
	if o.DealsPerRep == 0 {
		o.DealsPerRep = 10
	}
	var in storage.Import
	for _, t := range o.Territories {
		in.Territories = append(in.Territories, sales.Territory{Name: t})
	}
	in.People = append(in.People, sales.Person{Name: "Alice", RealName: "Alice Manager", SlackID: "U0ALICE", Role: sales.RoleManager})
	stages := sales.DefaultStages()
	open := stages.Open()
	month := sales.PeriodOf(sales.Month, o.Now, time.UTC)
	for i := 0; i < o.Reps; i++ {
		name := firstNames[i%len(firstNames)]
		if i >= len(firstNames) {
			name = fmt.Sprintf("%s %d", name, i/len(firstNames)+1)
		}
		if o.Hostile && i == 1 {
			name = "Carol <!channel> & co"
		}
		p := sales.Person{Name: name, SlackID: fmt.Sprintf("U%05dR", i+1), Role: sales.RoleRep, Manager: storage.PersonRef(0), TZ: zones[i%len(zones)]}
		if len(o.Territories) > 0 {
			p.Territory = storage.TerritoryRef(i % len(o.Territories))
		}
		in.People = append(in.People, p)
		ref := storage.PersonRef(i + 1)
		if i < o.Reps-o.NoQuota {
			r := rand.New(rand.NewPCG(o.Seed, uint64(i)*7919+1))
			q := sales.Money(60_000+r.IntN(10)*10_000) * 100
			in.Quotas = append(in.Quotas,
				sales.Quota{Scope: sales.ScopeRep, Subject: uint64(ref), Period: month, Amount: q},
				sales.Quota{Scope: sales.ScopeRep, Subject: uint64(ref), Period: month.Previous(), Amount: q})
		}
		r := rand.New(rand.NewPCG(o.Seed, uint64(i)))
		for j := 0; j < o.DealsPerRep; j++ {
			d, evs := deal(r, o, i, j, stages, open)
			d.Owner = ref
			if len(o.Territories) > 0 {
				d.Territory = storage.TerritoryRef(i % len(o.Territories))
			}
			in.Deals = append(in.Deals, d)
			for _, e := range evs {
				e.DealID = sales.DealID(len(in.Deals))
				in.Events = append(in.Events, e)
			}
		}
	}
	return in
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// deal makes one deal and its stage events.
func deal(r *rand.Rand, o Options, rep, j int, stages sales.StageSet, open []sales.Stage) (sales.Deal, []sales.Event) {
	now := o.Now
	acct := fmt.Sprintf("%s %s", companies[(rep*7+j)%len(companies)], suffixes[(rep+j*3)%len(suffixes)])
	if o.Hostile && rep == 0 && j == 0 {
		acct = "Acme <!here> & <@U0ALICE> <https://evil.example|Sons>"
	}
	d := sales.Deal{
		Account: acct, Amount: sales.Money(5_000+r.IntN(230)*500) * 100,
		ExternalID: fmt.Sprintf("fx-%d-%d", rep, j),
	}
	hours := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * time.Hour }
	var evs []sales.Event
	switch k := j % 10; {
	case k == 0 && rep%3 == 0: // created in the last day
		d.CreatedAt = now.Add(-hours(1, 20))
		d.Stage = open[0].ID
		d.StageEnteredAt, d.UpdatedAt = d.CreatedAt, d.CreatedAt
		d.CloseDate = day(now.AddDate(0, 1, r.IntN(20)))
	case k == 0:
		d.CreatedAt = now.Add(-hours(24*3, 24*9))
		d.Stage = open[0].ID
		d.StageEnteredAt, d.UpdatedAt = d.CreatedAt, d.CreatedAt
		d.CloseDate = day(now.AddDate(0, 1, r.IntN(20)))
	case k <= 2: // won: this month or last
		d.CreatedAt = now.Add(-hours(24*20, 24*80))
		d.ClosedAt = now.Add(-hours(2, 24*40))
		if k == 1 {
			d.ClosedAt = now.Add(-hours(2, 20)) // just won: it moved since the last digest
		}
		if d.ClosedAt.Before(d.CreatedAt) {
			d.ClosedAt = d.CreatedAt.Add(hours(24, 24*10))
		}
		d.Stage, d.StageEnteredAt, d.UpdatedAt = stages.Won().ID, d.ClosedAt, d.ClosedAt
		d.CloseDate = day(d.ClosedAt)
		from := open[len(open)-1].Name
		evs = append(evs, sales.Event{At: d.ClosedAt, Field: sales.FieldStage, From: from, To: stages.Won().Name})
	case k == 3: // lost
		d.CreatedAt = now.Add(-hours(24*10, 24*70))
		d.ClosedAt = now.Add(-hours(3, 24*35))
		if rep%3 == 0 {
			d.ClosedAt = now.Add(-hours(3, 20))
		}
		if d.ClosedAt.Before(d.CreatedAt) {
			d.ClosedAt = d.CreatedAt.Add(hours(24, 24*5))
		}
		d.Stage, d.StageEnteredAt, d.UpdatedAt = stages.Lost().ID, d.ClosedAt, d.ClosedAt
		d.LostReason = reasons[(rep+j)%len(reasons)]
		d.CloseDate = day(d.ClosedAt)
		evs = append(evs, sales.Event{At: d.ClosedAt, Field: sales.FieldStage, From: open[1].Name, To: stages.Lost().Name})
	default: // open, in every stage, some stale, some overdue, some stuck
		s := open[(j+rep)%len(open)]
		d.Stage = s.ID
		d.CreatedAt = now.Add(-hours(24*5, 24*90))
		since := now.Sub(d.CreatedAt)
		d.StageEnteredAt = d.CreatedAt.Add(time.Duration(r.Int64N(int64(since))))
		switch {
		case k == 4 && rep%2 == 0: // moved stage in the last day
			d.StageEnteredAt = now.Add(-hours(1, 20))
		case k == 5 && rep%4 == 1: // stuck far longer than anyone else
			d.CreatedAt = now.Add(-hours(24*150, 24*160))
			d.StageEnteredAt = d.CreatedAt.Add(24 * time.Hour)
		}
		d.UpdatedAt = d.StageEnteredAt
		if k == 6 {
			d.UpdatedAt = now.Add(-hours(1, 48)) // touched recently: not stale
		}
		d.CloseDate = day(now.AddDate(0, 0, -25+r.IntN(80)))
		if k == 7 {
			d.CloseDate = time.Time{}
		}
		if s.ID != open[0].ID {
			prev := open[0].Name
			for i, o := range open {
				if o.ID == s.ID && i > 0 {
					prev = open[i-1].Name
				}
			}
			evs = append(evs, sales.Event{At: d.StageEnteredAt, Field: sales.FieldStage, From: prev, To: s.Name})
		}
	}
	return d, evs
}
