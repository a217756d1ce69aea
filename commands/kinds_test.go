package commands

import "testing"

// TestKindTable checks the value-kind table covers what the form table
// uses: every positional argument's kind reads and writes, every option's
// kind reads as an option and writes, and each names what is missing.
func TestKindTable(t *testing.T) {
	for _, f := range forms {
		for _, a := range f.args {
			k := kinds[a.kind]
			switch {
			case k == nil:
				t.Errorf("%s: argument %s has kind %d, which has no row", f.Name(), a.label, a.kind)
			case k.write == nil || k.what == "":
				t.Errorf("%s: kind of %s has no writer or name", f.Name(), a.label)
			case k.read == nil && a.kind != argText && a.kind != argTopic:
				t.Errorf("%s: kind of %s cannot be read positionally", f.Name(), a.label)
			}
		}
		for _, o := range f.options {
			opt, ok := options[o]
			if !ok {
				t.Errorf("%s: option %s: is not in the options table", f.Name(), o)
				continue
			}
			if k := kinds[opt.kind]; k == nil || k.option == nil || k.write == nil {
				t.Errorf("%s: option %s: has a kind that cannot be read as an option or written", f.Name(), o)
			}
		}
	}
	if len(optionOrder) != len(options) {
		t.Errorf("optionOrder has %d options, the table %d", len(optionOrder), len(options))
	}
}
