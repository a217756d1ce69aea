package commands

import (
	"slices"
	"strings"
)

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
	f := formOf(c)
	if f == nil {
		return strings.TrimSpace("/" + c.Command + " " + c.Verb)
	}
	parts := []string{"/" + c.Command}
	if f.Verb != "" {
		parts = append(parts, f.Verb)
	}
	for _, a := range f.args {
		if s := kindOf(a.kind).write(c); s != "" {
			parts = append(parts, s)
		}
	}
	for _, o := range optionOrder {
		if !slices.Contains(f.options, o) {
			continue
		}
		if s := kindOf(options[o].kind).write(c); s != "" {
			parts = append(parts, o+":"+s)
		}
	}
	return strings.Join(parts, " ")
}
