package manifest_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/salesbot/salesbot/"

// The layering the README's architecture describes, checked on the
// non-test files of every package: a package listed in only may import
// those of salesbot's packages and nothing else of ours; the third-party
// families in owners may be imported only by the packages listed there.
var (
	only = map[string][]string{
		"sales":          {},
		"csvsafe":        {},
		"forecast":       {"sales"},
		"report":         {"sales", "forecast"},
		"transfer":       {"sales"},
		"commands":       {"sales", "report", "forecast"},
		"storage":        {"sales"},
		"outbox":         {"sales"},
		"digest":         {"sales", "report", "forecast"},
		"bot":            {"sales", "commands", "digest", "outbox", "bot/blocks"},
		"bot/blocks":     {"sales", "commands", "digest", "csvsafe", "forecast"},
		"bot/slacktest":  {},
		"storage/online": {"sales", "storage"},
	}
	owners = map[string][]string{
		"go.etcd.io/bbolt":           {"storage"},
		"github.com/slack-go/slack":  {"bot", "bot/blocks", "outbox", "cmd/loadtest"},
		"github.com/robfig/cron":     {"digest", "app"},
		"github.com/kelseyhightower": {"app"},
	}
)

func TestPackageImportsFollowTheLayers(t *testing.T) {
	imports := packageImports(t, "..")
	for pkg, allowed := range only {
		if _, ok := imports[pkg]; !ok {
			t.Errorf("package %s is in the layer table but not in the tree", pkg)
		}
		for _, imp := range imports[pkg] {
			if own, ok := strings.CutPrefix(imp, module); ok && !slices.Contains(allowed, own) {
				t.Errorf("%s imports %s; it may import only %v of salesbot's packages", pkg, own, allowed)
			}
		}
	}
	for pkg, imps := range imports {
		for _, imp := range imps {
			for family, who := range owners {
				if strings.HasPrefix(imp, family) && !slices.Contains(who, pkg) {
					t.Errorf("%s imports %s; only %v may", pkg, imp, who)
				}
			}
		}
	}
}

// packageImports maps each package directory under root (slash-separated,
// relative) to the imports of its non-test files.
func packageImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		for _, s := range f.Imports {
			imp, err := strconv.Unquote(s.Path.Value)
			if err != nil {
				return err
			}
			if !slices.Contains(out[pkg], imp) {
				out[pkg] = append(out[pkg], imp)
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
