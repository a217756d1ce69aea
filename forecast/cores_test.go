package forecast_test

import (
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// A history too big for one chunk is read on every core; the projections
// must not depend on how many there are (a rep's /forecast and the weekly
// call's line for them have to agree to the cent).
func TestProjectionsSameOnAnyCoreCount(t *testing.T) {
	c := genConfig{Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), Days: 2 * 365, PerYear: 45_000, WinRate: 0.35, CycleDays: 30, Seed: 3}
	h := generate(c)
	if len(h) < 1<<16 {
		t.Fatalf("only %d deals: the test needs more than one chunk", len(h))
	}
	for i := range h {
		h[i].Owner = sales.PersonID(1 + i%37)
	}
	q := sales.Period{Kind: sales.Quarter, Year: 2024, Index: 4}
	asOf := q.Start(time.UTC).AddDate(0, 0, 20)
	o := forecast.Options{Stages: sales.DefaultStages(), Quota: 5_000_000_00, HasQuota: true}
	run := func(procs int) (forecast.Projection, forecast.Projection, map[sales.PersonID]forecast.Projection) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := forecast.Learn(h, q, asOf, o)
		rep := m.Project(func(d *forecast.Deal) bool { return d.Owner == 5 })
		return m.Project(nil), rep, forecast.ProjectBy(m, func(d *forecast.Deal) sales.PersonID { return d.Owner })
	}
	team1, rep1, by1 := run(1)
	team4, rep4, by4 := run(4)
	if !reflect.DeepEqual(team1, team4) || !reflect.DeepEqual(rep1, rep4) || !reflect.DeepEqual(by1, by4) {
		t.Fatalf("one core and four differ:\nteam %+v\n     %+v", team1, team4)
	}
	// The rep's own projection and their line in the per-rep pass agree.
	byRep := by1[5]
	if rep1.Predicted != byRep.Predicted || rep1.Low != byRep.Low || rep1.High != byRep.High {
		t.Fatalf("rep 5: Project %v [%v, %v], ProjectBy %v [%v, %v]", rep1.Predicted, rep1.Low, rep1.High, byRep.Predicted, byRep.Low, byRep.High)
	}
}
