package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The account index (bucket idx_account) turns "which deals are called
// Acme?" into a cursor range instead of a scan of every deal. Its keys are
//
//	normAccount(account) | 0x00 | deal id (8 bytes, big-endian)
//
// with empty values. The 0x00 ends the name, so one name's deals form a
// contiguous range that no longer name shares ("acme" vs "acme corp"), and
// normAccount never leaves a 0x00 inside a name, so the split is
// unambiguous. Every deal has exactly one entry, blank accounts included.

// normAccount is the index's form of an account name: lower-cased, with
// runs of white space (and NUL) collapsed to one space and trimmed, so
// "  ACME\tCorp " and "acme corp" are the same name.
func normAccount(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == 0 || unicode.IsSpace(r) })
	return strings.ToLower(strings.Join(f, " "))
}

// accountKey is a deal's key in the account index.
func accountKey(account string, id sales.DealID) []byte {
	k, ok := appendASCIIAccount(make([]byte, 0, len(account)+9), account)
	if !ok {
		k = append(k[:0], normAccount(account)...)
	}
	return binary.BigEndian.AppendUint64(append(k, 0), uint64(id))
}

// appendASCIIAccount appends normAccount(s) for an ASCII s without its
// three allocations (an import makes a key per deal); ok is false, with
// nothing appended, for any other s.
func appendASCIIAccount(dst []byte, s string) ([]byte, bool) {
	start, space := len(dst), false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return dst[:start], false
		case c == 0 || c == ' ' || c >= '\t' && c <= '\r':
			space = true
		default:
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
	}
	return dst, true
}

// DealsByAccount returns the deals whose account name equals name, or with
// prefix set starts with it, compared case-insensitively after collapsing
// white space (see normAccount), through the account index: no scan.
//
// Exact matches come newest first (highest id first, as FindDeals). Prefix
// matches come by name, and newest first within a name. limit > 0 caps the
// number returned; a blank name with prefix set matches every deal.
//
// FindDeals' Account filter stays a substring match; this is the cheap
// first look for resolving a name a user typed.
func (db *DB) DealsByAccount(ctx context.Context, name string, prefix bool, limit int) ([]sales.Deal, error) {
	n := []byte(normAccount(name))
	var out []sales.Deal
	err := db.view(ctx, "deals by account", func(tx *bolt.Tx) error {
		out = nil
		q := finder{f: sales.DealFilter{Limit: limit}, deals: tx.Bucket(bDeals)}
		idx := tx.Bucket(bIdxAcct)
		if !prefix {
			err := q.accountDesc(ctx, idx, append(n, 0))
			out = q.out
			return err
		}
		c := idx.Cursor()
		for k, _ := c.Seek(n); k != nil && bytes.HasPrefix(k, n) && !q.full(); {
			if len(k) < len(n)+9 {
				return fmt.Errorf("account index key %x is too short: %w", k, errCorrupt)
			}
			group := append([]byte(nil), k[:len(k)-8]...) // this name and its 0x00
			if err := q.accountDesc(ctx, idx, group); err != nil {
				return err
			}
			// group ends in 0x00, so prefixEnd is never nil here.
			k, _ = c.Seek(prefixEnd(group))
		}
		out = q.out
		return nil
	})
	return out, err
}

// accountDesc adds the deals of one name (group = name | 0x00), newest
// first, up to the limit.
func (q *finder) accountDesc(ctx context.Context, idx *bolt.Bucket, group []byte) error {
	return q.prefixDesc(idx, group, func(k, _ []byte) error {
		if len(k) != len(group)+8 {
			return fmt.Errorf("account index key %x has a malformed id: %w", k, errCorrupt)
		}
		return q.byID(ctx, k[len(group):])
	})
}

// rebuildAccountIndex (migration 3) indexes every existing deal by account.
// Keys are written in key order so the new bucket's pages are filled once
// rather than split over and over by a million random inserts.
func rebuildAccountIndex(tx *bolt.Tx, _ migrationEnv) error {
	if err := tx.DeleteBucket(bIdxAcct); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return err
	}
	b, err := tx.CreateBucket(bIdxAcct)
	if err != nil {
		return err
	}
	var keys [][]byte
	c := tx.Bucket(bDeals).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 || len(v) < headerSize {
			return fmt.Errorf("deal %x: %w", k, errCorrupt)
		}
		keys = append(keys, accountKey(string(dealAccount(v)), sales.DealID(binary.BigEndian.Uint64(k))))
	}
	slices.SortFunc(keys, bytes.Compare)
	b.FillPercent = 0.9
	for _, k := range keys {
		if err := b.Put(k, empty); err != nil {
			return err
		}
	}
	return nil
}
