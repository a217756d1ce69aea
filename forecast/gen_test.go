package forecast_test

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// genConfig describes a synthetic team whose true rates are known.
type genConfig struct {
	Start     time.Time
	Days      int     // history length
	PerYear   float64 // deals created per year
	WinRate   float64 // share of deals that are won
	CycleDays float64 // mean days from created to close (exponential, plus 3)
	Season    float64 // amplitude of the yearly swing in deal creation
	Noise     float64 // sd of a per-quarter lognormal factor on creation
	// Maven mimics the Maven CRM sample: two open stages, no expected close
	// dates on open deals (a close date appears when the deal closes) and
	// amounts known only once won.
	Maven bool
	// CloseFrom drops the deals that closed before it, as a sample cut to
	// one year of closes does (Maven's closes start on 2017-03-01, its
	// engage dates on 2016-10-20).
	CloseFrom time.Time
	Seed      uint64
}

func mavenStages() sales.StageSet {
	return sales.StageSet{Stages: []sales.Stage{
		{ID: 1, Name: "Prospecting", Probability: 1000, Kind: sales.StageOpen},
		{ID: 2, Name: "Engaging", Probability: 5000, Kind: sales.StageOpen},
		{ID: 3, Name: "Won", Probability: 10000, Kind: sales.StageWon},
		{ID: 4, Name: "Lost", Probability: 0, Kind: sales.StageLost},
	}}
}

// generate builds the history as seen at Start+Days: deals closing later
// are still open.
func generate(c genConfig) []forecast.Deal {
	rng := rand.New(rand.NewPCG(c.Seed, 7))
	end := c.Start.AddDate(0, 0, c.Days)
	noise := map[int]float64{}
	var out []forecast.Deal
	id := sales.DealID(0)
	for dayN := 0; dayN < c.Days; dayN++ {
		d0 := c.Start.AddDate(0, 0, dayN)
		q := d0.Year()*4 + (int(d0.Month())-1)/3
		f, ok := noise[q]
		if !ok {
			f = math.Exp(rng.NormFloat64()*c.Noise - c.Noise*c.Noise/2)
			noise[q] = f
		}
		rate := c.PerYear / 365 * (1 + c.Season*math.Sin(2*math.Pi*float64(d0.YearDay())/365)) * f
		for n := poisson(rng, rate); n > 0; n-- {
			id++
			d := oneDeal(rng, c, id, d0.Add(time.Duration(rng.Int64N(int64(24*time.Hour)))), end)
			if d.Outcome == forecast.Open || !d.ClosedAt.Before(c.CloseFrom) {
				out = append(out, d)
			}
		}
	}
	return out
}

func oneDeal(rng *rand.Rand, c genConfig, id sales.DealID, created, end time.Time) forecast.Deal {
	won := rng.Float64() < c.WinRate
	cycle := 3 + rng.ExpFloat64()*c.CycleDays
	if !won {
		cycle = 3 + rng.ExpFloat64()*c.CycleDays*0.8
	}
	closed := created.Add(time.Duration(cycle * float64(24*time.Hour)))
	amount := sales.Money(math.Round(math.Exp(rng.NormFloat64()*0.5+math.Log(20000)))) * 100
	d := forecast.Deal{ID: id, Owner: sales.PersonID(1 + rng.IntN(20)), Created: created}
	at := func(frac float64) time.Time { return created.Add(time.Duration(frac * float64(closed.Sub(created)))) }
	if c.Maven {
		d.Stages = []forecast.StageChange{{At: created, Stage: 2}}
	} else {
		reach := 4
		if !won {
			reach = 1 + rng.IntN(4)
		}
		for s := 1; s <= reach; s++ {
			d.Stages = append(d.Stages, forecast.StageChange{At: at(float64(s-1) / float64(reach)), Stage: sales.StageID(s)})
		}
		d.Amounts = []forecast.AmountChange{{At: created, Amount: amount}}
		planned := at(0.7 + 0.6*rng.Float64())
		d.CloseDates = []forecast.CloseDateChange{{At: created, Date: civilDay(planned)}}
		if rng.Float64() < 0.3 {
			d.CloseDates = append(d.CloseDates, forecast.CloseDateChange{At: at(0.5), Date: civilDay(closed)})
		}
	}
	if closed.After(end) {
		return d
	}
	final := sales.StageID(5)
	if c.Maven {
		final = 3
	}
	d.Outcome = forecast.Won
	if !won {
		d.Outcome, final = forecast.Lost, final+1
	}
	d.ClosedAt = closed
	d.Stages = append(d.Stages, forecast.StageChange{At: closed, Stage: final})
	d.CloseDates = append(d.CloseDates, forecast.CloseDateChange{At: closed, Date: civilDay(closed)})
	if c.Maven && won {
		d.Amounts = []forecast.AmountChange{{At: closed, Amount: amount}}
	}
	return d
}

func civilDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
