package commands

import (
	"slices"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// matchRaw reads forms whose last argument is free text: the arguments
// before it are single words, the rest is kept as typed.
func (p Parser) matchRaw(f *Form, rest string, c *Cmd) error {
	i := 0
	for _, a := range f.args {
		if a.kind == argText {
			text := rest[i:]
			if len(f.options) > 0 {
				var err error
				if text, err = p.trailingOptions(f, text, c); err != nil {
					return err
				}
			}
			c.Text = freeText(text)
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

// trailingOptions reads the options of a free-text form ("/deal next D-4
// send proposal due:fri"): they start at the first word that is one of
// the form's option keys and run to the end. It returns the text before
// them. Other key:value words ("re:pricing") stay part of the text.
func (p Parser) trailingOptions(f *Form, text string, c *Cmd) (string, error) {
	for j := 0; ; {
		t, next, ok, err := nextToken(text, j)
		if err != nil || !ok {
			return text, nil // a lone quote in free text: no options after it
		}
		if key, _, opt := optionKey(t, f); opt && slices.Contains(f.options, key) {
			opts := text[t.start:]
			toks, err := tokenize(opts)
			if err != nil {
				return "", err
			}
			left, err := p.options(f, opts, toks, c)
			if err != nil {
				return "", err
			}
			if len(left) > 0 {
				return "", sales.Errorf(sales.EINVALID, "unexpected '%s' after the options: options come last — usage: %s", clip(left[0].text, 40), f.Usage())
			}
			return text[:t.start], nil
		}
		j = next
	}
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
		case !last.opt && hi > lo && p.parses(last.kind, toks[hi-1:hi]):
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
		if a.kind == argBest {
			// "best <amount>": two words, the keyword first.
			if lo < hi && p.looks(a, toks[lo:min(lo+2, hi)]) {
				if err := p.setArg(f, a, toks[lo:lo+2], c); err != nil {
					return err
				}
				lo += 2
			} else if lo < hi && strings.EqualFold(toks[lo].text, "best") {
				return p.setArg(f, a, toks[lo:lo+1], c) // says how to write it
			}
			continue
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
			if w > 1 && !p.parses(a.kind, span) {
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
	if l := kindOf(a.kind).looks; l != nil {
		return l(p, span)
	}
	return true
}

// parses says whether a span reads as a value of kind k without error.
func (p Parser) parses(k argKind, span []token) bool {
	c := Cmd{Currency: p.Currency}
	return p.setArg(&Form{}, arg{kind: k}, span, &c) == nil
}

// setArg reads positional words into the field of a's kind.
func (p Parser) setArg(f *Form, a arg, span []token, c *Cmd) error {
	read := kindOf(a.kind).read
	if read == nil {
		return sales.Errorf(sales.EINTERNAL, "argument kind %d has no reader", a.kind)
	}
	return read(p, f, a, span, c)
}
