package commands

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// Scope says whose deals or numbers a command is about.
type Scope string

const (
	ScopeSelf      Scope = ""          // the actor
	ScopeUser      Scope = "user"      // Cmd.User
	ScopeTeam      Scope = "team"      // the actor's team
	ScopeAll       Scope = "all"       // the whole company
	ScopeTerritory Scope = "territory" // Cmd.Territory
)

// Cmd is one parsed command. Fields a form does not use stay zero, and
// zero means "not given" (the handler applies the default).
type Cmd struct {
	Command string // "deal", "goal", "pipeline", "territory", "salesbot"
	Verb    string // the form's canonical verb: "add", "set team", "digest now"; "" for a bare form

	Deal      DealRef
	Account   string
	Amount    sales.Money // minor units of Currency
	HasAmount bool
	Stage     string    // canonical stage name
	Close     time.Time // expected close date (UTC midnight), zero = not given
	Until     time.Time // snooze end date (UTC midnight), zero = default length
	Owner     UserRef   // owner: option
	User      UserRef   // the person the command is about
	Users     []UserRef // /territory assign, unassign
	Manager   UserRef   // /salesbot manager
	NoManager bool      // /salesbot manager @rep none
	Scope     Scope
	Territory string // territory name (argument or territory: option); "none" clears in /deal set
	Product   string
	Note      string // note: option
	Text      string // lost reason, note text, imported name
	Period    sales.Period
	Role      sales.Role
	Channel   ChannelRef
	On        bool // /salesbot nudges on|off
	Page      int  // 0 = first page
	Topic     string

	// Stage configuration (/salesbot stage add|set).
	Probability    int    // basis points: 4000 = 40%
	HasProbability bool   // probability given (0% is a value)
	Stale          int    // stale threshold in days; 0 = not given
	After          string // canonical stage name, or "start"
	NewName        string // name: a stage's new name

	// Currency is how Amount was read; String writes amounts back in it.
	Currency sales.Currency
}

// Limits on what users type.
const (
	MaxInput      = 4000 // characters of command text
	maxAccount    = sales.MaxAccount
	maxName       = sales.MaxName
	maxText       = sales.MaxText
	maxPage       = 10000
	helpTopicNone = ""
)

// Parser reads command text. Zero fields take defaults: the current
// time, UTC, USD and the default stages.
type Parser struct {
	Now      time.Time
	Loc      *time.Location
	Currency sales.Currency
	Stages   sales.StageSet
}

// Parse reads one slash command (command is "/deal" or "deal") in USD
// with the default stages. Service uses Parser with the configured ones.
func Parse(command, text string, now time.Time, loc *time.Location) (Cmd, error) {
	return Parser{Now: now, Loc: loc}.Parse(command, text)
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
		return Cmd{}, sales.Errorf(sales.EINVALID, "unknown command '/%s': use /deal, /goal, /pipeline, /territory or /salesbot", clip(name, 30))
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
		if err != nil && f.Verb == "" && len(head) > 0 && isPlainWord(head[0]) && !p.fits(head[0]) {
			// "/goal quartr": say every thing the word could have been.
			return Cmd{}, sales.Errorf(sales.EINVALID, "'%s' is not a person (@name), a period (%s) or an action (%s) — usage: %s",
				clip(head[0].text, 30), sales.PeriodForms, strings.Join(verbList(name), ", "), f.Usage())
		}
	}
	if err != nil {
		return Cmd{}, err
	}
	if err := p.check(f, &c); err != nil {
		return Cmd{}, err
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
func (p Parser) fits(t token) bool {
	if looksLikeUser(t) {
		return true
	}
	_, err := parsePeriod(t.text, p.Now, p.Loc)
	return err == nil
}

func bareForm(command string) *Form {
	for _, f := range forms {
		if f.Command == command && (f.Verb == "" || f.bare) {
			return f
		}
	}
	return nil
}

// matchVerb finds the form whose verb (or alias) the leading words spell,
// preferring the longest ("set team" over "set"). n is the number of
// tokens the verb used.
func matchVerb(command string, head []token) (*Form, int) {
	var words []string
	for _, t := range head {
		if t.quoted || t.ref != nil {
			break
		}
		words = append(words, strings.ToLower(t.raw))
	}
	var best *Form
	bestN := 0
	for _, f := range forms {
		if f.Command != command || f.Verb == "" {
			continue
		}
		for _, v := range append([]string{f.Verb}, f.Aliases...) {
			vw := strings.Fields(v)
			if len(vw) > len(words) || len(vw) <= bestN {
				continue
			}
			if slices.Equal(vw, words[:len(vw)]) {
				best, bestN = f, len(vw)
			}
		}
	}
	return best, bestN
}

func verbList(command string) []string {
	var vs []string
	for _, f := range forms {
		if f.Command == command && f.Verb != "" && !slices.Contains(vs, f.Verb) {
			vs = append(vs, f.Verb)
		}
	}
	return vs
}

func unknownVerb(command string, t token) error {
	w := strings.ToLower(t.text)
	vs := verbList(command)
	hint := ""
	best, bestD := "", 3
	for _, f := range forms {
		if f.Command != command || f.Verb == "" {
			continue
		}
		for _, v := range append([]string{f.Verb}, f.Aliases...) {
			if d := editDistance(w, strings.Fields(v)[0]); d < bestD {
				best, bestD = strings.Fields(f.Verb)[0], d
			}
		}
	}
	if best != "" {
		hint = " (did you mean " + best + "?)"
	}
	return sales.Errorf(sales.EINVALID, "/%s has no action '%s'%s: use %s, or /%s help",
		command, clip(t.text, 30), hint, strings.Join(vs, ", "), command)
}

// editDistance is the Levenshtein distance, for "did you mean".
func editDistance(a, b string) int {
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

// ---- help ----

// topicOf is the help topic of a form: "deal add".
func topicOf(f *Form) string {
	if f.Verb == "" || f.bare && f.Command == "salesbot" {
		return f.Command
	}
	return f.Command + " " + f.Verb
}

// parseHelp reads "help [command] [verb]" after the help word.
func (p Parser) parseHelp(c Cmd, rest string) (Cmd, error) {
	c.Verb = "help"
	toks, err := tokenize(rest)
	if err != nil {
		return Cmd{}, err
	}
	if len(toks) == 0 {
		return c, nil
	}
	topic, err := resolveTopic(c.Command, toks)
	if err != nil {
		return Cmd{}, err
	}
	c.Topic = topic
	return c, nil
}

// resolveTopic turns help words into "deal", "deal add" or "goal set team".
func resolveTopic(command string, toks []token) (string, error) {
	raw := make([]string, len(toks))
	for i, t := range toks {
		raw[i] = t.text
	}
	bad := sales.Errorf(sales.EINVALID, "no help for '%s': try /salesbot help", clip(strings.Join(raw, " "), 40))
	first := strings.ToLower(toks[0].text)
	cmd, words := command, toks
	switch {
	case strings.HasPrefix(first, "/"):
		cmd, words = strings.TrimPrefix(first, "/"), toks[1:]
		if !isCommand(cmd) {
			return "", bad
		}
	default:
		if f, n := matchVerb(command, toks); f != nil && n == len(toks) {
			return topicOf(f), nil
		}
		if !isCommand(first) {
			return "", bad
		}
		cmd, words = first, toks[1:]
	}
	if len(words) == 0 {
		return cmd, nil
	}
	f, n := matchVerb(cmd, words)
	if f == nil || n != len(words) {
		return "", bad
	}
	return topicOf(f), nil
}

// ---- options ----

// optionKey splits an unquoted key:value token.
func optionKey(t token) (key, val string, ok bool) {
	if t.quoted || t.ref != nil {
		return "", "", false
	}
	i := strings.IndexByte(t.raw, ':')
	if i < 2 {
		return "", "", false
	}
	for _, r := range t.raw[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return "", "", false
		}
	}
	return strings.ToLower(t.raw[:i]), t.raw[i+1:], true
}

// options takes the key:value options out of toks.
func (p Parser) options(f *Form, src string, toks []token, c *Cmd) ([]token, error) {
	var out []token
	seen := map[string]bool{}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		key, val, ok := optionKey(t)
		if !ok {
			out = append(out, t)
			continue
		}
		if !slices.Contains(f.options, key) {
			return nil, badOption(f, key)
		}
		if seen[key] {
			return nil, sales.Errorf(sales.EINVALID, "%s: is given twice: give it once — usage: %s", key, f.Usage())
		}
		seen[key] = true
		start := t.start + len(key) + 1
		end := t.end
		isNext := func(j int) bool {
			if j >= len(toks) {
				return false
			}
			_, _, opt := optionKey(toks[j])
			return !opt
		}
		if val == "" { // "stage: proposal"
			if !isNext(i + 1) {
				return nil, sales.Errorf(sales.EINVALID, "%s: has no value: write %s — usage: %s", key, optionUsage[key], f.Usage())
			}
			i++
			start, end = toks[i].start, toks[i].end
		}
		switch key {
		case optNote:
			// A note runs to the next option of this form or the end, so
			// "note:call re: pricing" keeps its colon.
			for i+1 < len(toks) {
				if k, _, opt := optionKey(toks[i+1]); opt && slices.Contains(f.options, k) {
					break
				}
				i++
				end = toks[i].end
			}
		case optClose:
			// "close:next friday", "close:end of month"
			if _, err := ParseDate(freeText(src[start:end]), p.Now, p.Loc); err == nil {
				break
			}
			for extra := 2; extra > 0; extra-- {
				if i+extra < len(toks) && isNext(i+1) && (extra == 1 || isNext(i+2)) {
					if _, err := ParseDate(freeText(src[start:toks[i+extra].end]), p.Now, p.Loc); err == nil {
						end = toks[i+extra].end
						i += extra
						break
					}
				}
			}
		}
		if err := p.setOption(f, key, src[start:end], c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func badOption(f *Form, key string) error {
	if len(f.options) == 0 {
		return sales.Errorf(sales.EINVALID, "%s takes no options like %s: — usage: %s (quote a name that contains a colon)", f.Name(), key, f.Usage())
	}
	names := make([]string, len(f.options))
	hint := ""
	for i, o := range f.options {
		names[i] = o + ":"
		if editDistance(key, o) <= 2 && hint == "" {
			hint = " (did you mean " + o + ":?)"
		}
	}
	return sales.Errorf(sales.EINVALID, "unknown option '%s:' for %s%s: it takes %s (quote a name that contains a colon)",
		clip(key, 20), f.Name(), hint, strings.Join(names, ", "))
}

// one reads an option value that must be a single token.
func one(key, raw string) (token, error) {
	toks, err := tokenize(raw)
	if err != nil {
		return token{}, err
	}
	if len(toks) != 1 {
		return token{}, sales.Errorf(sales.EINVALID, "%s: takes one value: quote it if it has spaces, e.g. %s:\"North America\"", key, key)
	}
	return toks[0], nil
}

func (p Parser) setOption(f *Form, key, raw string, c *Cmd) error {
	switch key {
	case optNote:
		c.Note = freeText(raw)
		return checkLen("note", c.Note, maxText)
	case optClose:
		d, err := ParseDate(freeText(raw), p.Now, p.Loc)
		if err != nil {
			return err
		}
		c.Close = d
		return nil
	}
	t, err := one(key, raw)
	if err != nil {
		return err
	}
	switch key {
	case optStage:
		s, err := p.lookupStage(t.text)
		if err != nil {
			return err
		}
		c.Stage = s.Name
	case optOwner:
		u, err := parseUser(t)
		if err != nil {
			return err
		}
		c.Owner = u
	case optTerritory:
		c.Territory = normName(t.text)
		return nonEmpty("territory", c.Territory, maxName, f)
	case optProduct:
		c.Product = normName(t.text)
		return nonEmpty("product", c.Product, maxName, f)
	case optAccount:
		c.Account = normName(t.text)
		return nonEmpty("account", c.Account, maxAccount, f)
	case optAmount:
		m, err := ParseAmount(t.text, p.Currency)
		if err != nil {
			return err
		}
		c.Amount, c.HasAmount = m, true
	case optPage:
		n, err := strconv.Atoi(t.text)
		if err != nil || n < 1 || n > maxPage {
			return sales.Errorf(sales.EINVALID, "page '%s' is not a page number: use page:2", clip(t.text, 20))
		}
		c.Page = n
	case optName:
		name, err := p.newStageName(t.text, f)
		if err != nil {
			return err
		}
		c.NewName = name
	case optProb:
		bp, err := ParsePercent(t.text)
		if err != nil {
			return err
		}
		c.Probability, c.HasProbability = bp, true
	case optStale:
		n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(t.text), "d"))
		if err != nil || n < 1 || n > maxStaleDays {
			return sales.Errorf(sales.EINVALID, "stale '%s' is not a number of days from 1 to %d: e.g. stale:21", clip(t.text, 20), maxStaleDays)
		}
		c.Stale = n
	case optAfter:
		if !t.quoted && strings.EqualFold(t.text, "start") {
			c.After = "start"
			break
		}
		st, err := p.lookupStage(t.text)
		if err != nil {
			return err
		}
		c.After = st.Name
	}
	return nil
}

// maxStaleDays bounds a stage's stale threshold (a year).
const maxStaleDays = 365

// maxStageName keeps stage names short enough for buttons and menus.
const maxStageName = 30

// newStageName checks a name for a new or renamed stage: short, and not
// a word the commands already give a meaning.
func (p Parser) newStageName(name string, f *Form) (string, error) {
	name = normName(name)
	switch {
	case name == "":
		return "", sales.Errorf(sales.EINVALID, "the stage name is empty — usage: %s", f.Usage())
	case utf8.RuneCountInString(name) > maxStageName:
		return "", sales.Errorf(sales.EINVALID, "the stage name is too long (%d characters): keep it to %d", utf8.RuneCountInString(name), maxStageName)
	case strings.EqualFold(name, "start") || strings.EqualFold(name, "none") || isDealID(token{text: name}):
		return "", sales.Errorf(sales.EINVALID, "'%s' cannot be a stage name: the commands read it as something else", clip(name, 30))
	case strings.ContainsAny(name, ":\n"):
		return "", sales.Errorf(sales.EINVALID, "a stage name cannot contain a colon or a line break: '%s'", clip(name, 30))
	}
	if _, err := ParsePercent(name); err == nil {
		return "", sales.Errorf(sales.EINVALID, "'%s' reads as a probability, not a stage name — usage: %s", clip(name, 30), f.Usage())
	}
	return name, nil
}

func checkLen(what, s string, max int) error { return sales.CheckLength(what, s, max) }

func nonEmpty(what, s string, max int, f *Form) error {
	if s == "" {
		return sales.Errorf(sales.EINVALID, "the %s is empty — usage: %s", what, f.Usage())
	}
	return checkLen(what, s, max)
}

// lookupStage finds a stage by name with an error in this package's words.
func (p Parser) lookupStage(name string) (sales.Stage, error) {
	s, err := p.Stages.Lookup(name)
	if err == nil {
		return s, nil
	}
	hint := ""
	// Suggest only a near miss: "negotation" → Negotiation, but not "foo" → Won.
	best := min(4, max(2, utf8.RuneCountInString(name)/3+1))
	for _, st := range p.Stages.Stages {
		if d := editDistance(strings.ToLower(name), strings.ToLower(st.Name)); d < best {
			best, hint = d, " (did you mean "+st.Name+"?)"
		}
	}
	if strings.TrimSpace(name) == "" {
		return sales.Stage{}, sales.Errorf(sales.EINVALID, "the stage is missing: use one of %s", p.Stages.NameList())
	}
	return sales.Stage{}, sales.Errorf(sales.EINVALID, "unknown stage '%s'%s: use one of %s", clip(name, 40), hint, p.Stages.NameList())
}

// siblings lists the forms that extend f's verb ("digest now" and
// "digest route" for "digest"), with f first; nil when there are none.
func siblings(f *Form) []string {
	var out []string
	for _, g := range forms {
		if g.Command != f.Command || g == f {
			continue
		}
		for _, v := range append([]string{f.Verb}, f.Aliases...) {
			if strings.HasPrefix(g.Verb, v+" ") {
				out = append(out, g.Usage())
				break
			}
		}
	}
	if out == nil {
		return nil
	}
	return append([]string{f.Usage()}, out...)
}

func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// periodForAmount explains "/goal set @bob 2026-Q4 50k": the right words
// in the wrong order. nil when t is not a period of a form that takes one.
func (p Parser) periodForAmount(f *Form, t token) error {
	if t.quoted || !slices.ContainsFunc(f.args, func(a arg) bool { return a.kind == argPeriod }) {
		return nil
	}
	if _, err := parsePeriod(t.text, p.Now, p.Loc); err != nil {
		return nil
	}
	return sales.Errorf(sales.EINVALID, "'%s' is a period, not an amount: the amount comes first — usage: %s", clip(t.text, 30), f.Usage())
}

// ---- positional arguments ----

// matchRaw reads forms whose last argument is free text: the arguments
// before it are single words, the rest is kept as typed.
func (p Parser) matchRaw(f *Form, rest string, c *Cmd) error {
	i := 0
	for _, a := range f.args {
		if a.kind == argText {
			c.Text = freeText(rest[i:])
			if c.Text == "" && !a.opt {
				return missing(f, a)
			}
			return checkLen("text", c.Text, maxText)
		}
		t, next, ok, err := nextToken(rest, i)
		if err != nil {
			return err
		}
		if !ok {
			return missing(f, a)
		}
		if err := p.setArg(f, a, []token{t}, c); err != nil {
			return err
		}
		i = next
	}
	return nil
}

// match assigns positional tokens to the form's arguments: the fixed ones
// before a run-of-words argument from the left, those after it from the
// right, and the middle to the run.
func (p Parser) match(f *Form, toks []token, c *Cmd) error {
	vi := -1
	for i, a := range f.args {
		if a.kind.isVar() {
			vi = i
		}
	}
	head, tail := f.args, []arg(nil)
	if vi >= 0 {
		head, tail = f.args[:vi], f.args[vi+1:]
	}
	required := func(as []arg) int {
		n := 0
		for _, a := range as {
			if !a.opt {
				n++
			}
		}
		return n
	}
	lo, hi := 0, len(toks)
	var skipped []arg

	// Too few words for a run-of-words argument and those after it: say
	// which one is missing. A last word that reads as the final argument
	// means the run is what is missing ("/deal add 5k", "/deal stage won").
	if vi >= 0 && len(tail) > 0 && hi-lo < required(f.args) {
		last := tail[len(tail)-1]
		for k := len(tail) - 1; k >= 0 && last.opt; k-- {
			last = tail[k]
		}
		switch {
		case hi-lo <= required(head):
			for _, a := range f.args {
				if !a.opt {
					return missing(f, a)
				}
			}
		case !last.opt && hi > lo && p.parses(last, toks[hi-1:hi]):
			return missing(f, f.args[vi])
		case !last.opt:
			return missing(f, last)
		}
	}

	for k, a := range head {
		after := required(head[k+1:]) + required(tail)
		if vi >= 0 && !f.args[vi].opt {
			after++
		}
		if a.kind == argUsers {
			n := 0
			for lo+n < hi && looksLikeUser(toks[lo+n]) {
				n++
			}
			if n == 0 {
				if lo < hi {
					_, err := parseUser(toks[lo])
					return err
				}
				return missing(f, a)
			}
			if err := p.setArg(f, a, toks[lo:lo+n], c); err != nil {
				return err
			}
			lo += n
			continue
		}
		if lo >= hi {
			if a.opt {
				continue
			}
			return missing(f, a)
		}
		if !p.looks(a, toks[lo:lo+1]) {
			if a.opt {
				skipped = append(skipped, a)
				continue
			}
			if a.kind == argAmount || hi-lo <= after {
				if a.kind == argAmount {
					if err := p.periodForAmount(f, toks[lo]); err != nil {
						return err
					}
				}
				return missing(f, a)
			}
		}
		if err := p.setArg(f, a, toks[lo:lo+1], c); err != nil {
			return err
		}
		lo++
	}

	minVar := 0
	if vi >= 0 && !f.args[vi].opt {
		minVar = 1
	}
	for k := len(tail) - 1; k >= 0; k-- {
		a := tail[k]
		before := required(tail[:k]) + minVar
		avail := hi - lo - before
		if a.kind == argUsers {
			n := 0
			for n < hi-lo-minVar && looksLikeUser(toks[hi-1-n]) {
				n++
			}
			if n == 0 {
				if hi-lo > minVar {
					_, err := parseUser(toks[hi-1])
					return err
				}
				return missing(f, a)
			}
			if err := p.setArg(f, a, toks[hi-n:hi], c); err != nil {
				return err
			}
			hi -= n
			continue
		}
		widths := []int{1}
		if a.kind == argDate || a.kind == argUntil || a.kind == argStage {
			// "next friday", "end of month", an unquoted "Closed Won"
			widths = []int{3, 2, 1}
		}
		taken := false
		for _, w := range widths {
			if w > avail || w > hi-lo {
				continue
			}
			span := toks[hi-w : hi]
			if w > 1 && !p.parses(a, span) {
				continue
			}
			if !p.looks(a, span) {
				if a.opt {
					continue
				}
				// "/goal set @bob 50k quartr": the amount is there, so the
				// odd word is a bad optional argument after it.
				if len(skipped) > 0 && hi-lo >= 2 && p.looks(a, toks[hi-2:hi-1]) {
					if err := p.setArg(f, skipped[0], toks[hi-1:hi], &Cmd{Currency: c.Currency}); err != nil {
						return err
					}
				}
				if a.kind == argAmount {
					return missing(f, a)
				}
			}
			if err := p.setArg(f, a, span, c); err != nil {
				return err
			}
			hi -= w
			taken = true
			break
		}
		if !taken {
			if !a.opt {
				return missing(f, a)
			}
			skipped = append(skipped, a)
		}
	}

	if vi < 0 {
		if lo < hi {
			for _, s := range skipped {
				if err := p.setArg(f, s, toks[lo:lo+1], &Cmd{Currency: c.Currency}); err != nil {
					return err
				}
			}
			if sib := siblings(f); lo == 0 && len(f.args) == 0 && len(sib) > 0 {
				// "/salesbot digest later": a sub-action that does not exist.
				return sales.Errorf(sales.EINVALID, "'%s' is not something %s does: use %s", clip(toks[lo].text, 30), f.Name(), orList(sib))
			}
			return sales.Errorf(sales.EINVALID, "unexpected '%s' — usage: %s", clip(toks[lo].text, 40), f.Usage())
		}
		return nil
	}
	if lo >= hi {
		if f.args[vi].opt {
			return nil
		}
		return missing(f, f.args[vi])
	}
	// "/deal won D-3 abc", "/deal snooze D-4 xx": an id has no spaces, so
	// the words after it were meant as the optional argument; say what is
	// wrong with them rather than that no deal is called "D-3 abc".
	if k := f.args[vi].kind; (k == argDeal || k == argDealOne) && hi-lo > 1 && isDealID(toks[lo]) && len(skipped) > 0 {
		if err := p.setArg(f, skipped[0], toks[lo+1:hi], &Cmd{Currency: c.Currency}); err != nil {
			return err
		}
		return sales.Errorf(sales.EINVALID, "unexpected '%s' — usage: %s", clip(toks[hi-1].text, 40), f.Usage())
	}
	return p.setArg(f, f.args[vi], toks[lo:hi], c)
}

// looks says whether a span is plausibly meant as argument a, so optional
// arguments take only what is theirs.
func (p Parser) looks(a arg, span []token) bool {
	t := span[0]
	switch a.kind {
	case argAmount:
		return looksLikeAmount(t)
	case argUser, argUsers:
		return looksLikeUser(t)
	case argManager:
		return looksLikeUser(t) || !t.quoted && strings.EqualFold(t.raw, "none")
	case argWho:
		if looksLikeUser(t) {
			return true
		}
		_, ok := whoWords[strings.ToLower(t.raw)]
		return !t.quoted && ok
	case argPeriod:
		return p.parses(a, span) || !t.quoted && len(t.text) > 0 && t.text[0] >= '0' && t.text[0] <= '9'
	case argPercent:
		return !t.quoted && t.text != "" && strings.ContainsRune("0123456789.", rune(t.text[0]))
	case argUntil:
		return p.parses(a, span) || len(span) == 1 && !t.quoted && t.text != "" && strings.ContainsRune("+0123456789", rune(t.text[0]))
	}
	return true
}

// parses says whether a span reads as argument a without error.
func (p Parser) parses(a arg, span []token) bool {
	var c Cmd
	c.Currency = p.Currency
	return p.setArg(&Form{}, a, span, &c) == nil
}

var whoWords = map[string]Scope{
	"all": ScopeAll, "everyone": ScopeAll, "company": ScopeAll, "team": ScopeTeam, "mine": ScopeSelf, "me": ScopeSelf,
}

func joinText(span []token) string {
	parts := make([]string, len(span))
	for i, t := range span {
		parts[i] = t.text
	}
	return normName(strings.Join(parts, " "))
}

// notPerson rejects a mention inside a name, which is nearly always a
// misplaced owner or assignee.
func notPerson(f *Form, span []token, what string) error {
	if len(span) == 1 && span[0].quoted {
		return nil
	}
	for _, t := range span {
		if looksLikeUser(t) && !strings.EqualFold(t.raw, "me") {
			hint := "quote the name if the @ belongs in it"
			if slices.Contains(f.options, optOwner) {
				hint = "for someone else's deal add owner:" + t.text + ", or quote the name if the @ belongs in it"
			}
			return sales.Errorf(sales.EINVALID, "'%s' is a person, not part of the %s: %s — usage: %s", clip(t.text, 40), what, hint, f.Usage())
		}
	}
	return nil
}

func (p Parser) setArg(f *Form, a arg, span []token, c *Cmd) error {
	t := span[0]
	switch a.kind {
	case argDeal, argDealOne:
		if len(span) == 1 && isDealID(t) {
			id, _ := sales.ParseDealID(t.text)
			c.Deal = DealRef{ID: id}
			return nil
		}
		if err := notPerson(f, span, "deal"); err != nil {
			return err
		}
		name := joinText(span)
		if name == "" {
			return missing(f, a)
		}
		c.Deal = DealRef{Name: name}
		return checkLen("deal name", name, maxAccount)
	case argAccount:
		if err := notPerson(f, span, "account name"); err != nil {
			return err
		}
		c.Account = joinText(span)
		if c.Account == "" {
			return missing(f, a)
		}
		return checkLen("account name", c.Account, maxAccount)
	case argTerritory:
		if err := notPerson(f, span, "territory name"); err != nil {
			return err
		}
		c.Territory = joinText(span)
		if c.Territory == "" {
			return missing(f, a)
		}
		return checkLen("territory name", c.Territory, maxName)
	case argName:
		c.Text = joinText(span)
		if c.Text == "" {
			return missing(f, a)
		}
		return checkLen("name", c.Text, maxName)
	case argStageName:
		name, err := p.newStageName(joinText(span), f)
		if err != nil {
			return err
		}
		c.Text = name
	case argPercent:
		bp, err := ParsePercent(t.text)
		if err != nil {
			return err
		}
		c.Probability, c.HasProbability = bp, true
	case argAmount:
		m, err := ParseAmount(t.text, p.Currency)
		if err != nil {
			if perr := p.periodForAmount(f, t); perr != nil {
				return perr
			}
			return err
		}
		c.Amount, c.HasAmount = m, true
	case argStage:
		s, err := p.lookupStage(joinText(span))
		if err != nil {
			return err
		}
		c.Stage = s.Name
	case argDate:
		d, err := ParseDate(joinText(span), p.Now, p.Loc)
		if err != nil {
			return err
		}
		c.Close = d
	case argUntil:
		d, err := p.parseUntil(joinText(span))
		if err != nil {
			return err
		}
		c.Until = d
	case argUser:
		u, err := parseUser(t)
		if err != nil {
			return err
		}
		c.User = u
		if f.Verb == "" && (f.Command == "goal" || f.Command == "pipeline") {
			c.Scope = ScopeUser
		}
	case argUsers:
		for _, t := range span {
			u, err := parseUser(t)
			if err != nil {
				return err
			}
			if !slices.Contains(c.Users, u) {
				c.Users = append(c.Users, u)
			}
		}
	case argManager:
		if !t.quoted && strings.EqualFold(t.raw, "none") {
			c.NoManager = true
			return nil
		}
		u, err := parseUser(t)
		if err != nil {
			return err
		}
		c.Manager = u
	case argChannel:
		ch, err := parseChannel(t)
		if err != nil {
			return err
		}
		c.Channel = ch
	case argPeriod:
		per, err := parsePeriod(t.text, p.Now, p.Loc)
		if err != nil {
			return err
		}
		c.Period = per
	case argRole:
		r, err := sales.ParseRole(t.text)
		if err != nil || t.quoted {
			return sales.Errorf(sales.EINVALID, "unknown role '%s': use admin, manager or rep — usage: %s", clip(t.text, 30), f.Usage())
		}
		c.Role = r
	case argOnOff:
		switch strings.ToLower(t.text) {
		case "on", "yes", "true", "enable", "enabled":
			c.On = true
		case "off", "no", "false", "disable", "disabled":
			c.On = false
		default:
			return sales.Errorf(sales.EINVALID, "'%s' is not on or off — usage: %s", clip(t.text, 30), f.Usage())
		}
	case argWho:
		if looksLikeUser(t) && !strings.EqualFold(t.raw, "me") {
			u, err := parseUser(t)
			if err != nil {
				return err
			}
			c.User, c.Scope = u, ScopeUser
			return nil
		}
		s, ok := whoWords[strings.ToLower(t.raw)]
		if !ok || t.quoted {
			return sales.Errorf(sales.EINVALID, "'%s' is not @someone, all or team — usage: %s", clip(t.text, 30), f.Usage())
		}
		c.Scope = s
	default:
		return sales.Errorf(sales.EINTERNAL, "argument kind %d has no reader", a.kind)
	}
	return nil
}

// parseUntil reads a snooze length (7d, 2w, 1m) or a date; it must be in
// the future.
func (p Parser) parseUntil(s string) (time.Time, error) {
	today := civil(p.Now, p.Loc)
	d, ok, err := parseOffset(strings.ToLower(s), today, s)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		d, err = ParseDate(s, p.Now, p.Loc)
		if err != nil {
			return time.Time{}, sales.Errorf(sales.EINVALID, "snooze '%s' is not a length or a date: use 7d, 2w, 1m or a date like %s",
				clip(s, 30), today.AddDate(0, 0, 7).Format("2006-01-02"))
		}
	}
	if !d.After(today) {
		return time.Time{}, sales.Errorf(sales.EINVALID, "snooze until %s is not in the future: use 7d, 2w or a later date", FormatDate(d))
	}
	return d, nil
}

// argNames say what a missing argument is.
var argNames = map[argKind]string{
	argDeal: "the deal (its id like D-42, or its account name)", argDealOne: "the deal (its id like D-42, or its account name)",
	argAccount: "the account name", argAmount: "the amount", argStage: "the stage", argDate: "the date",
	argUntil: "the snooze length", argText: "the text", argUser: "the person (@name)", argUsers: "the people (@name ...)",
	argManager: "the manager (@name or none)", argTerritory: "the territory name", argName: "the imported name",
	argChannel: "the channel", argPeriod: "the period", argRole: "the role", argOnOff: "on or off", argWho: "whose deals",
	argStageName: "the new stage's name", argPercent: "the win probability (like 40%)",
}

func missing(f *Form, a arg) error {
	verb := "is"
	if a.kind == argUsers {
		verb = "are"
	}
	return sales.Errorf(sales.EINVALID, "%s %s missing — usage: %s", argNames[a.kind], verb, f.Usage())
}

// check applies the rules that span several fields.
func (p Parser) check(f *Form, c *Cmd) error {
	switch {
	case f.Command == "deal" && f.Verb == "set":
		if c.Account == "" && !c.HasAmount && c.Stage == "" && c.Close.IsZero() && c.Owner.IsZero() &&
			c.Territory == "" && c.Product == "" && c.Note == "" {
			return sales.Errorf(sales.EINVALID, "nothing to change — usage: %s", f.Usage())
		}
	case f.Command == "deal" && f.Verb == "won":
		if c.HasAmount && c.Amount <= 0 {
			return sales.Errorf(sales.EINVALID, "a won amount must be more than zero — usage: %s", f.Usage())
		}
	case f.Command == "goal" && strings.HasPrefix(f.Verb, "set"):
		if c.Amount <= 0 {
			return sales.Errorf(sales.EINVALID, "a quota must be more than zero — usage: %s", f.Usage())
		}
	}
	return nil
}

// ---- writing commands back ----

// String renders the command as canonical text that Parse reads back to
// an equal Cmd: "/deal add "Acme Corp" 12000 stage:Proposal".
func (c Cmd) String() string {
	if c.Verb == "help" {
		s := "/" + c.Command + " help"
		if c.Topic == "" {
			return s
		}
		tc, tv, _ := strings.Cut(c.Topic, " ")
		if tc == c.Command && tv != "" {
			return s + " " + tv
		}
		return s + " /" + c.Topic
	}
	f := lookupForm(c.Command, c.Verb)
	if f == nil {
		return strings.TrimSpace("/" + c.Command + " " + c.Verb)
	}
	parts := []string{"/" + c.Command}
	if f.Verb != "" {
		parts = append(parts, f.Verb)
	}
	for _, a := range f.args {
		if s := c.render(a); s != "" {
			parts = append(parts, s)
		}
	}
	for _, o := range optionOrder {
		if !slices.Contains(f.options, o) {
			continue
		}
		if s := c.renderOption(o); s != "" {
			parts = append(parts, o+":"+s)
		}
	}
	return strings.Join(parts, " ")
}

func (c Cmd) render(a arg) string {
	switch a.kind {
	case argDeal, argDealOne:
		if c.Deal.IsZero() {
			return ""
		}
		return c.Deal.String()
	case argAccount:
		return quote(c.Account)
	case argAmount:
		if !c.HasAmount {
			return ""
		}
		return FormatAmount(c.Amount, c.Currency.Decimals)
	case argStage:
		return word(c.Stage)
	case argDate:
		return FormatDate(c.Close)
	case argUntil:
		if c.Until.IsZero() {
			return ""
		}
		return FormatDate(c.Until)
	case argText:
		if c.Text == "" {
			return ""
		}
		return quote(c.Text)
	case argUser:
		return c.User.String()
	case argUsers:
		us := make([]string, len(c.Users))
		for i, u := range c.Users {
			us[i] = u.String()
		}
		return strings.Join(us, " ")
	case argManager:
		if c.NoManager {
			return "none"
		}
		return c.Manager.String()
	case argTerritory:
		return quote(c.Territory)
	case argName, argStageName:
		return quote(c.Text)
	case argPercent:
		if !c.HasProbability {
			return ""
		}
		return FormatPercent(c.Probability)
	case argChannel:
		return c.Channel.String()
	case argPeriod:
		if c.Period.Kind == 0 {
			return ""
		}
		return c.Period.Key()
	case argRole:
		return c.Role.String()
	case argOnOff:
		if c.On {
			return "on"
		}
		return "off"
	case argWho:
		switch c.Scope {
		case ScopeUser:
			return c.User.String()
		case ScopeAll:
			return "all"
		case ScopeTeam:
			return "team"
		}
	}
	return ""
}

func (c Cmd) renderOption(o string) string {
	switch o {
	case optStage:
		if c.Stage != "" {
			return word(c.Stage)
		}
	case optClose:
		if !c.Close.IsZero() {
			return FormatDate(c.Close)
		}
	case optOwner:
		return c.Owner.String()
	case optTerritory:
		if c.Territory != "" {
			return quote(c.Territory)
		}
	case optProduct:
		if c.Product != "" {
			return quote(c.Product)
		}
	case optNote:
		if c.Note != "" {
			return quote(c.Note)
		}
	case optAmount:
		if c.HasAmount {
			return FormatAmount(c.Amount, c.Currency.Decimals)
		}
	case optAccount:
		if c.Account != "" {
			return quote(c.Account)
		}
	case optPage:
		if c.Page > 0 {
			return strconv.Itoa(c.Page)
		}
	case optName:
		if c.NewName != "" {
			return quote(c.NewName)
		}
	case optProb:
		if c.HasProbability {
			return FormatPercent(c.Probability)
		}
	case optStale:
		if c.Stale > 0 {
			return strconv.Itoa(c.Stale)
		}
	case optAfter:
		if c.After != "" {
			return word(c.After)
		}
	}
	return ""
}

// Name is the command and verb, for logs and metrics: "deal add".
func (c Cmd) Name() string {
	if c.Verb == "" {
		return c.Command
	}
	return c.Command + " " + c.Verb
}

var _ fmt.Stringer = Cmd{}
