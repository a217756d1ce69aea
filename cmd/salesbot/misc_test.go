package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupThenOpenTheCopy(t *testing.T) {
	e := seeded(t, 300)
	copyPath := filepath.Join(e.dir, "copy.db")
	r := e.must(BackupCmd, copyPath)
	if !strings.Contains(r.stdout, "backed up") {
		t.Errorf("%s", r)
	}
	want := e.must(ExportCmd, "deals").stdout

	// The copy is a complete database: same deals, same export.
	db, done := e.open(copyPath)
	n, err := db.CountDeals(context.Background())
	done()
	if err != nil || n != 300 {
		t.Fatalf("copy has %d deals (%v), want 300", n, err)
	}
	if got := e.must(ExportCmd, "deals", "--db", copyPath).stdout; got != want {
		t.Errorf("the copy exports differently:\n%s", firstDiff(want, got))
	}

	// An existing file is kept unless --force; the database itself never.
	if r := e.run(BackupCmd, copyPath); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("backup over an existing file: %s", r)
	}
	e.must(BackupCmd, "--force", copyPath)
	if r := e.run(BackupCmd, "--force", e.db); r.code != 1 || !strings.Contains(r.stderr, "database itself") {
		t.Errorf("backup onto the database: %s", r)
	}
	if r := e.run(BackupCmd); r.code != 2 {
		t.Errorf("backup without a file: %s", r)
	}
}

func TestBackupWhileDatabaseIsOpen(t *testing.T) {
	// The bot holds the file open; a second process gets a clear error
	// after the lock timeout instead of hanging.
	e := seeded(t, 10)
	_, done := e.open(e.db)
	defer done()
	r := e.run(BackupCmd, filepath.Join(e.dir, "b.db"))
	if r.code != 1 || !strings.Contains(strings.ToLower(r.stderr), "in use") {
		t.Errorf("backup of a locked database: %s", r)
	}
}

func TestSeedCommand(t *testing.T) {
	e := newEnv(t)
	r := e.must(SeedCmd, "--deals", "250", "--reps", "5", "--seed", "9")
	if !strings.Contains(r.stdout, "seeded") || !strings.Contains(r.stdout, "250 deals") {
		t.Errorf("%s", r)
	}
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("progress bar drawn into a pipe: %q", r.stderr)
	}
	// Same seed, same data: two files export identically (dates are
	// relative to now, so compare everything but timestamps' seconds).
	other := filepath.Join(e.dir, "other.db")
	e.must(SeedCmd, "--deals", "250", "--reps", "5", "--seed", "9", "--db", other)
	a := e.must(ExportCmd, "team").stdout
	b := e.must(ExportCmd, "team", "--db", other).stdout
	if a != b {
		t.Errorf("same seed, different team:\n%s", firstDiff(a, b))
	}
	// Seeding real data is refused.
	if r := e.run(SeedCmd, "--deals", "10"); r.code != 1 || !strings.Contains(r.stderr, "already has 250 deals") {
		t.Errorf("second seed: %s", r)
	}
	for _, args := range [][]string{{"--deals", "-1"}, {"--reps", "0"}, {"--deals", "x"}, {"extra"}} {
		if r := e.run(SeedCmd, args...); r.code != 2 {
			t.Errorf("%v: %s", args, r)
		}
	}
}

func TestDigestPrint(t *testing.T) {
	e := seeded(t, 200)
	r := e.must(DigestCmd, "--print")
	if len(r.stdout) < 200 || !strings.Contains(r.stdout, "Prospecting") {
		t.Errorf("digest:\n%s", r)
	}
	if r := e.run(DigestCmd); r.code != 2 || !strings.Contains(r.stderr, "--print") {
		t.Errorf("digest without --print: %s", r)
	}
}

func TestConfigErrors(t *testing.T) {
	const secret = "xoxp-1234-SECRET-VALUE"
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SALESBOT_TIMEZONE": "Mars/Olympus"}, `SALESBOT_TIMEZONE="Mars/Olympus" is not an IANA time zone`},
		{map[string]string{"SALESBOT_DIGEST_SCHEDULE": "every morning"}, `SALESBOT_DIGEST_SCHEDULE="every morning" is not a schedule`},
		{map[string]string{"SALESBOT_NUDGE_SCHEDULE": "0 9 * *"}, `SALESBOT_NUDGE_SCHEDULE="0 9 * *" is not a schedule`},
		{map[string]string{"SALESBOT_CURRENCY": "dollars"}, "SALESBOT_CURRENCY"},
		{map[string]string{"SLACK_BOT_TOKEN": secret}, "SLACK_BOT_TOKEN must be a bot token starting with xoxb-"},
		{map[string]string{"SLACK_APP_TOKEN": secret}, "SLACK_APP_TOKEN must be an app-level token starting with xapp-"},
	} {
		e := newEnv(t)
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		for name, fn := range map[string]cliFunc{"report": ReportCmd, "seed": SeedCmd, "run": runCmd} {
			r := e.run(fn)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%s with %v: want exit 2 with %q\n%s", name, tc.env, tc.want, r)
			}
			if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("%s: the error is not one line:\n%s", name, r.stderr)
			}
			if strings.Contains(r.stderr+r.stdout, "SECRET") {
				t.Errorf("%s: a token was echoed:\n%s", name, r)
			}
		}
		if _, err := os.Stat(e.db); err == nil {
			t.Errorf("%v: a database was created despite the bad configuration", tc.env)
		}
	}
}

// runCmd adapts RunConfig (what `salesbot run` checks before it
// starts the bot) to the CLI shape.
func runCmd(_ context.Context, args []string, _ io.Reader, _, stderr io.Writer) int {
	_, code := RunConfig(args, stderr)
	return code
}

func TestRunWithoutTokens(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		missing string
	}{
		{nil, "SLACK_APP_TOKEN"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1-A1-1-abc"}, "SLACK_BOT_TOKEN"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-abc"}, "SLACK_APP_TOKEN"},
	} {
		newEnv(t)
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		var stderr bytes.Buffer
		_, code := RunConfig(nil, &stderr)
		msg := stderr.String()
		if code != 2 || !strings.HasPrefix(msg, "salesbot run: "+tc.missing+" is not set") ||
			!strings.Contains(msg, "salesbot demo") || strings.Count(msg, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", tc.env, code, msg)
		}
		if strings.Contains(msg, "abc") {
			t.Errorf("token echoed: %q", msg)
		}
	}
	newEnv(t)
	t.Setenv("SLACK_APP_TOKEN", "xapp-1-A1-1-abc")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-1-abc")
	var stderr bytes.Buffer
	cfg, code := RunConfig([]string{"--db", "/tmp/x.db"}, &stderr)
	if code != -1 || cfg.DB != "/tmp/x.db" || cfg.Loc == nil {
		t.Errorf("valid config: code %d, cfg %+v, stderr %q", code, cfg, stderr.String())
	}
}
