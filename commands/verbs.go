package commands

import (
	"slices"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

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
		if f.Command != command || f.Verb == "" || f.activityGoal {
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
			if d := sales.EditDistance(w, strings.Fields(v)[0]); d < bestD {
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
