package demo

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every emoji shortcode the bot, the digest and the commands write has a
// terminal rendering in the demo, so the demo never prints ":seedling:".
func TestDemoRendersEveryEmoji(t *testing.T) {
	re := regexp.MustCompile(`:[a-z][a-z0-9_+-]{2,}:`)
	for _, dir := range []string{"../bot", "../digest", "../commands"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range re.FindAllString(string(src), -1) {
				if emoji.Replace(code) == code {
					t.Errorf("%s writes %s, which the demo prints as is", f, code)
				}
			}
		}
	}
}
