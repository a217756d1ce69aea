package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/salesbot/salesbot/storage"
)

// CheckCmd is `salesbot check [FILE]`: verify a database or a backup
// (default the configured database) page by page and index by index. It
// only reads, and exits 0 when the file is sound, 1 with one line when not.
func CheckCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("check", stdout, stderr)
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	if len(pos) > 1 {
		return c.fail(usagef("name one file to check, e.g. salesbot check salesbot-2026-03-01.db"))
	}
	path := c.cfg.DB
	if len(pos) == 1 {
		path = pos[0]
	}
	return c.fail(checkFile(ctx, c, path))
}

func checkFile(ctx context.Context, c *command, path string) (err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot check %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a database file", path)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := storage.Open(path, storage.Options{Timeout: 2 * time.Second, ReadOnly: true, Currency: c.cfg.Cur, Logger: logger})
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	if err := db.Check(ctx); err != nil {
		return fmt.Errorf("database %s is damaged: restore from a backup (%s)", path, oneLine(err.Error()))
	}
	n, err := db.CountDeals(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: ok (%d deals, %s)\n", path, n, byteSize(fi.Size()))
	return nil
}

// oneLine joins a multi-line error (errors.Join) for a terminal line.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "; ") }
