package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// cliFunc is the shape of every CLI entry point.
type cliFunc func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// env is a clean environment with a database file in a temp dir.
type env struct {
	t   *testing.T
	dir string
	db  string
}

// configVars are every variable of interface.md; tests start without them.
var configVars = []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_API_URL", "SALESBOT_DB", "SALESBOT_ADMINS",
	"SALESBOT_DIGEST_CHANNEL", "SALESBOT_WINS_CHANNEL", "SALESBOT_DIGEST_SCHEDULE", "SALESBOT_NUDGE_SCHEDULE", "SALESBOT_FORECAST_SCHEDULE",
	"SALESBOT_TIMEZONE", "SALESBOT_CURRENCY", "SALESBOT_HTTP_ADDR"}

func newEnv(t *testing.T) *env {
	t.Helper()
	for _, v := range configVars {
		t.Setenv(v, "") // restored after the test
		os.Unsetenv(v)  // unset, so envconfig applies its defaults
	}
	e := &env{t: t, dir: t.TempDir()}
	e.db = filepath.Join(e.dir, "salesbot.db")
	t.Setenv("SALESBOT_DB", e.db)
	return e
}

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run calls a CLI entry point in-process with buffers.
func (e *env) run(fn cliFunc, args ...string) result {
	e.t.Helper()
	return e.runIn(fn, "", args...)
}

func (e *env) runIn(fn cliFunc, stdin string, args ...string) result {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := fn(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// must runs fn and fails the test unless it exits 0.
func (e *env) must(fn cliFunc, args ...string) result {
	e.t.Helper()
	r := e.run(fn, args...)
	if r.code != 0 {
		e.t.Fatalf("%v: %s", args, r)
	}
	return r
}

// file writes content to a file in the temp dir and returns its path.
func (e *env) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// open opens a database file for inspection; it is closed at test end,
// or earlier by the returned func so a CLI command can open it.
func (e *env) open(path string) (*storage.DB, func()) {
	e.t.Helper()
	db, err := storage.Open(path, storage.Options{Timeout: time.Second})
	if err != nil {
		e.t.Fatal(err)
	}
	closed := false
	done := func() {
		if !closed {
			closed = true
			db.Close()
		}
	}
	e.t.Cleanup(done)
	return db, done
}

// countDeals opens the env's database and counts its deals.
func (e *env) countDeals() int {
	e.t.Helper()
	if _, err := os.Stat(e.db); err != nil {
		return 0
	}
	db, done := e.open(e.db)
	defer done()
	n, err := db.CountDeals(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// storedDeals reads every deal in the database file at path, with the
// stages and the people by id that tests need to describe them.
func storedDeals(t *testing.T, e *env, path string) ([]sales.Deal, sales.StageSet, map[sales.PersonID]sales.Person) {
	t.Helper()
	db, done := e.open(path)
	defer done()
	ctx := context.Background()
	deals, err := db.FindDeals(ctx, sales.DealFilter{})
	if err != nil {
		t.Fatal(err)
	}
	stages, err := db.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	people, err := db.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := make(map[sales.PersonID]sales.Person, len(people))
	for _, p := range people {
		byID[p.ID] = p
	}
	return deals, stages, byID
}
