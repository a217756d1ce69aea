package commands_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
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
