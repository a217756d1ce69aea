package storage_test

import (
	"context"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// A Slack member can rename herself to anyone's name. A team file row
// that finds her only by that name must not hand her the row's role: it
// waits for an admin (PendingRole), as an email link does.
func TestTeamImportByNameDoesNotRaiseALinkedPersonsRole(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	admin := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U0", Name: "admin", Role: sales.RoleAdmin}))
	mallory := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U0MAL", Name: "Maria Admin"}))
	unlinked := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "Grace"}))

	in := storage.Import{People: []sales.Person{
		{Name: "maria admin", Role: sales.RoleAdmin},
		{Name: "Grace", Role: sales.RoleManager},
	}}
	res, err := db.Import(ctx, in, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.PeopleCreated != 0 || len(res.RolesPending) != 1 || res.RolesPending[0] != mallory.ID {
		t.Fatalf("result: %+v", res)
	}
	got := must[sales.Person](t)(db.Person(ctx, mallory.ID))
	if got.Role != sales.RoleRep || got.PendingRole != sales.RoleAdmin {
		t.Fatalf("a name match gave a Slack-linked person role %s (pending %s); want rep, admin pending", got.Role, got.PendingRole)
	}
	// A person nobody has linked yet is the file's to describe.
	if g := must[sales.Person](t)(db.Person(ctx, unlinked.ID)); g.Role != sales.RoleManager {
		t.Fatalf("unlinked person: role %s, want manager", g.Role)
	}
	// The same row with the person's Slack id is an explicit match: the role applies.
	in = storage.Import{People: []sales.Person{{SlackID: "U0MAL", Role: sales.RoleAdmin}}}
	if _, err := db.Import(ctx, in, admin.ID); err != nil {
		t.Fatal(err)
	}
	if g := must[sales.Person](t)(db.Person(ctx, mallory.ID)); g.Role != sales.RoleAdmin || g.PendingRole != sales.RoleRep {
		t.Fatalf("by Slack id: role %s pending %s, want admin, none", g.Role, g.PendingRole)
	}
}
