package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func clearEnv(t *testing.T) {
	for _, v := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SALESBOT_TIMEZONE", "SALESBOT_DIGEST_SCHEDULE",
		"SALESBOT_NUDGE_SCHEDULE", "SALESBOT_CURRENCY", "SLACK_API_URL", "SALESBOT_ADMINS",
		"SALESBOT_DIGEST_CHANNEL", "SALESBOT_WINS_CHANNEL", "SALESBOT_HTTP_ADDR"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("SALESBOT_DB", t.TempDir()+"/salesbot.db")
}

func TestDispatch(t *testing.T) {
	clearEnv(t)
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"frobnicate"}, 2, "", `salesbot: unknown command "frobnicate"`},
		{[]string{"help"}, 0, "Usage:", ""},
		{[]string{"--help"}, 0, "Usage:", ""},
		{[]string{"help", "import"}, 0, "Usage: salesbot import", ""},
		{nil, 2, "", "SLACK_APP_TOKEN is not set"},
		{[]string{"run"}, 2, "", "salesbot demo"},
		{[]string{"--db", "x.db"}, 2, "", "SLACK_APP_TOKEN is not set"},
		{[]string{"run", "--bogus"}, 2, "", "flag provided but not defined"},
		{[]string{"report", "--bogus"}, 2, "", "Usage: salesbot report"},
		{[]string{"export", "--db", t.TempDir() + "/none.db"}, 1, "", "does not exist"},
	} {
		var out, errb bytes.Buffer
		code := dispatch(context.Background(), tc.args, strings.NewReader(""), &out, &errb)
		if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderr) {
			t.Errorf("salesbot %v: exit %d\nstdout: %s\nstderr: %s", tc.args, code, out.String(), errb.String())
		}
	}
}

// TestRunWithoutTokensIsOneLine is the contract of interface.md: exit 2
// with one line naming the missing variable and pointing at the demo.
func TestRunWithoutTokensIsOneLine(t *testing.T) {
	clearEnv(t)
	t.Setenv("SLACK_APP_TOKEN", "xapp-1-A-1-secret")
	var out, errb bytes.Buffer
	code := dispatch(context.Background(), []string{"run"}, strings.NewReader(""), &out, &errb)
	msg := errb.String()
	if code != 2 || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "SLACK_BOT_TOKEN") ||
		!strings.Contains(msg, "salesbot demo") || strings.Contains(msg, "secret") {
		t.Errorf("exit %d, stderr %q", code, msg)
	}
}

// TestRunBadConfigBeforeDatabase: a bad listen address or a schedule that
// fires too often is one line and exit 2, before any database is opened.
func TestRunBadConfigBeforeDatabase(t *testing.T) {
	for _, tc := range []struct{ name, val, want string }{
		{"SALESBOT_HTTP_ADDR", "bad", "SALESBOT_HTTP_ADDR"},
		{"SALESBOT_DIGEST_SCHEDULE", "@every 1ns", "fires more often than once per 10s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("SLACK_APP_TOKEN", "xapp-1-A-1-secret")
			t.Setenv("SLACK_BOT_TOKEN", "xoxb-1-secret")
			t.Setenv(tc.name, tc.val)
			var out, errb bytes.Buffer
			code := dispatch(context.Background(), []string{"run"}, strings.NewReader(""), &out, &errb)
			msg := errb.String()
			if code != 2 || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tc.want) {
				t.Errorf("exit %d, stderr %q", code, msg)
			}
			if _, err := os.Stat(os.Getenv("SALESBOT_DB")); !os.IsNotExist(err) {
				t.Errorf("database created: %v", err)
			}
		})
	}
}

// TestUsageNamesEverySubcommand: `salesbot help` is where a new user looks
// first, and `salesbot forecast` was once missing from it.
func TestUsageNamesEverySubcommand(t *testing.T) {
	for name := range subcommands {
		if name != "run" && !strings.Contains(Usage, "salesbot "+name+" ") {
			t.Errorf("Usage does not show salesbot %s", name)
		}
	}
}
