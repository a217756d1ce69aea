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
