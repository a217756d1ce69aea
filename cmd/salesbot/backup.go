package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/online"
)

// BackupCmd is `salesbot backup FILE`: a consistent copy of the database
// taken in one read transaction, written beside FILE and renamed into
// place, so FILE is never half written. When a running salesbot holds the
// database, that process makes the copy and streams it over its control
// socket (see control.go).
func BackupCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("backup", stdout, stderr)
	force := c.fs.Bool("force", false, "replace FILE if it exists")
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	if len(pos) != 1 {
		return c.fail(usagef("name one backup file, e.g. salesbot backup salesbot-$(date +%%F).db"))
	}
	return c.fail(runBackup(ctx, c, pos[0], *force))
}

func runBackup(ctx context.Context, c *command, path string, force bool) (err error) {
	// Replacing the running salesbot's control socket (or any other
	// special file) with a backup would break the next start's socket.
	if storage.SameFile(path, online.SocketPath(c.cfg.DB)) {
		return sales.Errorf(sales.EINVALID, "backup file %s is the control socket of %s: choose another path", path, c.cfg.DB)
	}
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return sales.Errorf(sales.EINVALID, "backup file %s exists and is not a regular file: choose another path", path)
	}
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("%s already exists: choose a new name or pass --force to replace it", path)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	db, err := c.openExisting()
	if sales.ErrorCode(err) == sales.ECONFLICT {
		return backupOnline(ctx, c, path)
	}
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	n, err := db.BackupFile(ctx, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backed up %s to %s (%s)\n", c.cfg.DB, path, byteSize(n))
	return nil
}

// backupOnline gets the copy from the process holding the database lock.
func backupOnline(ctx context.Context, c *command, path string) error {
	if storage.SameFile(path, c.cfg.DB) {
		return sales.Errorf(sales.EINVALID, "backup file %s is the database itself: choose another path", path)
	}
	var n int64
	err := storage.WriteFileAtomic(path, func(w io.Writer) error {
		var err error
		n, err = online.Fetch(ctx, c.cfg.DB, w)
		return err
	})
	if err != nil {
		err = fmt.Errorf("backup to %s: %w", path, err)
	}
	if errors.Is(err, online.ErrNoServer) {
		return sales.Errorf(sales.ECONFLICT,
			"database %s is in use by another process, and %v: stop that process to back up, or run a salesbot that serves online backups",
			c.cfg.DB, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backed up %s to %s (%s) from the running salesbot\n", c.cfg.DB, path, byteSize(n))
	return nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
