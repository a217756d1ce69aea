package storage_test

import (
	"context"
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// /salesbot link retires the Slack user's own record and links the
// imported one; the two writes land together or not at all.
func TestUpdatePeopleIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	db, _ := openClock(t)
	own := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U0ANN", Name: "ann"}))
	imported := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{Name: "Ann Imported"}))
	other := must[sales.Person](t)(db.CreatePerson(ctx, sales.Person{SlackID: "U0BOB", Name: "bob"}))

	retired := own
	retired.SlackID, retired.Name = "", "ann (merged)"
	bad := imported
	bad.SlackID = other.SlackID // taken: the whole call must fail
	if err := db.UpdatePeople(ctx, retired, bad); sales.ErrorCode(err) != sales.ECONFLICT {
		t.Fatalf("err = %v, want a conflict", err)
	}
	if got := must[sales.Person](t)(db.Person(ctx, own.ID)); got.SlackID != "U0ANN" || got.Name != "ann" {
		t.Fatalf("first write of a failed call landed: %+v", got)
	}

	linked := imported
	linked.SlackID = "U0ANN"
	if err := db.UpdatePeople(ctx, retired, linked); err != nil {
		t.Fatal(err)
	}
	if got := must[sales.Person](t)(db.PersonBySlackID(ctx, "U0ANN")); got.ID != imported.ID {
		t.Fatalf("U0ANN is %s, want the imported %s", got.ID, imported.ID)
	}
}
