package commands

import (
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// TestKindTable checks the value-kind table covers what the form table
// uses: every positional argument's kind reads and writes, every option's
// kind reads as an option and writes, and each names what is missing.
func TestKindTable(t *testing.T) {
	for _, f := range forms {
		for _, a := range f.args {
			k := kinds[a.kind]
			switch {
			case k == nil:
				t.Errorf("%s: argument %s has kind %d, which has no row", f.Name(), a.label, a.kind)
			case k.write == nil || k.what == "":
				t.Errorf("%s: kind of %s has no writer or name", f.Name(), a.label)
			case k.read == nil && a.kind != argText && a.kind != argTopic:
				t.Errorf("%s: kind of %s cannot be read positionally", f.Name(), a.label)
			}
		}
		for _, o := range f.options {
			opt, ok := options[o]
			if !ok {
				t.Errorf("%s: option %s: is not in the options table", f.Name(), o)
				continue
			}
			if k := kinds[opt.kind]; k == nil || k.option == nil || k.write == nil {
				t.Errorf("%s: option %s: has a kind that cannot be read as an option or written", f.Name(), o)
			}
		}
	}
	if len(optionOrder) != len(options) {
		t.Errorf("optionOrder has %d options, the table %d", len(optionOrder), len(options))
	}
}

// TestFormActions holds each form's Action to what its help says (Who):
// a rep, a manager and an admin, acting on their own deal where the
// action is about one, may use the form exactly as Who describes.
func TestFormActions(t *testing.T) {
	type may struct{ rep, manager, admin bool }
	want := map[string]may{
		whoEveryone: {true, true, true},
		whoOwner:    {true, true, true}, // on their own deal
		whoCreate:   {true, true, true}, // for themselves
		whoManagers: {false, true, true},
		whoAdmins:   {false, false, true},
	}
	allowed := func(role sales.Role, act sales.Action) bool {
		if act == 0 {
			return true
		}
		a := sales.Actor{Person: sales.Person{ID: 7, Role: role}, Role: role}
		return sales.Authorize(a, act, a.Person.ID) == nil
	}
	for _, f := range forms {
		w, ok := want[f.Who]
		if !ok {
			t.Errorf("%s: unknown Who %q", f.Name(), f.Who)
			continue
		}
		got := may{allowed(sales.RoleRep, f.Action), allowed(sales.RoleManager, f.Action), allowed(sales.RoleAdmin, f.Action)}
		if got != w {
			t.Errorf("%s: Action %v allows rep/manager/admin %v, but help says %q", f.Name(), f.Action, got, f.Who)
		}
		if (f.Who == whoOwner) != (f.Action == sales.ActDealEdit || f.Action == sales.ActActivityLog) {
			t.Errorf("%s: help says %q but the Action is %v", f.Name(), f.Who, f.Action)
		}
		if f.handle == nil {
			t.Errorf("%s has no handler", f.Name())
		}
	}
}
