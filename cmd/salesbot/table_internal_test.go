package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestReadJSONDistinctKeysIsLinear: 2.4 MB of objects with distinct keys
// used to build a rows × keys table and ran out of memory at 4.4 GB.
func TestReadJSONDistinctKeysIsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; b.Len() < 2400<<10; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"key%d":"v"}`, i)
	}
	b.WriteString("]")
	known := importFields["deals"].known(nil)
	for _, o := range []tableOptions{
		{known: func(k string) bool { return known[normalizeColumn(k)] }, knownList: "deal fields"},
		{}, // no known set: the column cap bounds it
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tab, err := readTable(strings.NewReader(b.String()), o)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.header) > maxJSONColumns {
			t.Errorf("%d columns", len(tab.header))
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<30 {
			t.Errorf("reading 2.4 MB allocated %d MB", got>>20)
		}
		t.Logf("allocated %d MB for %d records", (after.TotalAlloc-before.TotalAlloc)>>20, len(tab.rows))
	}
}
