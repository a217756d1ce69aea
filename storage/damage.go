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
	root     uint64 // the root bucket's page
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
	m := boltMeta{pageSize: ne.Uint32(b[8:]), root: ne.Uint64(b[16:]), pgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}
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

// Page layout (bbolt internal/common/page.go): flags branch 0x01, leaf
// 0x02; branch elements are (pos u32, ksize u32, pgid u64), leaf elements
// (flags u32, pos u32, ksize u32, vsize u32), pos counted from the element.
// A leaf element with flag 0x01 is a bucket: its value starts with the
// bucket's root page id and sequence, and an inline page follows when the
// root is 0.
const (
	pageBranch     = 0x01
	pageLeaf       = 0x02
	leafBucketFlag = 0x01
	elemSize       = 16
	bucketHdrSize  = 16
)

// walkPages reads the page tree of the file at path from its current meta
// without bbolt, visiting each page once: every page id is below the high
// water mark, every page is a branch or leaf whose elements lie inside it,
// and no page is reached twice.
func walkPages(path string) error {
	if err := checkFile(path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	m0, err0 := readMeta(f, 0)
	off := int64(os.Getpagesize())
	if err0 == nil {
		off = int64(m0.pageSize)
	}
	m1, err1 := readMeta(f, off)
	m := m0
	if err0 != nil || (err1 == nil && m1.txid > m0.txid) {
		m = m1
	}
	w := pageWalker{f: f, m: m, seen: map[uint64]bool{}}
	if err := w.page(m.root); err != nil {
		return damaged(path, err.Error())
	}
	return nil
}

type pageWalker struct {
	f    *os.File
	m    boltMeta
	seen map[uint64]bool
}

func (w *pageWalker) page(id uint64) error {
	if id < 2 || id >= w.m.pgid {
		return fmt.Errorf("page %d is outside the file's %d pages", id, w.m.pgid)
	}
	if w.seen[id] {
		return fmt.Errorf("page %d is reached twice", id)
	}
	w.seen[id] = true
	ps := int64(w.m.pageSize)
	head := make([]byte, pageHeaderSize)
	if _, err := w.f.ReadAt(head, int64(id)*ps); err != nil {
		return err
	}
	overflow := uint64(binary.NativeEndian.Uint32(head[12:]))
	if id+overflow >= w.m.pgid {
		return fmt.Errorf("page %d runs past the file's %d pages", id, w.m.pgid)
	}
	buf := make([]byte, (int64(overflow)+1)*ps)
	if _, err := w.f.ReadAt(buf, int64(id)*ps); err != nil {
		return err
	}
	for i := uint64(1); i <= overflow; i++ {
		w.seen[id+i] = true
	}
	if got := binary.NativeEndian.Uint64(buf); got != id {
		return fmt.Errorf("page %d calls itself %d", id, got)
	}
	return w.elements(id, buf)
}

// elements checks the elements of page buf (a whole page or an inline
// one) and walks what they point to.
func (w *pageWalker) elements(id uint64, buf []byte) error {
	ne := binary.NativeEndian
	if len(buf) < pageHeaderSize {
		return fmt.Errorf("page %d is too short", id)
	}
	flags := ne.Uint16(buf[8:])
	count := int(ne.Uint16(buf[10:]))
	if flags != pageBranch && flags != pageLeaf {
		return fmt.Errorf("page %d has type %#x, not branch or leaf", id, flags)
	}
	if pageHeaderSize+count*elemSize > len(buf) {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	for i := range count {
		at := pageHeaderSize + i*elemSize
		e := buf[at : at+elemSize]
		if flags == pageBranch {
			pos, ksize := int(ne.Uint32(e[0:])), int(ne.Uint32(e[4:]))
			if at+pos+ksize > len(buf) || pos < 0 {
				return fmt.Errorf("page %d: key %d lies outside the page", id, i)
			}
			if err := w.page(ne.Uint64(e[8:])); err != nil {
				return err
			}
			continue
		}
		eflags, pos, ksize, vsize := ne.Uint32(e[0:]), int(ne.Uint32(e[4:])), int(ne.Uint32(e[8:])), int(ne.Uint32(e[12:]))
		end := at + pos + ksize + vsize
		if pos < 0 || end > len(buf) || end < at {
			return fmt.Errorf("page %d: element %d lies outside the page", id, i)
		}
		if eflags&leafBucketFlag == 0 {
			continue
		}
		v := buf[at+pos+ksize : end]
		if len(v) < bucketHdrSize {
			return fmt.Errorf("page %d: bucket %d has a short header", id, i)
		}
		if r := ne.Uint64(v); r != 0 {
			if err := w.page(r); err != nil {
				return err
			}
		} else if err := w.elements(id, v[bucketHdrSize:]); err != nil {
			return err
		}
	}
	return nil
}
