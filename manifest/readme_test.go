package manifest_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/commands"
)

// TestReadmeIsInSync keeps the README's references complete: every
// slash-command form of the parser's table, every environment variable
// of app.Config and every CLI subcommand must appear in it.
func TestReadmeIsInSync(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, f := range commands.Forms() {
		// Tables escape the pipe.
		if u := strings.ReplaceAll(f.Usage(), "|", `\|`); !strings.Contains(readme, "`"+u+"`") {
			t.Errorf("README lacks the form `%s`", u)
		}
	}
	ct := reflect.TypeOf(app.Config{})
	for i := 0; i < ct.NumField(); i++ {
		if v := ct.Field(i).Tag.Get("envconfig"); v != "" && !strings.Contains(readme, "| `"+v+"` |") {
			t.Errorf("README's configuration table lacks %s", v)
		}
	}
	for _, c := range []string{"run", "demo", "import", "export", "report", "digest --print", "backup", "seed"} {
		if !strings.Contains(readme, "`salesbot "+c) {
			t.Errorf("README's CLI reference lacks salesbot %s", c)
		}
	}
	for _, cmd := range []string{"go run ./cmd/salesbot demo", "go test ./..."} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README's quick start lacks %q", cmd)
		}
	}
}
