package digest_test

import (
	"bytes"
	"context"
	"image/png"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

func byName(t *testing.T, fx string) digesttest.Fixture {
	for _, f := range digesttest.Fixtures {
		if f.Name == fx {
			return f
		}
	}
	t.Fatalf("no fixture %s", fx)
	return digesttest.Fixture{}
}

// The digest's numbers are /goal's, /pipeline's and `salesbot report`'s:
// every rep, the team and the stages match report.MeasureSubject, the
// funnel matches report.Rollup.
func TestBuildAgreesWithReport(t *testing.T) {
	for _, name := range []string{"3reps", "50reps", "noquota", "periodstart"} {
		t.Run(name, func(t *testing.T) {
			fx := byName(t, name)
			s, db, clock := digesttest.Setup(t, fx, nil)
			ctx := context.Background()
			d, err := s.Build(ctx)
			if err != nil {
				t.Fatal(err)
			}
			now := clock.Now()
			if len(d.Reps) != fx.Opts.Reps {
				t.Fatalf("%d rep lines, want %d", len(d.Reps), fx.Opts.Reps)
			}
			for _, r := range d.Reps {
				sub := report.Subject{Scope: sales.ScopeRep, Person: r.ID}
				p, err := report.DefaultPeriod(ctx, db, sub, now, time.UTC)
				if err != nil {
					t.Fatal(err)
				}
				m, err := report.MeasureSubject(ctx, db, sub, p, report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency})
				if err != nil {
					t.Fatal(err)
				}
				if r.Period != p || !reflect.DeepEqual(r.Progress, m.Progress) || r.WonCount != m.Sum.Won || r.Open != m.Sum.Pipeline.Open {
					t.Errorf("%s: digest %+v\n/goal %+v", r.Name, r.Progress, m.Progress)
				}
			}
			team, err := report.MeasureSubject(ctx, db, report.Subject{Scope: sales.ScopeTeam}, d.Period, report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Team.Progress, team.Progress) {
				t.Errorf("team: digest %+v\n/pipeline %+v", d.Team.Progress, team.Progress)
			}
			for i, st := range team.ByStage {
				got := d.Stages[i]
				if got.Name != st.Stage.Name || got.Count != st.Count || got.Value != st.Value || got.Weighted != st.Weighted {
					t.Errorf("stage %s: digest %+v, report %+v", st.Stage.Name, got, st)
				}
			}
			// "Now" is `report --period <this period>`, "Before" is
			// `report --period <the previous one>`: one funnel function.
			env := report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency}
			funnel := func(p sales.Period) (sales.Funnel, map[string]sales.Num) {
				tb, err := report.Rollup(ctx, db, report.ByAll, sales.WindowOf(p, time.UTC), env)
				if err != nil {
					t.Fatal(err)
				}
				f := tb.Rows[0].Funnel
				return f, map[string]sales.Num{"Open deals": sales.Some(float64(f.Open)), "Win rate": f.WinRate,
					"Avg deal size": f.AvgDealSize, "Sales cycle": f.AvgCycleDays, "Velocity": f.Velocity}
			}
			f, want := funnel(d.Period)
			_, before := funnel(d.Period.Previous())
			for _, m := range d.Metrics {
				if m.Cur != want[m.Name] {
					t.Errorf("%s: digest %v, report %v", m.Name, m.Cur, want[m.Name])
				}
				if m.Prev != before[m.Name] {
					t.Errorf("%s before: digest %v, report %v", m.Name, m.Prev, before[m.Name])
				}
			}
			if d.Pipeline.Value != f.PipelineValue || d.Pipeline.Weighted != f.Weighted {
				t.Errorf("pipeline %+v vs report %+v", d.Pipeline, f)
			}
		})
	}
}

func TestRoutedDigests(t *testing.T) {
	s, db, clock := digesttest.Setup(t, byName(t, "50reps"), nil)
	ctx := context.Background()
	emea, err := db.TerritoryByName(ctx, "EMEA")
	if err != nil {
		t.Fatal(err)
	}
	emea.Channel = "C0EMEA"
	if err := db.UpdateTerritory(ctx, emea); err != nil {
		t.Fatal(err)
	}
	alice, err := db.PersonBySlackID(ctx, "U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetManagerDigestChannel(ctx, alice.ID, "C0ALICE"); err != nil {
		t.Fatal(err)
	}
	ds, err := s.BuildAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || ds[0].Channel != "C0DIGEST" || ds[1].Channel != "C0EMEA" || ds[2].Channel != "C0ALICE" {
		t.Fatalf("digests: %d", len(ds))
	}
	now := clock.Now()
	terr, err := report.MeasureSubject(ctx, db, report.Subject{Scope: sales.ScopeTerritory, Territory: emea.ID}, ds[1].Period, report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ds[1].Team.Progress, terr.Progress) || ds[1].Pipeline.Count != terr.Sum.Pipeline.Open || !strings.HasPrefix(ds[1].Title, "EMEA ") {
		t.Errorf("territory digest %q: %+v vs %+v", ds[1].Title, ds[1].Team.Progress, terr.Progress)
	}
	if len(ds[1].Reps) != 25 {
		t.Errorf("EMEA has %d reps, want 25", len(ds[1].Reps))
	}
	team, err := report.MeasureSubject(ctx, db, report.Subject{Scope: sales.ScopeTeam, Manager: alice.ID}, ds[2].Period, report.Env{Now: now, Loc: time.UTC, Cur: sales.DefaultCurrency})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ds[2].Team.Progress, team.Progress) || !strings.Contains(ds[2].Title, "Alice's team") {
		t.Errorf("team digest %q: %+v vs %+v", ds[2].Title, ds[2].Team.Progress, team.Progress)
	}
	for _, d := range ds[1:] {
		for _, m := range d.Moved.New {
			if d.Scope.Kind == digest.ScopeTerritory {
				deal, _ := db.Deal(ctx, m.Deal)
				if deal.Territory != emea.ID {
					t.Errorf("EMEA digest lists %s from territory %d", m.Deal, deal.Territory)
				}
			}
		}
	}
}

func TestChartIsASensiblePNG(t *testing.T) {
	for _, name := range []string{"3reps", "500reps", "noquota"} {
		s, _, _ := digesttest.Setup(t, byName(t, name), nil)
		d, err := s.Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(d.Chart))
		if err != nil {
			t.Fatalf("%s: chart is not a PNG: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != digest.ChartWidthPx || b.Dy() != digest.ChartHeightPx {
			t.Errorf("%s: chart %dx%d", name, b.Dx(), b.Dy())
		}
		if n := len(d.Chart); n < 5_000 || n > 1_000_000 {
			t.Errorf("%s: chart is %d bytes", name, n)
		}
		if !strings.Contains(d.ChartAlt, "pipeline by stage") || len(d.ChartAlt) > 1000 {
			t.Errorf("%s: alt text %q", name, d.ChartAlt)
		}
	}
}

func TestEmptyInstallIsFriendly(t *testing.T) {
	s, _, _ := digesttest.Setup(t, byName(t, "empty"), nil)
	d, err := s.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty || len(d.Tips) == 0 || d.Chart != nil || !strings.Contains(digest.Text(d), "/deal add") {
		t.Fatalf("empty digest: %+v", d)
	}
}

// A rep who loses far more than the team gets a coaching item naming the
// most common lost reason.
func TestLowWinRateCoaching(t *testing.T) {
	now := digesttest.FixedNow
	clock := digesttest.NewClock(now)
	db := storagetest.MustOpenWith(t, storage.Options{Clock: clock})
	in := storage.Import{People: []sales.Person{{Name: "Good", SlackID: "U1"}, {Name: "Weak", SlackID: "U2"}}}
	add := func(owner int, won bool, reason string, daysAgo int) {
		d := sales.Deal{Account: "A" + strconv.Itoa(len(in.Deals)), Amount: 1_000_000, Owner: storage.PersonRef(owner),
			CreatedAt: now.AddDate(0, 0, -daysAgo-20), ClosedAt: now.AddDate(0, 0, -daysAgo), Stage: 5, LostReason: reason}
		if !won {
			d.Stage = 6
		}
		d.StageEnteredAt, d.UpdatedAt = d.ClosedAt, d.ClosedAt
		in.Deals = append(in.Deals, d)
	}
	for i := 0; i < 8; i++ {
		add(0, i < 6, "timing", 10+i)
	}
	add(1, true, "", 5)
	for i, r := range []string{"price", "Price", "price ", "timing", "no budget", "price"} {
		add(1, false, r, 3+i)
	}
	if _, err := db.Import(context.Background(), in, 0); err != nil {
		t.Fatal(err)
	}
	s, err := digest.New(digest.Config{Store: db, Locale: sales.Locale{Clock: clock}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range d.Coaching {
		if c.Kind == digest.CoachLowWinRate {
			found = true
			if c.Rep != "Weak" || !strings.Contains(c.Problem, "won 1 of 7") || !strings.Contains(c.Next, "“price” (4 of 6)") {
				t.Errorf("coaching %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no low win rate coaching in %+v", d.Coaching)
	}
}

// Status says when the next digest and nudges go and where each digest
// goes: the same routes BuildAll posts to.
func TestStatus(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	s, db, _ := digesttest.Setup(t, byName(t, "3reps"), func(c *digest.Config) {
		c.Locale.Loc, c.DigestSpec, c.NudgeSpec = berlin, "0 8 * * 1-5", "CRON_TZ=America/New_York 0 9 * * 1-5"
	})
	ctx := context.Background()
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// FixedNow is Tue 17 Nov 2026 08:00 UTC, 09:00 in Berlin: past today's slot.
	if st.Schedule != "0 8 * * 1-5" || st.Zone != "Europe/Berlin" || !st.Next.Equal(time.Date(2026, 11, 18, 8, 0, 0, 0, berlin)) || !st.Last.IsZero() {
		t.Errorf("digest status: %+v", st)
	}
	ny, _ := time.LoadLocation("America/New_York")
	if !st.NextNudge.Equal(time.Date(2026, 11, 17, 9, 0, 0, 0, ny)) {
		t.Errorf("next nudge %v", st.NextNudge)
	}
	alice, err := db.PersonBySlackID(ctx, "U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetManagerDigestChannel(ctx, alice.ID, "C0ALICE"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimSlot(ctx, digest.JobDigest, time.Date(2026, 11, 17, 7, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	st, err = s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Routes) != 2 || st.Routes[0].Channel != "C0DIGEST" || st.Routes[0].Kind != "company" ||
		st.Routes[1].Channel != "C0ALICE" || st.Routes[1].Kind != "team" || st.Routes[1].Name != alice.Label() {
		t.Errorf("routes: %+v", st.Routes)
	}
	if st.Last.Location() != berlin || st.Last.Hour() != 8 {
		t.Errorf("last digest %v, want 08:00 Berlin", st.Last)
	}
}
