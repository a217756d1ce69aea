package sales_test

import (
	"testing"

	"github.com/salesbot/salesbot/sales"
)

// Linking hands over the record's role, so above one's own it is setting
// a role: admin only.
func TestAuthorizeLink(t *testing.T) {
	rep := sales.Actor{Person: sales.Person{ID: 1}, Role: sales.RoleRep}
	mgr := sales.Actor{Person: sales.Person{ID: 2}, Role: sales.RoleManager}
	admin := sales.Actor{Person: sales.Person{ID: 3}, Role: sales.RoleAdmin}
	for _, tc := range []struct {
		name  string
		actor sales.Actor
		role  sales.Role
		want  string // "" allowed, else part of the message
	}{
		{"rep links nobody", rep, sales.RoleRep, "only a manager or admin can manage people"},
		{"manager links a rep", mgr, sales.RoleRep, ""},
		{"manager links a manager", mgr, sales.RoleManager, ""},
		{"manager links an admin", mgr, sales.RoleAdmin, "Maria is an admin, above your role (manager), and linking gives that role: only an admin can change roles"},
		{"admin links an admin", admin, sales.RoleAdmin, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sales.AuthorizeLink(tc.actor, sales.Person{ID: 9, Name: "Maria", Role: tc.role})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (sales.ErrorCode(err) != sales.EFORBIDDEN || sales.ErrorMessage(err) != tc.want):
				t.Fatalf("got %v, want EFORBIDDEN %q", err, tc.want)
			}
		})
	}
}

// Activities: the owner, managers and admins log them on a deal; only
// admins configure their types.
func TestAuthorizeActivities(t *testing.T) {
	rep := sales.Actor{Person: sales.Person{ID: 1}, Role: sales.RoleRep}
	mgr := sales.Actor{Person: sales.Person{ID: 2}, Role: sales.RoleManager}
	admin := sales.Actor{Person: sales.Person{ID: 3}, Role: sales.RoleAdmin}
	for _, tc := range []struct {
		name   string
		actor  sales.Actor
		act    sales.Action
		target sales.PersonID
		ok     bool
	}{
		{"rep on own deal", rep, sales.ActActivityLog, 1, true},
		{"rep on another's deal", rep, sales.ActActivityLog, 9, false},
		{"manager on a rep's deal", mgr, sales.ActActivityLog, 9, true},
		{"admin on a rep's deal", admin, sales.ActActivityLog, 9, true},
		{"rep configures types", rep, sales.ActActivityTypes, 0, false},
		{"manager configures types", mgr, sales.ActActivityTypes, 0, false},
		{"admin configures types", admin, sales.ActActivityTypes, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sales.Authorize(tc.actor, tc.act, tc.target)
			if (err == nil) != tc.ok || err != nil && sales.ErrorCode(err) != sales.EFORBIDDEN {
				t.Fatalf("Authorize = %v, want allowed %v", err, tc.ok)
			}
		})
	}
}
