package digest_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n--- got\n%s", path, got)
	}
}

func TestDigestText(t *testing.T) {
	for _, fx := range digesttest.Fixtures {
		t.Run(fx.Name, func(t *testing.T) {
			s, _, _ := digesttest.Setup(t, fx, nil)
			d, err := s.Build(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "text_"+fx.Name, []byte(digest.Text(d)))
		})
		t.Run(fx.Name+"/nudges", func(t *testing.T) {
			s, db, clock := digesttest.Setup(t, fx, nil)
			var b strings.Builder
			for _, n := range digesttest.Nudges(t, s, db, clock.Now(), 3) {
				b.WriteString(digest.NudgeText(n))
				b.WriteString("\n-----\n")
			}
			if b.Len() == 0 {
				b.WriteString("(no nudge: nothing useful to say)\n")
			}
			golden(t, "text_nudge_"+fx.Name, []byte(b.String()))
		})
	}
}
