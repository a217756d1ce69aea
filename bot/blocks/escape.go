package blocks

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// Sanitize makes user text safe to carry: invalid UTF-8 becomes U+FFFD,
// NUL and other control characters (except newline and tab) are dropped,
// and bidi override/isolate controls are dropped so a name cannot reverse
// the text around it. Right-to-left scripts themselves are kept.
func Sanitize(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r) || isBidiControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x061C || r == 0x200E || r == 0x200F
}

// Escape prepares user text for any Slack text field, mrkdwn or
// plain_text: it sanitizes and then escapes &, < and >, so "<!channel>",
// "<@U123>", "<!subteam^S1>" and "<http://x|y>" show as typed and can
// neither ping nor forge a link.
func Escape(s string) string {
	s = Sanitize(s)
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return escaper.Replace(s)
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// EscapeMd prepares user text for mrkdwn: Escape, then mrkdwn's formatting
// characters become lookalikes, so "x *bold*" inside the bot's own bold
// title (or any other span) shows as typed instead of closing or opening
// bold, italics, strike or code. Lookalikes rather than zero-width joiners
// because Slack's parser treats zero-width characters as word boundaries,
// which can turn formatting on instead of off. An underscore between two
// letters or digits stays: Slack never opens or closes italics inside a
// word, and acme_corp, SALESBOT_ADMINS and :no_entry: should read as
// typed. Plain_text fields keep Escape.
func EscapeMd(s string) string {
	s = Escape(s)
	if !strings.ContainsAny(s, "*_~`") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	prev := ' '
	for i, r := range s {
		switch r {
		case '*':
			b.WriteRune('\u2217')
		case '~':
			b.WriteRune('\u223c')
		case '`':
			b.WriteRune('\u02cb')
		case '_':
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isWordRune(prev) && isWordRune(next) {
				b.WriteRune('_')
			} else {
				b.WriteRune('\u02cd')
			}
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// EscClipMd escapes user text for mrkdwn and clips it to max characters.
func EscClipMd(s string, max int) string { return Clip(EscapeMd(s), max) }

// Clip shortens already-escaped text to at most max characters (runes, as
// Slack counts), ending with "…" when it cut, and never splits an entity
// such as &amp;.
func Clip(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := 0
	for i := 0; i < max-1; i++ {
		_, n := utf8.DecodeRuneInString(s[cut:])
		cut += n
	}
	out := s[:cut]
	// Back off an entity cut in half: "&am".
	if amp := strings.LastIndexByte(out, '&'); amp >= 0 && !strings.Contains(out[amp:], ";") {
		out = out[:amp]
	}
	return out + "…"
}

// EscClip escapes user text for plain_text and clips it to max characters.
func EscClip(s string, max int) string { return Clip(Escape(s), max) }

// isSlackID reports whether s is shaped like a Slack user id, so it may be
// placed in a <@…> mention without letting text through.
func isSlackID(s string) bool { return sales.IsSlackUserID(s) }

// Mention renders a user for mrkdwn: a real mention when the Slack id is
// valid, else the escaped name.
func Mention(slackID, name string) string {
	if isSlackID(slackID) {
		return "<@" + slackID + ">"
	}
	if name == "" {
		return "someone"
	}
	return EscClipMd(name, 80)
}

// plainInput prepares text for an input's initial_value: inputs show
// their value verbatim, so it is sanitized and clipped but not escaped
// (escaping would come back as "&amp;" on submit).
func plainInput(s string, max int) string {
	s = Sanitize(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max])
}
