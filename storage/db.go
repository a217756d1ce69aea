// Package storage keeps salesbot's state in one bbolt file.
package storage

import (
	"errors"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

var errTODO = errors.New("storage: not implemented")

// DB is the bbolt-backed store.
type DB struct {
	Path string
	// Now is the clock used for timestamps; tests replace it.
	Now func() time.Time

	bolt *bolt.DB
}

// Options tunes Open.
type Options struct {
	// Timeout bounds the wait for the file lock; a second process gets a
	// clear "database is in use" error after it. Default 1s.
	Timeout  time.Duration
	ReadOnly bool
	Clock    sales.Clock
}

// Open opens (creating if needed) and migrates the database at path.
func Open(path string, opts Options) (*DB, error) {
	return nil, errTODO
}

// Close closes the file.
func (db *DB) Close() error { return errTODO }
