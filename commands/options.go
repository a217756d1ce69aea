package commands

import (
	"slices"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// optionKey splits an unquoted key:value token. key=value is read the
// same way when the key names one of f's options ("stage=won" is what
// people type after a web form): elsewhere "=" stays part of the word, so
// an account "A=B" or a call note "close=next week" is not taken apart.
func optionKey(t token, f *Form) (key, val string, ok bool) {
	if t.quoted || t.ref != nil {
		return "", "", false
	}
	i := strings.IndexAny(t.raw, ":=")
	if i < 2 {
		return "", "", false
	}
	for _, r := range t.raw[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return "", "", false
		}
	}
	key = strings.ToLower(t.raw[:i])
	if t.raw[i] == '=' && !slices.Contains(f.options, key) {
		return "", "", false
	}
	return key, t.raw[i+1:], true
}

// options takes the key:value options out of toks.
func (p Parser) options(f *Form, src string, toks []token, c *Cmd) ([]token, error) {
	var out []token
	seen := map[string]bool{}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		key, val, ok := optionKey(t, f)
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
			_, _, opt := optionKey(toks[j], f)
			return !opt
		}
		if val == "" { // "stage: proposal"
			if !isNext(i + 1) {
				return nil, sales.Errorf(sales.EINVALID, "%s: has no value: write %s — usage: %s", key, options[key].usage, f.Usage())
			}
			i++
			start, end = toks[i].start, toks[i].end
		}
		switch kindOf(options[key].kind).span {
		case spanToNext:
			// A note runs to the next option of this form or the end, so
			// "note:call re: pricing" keeps its colon.
			for i+1 < len(toks) {
				if k, _, opt := optionKey(toks[i+1], f); opt && slices.Contains(f.options, k) {
					break
				}
				i++
				end = toks[i].end
			}
		case spanDate:
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
		if sales.EditDistance(key, o) <= 2 && hint == "" {
			hint = " (did you mean " + o + ":?)"
		}
	}
	return sales.Errorf(sales.EINVALID, "unknown option '%s:' for %s%s: it takes %s (quote a name that contains a colon)",
		clip(key, 20), f.Name(), hint, strings.Join(names, ", "))
}

// setOption reads one option's value with its kind.
func (p Parser) setOption(f *Form, key, raw string, c *Cmd) error {
	return kindOf(options[key].kind).option(p, f, key, raw, c)
}

// Options (key:value) a form may take.
const (
	optStage     = "stage"
	optClose     = "close"
	optOwner     = "owner"
	optTerritory = "territory"
	optProduct   = "product"
	optNote      = "note"
	optAmount    = "amount"
	optAccount   = "account"
	optPage      = "page"
	optProb      = "probability"
	optStale     = "stale"
	optName      = "name"
	optAfter     = "after"
	optForecast  = "forecast"
	optDue       = "due"
	optPush      = "push"
)

// option is an option key's kind and usage.
type option struct {
	kind  argKind
	usage string
}

var options = map[string]option{
	optStage:     {argStage, "stage:<stage>"},
	optClose:     {argDate, "close:<date>"},
	optOwner:     {kindOwner, "owner:@user"},
	optTerritory: {argTerritory, "territory:<name>"},
	optProduct:   {kindProduct, "product:<name>"},
	optNote:      {kindNote, "note:<text>"},
	optAmount:    {argAmount, "amount:<amount>"},
	optAccount:   {argAccount, "account:<name>"},
	optPage:      {kindPage, "page:<n>"},
	optName:      {kindNewName, "name:<new name>"},
	optProb:      {argPercent, "probability:<n%>"},
	optStale:     {kindStale, "stale:<days>"},
	optAfter:     {kindAfter, "after:<stage>|start"},
	optForecast:  {kindForecast, "forecast:commit|best|pipeline|omitted|default"},
	optDue:       {kindDue, "due:<date>"},
	optPush:      {kindPush, "push:7d|1w"},
}

// optionOrder is the order options are written in by Cmd.String.
var optionOrder = []string{optAccount, optAmount, optStage, optClose, optOwner, optTerritory, optProduct, optForecast, optNote, optDue, optPush, optPage,
	optName, optProb, optStale, optAfter}

// single reads an option value that must be one token.
func single(read func(p Parser, f *Form, t token, c *Cmd) error) func(p Parser, f *Form, key, raw string, c *Cmd) error {
	return func(p Parser, f *Form, key, raw string, c *Cmd) error {
		t, err := one(key, raw)
		if err != nil {
			return err
		}
		return read(p, f, t, c)
	}
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
