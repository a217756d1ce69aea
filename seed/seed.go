// Package seed makes synthetic sales data: Generate for benchmarks and
// `salesbot seed`, DemoTeam for `salesbot demo --seed`. Both return a
// storage.Import whose deals carry their stage histories, so cycle times,
// stale deals and funnels look like a real team's.
//
// It imports sales and storage (for the Import it fills), nothing on the
// Slack side.
package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// Options sizes a generated data set.
type Options struct {
	Deals int
	Reps  int
	// Now anchors every date (deals are created over the 18 months before
	// it; quotas are for its month, quarter and year). Zero = time.Now().
	Now time.Time
	// Seed makes the output reproducible: the same Options give the same
	// Import.
	Seed int64
	// Loc is the zone of quota periods; nil = UTC.
	Loc *time.Location
}

// History is how far back generated deals are created.
const History = 540 * 24 * time.Hour

// Stage names of sales.DefaultStages, which generated data uses.
var (
	stages     = sales.DefaultStages()
	openStages = stages.Open()
	won        = stages.Won()
	lost       = stages.Lost()
)

// Per open stage: mean days a deal stays, and the chance it moves on
// (else it is lost). Later stages are shorter and likelier to advance.
var (
	meanDwell = []float64{9, 12, 14, 10}
	advanceP  = []float64{0.65, 0.72, 0.75, 0.8}
)

type product struct {
	name   string
	median float64 // major units
}

var products = []product{{"Starter", 6000}, {"Growth", 22000}, {"Enterprise", 85000}, {"Add-on", 3500}, {"Services", 15000}}

var (
	firstNames = []string{"Ava", "Ben", "Chloe", "Diego", "Elena", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena",
		"Marco", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe",
		"Aiko", "Bruno", "Carmen", "Dmitri", "Esme", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Luis", "Maya", "Nils"}
	lastNames = []string{"Adler", "Banks", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
		"Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Silva", "Tanaka", "Ueda", "Varga",
		"Weber", "Xu", "Yilmaz", "Zhang", "Novak", "Costa", "Berg", "Lind"}
	accountStems = []string{"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
		"Tyrell", "Cyberdyne", "Wonka", "Oscorp", "Monarch", "Aperture", "Pied Piper", "Dunder Mifflin", "Massive Dynamic",
		"Prestige", "Nakatomi", "Gekko", "Sterling", "Bluth", "Krusty", "Duff", "Virtucon", "Octan", "Zorg", "Rekall", "Tessier"}
	accountKinds = []string{"Corp", "Labs", "Systems", "Group", "Health", "Logistics", "Analytics", "Foods", "Energy",
		"Robotics", "Bank", "Media", "Retail", "Insurance", "Motors", "Pharma"}
	territoryNames = []string{"North America East", "North America West", "EMEA North", "EMEA South", "APAC", "LATAM", "DACH", "Nordics"}
	lostReasons    = []string{"price", "went with a competitor", "no budget this year", "no decision", "timing", "missing feature", "champion left"}
	notes          = []string{"", "", "", "", "wants a pilot first", "security review pending", "multi-year option discussed", "procurement involved", "referral from a customer"}
)

// Generate returns a realistic synthetic team and pipeline: managers,
// reps in territories, opts.Deals deals with log-normal amounts and stage
// histories (some won, some lost, some stale or overdue), and quotas for
// the current month, quarter and year sized to each rep's recent wins.
func Generate(opts Options) storage.Import {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Loc == nil {
		opts.Loc = time.UTC
	}
	opts.Reps = max(opts.Reps, 1)
	opts.Deals = max(opts.Deals, 0)
	now := opts.Now.Truncate(time.Second)
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x5a1e5b07))
	g := &gen{rng: rng, now: now}

	var in storage.Import
	managers := max(1, (opts.Reps+5)/6)
	// Territories cut across teams, as regions usually do: about one per
	// four reps, at least two.
	nTerr := min(len(territoryNames), max(2, (opts.Reps+3)/4))
	for i := 0; i < nTerr; i++ {
		in.Territories = append(in.Territories, sales.Territory{Name: territoryNames[i]})
	}
	names := newNamer()
	for i := 0; i < managers; i++ {
		first, last := names.next()
		in.People = append(in.People, sales.Person{
			Name: strings.ToLower(first + "." + last), RealName: first + " " + last,
			Email: strings.ToLower(first+"."+last) + "@example.com", Role: sales.RoleManager,
			Territory: storage.TerritoryRef(i % nTerr),
		})
	}
	type rep struct {
		person int
		weight float64 // share of the deal flow
		skill  float64 // added to every advance probability
		speed  float64 // multiplies dwell times
	}
	reps := make([]rep, opts.Reps)
	var totalWeight float64
	for i := range reps {
		first, last := names.next()
		m := i % managers
		in.People = append(in.People, sales.Person{
			Name: strings.ToLower(first + "." + last), RealName: first + " " + last,
			Email: strings.ToLower(first+"."+last) + "@example.com", Role: sales.RoleRep,
			Manager: storage.PersonRef(m), Territory: storage.TerritoryRef(i % nTerr),
		})
		reps[i] = rep{person: len(in.People) - 1, weight: g.logNormal(1, 0.35),
			skill: clamp(rng.NormFloat64()*0.04, -0.08, 0.08), speed: g.logNormal(1, 0.2)}
		totalWeight += reps[i].weight
	}
	first, last := names.next()
	in.People = append(in.People, sales.Person{Name: strings.ToLower(first + "." + last), RealName: first + " " + last,
		Email: strings.ToLower(first+"."+last) + "@example.com", Role: sales.RoleAdmin})

	// Cumulative weights pick owners in O(log reps).
	cum := make([]float64, len(reps))
	acc := 0.0
	for i, r := range reps {
		acc += r.weight / totalWeight
		cum[i] = acc
	}
	wonByRep := make([]sales.Money, len(reps)) // last 90 days, sizes quotas
	quarterAgo := now.AddDate(0, 0, -90)

	in.Deals = make([]sales.Deal, 0, opts.Deals)
	in.Events = make([]sales.Event, 0, opts.Deals*3)
	for i := 0; i < opts.Deals; i++ {
		ri := searchCum(cum, rng.Float64())
		r := reps[ri]
		owner := storage.PersonRef(r.person)
		p := products[rng.IntN(len(products))]
		d := sales.Deal{
			Account:   g.account(),
			Amount:    g.amount(p.median),
			Owner:     owner,
			Territory: in.People[r.person].Territory,
			Product:   p.name,
			Notes:     notes[rng.IntN(len(notes))],
		}
		// Newer deals are more common: the team grows.
		age := time.Duration(math.Pow(rng.Float64(), 1.8) * float64(History))
		d.CreatedAt = now.Add(-age).Truncate(time.Second)
		stuck := rng.Float64() < 0.06 // deals that stall and go stale
		t := d.CreatedAt
		stage := openStages[0]
		dealNo := sales.DealID(i + 1) // Import.Events refer to deals by index+1
		for si := 0; ; si++ {
			dwell := rng.ExpFloat64() * meanDwell[si] * r.speed
			if stuck {
				dwell *= 5
			}
			next := t.Add(time.Duration(dwell * 24 * float64(time.Hour))).Truncate(time.Second)
			if next.After(now) {
				break // still in this stage today
			}
			to := lost
			if rng.Float64() < advanceP[si]+r.skill {
				to = won
				if si+1 < len(openStages) {
					to = openStages[si+1]
				}
			}
			in.Events = append(in.Events, sales.Event{DealID: dealNo, At: next, Actor: owner,
				Field: sales.FieldStage, From: stage.Name, To: to.Name})
			t, stage = next, to
			if to.Kind != sales.StageOpen {
				break
			}
		}
		d.Stage = stage.ID
		d.StageEnteredAt = t
		d.UpdatedAt = t
		switch stage.Kind {
		case sales.StageOpen:
			// Expected close 3–16 weeks after creation; older open deals
			// are therefore often overdue, as in real pipelines.
			d.CloseDate = civil(d.CreatedAt.Add(time.Duration(21+rng.IntN(90)) * 24 * time.Hour))
			if stage.ID == openStages[0].ID && rng.Float64() < 0.08 {
				d.Amount = 0 // early deals without a number yet
			}
			if rng.Float64() < 0.02 {
				d.SnoozedUntil = now.Add(time.Duration(1+rng.IntN(7)) * 24 * time.Hour).Truncate(time.Second)
			}
		case sales.StageWon:
			// Closed on the day of the close in the team's zone, as /deal
			// won and lost record it.
			d.ClosedAt = t
			d.CloseDate = civil(t.In(opts.Loc))
			if t.After(quarterAgo) {
				wonByRep[ri] += d.Amount
			}
		case sales.StageLost:
			d.ClosedAt = t
			d.CloseDate = civil(t.In(opts.Loc))
			d.LostReason = lostReasons[rng.IntN(len(lostReasons))]
		}
		in.Deals = append(in.Deals, d)
	}

	// Quotas: a stretch over each rep's recent monthly wins, so some reps
	// are ahead of pace and some behind.
	periods := []sales.Period{
		sales.PeriodOf(sales.Month, now, opts.Loc),
		sales.PeriodOf(sales.Quarter, now, opts.Loc),
		sales.PeriodOf(sales.Year, now, opts.Loc),
	}
	months := []int64{1, 3, 12}
	terrQuarter := make([]sales.Money, nTerr)
	for ri, r := range reps {
		monthly := float64(wonByRep[ri]) / 3 * (0.95 + 0.4*rng.Float64())
		unit := float64(100_000) // round to $1,000 (in cents)
		mq := sales.Money(math.Max(5_000_00, math.Round(monthly/unit)*unit))
		for pi, p := range periods {
			in.Quotas = append(in.Quotas, sales.Quota{Scope: sales.ScopeRep, Subject: uint64(storage.PersonRef(r.person)),
				Period: p, Amount: mq * sales.Money(months[pi])})
		}
		terrQuarter[ri%nTerr] += mq * 3
	}
	for ti, q := range terrQuarter {
		if q > 0 {
			in.Quotas = append(in.Quotas, sales.Quota{Scope: sales.ScopeTerritory, Subject: uint64(storage.TerritoryRef(ti)),
				Period: periods[1], Amount: q})
		}
	}
	return in
}

type gen struct {
	rng *rand.Rand
	now time.Time
}

func (g *gen) logNormal(median, sigma float64) float64 {
	return median * math.Exp(g.rng.NormFloat64()*sigma)
}

// amount is log-normal around the product's median, rounded the way
// people quote prices: to $10 below $10k, to $100 above.
func (g *gen) amount(median float64) sales.Money {
	v := clamp(g.logNormal(median, 0.6), 300, 5_000_000)
	step := 10.0
	if v >= 10_000 {
		step = 100
	}
	return sales.Money(math.Round(v/step) * step * 100)
}

func (g *gen) account() string {
	stem := accountStems[g.rng.IntN(len(accountStems))]
	kind := accountKinds[g.rng.IntN(len(accountKinds))]
	if g.rng.IntN(4) == 0 {
		return fmt.Sprintf("%s %s %d", stem, kind, 2+g.rng.IntN(40))
	}
	return stem + " " + kind
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func searchCum(cum []float64, x float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// namer hands out unique "First Last" names, numbering them once the
// combinations run out.
type namer struct{ i int }

func newNamer() *namer { return &namer{} }

func (n *namer) next() (first, last string) {
	i := n.i
	n.i++
	f, l := len(firstNames), len(lastNames)
	// Step through last names with a stride coprime to their count so
	// neighbours do not share a surname.
	first = firstNames[i%f]
	last = lastNames[(i/f+i*7)%l]
	if round := i / (f * l); round > 0 {
		last = fmt.Sprintf("%s%d", last, round+1)
	}
	return first, last
}
