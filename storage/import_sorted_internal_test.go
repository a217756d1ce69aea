package storage

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// sortedWrites ends with what the same writes applied one by one leave:
// keys shorter and longer than the 16 bytes the radix sort reads, keys
// that tie on those bytes, keys written twice and deleted, in sorted and
// in random order.
func TestSortedWritesModel(t *testing.T) {
	for _, sorted := range []bool{false, true} {
		b, err := bolt.Open(filepath.Join(t.TempDir(), "s.db"), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		model := map[string][]byte{}
		err = b.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucket([]byte("b"))
			if err != nil {
				return err
			}
			for i := range 300 { // stored before: the writes mix with them
				k := binary.BigEndian.AppendUint64(nil, uint64(r.IntN(1000)))
				v := []byte{byte(i)}
				model[string(k)] = v
				if err := bk.Put(k, v); err != nil {
					return err
				}
			}
			w := newSortedWrites(bk, 0)
			for i := range 20_000 {
				var k []byte
				switch r.IntN(4) {
				case 0:
					k = binary.BigEndian.AppendUint64(nil, uint64(r.IntN(1000)))
				case 1:
					k = []byte{byte(r.IntN(3))}
					k = append(k, bytes.Repeat([]byte{0}, r.IntN(3))...)
				case 2:
					k = append(bytes.Repeat([]byte("account-name-long"), 1+r.IntN(2)), byte(r.IntN(50)))
				default:
					k = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(r.IntN(4))), uint64(r.IntN(1<<40)))
				}
				if sorted {
					k = binary.BigEndian.AppendUint64([]byte{9}, uint64(i/2))
				}
				if r.IntN(5) == 0 {
					delete(model, string(k))
					if err := w.Delete(k); err != nil {
						return err
					}
					continue
				}
				v := binary.BigEndian.AppendUint32(nil, uint32(i))
				if r.IntN(3) == 0 {
					v = nil
				}
				model[string(k)] = append([]byte{}, v...)
				if err := w.Put(k, v); err != nil {
					return err
				}
				if got := w.Get(k); !bytes.Equal(got, v) || got == nil {
					t.Fatalf("Get(%x) = %x before flush, want %x", k, got, v)
				}
			}
			order := make([]sortKey, len(w.ops))
			for i, o := range w.ops {
				var b [16]byte
				copy(b[:], w.key(o))
				order[i] = sortKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), i}
			}
			order = w.sortKeys(order)
			for j := 1; j < len(order); j++ {
				a, b := w.key(w.ops[order[j-1].i]), w.key(w.ops[order[j].i])
				if c := bytes.Compare(a, b); c > 0 || c == 0 && order[j-1].i > order[j].i {
					t.Fatalf("sorted %x (op %d) before %x (op %d)", a, order[j-1].i, b, order[j].i)
				}
			}
			if err := w.flush(); err != nil {
				return err
			}
			var keys []string
			err = bk.ForEach(func(k, v []byte) error {
				keys = append(keys, string(k))
				if want, ok := model[string(k)]; !ok || !bytes.Equal(v, want) {
					t.Errorf("key %x = %x, want %x (present %v)", k, v, want, ok)
				}
				return nil
			})
			if len(keys) != len(model) || !slices.IsSorted(keys) {
				t.Errorf("%d keys, want %d", len(keys), len(model))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
}

// The account index key of an ASCII name is normAccount's, built without
// its allocations: every byte value, runs and ends of white space and NUL.
func TestAccountKeyASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("aZ \t\n\v\f\r\x00\x01.-9Ab  ")
	for range 200_000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			if r.IntN(4) == 0 {
				b[i] = byte(r.IntN(128))
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		s := string(b)
		got, ok := appendASCIIAccount([]byte("x"), s)
		if !ok || string(got) != "x"+normAccount(s) {
			t.Fatalf("appendASCIIAccount(%q) = %q, %v; want %q", s, got[1:], ok, normAccount(s))
		}
	}
	for _, s := range []string{"Café", "ACME\u00a0Corp", "\u0085x"} {
		if got, ok := appendASCIIAccount([]byte("x"), s); ok || string(got) != "x" {
			t.Errorf("appendASCIIAccount(%q) = %q, %v; want the slow path", s, got, ok)
		}
		if k := accountKey(s, 7); string(k[:len(k)-9]) != normAccount(s) {
			t.Errorf("accountKey(%q) = %q", s, k)
		}
	}
}
