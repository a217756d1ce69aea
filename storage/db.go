// Package storage keeps salesbot's state in one bbolt file.
//
// Layout (see schema.go): one bucket per kind of record, keyed by
// big-endian ids from NextSequence, plus index buckets kept in step on
// every write, so a rep's deals, a stage's deals, deals closed in a period,
// a deal's history and the events of a time range are all cursor ranges.
// Records use a compact binary encoding (codec.go) whose deal records start
// with the fixed-size sales.Facts, so reports decode nothing else.
//
// It is the only package that imports bbolt, and it imports no salesbot
// package but sales.
package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("storage: database is closed")

// DB is the bbolt-backed store.
type DB struct {
	Path string
	// Now is the clock used for timestamps; tests replace it.
	Now func() time.Time

	bolt     *bolt.DB
	mmapSize int // Options.MmapSize
	cur      sales.Currency
	log      *slog.Logger
	zone     *time.Location
	group    committer // write's group commit
	bulkBusy atomic.Bool
}

// Options tunes Open.
type Options struct {
	// Timeout bounds the wait for the file lock; a second process gets a
	// clear "database is in use" error after it. Default 1s.
	Timeout  time.Duration
	ReadOnly bool
	Clock    sales.Clock
	// Currency formats amounts in amount-change events ("12000.50");
	// default sales.DefaultCurrency.
	Currency sales.Currency
	// Zone is SALESBOT_TIMEZONE. Releases before schema version 4 stored
	// imported close dates as midnight of that zone; the migration to 4
	// reads them back as the civil dates they were. Default UTC.
	Zone *time.Location
	// Logger receives migration and maintenance messages; default
	// slog.Default().
	Logger *slog.Logger
	// MmapSize is the memory map to start with, in bytes (bbolt's
	// InitialMmapSize; address space, not memory). A large import sized
	// to its data then never outgrows the map mid-transaction, which
	// makes bbolt copy every page the transaction has dirtied. 0: the
	// file's size.
	MmapSize int
}

// DefaultTimeout is the lock wait when Options.Timeout is zero.
const DefaultTimeout = time.Second

// boltOptions are shared by Open and the benchmarks' raw baseline so the
// comparison uses identical bbolt settings.
func boltOptions(o Options) *bolt.Options {
	return &bolt.Options{
		Timeout:  o.Timeout,
		ReadOnly: o.ReadOnly,
		// The hashmap freelist stays fast on large, fragmented files.
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: o.MmapSize,
	}
}

// Open opens (creating if needed) and migrates the database at path.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Currency.Code == "" {
		opts.Currency = sales.DefaultCurrency
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, sales.Errorf(sales.ENOTFOUND, "database %s does not exist", path)
		}
	}
	if err := checkFile(path); err != nil {
		return nil, err
	}
	bdb, err := openBolt(path, opts)
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, sales.Errorf(sales.ECONFLICT,
				"database %s is in use by another salesbot process (no lock after %s): stop it or use another --db file",
				path, opts.Timeout)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if opts.Zone == nil {
		opts.Zone = time.UTC
	}
	db := &DB{Path: path, Now: time.Now, bolt: bdb, mmapSize: opts.MmapSize, cur: opts.Currency, log: opts.Logger, zone: opts.Zone}
	db.group.path = path
	if opts.Clock != nil {
		db.Now = opts.Clock.Now
	}
	err = db.prepare(opts.ReadOnly)
	if err != nil {
		_ = bdb.Close()
		return nil, err
	}
	return db, nil
}

// openBolt is bolt.Open with its panics on a damaged file (a bad freelist
// page, say) turned into the damaged error.
func openBolt(path string, opts Options) (bdb *bolt.DB, err error) {
	defer guard(path, &err)()
	return bolt.Open(path, 0o600, boltOptions(opts))
}

// prepare checks (read-only) or migrates the schema, guarded like openBolt.
func (db *DB) prepare(readOnly bool) (err error) {
	defer guard(db.Path, &err)()
	if readOnly {
		return db.checkVersion()
	}
	return db.migrate()
}

// Close closes the file. Closing twice is harmless.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.Path, err)
	}
	return nil
}

// view runs a read transaction, mapping bbolt's closed-database error.
func (db *DB) view(ctx context.Context, op string, fn func(tx *bolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer guard(db.Path, &err)()
	return wrap(op, db.bolt.View(fn))
}

// viewValue runs fn in a read transaction (as view) and returns what it
// read: the single-record getters are this one closure each.
func viewValue[T any](ctx context.Context, db *DB, op string, fn func(tx *bolt.Tx) (T, error)) (T, error) {
	var v T
	err := db.view(ctx, op, func(tx *bolt.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}

// write runs fn in a write transaction that is committed (fsynced) when it
// returns. Concurrent writers share transactions through a group commit
// (group.go), so fn may run more than once and must only set its results,
// never append to state outside the transaction. A lone writer commits at
// once.
func (db *DB) write(ctx context.Context, op string, fn func(tx *bolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer guard(db.Path, &err)()
	return wrap(op, db.group.do(db.bolt, journaled(ctx, fn)))
}

// update is a plain, unbatched write transaction (imports, settings).
func (db *DB) update(ctx context.Context, op string, fn func(tx *bolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer guard(db.Path, &err)()
	return wrap(op, db.bolt.Update(journaled(ctx, fn)))
}

// wrap passes user-facing *sales.Error through unchanged and wraps anything
// else (bbolt, I/O) as internal with the operation named.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sales.Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("storage: %s: %w", op, ErrClosed)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("storage: %s: %w", op, err)
}
