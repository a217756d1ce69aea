package bot_test

import (
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// TestRefreshZonesE2E: users.list is the daily source of every person's
// zone, not only the users.info of someone who types a command. A person
// imported with no zone and one whose stored zone is stale both get
// Slack's; a Slack user who is nobody here is not made a person.
func TestRefreshZonesE2E(t *testing.T) {
	h := newHarness(t, hopts{})
	ctx := h.ctx()
	alice, err := h.db.EnsurePerson(ctx, "U0ALICE", "alice", "Alice Anders", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.ModifyPerson(ctx, alice.ID, func(p *sales.Person) error { p.TZ = "America/Chicago"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.EnsurePerson(ctx, "U0CAROL", "carol", "Carol Chen", ""); err != nil {
		t.Fatal(err)
	}
	before := len(h.emu.Calls("users.list"))
	n, err := h.bot.RefreshZones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d zones changed, want 2", n)
	}
	for id, want := range map[string]string{"U0ALICE": "Europe/Berlin", "U0CAROL": "Asia/Singapore"} {
		p, err := h.db.PersonBySlackID(ctx, id)
		if err != nil || p.TZ != want {
			t.Errorf("%s: zone %q (%v), want %q", id, p.TZ, err, want)
		}
	}
	if _, err := h.db.PersonBySlackID(ctx, "U0BOB"); err == nil {
		t.Error("U0BOB was made a person by the refresh")
	}
	if got := len(h.emu.Calls("users.list")) - before; got != 1 {
		t.Errorf("%d users.list calls, want 1 page", got)
	}
	// Nothing changed since: a second refresh writes nothing.
	if n, err := h.bot.RefreshZones(ctx); err != nil || n != 0 {
		t.Errorf("second refresh: %d changed, %v", n, err)
	}
}
