package main

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
)

// presetDeal is what of a deal must survive export --preset → import with
// no flags: stage, amount, owner, the day it counts as closed.
type presetDeal struct {
	account, stage, owner string
	amount                sales.Money
	closeDay              sales.Date
}

func presetDeals(t *testing.T, e *env, path string) []presetDeal {
	t.Helper()
	deals, stages, byID := storedDeals(t, e, path)
	slices.SortFunc(deals, func(a, b sales.Deal) int { return cmp.Compare(a.ID, b.ID) })
	var out []presetDeal
	for _, d := range deals {
		out = append(out, presetDeal{account: d.Account, stage: stages.Name(d.Stage), owner: transfer.HubSpotOwner(byID[d.Owner]),
			amount: d.Amount, closeDay: sales.CloseDay(stages.Kind(d.Stage), sales.CloseDateOf(d), d.ClosedAt, e.loc())})
	}
	return out
}

// loc is the zone the CLI runs in (SALESBOT_TIMEZONE, UTC in tests).
func (e *env) loc() *time.Location { return time.UTC }

// Every export preset, written from a team with salesbot's default
// stages, with renamed ones, and with more open stages than HubSpot's
// pipeline, reads back into a new database with the same stages configured
// and no flags: every deal keeps its stage, amount, owner and close day,
// and a second import changes nothing (issue 12).
func TestExportPresetStagesRoundTrip(t *testing.T) {
	renamed := func(ss *sales.StageSet) {
		for i, n := range []string{"Discovery", "Demo", "Trial", "Contract", "Signed", "Dead"} {
			ss.Stages[i].Name = n
		}
	}
	sixOpen := func(ss *sales.StageSet) {
		renamed(ss)
		ss.Stages = slices.Insert(ss.Stages, 4,
			sales.Stage{ID: 7, Name: "Security Review", Probability: 8000}, sales.Stage{ID: 8, Name: "Legal", Probability: 9000})
	}
	for _, preset := range []string{"hubspot"} { // every preset export supports
		for _, tt := range []struct {
			name   string
			stages func(*sales.StageSet)
			note   bool // the export says the stages need setting up in the CRM
		}{
			{"default stages", nil, false},
			{"renamed stages", renamed, false},
			{"six open stages", sixOpen, true},
		} {
			t.Run(preset+" "+tt.name, func(t *testing.T) {
				e := newEnv(t)
				e.must(SeedCmd, "--deals", "300", "--reps", "6")
				other := filepath.Join(e.dir, "other.db")
				if tt.stages != nil {
					for _, path := range []string{e.db, other} {
						setStages(t, e, path, tt.stages)
					}
					moveSome(t, e)
				}
				r := e.must(ExportCmd, "deals", "--preset", preset)
				if got := strings.Contains(r.stderr, "note:"); got != tt.note {
					t.Errorf("export note %v, want %v: %q", got, tt.note, r.stderr)
				}
				file := e.file(preset+".csv", r.stdout)
				imp := e.must(ImportCmd, "deals", "--file", file, "--db", other)
				want, got := presetDeals(t, e, e.db), presetDeals(t, e, other)
				if len(got) != len(want) {
					t.Fatalf("%d deals back of %d\n%s", len(got), len(want), imp.stdout)
				}
				stagesSeen := map[string]bool{}
				for i := range want {
					stagesSeen[want[i].stage] = true
					if got[i] != want[i] {
						t.Fatalf("deal %d came back as %+v, want %+v\n%s", i+1, got[i], want[i], imp.stdout)
					}
				}
				if len(stagesSeen) < 6 {
					t.Errorf("only stages %v exported: the test covers too little", stagesSeen)
				}
				if r := e.must(ImportCmd, "deals", "--file", file, "--db", other); !strings.Contains(r.stdout, ": 0 new, 0 updated") {
					t.Errorf("second import:\n%s", r)
				}
			})
		}
	}
}

func setStages(t *testing.T, e *env, path string, edit func(*sales.StageSet)) {
	t.Helper()
	db, done := e.open(path)
	defer done()
	ctx := context.Background()
	if _, err := db.ModifyStages(ctx, func(ss *sales.StageSet) error { edit(ss); return nil }); err != nil {
		t.Fatal(err)
	}
}

// moveSome puts every seventh open deal into the stages the seed does
// not use (ids above 6), so every configured stage has deals.
func moveSome(t *testing.T, e *env) {
	t.Helper()
	db, done := e.open(e.db)
	defer done()
	ctx := context.Background()
	ss, _ := db.Stages(ctx)
	var extra []sales.StageID
	for _, s := range ss.Open() {
		if s.ID > 6 {
			extra = append(extra, s.ID)
		}
	}
	if len(extra) == 0 {
		return
	}
	deals, err := db.FindDeals(ctx, sales.DealFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range deals {
		if ss.Kind(d.Stage) != sales.StageOpen || d.ID%7 != 0 {
			continue
		}
		to := extra[n%len(extra)]
		n++
		if _, err := db.UpdateDeal(ctx, d.ID, 0, func(x *sales.Deal) error { x.Stage = to; return nil }); err != nil {
			t.Fatal(fmt.Errorf("move %s: %w", d.ID, err))
		}
	}
}

// Text a spreadsheet would run as a formula is written with a quote
// (csvsafe) in the preset's file too, and the import takes it off: the
// account and lost reason come back as they were, not with a quote more
// on each trip.
func TestExportPresetKeepsFormulaLikeText(t *testing.T) {
	e := newEnv(t)
	e.must(ImportCmd, "deals", "--file", e.file("plain.csv",
		"account,amount,stage,owner,lost_reason,close_date\n+Plus Corp,100,Lost,alice,-price,2026-11-02\n@home,200,Proposal,bob,,\n=SUM(1),300,Won,alice,,2026-11-03\n"))
	file := e.file("hubspot.csv", e.must(ExportCmd, "deals", "--preset", "hubspot").stdout)
	other := filepath.Join(e.dir, "other.db")
	for range 2 { // the second trip adds nothing either
		e.must(ImportCmd, "deals", "--file", file, "--db", other)
	}
	db, done := e.open(other)
	defer done()
	deals, err := db.FindDeals(context.Background(), sales.DealFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range deals {
		got = append(got, d.Account+"|"+d.LostReason)
	}
	slices.Sort(got)
	if want := []string{"+Plus Corp|-price", "=SUM(1)|", "@home|"}; !slices.Equal(got, want) {
		t.Errorf("accounts|lost reasons %q, want %q", got, want)
	}
}
