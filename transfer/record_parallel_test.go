package transfer_test

import (
	"bytes"
	"reflect"
	"runtime"
	"testing"

	"github.com/salesbot/salesbot/transfer"
	"github.com/salesbot/salesbot/transfer/transfertest"
)

// A large file is read on several goroutines; its records and problems
// are exactly what one reader gives, in row order: every preset's sample,
// with bad cells spread through it.
func TestReadDealsParallelSameAsOne(t *testing.T) {
	for _, s := range transfertest.All(7, 25_000, "USD") {
		t.Run(s.Preset, func(t *testing.T) {
			read := func(procs int) *transfer.Deals {
				t.Helper()
				tab, err := transfer.ReadCSV(bytes.NewReader(s.Data))
				if err != nil {
					t.Fatal(err)
				}
				first, err := transfer.ReadDeals(tab, transfer.Options{})
				if err != nil {
					t.Fatal(err)
				}
				cols := first.Columns
				for i := 3; i < len(tab.Rows); i += 7919 { // a bad date or amount now and then
					for _, f := range []transfer.Field{transfer.FieldAmount, transfer.FieldCreated, transfer.FieldClose} {
						if c, ok := cols[f]; ok {
							tab.Rows[i][c] = "12abc"
						}
					}
				}
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				d, err := transfer.ReadDeals(tab, transfer.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			one, many := read(1), read(4)
			if len(one.Problems) == 0 || len(one.Records) < 20_000 {
				t.Fatalf("%d records, %d problems: the sample should have both", len(one.Records), len(one.Problems))
			}
			if !reflect.DeepEqual(one, many) {
				t.Errorf("read on 4 goroutines differs from one reader")
			}
		})
	}
}
