package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// token is one word of a command, as Slack delivers it (with
// should_escape: true, so &, < and > arrive as entities and mentions as
// <@U123|name> references).
type token struct {
	raw    string    // exactly as typed
	text   string    // quotes removed, entities decoded, references replaced by their labels
	quoted bool      // began with a quote: never a keyword, option, amount or mention
	ref    *slackRef // the token is exactly one Slack reference
	start  int       // byte offsets of raw in the input
	end    int
}

// slackRef is one <...> reference: <@U1|name>, <#C1|chan>, <!here>,
// <https://x|label>.
type slackRef struct {
	kind  byte // '@' user, '#' channel, '!' special, 'l' link or anything else
	id    string
	label string
}

// parseRef reads the inside of <...>.
func parseRef(in string) slackRef {
	body, label, _ := strings.Cut(in, "|")
	switch {
	case strings.HasPrefix(body, "@"):
		return slackRef{kind: '@', id: body[1:], label: label}
	case strings.HasPrefix(body, "#"):
		return slackRef{kind: '#', id: body[1:], label: label}
	case strings.HasPrefix(body, "!"):
		return slackRef{kind: '!', id: body[1:], label: label}
	}
	return slackRef{kind: 'l', id: body, label: label}
}

// text is what a reference reads as inside free text. Mentions become
// plain words, so an account name can never carry a live ping.
func (r slackRef) text() string {
	switch r.kind {
	case '@':
		if r.label != "" {
			return "@" + r.label
		}
		return "@" + r.id
	case '#':
		if r.label != "" {
			return "#" + r.label
		}
		return "#" + r.id
	case '!':
		if r.label != "" {
			return strings.TrimPrefix(r.label, "@")
		}
		name, _, _ := strings.Cut(r.id, "^")
		return "@" + name
	}
	if r.label != "" {
		return r.label
	}
	return strings.TrimPrefix(r.id, "mailto:")
}

func isOpenQuote(r rune) bool  { return r == '"' || r == '“' || r == '”' || r == '„' }
func isCloseQuote(r rune) bool { return r == '"' || r == '”' || r == '“' }

// entities Slack escapes in command text.
var entities = []struct{ ent, ch string }{{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}}

// entityAt decodes the entity s starts with: its character and length, or
// n == 0 when s does not start with one.
func entityAt(s string) (ch string, n int) {
	for _, e := range entities {
		if strings.HasPrefix(s, e.ent) {
			return e.ch, len(e.ent)
		}
	}
	return "", 0
}

// nextToken reads the token starting at or after byte i. ok is false at
// the end of input.
func nextToken(s string, i int) (tok token, next int, ok bool, err error) {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += w
	}
	if i >= len(s) {
		return token{}, i, false, nil
	}
	start := i
	var b strings.Builder
	var last *slackRef
	refs, other, inQuote, first := 0, false, false, true
	quoteStart := 0
scan:
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case !inQuote && unicode.IsSpace(r):
			break scan
		case r == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				break // a lone '<' is text
			}
			ref := parseRef(s[i+1 : i+j])
			b.WriteString(ref.text())
			refs++
			last = &ref
			i += j + 1
			first = false
			// "@a, @b": a comma right after a mention separates.
			if !inQuote && i < len(s) && s[i] == ',' {
				i++
				break scan
			}
			continue
		case r == '&':
			if ch, n := entityAt(s[i:]); n > 0 {
				b.WriteString(ch)
				i += n
				other, first = true, false
				continue
			}
		case !inQuote && isOpenQuote(r):
			inQuote, quoteStart = true, i
			if first {
				tok.quoted = true
			}
			i += w
			first = false
			continue
		case inQuote && r == '\\' && i+1 < len(s):
			if n, nw := utf8.DecodeRuneInString(s[i+1:]); n == '\\' || isOpenQuote(n) || isCloseQuote(n) {
				b.WriteRune(n)
				i += 1 + nw
				other = true
				continue
			}
		case inQuote && isCloseQuote(r):
			inQuote = false
			i += w
			continue
		}
		b.WriteString(s[i : i+w])
		other, first = true, false
		i += w
	}
	if inQuote {
		return token{}, i, false, sales.Errorf(sales.EINVALID,
			"a quote opened at %s is never closed: add the closing \"", clip(s[quoteStart:], 24))
	}
	tok.raw = s[start:i]
	tok.text = b.String()
	tok.start, tok.end = start, i
	if refs == 1 && !other && !tok.quoted {
		tok.ref = last
	}
	return tok, i, true, nil
}

// tokenize splits all of s.
func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; ; {
		t, n, ok, err := nextToken(s, i)
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, t)
		i = n
	}
}

// freeText reads the rest of a command as free text (a lost reason, a
// note). One fully quoted string gives its contents; anything else is
// kept as typed, quotes included, with entities decoded and references
// replaced by their labels.
func freeText(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if t, n, ok, err := nextToken(s, 0); err == nil && ok && t.quoted && n == len(s) && isWholeQuote(t.raw) {
		return t.text
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				b.WriteString(parseRef(s[i+1 : i+j]).text())
				i += j + 1
				continue
			}
		}
		if ch, n := entityAt(s[i:]); n > 0 {
			b.WriteString(ch)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return strings.TrimSpace(b.String())
}

// isWholeQuote reports whether raw is one quoted string and nothing else
// ("a"b is two parts, not a whole quote).
func isWholeQuote(raw string) bool {
	r, w := utf8.DecodeRuneInString(raw)
	if !isOpenQuote(r) {
		return false
	}
	for i := w; i < len(raw); {
		c, cw := utf8.DecodeRuneInString(raw[i:])
		switch {
		case c == '<':
			if j := strings.IndexByte(raw[i:], '>'); j > 0 {
				i += j + 1
				continue
			}
		case c == '\\' && i+1 < len(raw):
			if n, nw := utf8.DecodeRuneInString(raw[i+1:]); n == '\\' || isOpenQuote(n) || isCloseQuote(n) {
				i += 1 + nw
				continue
			}
		case isCloseQuote(c):
			return i+cw == len(raw)
		}
		i += cw
	}
	return false
}

// quote renders s as one quoted token that reads back as exactly s:
// backslashes and quote characters are escaped, and &, < and > are
// written as the entities Slack would send.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || isOpenQuote(r) || isCloseQuote(r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// word renders s bare when it reads back as itself, else quoted.
func word(s string) string {
	switch strings.ToLower(s) {
	case "", "help", "?", "-h", "--help", "none":
		return quote(s) // would read as a keyword
	}
	if strings.IndexFunc(s, quotable) >= 0 {
		return quote(s)
	}
	return s
}

// quotable reports whether r makes a word need quotes to read back as one.
func quotable(r rune) bool {
	return unicode.IsSpace(r) || isOpenQuote(r) || r == '\\' || r == '<' || r == '>' || r == '&' || r == ':' || r == ','
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// normName trims a name and folds runs of white space into one space.
func normName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
