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
// Keys are copied into an arena of large chunks, and an op is four
// integers: a million-deal import holds ten million pending writes, and as
// slices (two pointers each, a small allocation per key) they were a
// gigabyte the garbage collector scanned on every cycle. bbolt copies the
// keys it is given, so the arena goes at flush; it keeps the values until
// commit, so they are held as given (most index values are empty, and the
// owner index's is the deal record's head), not copied.
type sortedWrites struct {
	b      *bolt.Bucket
	ops    []sortedOp
	chunks [][]byte // keys; chunks[len-1] is the one being filled
	vals   [][]byte // the non-empty values
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

// sortedOp is one write: its key at off in chunk, its value vals[val-1]
// (0: empty; opDelete: a delete).
type sortedOp struct {
	chunk, off, klen uint32
	val              uint32
}

const (
	opDelete  = 1<<32 - 1
	chunkSize = 1 << 20
)

func (w *sortedWrites) key(o sortedOp) []byte {
	c := w.chunks[o.chunk]
	return c[o.off : o.off+o.klen : o.off+o.klen]
}

func (w *sortedWrites) value(o sortedOp) []byte {
	switch o.val {
	case opDelete:
		return nil
	case 0:
		return empty // bbolt stores nil as empty; Get must still see the key
	}
	return w.vals[o.val-1]
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
			w.pos[string(w.key(o))] = i
		}
	}
	if i, ok := w.pos[string(k)]; ok {
		return w.value(w.ops[i])
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
	last := len(w.chunks) - 1
	if last < 0 || len(w.chunks[last])+len(k) > cap(w.chunks[last]) {
		w.chunks = append(w.chunks, make([]byte, 0, max(chunkSize, len(k))))
		last++
	}
	c := w.chunks[last]
	o := sortedOp{chunk: uint32(last), off: uint32(len(c)), klen: uint32(len(k))}
	switch {
	case del:
		o.val = opDelete
	case len(v) > 0:
		w.vals = append(w.vals, v)
		o.val = uint32(len(w.vals))
	}
	w.chunks[last] = append(c, k...)
	w.ops = append(w.ops, o)
}

// flush writes the pending operations in key order, a key's last write
// only, and empties the buffer.
func (w *sortedWrites) flush() error { return w.apply(w.order()) }

// order is the pending operations sorted by key (sortKeys). It only
// reads the buffer, so it may run while another buffer is applied.
func (w *sortedWrites) order() []sortKey {
	order := make([]sortKey, len(w.ops))
	for i, o := range w.ops {
		var b [16]byte
		copy(b[:], w.key(o))
		order[i] = sortKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), i}
	}
	return w.sortKeys(order)
}

// apply writes the operations in order, a key's last write only, and
// empties the buffer.
func (w *sortedWrites) apply(order []sortKey) error {
	for j, s := range order {
		o := w.ops[s.i]
		k := w.key(o)
		if j+1 < len(order) && order[j+1].hi == s.hi && order[j+1].lo == s.lo && bytes.Equal(k, w.key(w.ops[order[j+1].i])) {
			continue // a later write of the key replaces this one
		}
		var err error
		if o.val == opDelete {
			err = w.b.Delete(k)
		} else {
			err = w.b.Put(k, w.value(o))
		}
		if err != nil {
			return err
		}
	}
	w.pos, w.ops, w.chunks, w.vals = nil, nil, nil, nil
	return nil
}

// sortKeys orders keys by their first 16 bytes with a stable radix sort,
// one pass per byte position that is not the same in every key (ids and
// times differ in a few low bytes; most leading bytes agree), then orders
// the runs that tie on those bytes by the whole key, keeping arrival order
// among equal keys. A comparison sort of a million keys cost several times
// as much. It may return a different slice than it is given.
func (w *sortedWrites) sortKeys(keys []sortKey) []sortKey {
	if slices.IsSortedFunc(keys, cmpPrefix) {
		// Deal ids arrive in order: nothing to move.
	} else {
		var counts [16][256]int
		for _, k := range keys {
			for b := range 8 {
				counts[b][byte(k.hi>>(56-8*b))]++
				counts[8+b][byte(k.lo>>(56-8*b))]++
			}
		}
		tmp := make([]sortKey, len(keys))
		for b := 15; b >= 0; b-- {
			c := &counts[b]
			if slices.Contains(c[:], len(keys)) {
				continue // every key has the same byte here
			}
			var at [256]int
			sum := 0
			for d, n := range c {
				at[d] = sum
				sum += n
			}
			shift, lo := uint(56-8*(b%8)), b >= 8
			for _, k := range keys {
				v := k.hi
				if lo {
					v = k.lo
				}
				d := byte(v >> shift)
				tmp[at[d]] = k
				at[d]++
			}
			keys, tmp = tmp, keys
		}
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && cmpPrefix(keys[i], keys[j]) == 0 {
			j++
		}
		if j-i > 1 { // longer keys, or "a" and "a\x00", or one key written twice
			slices.SortStableFunc(keys[i:j], func(a, b sortKey) int {
				return bytes.Compare(w.key(w.ops[a.i]), w.key(w.ops[b.i]))
			})
		}
		i = j
	}
	return keys
}

func cmpPrefix(a, b sortKey) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	return cmp.Compare(a.lo, b.lo)
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
	created                 *int         // deals inserted since the last flush, for the count; nil: counted each
	async                   *indexWorker // nil: indexes written in place
	at                      *int         // with async: the index of the deal being written
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
	w := dealWriter{tx: tx, created: new(int)}
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
	// Each buffer is sorted while the one before it is written: the sort
	// needs no transaction, so it takes the second CPU.
	orders := make(chan []sortKey, 1)
	go func() {
		defer close(orders)
		for _, s := range w.buffers {
			orders <- s.order()
		}
	}()
	for _, s := range w.buffers {
		if err := s.apply(<-orders); err != nil {
			for range orders { // let the sorter finish before the buffers go
			}
			return err
		}
	}
	if w.created != nil && *w.created > 0 {
		n := *w.created
		*w.created = 0
		return addCount(w.tx, n)
	}
	return nil
}
