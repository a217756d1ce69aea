package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// bigFile makes a database of many pages (about 600 KiB) and returns its
// path, closed.
func bigFile(t *testing.T) string {
	t.Helper()
	db := storagetest.MustOpen(t)
	err := storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("filler"))
		if err != nil {
			return err
		}
		for i := range 600 {
			if err := b.Put([]byte(fmt.Sprintf("k%05d", i)), []byte(strings.Repeat("v", 1000))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	path := db.Path
	db.Close()
	return path
}

// scribble overwrites the header of every page from first on, so bbolt
// meets pages of no known type.
func scribble(t *testing.T, path string, first int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	ps := int64(os.Getpagesize())
	for off := first * ps; off < fi.Size(); off += ps {
		if _, err := f.WriteAt([]byte{0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0x5A, 0x5A}, off); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDamagedFileIsRefused: a file cut short, with broken meta pages or
// with scribbled data pages is refused with one clear error, not a SIGBUS
// or a bbolt panic.
func TestDamagedFileIsRefused(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"truncated", func(t *testing.T, path string) {
			fi, _ := os.Stat(path)
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated to one page", func(t *testing.T, path string) {
			if err := os.Truncate(path, int64(os.Getpagesize())); err != nil {
				t.Fatal(err)
			}
		}},
		{"both meta pages flipped", func(t *testing.T, path string) {
			f, _ := os.OpenFile(path, os.O_RDWR, 0)
			defer f.Close()
			for _, off := range []int64{40, int64(os.Getpagesize()) + 40} {
				b := make([]byte, 1)
				_, _ = f.ReadAt(b, off)
				_, _ = f.WriteAt([]byte{b[0] ^ 0x10}, off)
			}
		}},
		{"not a database", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("id,account\n", 2000)), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"data pages scribbled", func(t *testing.T, path string) { scribble(t, path, 2) }},
	}
	for _, tt := range tests {
		for _, ro := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/readonly=%v", tt.name, ro), func(t *testing.T) {
				path := bigFile(t)
				tt.damage(t, path)
				db, err := storage.Open(path, storage.Options{ReadOnly: ro})
				if err == nil {
					db.Close()
					t.Fatal("opened a damaged file")
				}
				wantCode(t, err, sales.EINVALID, "is damaged")
				if !strings.Contains(sales.ErrorMessage(err), "restore from a backup") {
					t.Errorf("message %q", sales.ErrorMessage(err))
				}
			})
		}
	}
}

// TestCheckOnScribbledFile: damage that appears under an open database is
// reported by Check (and by reads) as an error, not a panic.
func TestCheckOnScribbledFile(t *testing.T) {
	path := bigFile(t)
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scribble(t, path, 3)
	err = db.Check(context.Background())
	wantCode(t, err, sales.EINVALID, "is damaged")
	if _, err := db.CountDeals(context.Background()); err != nil {
		wantCode(t, err, sales.EINVALID, "is damaged")
	}
}

// TestNewerVersionReadOnly: a read-only opener of a newer file is told to
// upgrade salesbot, not to migrate the file.
func TestNewerVersionReadOnly(t *testing.T) {
	db := storagetest.MustOpen(t)
	path := db.Path
	err := storage.BoltOf(db).Update(func(tx *bolt.Tx) error {
		return tx.Bucket(storage.BucketMeta).Put([]byte("version"), []byte{0, 0, 0, storage.SchemaVersion + 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = storage.Open(path, storage.Options{ReadOnly: true})
	wantCode(t, err, sales.EINVALID, "upgrade salesbot")
}

// FuzzOpenDamaged: whatever the bytes of the file, Open and Check return
// (an error or not) instead of crashing the process.
func FuzzOpenDamaged(f *testing.F) {
	db := storagetest.MustOpen(f)
	path := db.Path
	db.Close()
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, 0, byte(0))
	f.Add(good, 40, byte(0x10))
	f.Add(good, 3*os.Getpagesize()+2, byte(0xff))
	f.Add(good[:len(good)/2], 0, byte(0))
	f.Fuzz(func(t *testing.T, file []byte, at int, flip byte) {
		if len(file) > 1<<20 {
			return
		}
		file = append([]byte(nil), file...)
		if at >= 0 && at < len(file) {
			file[at] ^= flip
		}
		p := filepath.Join(t.TempDir(), "f.db")
		if err := os.WriteFile(p, file, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := storage.Open(p, storage.Options{ReadOnly: true})
		if err != nil {
			return
		}
		_ = db.Check(context.Background())
		_ = db.Close()
	})
}
