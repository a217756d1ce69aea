package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// Parse reads command text into a Cmd: the verb (verbs.go), the
// key:value options (options.go), then the positional arguments
// (args.go), each value read by its kind (kinds.go).

// Parser reads command text. Zero fields take defaults: the current
// time, UTC, USD and the default stages.
type Parser struct {
	Now      time.Time
	Loc      *time.Location
	Currency sales.Currency
	Stages   sales.StageSet
}

func (p Parser) withDefaults() Parser {
	if p.Now.IsZero() {
		p.Now = time.Now()
	}
	if p.Loc == nil {
		p.Loc = time.UTC
	}
	if p.Currency.Code == "" {
		p.Currency = sales.DefaultCurrency
	}
	if len(p.Stages.Stages) == 0 {
		p.Stages = sales.DefaultStages()
	}
	return p
}

func isCommand(s string) bool { return slices.Contains(Commands, s) }

// normCommand turns "/Deal" into "deal".
func normCommand(s string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "/"))
}

// Parse reads one slash command. Errors are *sales.Error (EINVALID) with
// a message that says what was wrong and shows the right form.
func (p Parser) Parse(command, text string) (Cmd, error) {
	p = p.withDefaults()
	name := normCommand(command)
	if !isCommand(name) {
		return Cmd{}, sales.Errorf(sales.EINVALID, "unknown command '/%s': use /deal, /goal, /pipeline, /forecast, /leaderboard, /territory or /salesbot", clip(name, 30))
	}
	if err := checkInput(text); err != nil {
		return Cmd{}, err
	}
	c := Cmd{Command: name, Currency: p.Currency}

	head, err := firstTokens(text, 3)
	if err != nil {
		return Cmd{}, err
	}
	if len(head) > 0 && isHelpWord(head[0]) {
		return p.parseHelp(c, text[head[0].end:])
	}
	f, n := matchVerb(name, head)
	rest := text
	if f != nil && n > 0 {
		rest = text[head[n-1].end:]
	}
	if f == nil {
		switch {
		case len(head) == 0:
			f = bareForm(name)
		case name == "deal" && isDealID(head[0]):
			f = lookupForm("deal", "show") // "/deal D-42" shows it
		default:
			if b := bareForm(name); b != nil && b.Verb == "" && len(b.args) > 0 {
				f = b // "/goal @alice", "/pipeline quarter"
				break
			}
			return Cmd{}, unknownVerb(name, head[0])
		}
		if f == nil {
			return Cmd{}, sales.Errorf(sales.EINVALID, "/%s needs an action: try /%s help", name, name)
		}
	}
	if alt := activityGoalForm(name, f.Verb); alt != nil && looksActivityGoal(rest) {
		f, c.ActivityGoal = alt, true // "/goal set @bob 40 calls week"
	}
	c.Verb = f.Verb
	c.Scope = f.scope

	if f.rawText {
		err = p.matchRaw(f, rest, &c)
	} else {
		var toks []token
		toks, err = tokenize(rest)
		if err != nil {
			return Cmd{}, err
		}
		if k := len(toks); k > 0 && isHelpWord(toks[k-1]) {
			return Cmd{Command: name, Verb: "help", Topic: topicOf(f), Currency: p.Currency}, nil
		}
		toks, err = p.options(f, rest, toks, &c)
		if err == nil {
			err = p.match(f, toks, &c)
		}
		if err != nil && f.Verb == "" && takesUser(f) && len(head) > 0 && isPlainWord(head[0]) && !p.fits(head[0]) {
			// "/goal quartr": say every thing the word could have been.
			return Cmd{}, sales.Errorf(sales.EINVALID, "'%s' is not a person (@name), a period (%s) or an action (%s) — usage: %s",
				clip(head[0].text, 30), sales.PeriodForms, strings.Join(verbList(name), ", "), f.Usage())
		}
	}
	if err != nil {
		return Cmd{}, err
	}
	if f.check != nil {
		if err := f.check(f, &c); err != nil {
			return Cmd{}, err
		}
	}
	return c, nil
}

// checkInput rejects text no command can hold.
func checkInput(text string) error {
	if !utf8.ValidString(text) {
		return sales.Errorf(sales.EINVALID, "the command text is not valid UTF-8: retype it")
	}
	if n := utf8.RuneCountInString(text); n > MaxInput {
		return sales.Errorf(sales.EINVALID, "the command is too long (%d characters): keep it under %d", n, MaxInput)
	}
	if r, bad := sales.BadRune(text); bad {
		return sales.Errorf(sales.EINVALID, "the command contains a control character (U+%04X): remove it", r)
	}
	return nil
}

// firstTokens reads up to n tokens, stopping early at one it cannot read
// (free text may hold a lone quote; forms that tokenize the rest report
// the error themselves).
func firstTokens(s string, n int) ([]token, error) {
	var out []token
	for i := 0; len(out) < n; {
		t, next, ok, err := nextToken(s, i)
		if err != nil {
			if len(out) == 0 {
				return nil, err
			}
			break
		}
		if !ok {
			break
		}
		out = append(out, t)
		i = next
	}
	return out, nil
}

func isHelpWord(t token) bool {
	if t.quoted || t.ref != nil {
		return false
	}
	switch strings.ToLower(t.raw) {
	case "help", "?", "-h", "--help":
		return true
	}
	return false
}

func isPlainWord(t token) bool {
	if t.quoted || t.ref != nil || t.raw == "" {
		return false
	}
	for _, r := range t.raw {
		if !unicode.IsLetter(r) && r != '-' {
			return false
		}
	}
	return true
}

func isDealID(t token) bool {
	if t.quoted || t.ref != nil {
		return false
	}
	_, ok := sales.ParseDealID(t.text)
	return ok
}

// fits reports whether a bare-form word means something there (a person,
// a period), so it is not reported as an unknown action.
// takesUser: the form's first argument may be a person, so an odd first
// word could have been one (/leaderboard's could not).
func takesUser(f *Form) bool { return len(f.args) > 0 && f.args[0].kind == argUser }

func (p Parser) fits(t token) bool {
	if looksLikeUser(t) {
		return true
	}
	_, err := parsePeriod(t.text, p.Now, p.Loc)
	return err == nil
}

// goalTypeWords are the words that make /goal set an activity goal
// whatever follows; any other word does so when an activity period
// follows it ("/goal set @bob 5 demos week").
var goalTypeWords = map[string]bool{"calls": true, "meetings": true, "emails": true, "notes": true, "activities": true,
	"call": true, "meeting": true, "email": true, "note": true, "activity": true}

// looksActivityGoal reports whether /goal set's words name an activity
// goal ("@bob 40 calls week") rather than a quota ("@bob 50k quarter").
func looksActivityGoal(rest string) bool {
	toks, err := tokenize(rest)
	if err != nil {
		return false
	}
	for i, t := range toks {
		if i == 0 || t.quoted || t.ref != nil {
			continue
		}
		w := strings.ToLower(t.text)
		if goalTypeWords[w] {
			return true
		}
		if i+1 < len(toks) && isRecurringWord(toks[i+1].text) && !isRecurringWord(w) {
			if _, err := strconv.Atoi(toks[i-1].text); err == nil {
				return true
			}
		}
	}
	return false
}
