package commands_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// Names typed by someone with no matching deals of their own resolve
// through the store's account index: exact phrase, exact name, name
// prefix, and only then a substring search.
func TestDealResolutionThroughAccountIndex(t *testing.T) {
	e := newEnv(t)
	e.team()
	globex := e.add(alice, `"Globex Corp" 1k`)
	big := e.add(bob, `"Big Globex" 2k`)
	initech := e.add(bob, `Initech 3k`)
	systems := e.add(alice, `"Initech Systems" 4k`)

	for _, tc := range []struct {
		ref  string
		want sales.DealID
	}{
		{"initech", initech},         // exact beats "Initech Systems", which starts with it
		{"INITECH SYSTEMS", systems}, // exact, any case
		{"glob", globex},             // a prefix beats "Big Globex", which only contains it
		{"big", big},
		{"ex corp", globex}, // no name starts with it: substring search
	} {
		if got := e.must(manager, "/deal", "show "+tc.ref).Deal.Deal.ID; got != tc.want {
			t.Errorf("show %s = %s, want %s", tc.ref, got, tc.want)
		}
	}
	e.fail(manager, "/deal", "show lobex", sales.ECONFLICT, "'lobex' matches 2 deals")
	e.fail(manager, "/deal", "show Umbrella", sales.ENOTFOUND, "no deal matches 'Umbrella'")

	// The longest exact phrase among other reps' deals splits off the text.
	e.must(manager, "/deal", "note Initech Systems call back Friday")
	if d := e.deal(systems); !strings.HasSuffix(d.Notes, "maria: call back Friday") {
		t.Errorf("note split: %q", d.Notes)
	}
	if d := e.deal(initech); d.Notes != "" {
		t.Errorf("note landed on %s too: %q", initech, d.Notes)
	}
}

// A deal imported won with no date of its close has no ClosedAt, as an
// open deal has none: a name that matches it and an open deal still
// means the open one.
func TestDealResolutionSkipsUndatedClosedDeal(t *testing.T) {
	e := newEnv(t)
	e.team()
	open := e.add(alice, `Acme 1k`)
	owner := e.person(alice).ID
	won, err := e.db.Stages(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wonStage sales.StageID
	for _, s := range won.Stages {
		if s.Kind == sales.StageWon {
			wonStage = s.ID
		}
	}
	res, err := e.db.Import(e.ctx, storage.Import{Deals: []sales.Deal{{Account: "Acme", Owner: owner, Stage: wonStage, Amount: 500000}}}, owner)
	if err != nil {
		t.Fatal(err)
	}
	if d := e.deal(res.DealIDs[0]); !d.ClosedAt.IsZero() {
		t.Fatalf("the undated import got a close time %v; the test needs one without", d.ClosedAt)
	}
	if got := e.must(alice, "/deal", "show Acme").Deal.Deal.ID; got != open {
		t.Errorf("show Acme = %s, want the open %s", got, open)
	}
}

// An import without created dates made its deals' "created" events: the
// history says so instead of crediting the owner with a creation today.
func TestUndatedImportHistorySaysImported(t *testing.T) {
	e := newEnv(t)
	e.team()
	owner := e.person(alice).ID
	res, err := e.db.Import(e.ctx, storage.Import{Deals: []sales.Deal{{Account: "Oldco", Owner: owner, Amount: 500000}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := e.must(alice, "/deal", "show "+res.DealIDs[0].String()).Deal.History
	if len(h) == 0 || h[0].Actor != "" || !strings.HasPrefix(h[0].Text, "imported in ") || !strings.Contains(h[0].Text, "date the file did not give") {
		t.Fatalf("history = %+v, want the import without an actor", h)
	}
	dated := e.add(alice, "Newco 1k")
	if h := e.must(alice, "/deal", "show "+dated.String()).Deal.History; len(h) == 0 || h[0].Actor == "" || !strings.HasPrefix(h[0].Text, "created in ") {
		t.Fatalf("a deal added in Slack: history = %+v", h)
	}
}
