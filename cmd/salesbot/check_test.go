package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCmd: check says ok for a sound database or backup and one
// "damaged" line (exit 1) for a cut-short or foreign file; run on a
// damaged file exits 1 with that line instead of panicking.
func TestCheckCmd(t *testing.T) {
	e := seeded(t, 30)
	if r := e.must(CheckCmd); !strings.Contains(r.stdout, "ok (30 deals") {
		t.Errorf("%s", r)
	}
	backup := filepath.Join(e.dir, "b.db")
	e.must(BackupCmd, backup)
	if r := e.must(CheckCmd, backup); !strings.HasPrefix(r.stdout, backup+": ok") {
		t.Errorf("%s", r)
	}

	fi, _ := os.Stat(backup)
	if err := os.Truncate(backup, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	notDB := e.file("deals.csv", strings.Repeat("account,amount\nAcme,5k\n", 500))
	for _, path := range []string{backup, notDB} {
		r := e.run(CheckCmd, path)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "is damaged") ||
			!strings.Contains(r.stderr, "restore from a backup") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("check %s: %s", path, r)
		}
	}
	if r := e.run(CheckCmd, filepath.Join(e.dir, "none.db")); r.code != 1 || !strings.Contains(r.stderr, "none.db") {
		t.Errorf("missing file: %s", r)
	}

	t.Setenv("SLACK_APP_TOKEN", "xapp-1-A-1-x")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-1-x")
	r := e.run(RunCmd, "--db", backup)
	if r.code != 1 || !strings.Contains(r.stderr, "is damaged") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("run on a damaged file: %s", r)
	}
}
