package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"

	"github.com/salesbot/salesbot/sales"
)

// bbolt maps the file and trusts it: a file cut short faults (SIGBUS) on
// the first page past its end, and a flipped bit trips an assertion that
// panics. Neither can be recovered once bbolt is reading, so Open checks
// the two meta pages first, and the read paths turn the panics that remain
// into one clear error.

// Meta page layout of bbolt 1.x (go.etcd.io/bbolt internal/common
// page.go and meta.go): a 16-byte page header (id u64, flags u16, count
// u16, overflow u32), then magic u32, version u32, page size u32, flags
// u32, root bucket (root u64, sequence u64), freelist u64, high-water page
// id u64, txid u64 and an FNV-64a checksum of everything before it, all in
// the machine's byte order.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaChecksumOff = 56 // within the meta, after the page header
	metaSize        = metaChecksumOff + 8
)

type boltMeta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

// damaged is the error for a file bbolt cannot safely read.
func damaged(path string, why string) error {
	return sales.Errorf(sales.EINVALID, "database %s is damaged (%s): restore from a backup", path, why)
}

// checkFile refuses a file whose meta pages are both invalid or that is
// shorter than its meta says. A missing or empty file is a new database.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	m0, err0 := readMeta(f, 0)
	// bbolt looks for the second meta one OS page in when the first is bad.
	off := int64(os.Getpagesize())
	if err0 == nil {
		off = int64(m0.pageSize)
	}
	m1, err1 := readMeta(f, off)
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		return damaged(path, "no valid meta page: "+err0.Error())
	case err0 != nil:
		m = m1
	case err1 != nil || m0.txid >= m1.txid:
		m = m0
	default:
		m = m1
	}
	if need := int64(m.pgid) * int64(m.pageSize); size < need {
		return damaged(path, fmt.Sprintf("%d bytes, but its pages need %d: the file was cut short", size, need))
	}
	return nil
}

func readMeta(f *os.File, off int64) (boltMeta, error) {
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := f.ReadAt(buf, off); err != nil {
		if errors.Is(err, io.EOF) {
			return boltMeta{}, errors.New("file too short for a meta page")
		}
		return boltMeta{}, err
	}
	b := buf[pageHeaderSize:]
	ne := binary.NativeEndian
	h := fnv.New64a()
	_, _ = h.Write(b[:metaChecksumOff])
	switch {
	case ne.Uint32(b[0:]) != boltMagic:
		return boltMeta{}, errors.New("not a bbolt file")
	case ne.Uint32(b[4:]) != boltVersion:
		return boltMeta{}, fmt.Errorf("bbolt format version %d", ne.Uint32(b[4:]))
	case ne.Uint64(b[metaChecksumOff:]) != h.Sum64():
		return boltMeta{}, errors.New("meta page checksum mismatch")
	}
	m := boltMeta{pageSize: ne.Uint32(b[8:]), pgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}
	if m.pageSize < 512 || m.pageSize&(m.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("page size %d", m.pageSize)
	}
	return m, nil
}

// guard turns a panic or a memory fault in bbolt while it reads the file
// into the damaged error. Use as: defer guard(path, &err)().
func guard(path string, err *error) func() {
	prev := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(prev)
		if r := recover(); r != nil {
			*err = damaged(path, fmt.Sprint(r))
		}
	}
}
