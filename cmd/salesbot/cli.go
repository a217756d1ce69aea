package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/online"
)

// Exit codes of every subcommand.
const (
	ExitOK    = 0
	ExitFail  = 1 // the command ran and failed (bad rows, database errors)
	ExitUsage = 2 // bad arguments or configuration
)

// Usage is the text `salesbot help` prints.
const Usage = `salesbot: a self-hosted Slack sales assistant.

Usage:
  salesbot [run]                 run the bot (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN)
  salesbot demo [--seed]         try the bot locally against a built-in Slack emulator
  salesbot import deals|team|quotas|events --file F.csv [--preset NAME] [--dry-run]
                 [--map field=column,...] [--date-format LAYOUT] [--stage-map From=To,...]
                 [--skip-invalid] [--create-people]
  salesbot import --list-presets  the CRM deal exports recognised by their header
  salesbot export [deals|events|quotas|team] [--format csv|json]
  salesbot report --by owner|manager|territory|stage|all [--from D] [--to D]
                 [--period P] [--format table|csv|json]
  salesbot forecast [--period P] [--by owner|manager|territory|all] [--format table|csv|json]
  salesbot forecast --backtest [--by quarter|month] [--from D] [--to D] [--as-of-day N]
  salesbot digest --print        print the current manager digest as text
  salesbot backup FILE           write a consistent copy of the database
  salesbot check [FILE]          verify a database or a backup (exit 0 sound, 1 damaged)
  salesbot seed --deals N --reps M [--seed S]
  salesbot help [COMMAND]

Every command except help takes --db PATH (default $SALESBOT_DB, else salesbot.db).
Configuration comes from the environment; see README.md.
`

// IsHelp reports whether arg asks for help: help, -h, -help or --help.
func IsHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// usageError is a bad invocation: it is printed with a hint and exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is the shared frame of a CLI subcommand: flags, config and stdio.
type command struct {
	name   string
	fs     *flag.FlagSet
	db     string
	stdout io.Writer
	stderr io.Writer
	cfg    app.Config
	// mmapSize is storage.Options.MmapSize for open; import sets it.
	mmapSize int
}

func newCommand(name string, stdout, stderr io.Writer) *command {
	c := &command{name: name, stdout: stdout, stderr: stderr}
	c.fs = flag.NewFlagSet("salesbot "+name, flag.ContinueOnError)
	c.fs.SetOutput(io.Discard) // errors are printed once, by fail
	c.fs.StringVar(&c.db, "db", "", "bbolt database file (default $SALESBOT_DB, else salesbot.db)")
	return c
}

// parse reads flags (which may follow positional arguments, as in
// `backup FILE --db x`) and loads the configuration. It returns the
// positional arguments.
func (c *command) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = c.fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	cfg, err := app.LoadConfig()
	if err != nil {
		return nil, configError{err}
	}
	if c.db != "" {
		cfg.DB = c.db
	}
	c.cfg = cfg
	return pos, nil
}

// configError is a bad environment: one line, exit 2.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// fail prints err as one clear line and returns the exit code.
func (c *command) fail(err error) int {
	var ue usageError
	var ce configError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		c.printUsage(c.stdout)
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(c.stderr, "salesbot %s: %s\n\n", c.name, ue.msg)
		c.printUsage(c.stderr)
		return ExitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(c.stderr, "salesbot %s: %s\n", c.name, ce.err)
		return ExitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(c.stderr, "salesbot %s: interrupted; nothing more was written\n", c.name)
		return ExitFail
	}
	fmt.Fprintf(c.stderr, "salesbot %s: %s\n", c.name, errText(err))
	return ExitFail
}

// errText is the message of err for a terminal: the user text of a coded
// error, else the error itself (CLI users are operators, and internal
// errors here never carry tokens).
func errText(err error) string {
	var se *sales.Error
	if errors.As(err, &se) {
		if se.Code == sales.EINTERNAL {
			return err.Error()
		}
		return se.Message
	}
	return err.Error()
}

func (c *command) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", commandUsage[c.name])
	c.fs.SetOutput(w)
	c.fs.PrintDefaults()
	c.fs.SetOutput(io.Discard)
}

var commandUsage = map[string]string{
	"import":   "salesbot import deals|team|quotas|events --file F.csv [--preset NAME] [--dry-run] [--map field=column,...] [--date-format LAYOUT] [--stage-map From=To,...] [--skip-invalid] [--create-people]\n       salesbot import --list-presets",
	"export":   "salesbot export [deals|events|quotas|team] [--format csv|json]",
	"report":   "salesbot report --by owner|manager|territory|stage|all [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--period P] [--format table|csv|json]",
	"forecast": "salesbot forecast [--period P] [--by owner|manager|territory|all] [--format table|csv|json]\n       salesbot forecast --backtest [--by quarter|month] [--from D] [--to D] [--as-of-day N] [--format table|csv|json]",
	"seed":     "salesbot seed --deals N --reps M [--seed S]",
	"backup":   "salesbot backup FILE",
	"check":    "salesbot check [FILE]",
	"digest":   "salesbot digest --print",
	"run":      "salesbot run",
}

// open opens the configured database. A second process on the same file
// gets storage's clear "database is in use" error after the timeout.
func (c *command) open(readOnly bool) (*storage.DB, error) {
	logger := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	db, err := storage.Open(c.cfg.DB, storage.Options{Timeout: 2 * time.Second, ReadOnly: readOnly, Currency: c.cfg.Cur, Zone: c.cfg.Loc, Logger: logger, MmapSize: c.mmapSize})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", c.cfg.DB, err)
	}
	return db, nil
}

// openExisting is open for commands that only read: a missing file is a
// mistake (a typo in --db), not a request for a new empty database.
func (c *command) openExisting() (*storage.DB, error) {
	if _, err := os.Stat(c.cfg.DB); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, sales.Errorf(sales.ENOTFOUND, "database %s does not exist: pass --db PATH or set SALESBOT_DB", c.cfg.DB)
		}
		return nil, err
	}
	return c.open(true)
}

// closeDB closes db, reporting a close error only when nothing else failed.
func closeDB(db *storage.DB, err *error) {
	if cerr := db.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close database: %w", cerr)
	}
	if _, ok := snapshots.LoadAndDelete(db.Path); ok {
		_ = os.Remove(db.Path)
	}
}

// splitPairs parses "a=b,c=d" into ordered pairs; used by --map and
// --stage-map.
func splitPairs(flagName, s string) ([][2]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out [][2]string
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, usagef("--%s %q: each entry must look like key=value, separated by commas", flagName, part)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// RunCmd is `salesbot run` (and `salesbot` alone): check the environment,
// then run the bot with JSON logs on stderr until ctx ends.
func RunCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, code := RunConfig(args, stderr)
	if code >= 0 {
		return code
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	if err := app.Run(ctx, cfg, logger); err != nil {
		logger.Error("salesbot stopped", sales.LogKeyError, errText(err))
		return ExitFail
	}
	return ExitOK
}

// RunConfig is the check `salesbot run` does before starting the bot:
// flags (--db), the environment and both tokens. On failure it prints one
// line to stderr and returns the exit code (2); on success code is -1.
func RunConfig(args []string, stderr io.Writer) (cfg app.Config, code int) {
	c := newCommand("run", io.Discard, stderr)
	pos, err := c.parse(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printUsage(stderr)
			return cfg, ExitOK
		}
		return cfg, c.fail(err)
	}
	if len(pos) > 0 {
		return cfg, c.fail(usagef("run takes no arguments, got %q", pos[0]))
	}
	if err := c.cfg.RequireTokens(); err != nil {
		return cfg, c.fail(configError{err})
	}
	return c.cfg, -1
}

// snapshots are temporary copies opened by openForRead; closeDB deletes them.
var snapshots sync.Map // path → struct{}

// openForRead opens the database for a read-only command. When a running
// salesbot holds the file, it reads a consistent snapshot fetched through
// the control socket instead, so export, report and digest --print work
// beside a live bot.
func (c *command) openForRead(ctx context.Context) (*storage.DB, error) {
	db, err := c.openExisting()
	if err == nil || sales.ErrorCode(err) != sales.ECONFLICT {
		return db, err
	}
	f, terr := os.CreateTemp("", "salesbot-snapshot-*.db")
	if terr != nil {
		return nil, err
	}
	path := f.Name()
	_, ferr := online.Fetch(ctx, c.cfg.DB, f)
	if cerr := f.Close(); ferr == nil {
		ferr = cerr
	}
	if ferr != nil {
		_ = os.Remove(path)
		if errors.Is(ferr, online.ErrNoServer) {
			return nil, err // the original "in use" error says it best
		}
		return nil, fmt.Errorf("read a snapshot from the running salesbot: %w", ferr)
	}
	snap, err := storage.Open(path, storage.Options{Timeout: 2 * time.Second, ReadOnly: true, Currency: c.cfg.Cur})
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("open snapshot: %w", err)
	}
	snapshots.Store(path, struct{}{})
	return snap, nil
}
