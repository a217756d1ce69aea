package storage

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// kv is what the deal writes need of a bucket: a *bolt.Bucket, or a
// sortedWrites in front of one.
type kv interface {
	Get(k []byte) []byte
	Put(k, v []byte) error
	Delete(k []byte) error
}

// sortedWrites holds one bucket's writes in memory and applies them in key
// order at flush. bbolt splits nodes only at commit, so inside one big
// transaction a leaf grows without bound and every out-of-order Put
// memmoves its tail: an import of n deals costs O(n²). Put in key order,
// each insert lands at the end of the keys written so far. Reads see the
// pending writes, so code written against a bucket works unchanged.
//
// Keys and values passed to Put must not be modified afterwards (bbolt asks
// the same of values).
type sortedWrites struct {
	b   *bolt.Bucket
	ops []sortedOp
	// pos maps a key to its latest op, for Get. It is built on the first
	// Get: most buckets are only written during an import, and a map entry
	// per write cost more than the writes' sort.
	pos map[string]int
	// putOnce says no key Put here is read back by Get before flush (the
	// external-id index: external ids are unique within an Import, which
	// precheck enforces), so pos needs only the keys deleted: Get is asked
	// for every new deal's external id, and a map of every pending write
	// cost more than the deals' own encoding.
	putOnce bool
}

type sortedOp struct {
	k, v []byte
	del  bool
}

// sortKey orders ops at flush: hi, lo are the key's first 16 bytes,
// big-endian and zero-padded, which settle almost every pair of index keys
// (ids and times lead them) without bytes.Compare; i is the op, so equal
// keys keep their order of arrival. Small, so the sort moves little.
type sortKey struct {
	hi, lo uint64
	i      int
}

func newSortedWrites(b *bolt.Bucket, hint int) *sortedWrites {
	return &sortedWrites{b: b, ops: make([]sortedOp, 0, hint)}
}

func (w *sortedWrites) Get(k []byte) []byte {
	if len(w.ops) == 0 {
		return w.b.Get(k)
	}
	if w.pos == nil && !w.putOnce {
		w.pos = make(map[string]int, len(w.ops))
		for i, o := range w.ops {
			w.pos[string(o.k)] = i
		}
	}
	if i, ok := w.pos[string(k)]; ok {
		if w.ops[i].del {
			return nil
		}
		return w.ops[i].v
	}
	return w.b.Get(k)
}

// Put checks what bbolt's Put checks now, so a bad key fails at the record
// that made it rather than at flush.
func (w *sortedWrites) Put(k, v []byte) error {
	switch {
	case len(k) == 0:
		return berrors.ErrKeyRequired
	case len(k) > bolt.MaxKeySize:
		return berrors.ErrKeyTooLarge
	case int64(len(v)) > bolt.MaxValueSize:
		return berrors.ErrValueTooLarge
	}
	if v == nil {
		v = empty // bbolt stores nil as empty; Get must still see the key
	}
	w.set(k, v, false)
	return nil
}

func (w *sortedWrites) Delete(k []byte) error {
	w.set(k, nil, true)
	return nil
}

func (w *sortedWrites) set(k, v []byte, del bool) {
	switch {
	case !w.putOnce:
		if w.pos != nil {
			w.pos[string(k)] = len(w.ops)
		}
	case del:
		if w.pos == nil {
			w.pos = map[string]int{}
		}
		w.pos[string(k)] = len(w.ops)
	default:
		if _, ok := w.pos[string(k)]; ok { // put back after its delete
			w.pos[string(k)] = len(w.ops)
		}
	}
	w.ops = append(w.ops, sortedOp{k: k, v: v, del: del})
}

// flush writes the pending operations in key order, a key's last write
// only, and empties the buffer.
func (w *sortedWrites) flush() error {
	order := make([]sortKey, len(w.ops))
	for i, o := range w.ops {
		var b [16]byte
		copy(b[:], o.k)
		order[i] = sortKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), i}
	}
	slices.SortFunc(order, func(a, b sortKey) int {
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lo, b.lo); c != 0 {
			return c
		}
		if c := bytes.Compare(w.ops[a.i].k, w.ops[b.i].k); c != 0 { // longer keys, or "a" and "a\x00"
			return c
		}
		return a.i - b.i
	})
	for j, s := range order {
		o := w.ops[s.i]
		if j+1 < len(order) && order[j+1].hi == s.hi && order[j+1].lo == s.lo && bytes.Equal(o.k, w.ops[order[j+1].i].k) {
			continue // a later write of the key replaces this one
		}
		var err error
		if o.del {
			err = w.b.Delete(o.k)
		} else {
			err = w.b.Put(o.k, o.v)
		}
		if err != nil {
			return err
		}
	}
	w.pos, w.ops = nil, nil
	return nil
}

// dealWriter is where deal records, their indexes and their events go:
// straight into the buckets (one deal per transaction), or through
// sortedWrites (Import and Bulk, many deals per transaction) until flush.
// Sequences and the deal count always go straight to bbolt.
type dealWriter struct {
	tx                      *bolt.Tx
	deals, events, dealEvts kv
	ix                      indexes
	buffers                 []*sortedWrites
}

func directWriter(tx *bolt.Tx) dealWriter {
	return dealWriter{tx: tx, deals: tx.Bucket(bDeals), events: tx.Bucket(bEvents),
		dealEvts: tx.Bucket(bIdxDealEvts), ix: openIndexes(tx)}
}

func sortedWriter(tx *bolt.Tx) dealWriter { return sortedWriterFor(tx, 0) }

// sortedWriterFor is sortedWriter for about n deals: each buffer starts
// with room for n writes, about one per deal, instead of growing to it by
// doubling (which copied and kept twice the memory).
func sortedWriterFor(tx *bolt.Tx, n int) dealWriter {
	w := dealWriter{tx: tx}
	buf := func(name []byte) kv {
		s := newSortedWrites(tx.Bucket(name), n)
		w.buffers = append(w.buffers, s)
		return s
	}
	w.deals, w.events, w.dealEvts = buf(bDeals), buf(bEvents), buf(bIdxDealEvts)
	w.ix = indexes{owner: buf(bIdxOwner), open: buf(bIdxOpen), stage: buf(bIdxStage),
		closed: buf(bIdxClosed), ext: buf(bIdxExt), acct: buf(bIdxAcct)}
	w.ix.ext.(*sortedWrites).putOnce = true
	return w
}

// flush applies buffered writes; a no-op for a direct writer.
func (w dealWriter) flush() error {
	for _, s := range w.buffers {
		if err := s.flush(); err != nil {
			return err
		}
	}
	return nil
}
