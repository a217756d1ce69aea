package storage

import (
	"bytes"
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
	pos map[string]int // key → index into ops
	ops []sortedOp
}

type sortedOp struct {
	k, v []byte
	del  bool
}

func newSortedWrites(b *bolt.Bucket) *sortedWrites {
	return &sortedWrites{b: b, pos: map[string]int{}}
}

func (w *sortedWrites) Get(k []byte) []byte {
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
	if i, ok := w.pos[string(k)]; ok {
		w.ops[i].v, w.ops[i].del = v, del
		return
	}
	w.pos[string(k)] = len(w.ops)
	w.ops = append(w.ops, sortedOp{k: k, v: v, del: del})
}

// flush writes the pending operations in key order and empties the buffer.
func (w *sortedWrites) flush() error {
	slices.SortFunc(w.ops, func(a, b sortedOp) int { return bytes.Compare(a.k, b.k) })
	for _, o := range w.ops {
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
	w.pos, w.ops = map[string]int{}, nil
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

func sortedWriter(tx *bolt.Tx) dealWriter {
	w := dealWriter{tx: tx}
	buf := func(name []byte) kv {
		s := newSortedWrites(tx.Bucket(name))
		w.buffers = append(w.buffers, s)
		return s
	}
	w.deals, w.events, w.dealEvts = buf(bDeals), buf(bEvents), buf(bIdxDealEvts)
	w.ix = indexes{owner: buf(bIdxOwner), open: buf(bIdxOpen), stage: buf(bIdxStage),
		closed: buf(bIdxClosed), ext: buf(bIdxExt), acct: buf(bIdxAcct)}
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
