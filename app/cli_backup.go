package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// BackupCmd is `salesbot backup FILE`: a consistent copy of the database
// taken in one read transaction, written beside FILE and renamed into
// place, so FILE is never half written.
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
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("%s already exists: choose a new name or pass --force to replace it", path)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	db, err := c.openExisting()
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
