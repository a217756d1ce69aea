// Package storagetest opens real, throwaway storage files for tests.
//
// Tests only: it imports storage.
package storagetest

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/salesbot/salesbot/storage"
)

// MustOpen opens a fresh database in tb.TempDir(). On cleanup it runs
// db.Check (bbolt's page check plus every index against its records) and
// fails the test on any inconsistency, then closes the file.
func MustOpen(tb testing.TB) *storage.DB {
	tb.Helper()
	return MustOpenWith(tb, storage.Options{})
}

// MustOpenWith is MustOpen with options (a test clock, a currency).
func MustOpenWith(tb testing.TB, opts storage.Options) *storage.DB {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "salesbot.db"), opts)
}

// MustOpenPath opens (or reopens, after a simulated restart) the database
// at path with the same cleanup as MustOpen.
func MustOpenPath(tb testing.TB, path string, opts storage.Options) *storage.DB {
	tb.Helper()
	db, err := storage.Open(path, opts)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Check(context.Background()); err != nil && !errors.Is(err, storage.ErrClosed) {
			tb.Errorf("storage check of %s: %v", path, err)
		}
		_ = db.Close()
	})
	return db
}

// Reopen closes db and opens the same file again, as a restart would.
func Reopen(tb testing.TB, db *storage.DB, opts storage.Options) *storage.DB {
	tb.Helper()
	if err := db.Check(context.Background()); err != nil {
		tb.Fatalf("storage check before reopen: %v", err)
	}
	if err := db.Close(); err != nil {
		tb.Fatalf("close: %v", err)
	}
	return MustOpenPath(tb, db.Path, opts)
}
