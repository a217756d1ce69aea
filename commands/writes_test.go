package commands_test

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// writesOutsideStore are write forms whose effect is not in the database
// the commands package writes: the bot starts the digest, which posts
// through the outbox.
var writesOutsideStore = map[string]bool{"salesbot digest now": true}

// TestFormWrites runs every form's help examples, as an admin, against a
// copy of one seeded database and compares the database before and
// after. A form that reads must change nothing; a form that writes must
// change something with at least one example. So a reading form marked
// as a write, or a write marked as a read (which the bot would answer
// before it is committed), fails here. It also checks commands.Writes,
// which the bot calls on the raw text, agrees with the form.
func TestFormWrites(t *testing.T) {
	template := seededDB(t)
	for _, f := range commands.Forms() {
		name := strings.TrimPrefix(f.Name(), "/")
		t.Run(name, func(t *testing.T) {
			e := envAt(t, template)
			for _, c := range formSetup[name] {
				cmd, text, _ := strings.Cut(c, " ")
				e.must(admin, cmd, text)
			}
			changed, ran := false, 0
			for _, ex := range f.Examples {
				cmd, text, _ := strings.Cut(ex, " ")
				text = mentions.Replace(text)
				if got := commands.Writes(cmd, text); got != f.Writes {
					t.Errorf("Writes(%q, %q) = %v, but the form's Writes is %v", cmd, text, got, f.Writes)
				}
				before := e.snapshot()
				_, err := e.do(admin, cmd, text)
				after := e.snapshot()
				same := reflect.DeepEqual(before, after)
				if err != nil {
					if !same {
						t.Errorf("%s %s failed (%v) and changed the database", cmd, text, err)
					}
					continue
				}
				ran++
				if !same {
					changed = true
					if !f.Writes {
						t.Errorf("%s %s changed the database, but %s is marked as reading (Writes false)", cmd, text, f.Name())
					}
				}
			}
			if f.Writes && !changed && !writesOutsideStore[name] {
				t.Errorf("%s is marked Writes, but none of its %d examples (%d ran) changed the database", f.Name(), len(f.Examples), ran)
			}
		})
	}
}

// formSetup puts the seeded database in the state a form's examples
// need.
var formSetup = map[string][]string{
	"deal reopen":        {"/deal won D-42"},
	"territory unassign": {"/territory assign EMEA <@UBOB|bob>"},
	// A call is measured against the caller's quota.
	"forecast submit": {"/goal set <@UADMIN|root> 150k", "/goal set <@UADMIN|root> 400k quarter"},
}

// mentions turns the examples' @names into the mentions Slack sends.
var mentions = strings.NewReplacer("@alice", "<@UALICE|alice>", "@bob", "<@UBOB|bob>", "@carol", "<@UCAROL|carol>")

// seededDB is a database holding what the examples name: the test team,
// territory EMEA, a person imported by name, and 42 deals of bob's in
// Qualified (so Prospecting can be removed), among them Acme (D-40), Acme Corp (D-41) and D-42. It
// returns the path of a backup of it.
func seededDB(t *testing.T) string {
	t.Helper()
	e := newEnv(t)
	e.team()
	e.must(admin, "/territory", "add EMEA")
	if _, err := e.db.CreatePerson(e.ctx, sales.Person{Name: "Alice Smith", Role: sales.RoleRep}); err != nil {
		t.Fatal(err)
	}
	accounts := map[int]string{40: "Acme", 41: `"Acme Corp"`}
	for i := 1; i <= 42; i++ {
		account, ok := accounts[i]
		if !ok {
			account = "Account" + strings.Repeat("x", i%5) + string(rune('a'+i%26))
		}
		e.add(admin, account+" 10k stage:qualified owner:<@UBOB|bob>")
	}
	path := filepath.Join(t.TempDir(), "seed.db")
	if _, err := e.db.BackupFile(e.ctx, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// envAt is a service over a fresh copy of the database at path.
func envAt(t *testing.T, path string) *env {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "salesbot.db")
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: now}
	db := storagetest.MustOpenPath(t, dst, storage.Options{Clock: clk})
	svc := commands.New(db, commands.Config{Locale: sales.Locale{Clock: clk, Loc: time.UTC, Currency: sales.DefaultCurrency}, Admins: []string{admin}})
	return &env{t: t, db: db, svc: svc, clock: clk, ctx: t.Context()}
}
