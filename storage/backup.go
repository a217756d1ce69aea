package storage

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w while the
// database stays online (a read transaction's WriteTo): writers carry on,
// and the copy is the state of one commit.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := db.view(ctx, "backup", func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Snapshot copies the database into an unlinked temporary file beside it
// and returns that file, positioned at its start, and its size. The read
// transaction lasts only as long as a local disk copy: a reader that then
// streams the file slowly holds nothing (an open read transaction makes
// every write that grows the file wait for it). The caller closes the file;
// it was never visible under a name that outlives the process.
func (db *DB) Snapshot(ctx context.Context) (*os.File, int64, error) {
	f, err := os.CreateTemp(filepath.Dir(db.Path), "."+filepath.Base(db.Path)+".snapshot*")
	if err != nil {
		return nil, 0, fmt.Errorf("snapshot: %w", err)
	}
	_ = os.Remove(f.Name())
	n, err := db.Backup(ctx, f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("snapshot: %w", err)
	}
	return f, n, nil
}

// BackupFile writes a consistent copy to path (created 0600, fsynced). The
// copy is written beside path and renamed into place, so path holds either
// the old file or a complete backup. EINVALID when path is the database.
func (db *DB) BackupFile(ctx context.Context, path string) (int64, error) {
	if SameFile(path, db.Path) {
		return 0, sales.Errorf(sales.EINVALID, "backup file %s is the database itself: choose another path", path)
	}
	var n int64
	err := WriteFileAtomic(path, func(w io.Writer) error {
		var err error
		n, err = db.Backup(ctx, w)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, nil
}

// WriteFileAtomic writes path through a 0600 temp file beside it that is
// fsynced and renamed into place (and the rename made durable), so path is
// either untouched or complete.
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	err = tmp.Chmod(0o600)
	if err == nil {
		err = write(tmp)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	return err
}

// SameFile reports whether a and b name the same file (or, when either is
// missing, the same absolute path): a backup must never overwrite the
// database it copies.
func SameFile(a, b string) bool {
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	pa, _ := filepath.Abs(a)
	pb, _ := filepath.Abs(b)
	return pa == pb
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !os.IsPermission(err) {
		return err
	}
	return nil
}
