package sales

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on text users give salesbot, whether typed in a slash command or
// a form or read from an import file: one rule for every way in.
const (
	MaxAccount = 200   // characters of an account (deal) name
	MaxName    = 100   // a person, territory, product or stage name
	MaxText    = 2000  // a line of free text, such as a lost reason
	MaxNotes   = 16000 // a deal's accumulated notes
)

// BadRune returns the first control character of s that text may not hold
// (all but tab, newline and carriage return), and whether there is one.
func BadRune(s string) (rune, bool) {
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return r, true
		}
	}
	return 0, false
}

// CheckLength says when what holds more than max characters.
func CheckLength(what, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(EINVALID, "the %s is too long (%d characters): keep it under %d", what, n, max)
	}
	return nil
}

// CheckText is CheckLength for text from outside: it must also be UTF-8
// without control characters.
func CheckText(what, s string, max int) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "the %s is not valid UTF-8: save the file as UTF-8", what)
	}
	if r, bad := BadRune(s); bad {
		return Errorf(EINVALID, "the %s contains a control character (U+%04X): remove it", what, r)
	}
	return CheckLength(what, s, max)
}

// Dates salesbot keeps lie in these years; 0001-01-01 in a file is a
// placeholder, not a date, and the zero time means "no date" here.
const (
	MinYear = 1970
	MaxYear = 9999
)

// ValidDate says whether t is a date a deal can hold.
func ValidDate(t time.Time) bool { return t.Year() >= MinYear && t.Year() <= MaxYear }

// EditDistance is the Levenshtein distance in runes, for "did you mean";
// 99 for strings over 40 runes.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 40 || len(rb) > 40 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest returns up to n of names within two edits of s (case-folded),
// nearest first, for "did you mean" in refusals.
func Closest(s string, names []string, n int) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, name := range names {
		if d := EditDistance(s, strings.ToLower(name)); d <= 2 {
			cs = append(cs, cand{name, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	out := make([]string, 0, min(n, len(cs)))
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}
