package commands_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// FuzzParse checks that Parse never panics, that every error is a user
// error (EINVALID, never internal), and that every command it accepts
// round-trips: Parse(c.String()) == c, and String is stable.
//
//	go test ./commands -run '^$' -fuzz FuzzParse -fuzztime 30s
func FuzzParse(f *testing.F) {
	seeds := []struct{ cmd, text string }{
		// The spec's forms.
		{"/deal", `add "Acme Corp" 12,000 stage:proposal close:2026-12-31 owner:<@U123|alice> territory:EMEA`},
		{"/deal", `add Acme $12,000`},
		{"/deal", `add Acme 1.2m`},
		{"/deal", `stage D-42 negotiation`},
		{"/deal", `won Acme 12.5k`},
		{"/deal", `lost #42 went with a competitor`},
		{"/deal", `list all`},
		{"/deal", `show D-42`},
		{"/deal", ``},
		{"/goal", `set <@U1|bob> 50k 2026-Q4`},
		{"/goal", `<@U1>`},
		{"/pipeline", `territory North America`},
		{"/territory", `assign EMEA <@U1|a> <@U2|b>`},
		{"/salesbot", `role @bob manager`},
		{"/salesbot", `digest now`},
		{"/salesbot", `digest route <@U1|carol> <#C0123ABCD|team>`},
		{"/salesbot", `stage add "Legal review" 12.5% after:qualified stale:10`},
		{"/salesbot", `stage set proposal name:Deal probability:40 stale:7d after:start`},
		// Quoting: curly quotes, escapes, entities, empty and unclosed quotes.
		{"/deal", `add “Acme” 5k`},
		{"/deal", `add "a\"b\\c" 5k`},
		{"/deal", `add AT&amp;T &lt;b&gt; 5k`},
		{"/deal", `add "" 5k`},
		{"/deal", `add "Acme 5k`},
		{"/deal", `note D-1 "quoted" then not`},
		{"/deal", `lost D-1 6" screen`},
		// Slack references in odd places.
		{"/deal", `add <!channel> <!subteam^S1|@team> 5k`},
		{"/deal", `add <https://x.com|x> 5k owner:<@U1|a b>`},
		{"/deal", `lost D-1 <@U1|bob>, <#C0123ABCD|sales>`},
		{"/territory", `route EMEA <#C0123ABCD>`},
		// Relative dates and option values with spaces.
		{"/deal", `add Acme 5k close:next friday note:call them`},
		{"/deal", `close Acme end of month`},
		{"/deal", `snooze D-9 2w`},
		{"/deal", `set D-1 close: +3d amount: 1,000.5`},
		// Hostile: control characters, RTL, emoji, huge numbers.
		{"/deal", "add \u202eAcme\u202c 5k"},
		{"/deal", "add 🚀 Rocket 9k"},
		{"/deal", "add Acme 99999999999999999999"},
		{"/deal", "add Acme\x00 5k"},
		{"/goal", "set team 0.001"},
		{"/salesbot", "help deal add"},
		{"/goal", "help /territory"},
	}
	for _, s := range seeds {
		f.Add(s.cmd, s.text)
	}
	p := parser()
	f.Fuzz(func(t *testing.T, cmd, text string) {
		c, err := p.Parse(cmd, text)
		if err != nil {
			if code := sales.ErrorCode(err); code != sales.EINVALID {
				t.Fatalf("Parse(%q, %q): code %s: %v", cmd, text, code, err)
			}
			return
		}
		s := c.String()
		name, rest, _ := strings.Cut(s, " ")
		back, err := p.Parse(name, rest)
		if err != nil {
			t.Fatalf("Parse(%q, %q) = %s, which does not parse: %v", cmd, text, s, err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("Parse(%q, %q) = %s\nfirst  %#v\nsecond %#v", cmd, text, s, c, back)
		}
		if s2 := back.String(); s2 != s {
			t.Fatalf("String is not stable: %s then %s", s, s2)
		}
	})
}

// TestCanonicalRoundTrip covers Cmds built by hand (as the bot builds them
// for buttons), not only parsed ones.
func TestCanonicalRoundTrip(t *testing.T) {
	p := parser()
	cmds := []commands.Cmd{
		{Command: "deal", Verb: "advance", Deal: commands.DealRef{ID: 7}},
		{Command: "deal", Verb: "won", Deal: commands.DealRef{ID: 7}},
		{Command: "deal", Verb: "lost", Deal: commands.DealRef{ID: 7}, Text: "no <budget> & \"time\""},
		{Command: "deal", Verb: "snooze", Deal: commands.DealRef{ID: 7}, Until: date("2026-12-03")},
		{Command: "deal", Verb: "close", Deal: commands.DealRef{ID: 7}, Close: date("2026-12-31")},
		{Command: "deal", Verb: "list", Scope: commands.ScopeAll, Page: 3},
		{Command: "deal", Verb: "add", Account: `Ba\"d “name”`, Amount: 123456, HasAmount: true},
	}
	for _, c := range cmds {
		c.Currency = sales.DefaultCurrency
		roundTrip(t, p, c)
	}
}

// FuzzParsePercent: any input either fails or reads as 0..10000 basis
// points that FormatPercent writes back to the same value.
func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"40%", "12.5", "0", "100%", "100.01%", ".5", "5.", "-1", "1e2", "０", "12.34%", " 7 % "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bp, err := commands.ParsePercent(s)
		if err != nil {
			return
		}
		if bp < 0 || bp > 10000 {
			t.Fatalf("ParsePercent(%q) = %d", s, bp)
		}
		back, err := commands.ParsePercent(commands.FormatPercent(bp))
		if err != nil || back != bp {
			t.Fatalf("%q → %d → %q → %d, %v", s, bp, commands.FormatPercent(bp), back, err)
		}
	})
}
