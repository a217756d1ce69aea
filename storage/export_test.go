package storage

import bolt "go.etcd.io/bbolt"

// Hooks for the black-box tests and benchmarks in package storage_test.

// BoltOf exposes the bbolt handle (raw baselines, version checks).
func BoltOf(db *DB) *bolt.DB { return db.bolt }

// EncodeDeal is the record encoder, for the raw-put baseline.
var EncodeDeal = encodeDeal

// RawOptions are the bbolt options Open uses.
func RawOptions() *bolt.Options { return boltOptions(Options{Timeout: DefaultTimeout}) }

// SetBulkChunk shrinks Bulk's chunk so tests cross chunk boundaries
// cheaply; it returns a restore func.
func SetBulkChunk(n int) func() {
	old := bulkChunk
	bulkChunk = n
	return func() { bulkChunk = old }
}

// Bucket names tests build or inspect files with.
var (
	BucketMeta  = bMeta
	BucketDeals = bDeals
)

// BucketIdxOwner is the owner index, which the Check test breaks on purpose.
var BucketIdxOwner = bIdxOwner

// BucketIdxAccount is the account-name index and AccountKey its key for a
// deal, for tests that break or inspect it.
var (
	BucketIdxAccount = bIdxAcct
	AccountKey       = accountKey
)

// EncodeActivity is the activity record encoder, for the raw-put baseline.
var EncodeActivity = encodeActivity
