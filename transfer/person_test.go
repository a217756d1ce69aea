package transfer_test

import (
	"testing"

	"github.com/salesbot/salesbot/transfer"
)

func TestNameFromEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"anna.snelling@x.com", "Anna Snelling"},
		{"Anna.Snelling@X.com", "Anna Snelling"},
		{"j_doe+crm@x.com", "J Doe"},
		{"moses-frase@example.com", "Moses Frase"},
		{"zane@example.com", "Zane"},
		{"élodie.durand@x.fr", "Élodie Durand"},
		{"12345@x.com", ""},
		{"..@x.com", ""},
		{"not an email", ""},
	} {
		if got := transfer.NameFromEmail(tc.in); got != tc.want {
			t.Errorf("NameFromEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
