package transfer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NameFromEmail makes a readable name of an email's local part, for a
// person a file gives only by email (Pipedrive owners, a users export
// without names): "anna.snelling@x.com" → "Anna Snelling",
// "j_doe+crm@x.com" → "J Doe". It returns "" when the local part has no
// letters ("12345@x.com"), and the caller keeps the email as the name.
func NameFromEmail(email string) string {
	local, _, ok := strings.Cut(strings.TrimSpace(email), "@")
	if !ok {
		return ""
	}
	local, _, _ = strings.Cut(local, "+") // sub-addressing tag
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	letters := false
	for i, p := range parts {
		r, n := utf8.DecodeRuneInString(p)
		parts[i] = string(unicode.ToUpper(r)) + p[n:]
		letters = letters || strings.IndexFunc(p, unicode.IsLetter) >= 0
	}
	if !letters {
		return ""
	}
	return strings.Join(parts, " ")
}
