package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/salesbot/salesbot/csvsafe"
)

// table is an input file as rows of strings under a header, whether it
// came from CSV or from the JSON that export writes.
type table struct {
	header []string
	rows   []tableRow
	// where names a row in messages: "line" for CSV, "record" for JSON.
	where string
}

type tableRow struct {
	line  int // CSV: line the record starts on; JSON: 1-based record number
	cells []string
	err   error // the row could not be read (wrong field count, bad quoting)
}

const utf8BOM = "\ufeff"

// tableOptions say how to read a file.
type tableOptions struct {
	format string             // "csv", "json" or "" to detect from the first byte
	onRow  func(offset int64) // if set, told each row's offset for a progress bar
	raw    bool               // CSV: keep cells as written, do not undo export's formula quote
	known  func(key string) bool
	// knownList names the keys known accepts, for the message.
	knownList string
}

// Limits on what one file may hold, so a hostile or broken file costs
// linear memory and gets a message instead of an out-of-memory kill.
const (
	maxCellBytes   = 64 << 10 // notes hold 16000 characters: up to 64 KB of UTF-8
	maxRecordBytes = 1 << 20  // one JSON object
	maxKeys        = 100      // keys of one JSON object
	maxJSONColumns = 1000     // distinct keys of a JSON file, when no known set limits them
)

// readTable reads CSV (with a header row) or a JSON array of objects.
func readTable(r io.Reader, o tableOptions) (*table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	format := o.format
	if format == "" {
		format = "csv"
		if b, err := peekNonSpace(br); err == nil && (b == '[' || b == '{') {
			format = "json"
		}
	}
	if format == "json" {
		return readJSONTable(br, o)
	}
	return readCSVTable(br, o)
}

// peekNonSpace returns the first byte after a BOM and white space without
// consuming anything.
func peekNonSpace(br *bufio.Reader) (byte, error) {
	b, _ := br.Peek(4096)
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte(utf8BOM)), " \t\r\n")
	if len(b) == 0 {
		return 0, io.EOF
	}
	return b[0], nil
}

func readCSVTable(br *bufio.Reader, o tableOptions) (*table, error) {
	// A BOM (Excel's "CSV UTF-8") would otherwise stick to the first
	// column's name.
	if b, _ := br.Peek(3); string(b) == utf8BOM {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted per row below, so one bad row is one error
	t := &table{where: "line"}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errEmptyFile
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	t.header = header
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if err != nil && errors.As(err, &pe) {
			// The reader resumes after the bad record; an unterminated
			// quote has consumed the rest of the file and the next Read
			// says EOF.
			t.rows = append(t.rows, tableRow{line: pe.StartLine, err: fmt.Errorf("%v (quotes inside a value must be doubled: \"\"\")", pe.Err)})
			continue
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		if o.onRow != nil {
			o.onRow(cr.InputOffset())
		}
		if len(rec) != len(header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a line of only spaces
			}
			msg := fmt.Sprintf("%d fields but the header has %d", len(rec), len(header))
			if len(rec) > len(header) {
				msg += " (a comma inside a value must be quoted: \"12,000\")"
			}
			t.rows = append(t.rows, tableRow{line: line, err: errors.New(msg)})
			continue
		}
		if !o.raw {
			// export neutralized formula-like cells with a quote
			// (csvsafe); take it off so export → import is lossless.
			for i := range rec {
				rec[i] = csvsafe.Restore(rec[i])
			}
		}
		t.rows = append(t.rows, tableRow{line: line, cells: rec})
	}
	return t, nil
}

var errEmptyFile = errors.New("the file is empty: expected a header row such as id,account,amount,stage,owner")

// readJSONTable reads export's JSON: an array of flat objects, streamed
// one object at a time so memory grows with the file, not with rows times
// keys. Numbers keep their exact text, so amounts round-trip without float
// rounding. A key o.known rejects is an error of that record: the header
// stays the known fields, however many distinct keys a file invents.
func readJSONTable(br *bufio.Reader, o tableOptions) (*table, error) {
	if b, _ := br.Peek(3); string(b) == utf8BOM {
		br.Discard(3)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	notArray := func(err error) error { return fmt.Errorf("not a JSON array of objects: %w", err) }
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, errEmptyFile
	}
	if err != nil {
		return nil, notArray(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, notArray(fmt.Errorf("it starts with %v, not [", tok))
	}
	t := &table{where: "record"}
	cols := map[string]int{}
	for n := 1; dec.More(); n++ {
		start := dec.InputOffset()
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			return nil, fmt.Errorf("record %d: %w", n, err)
		}
		if o.onRow != nil {
			o.onRow(dec.InputOffset())
		}
		row := tableRow{line: n}
		switch {
		case dec.InputOffset()-start > maxRecordBytes:
			row.err = fmt.Errorf("the record is %d bytes: keep each under %d", dec.InputOffset()-start, maxRecordBytes)
		case len(obj) > maxKeys:
			row.err = fmt.Errorf("the record has %d keys: a record has at most %d", len(obj), maxKeys)
		case obj == nil:
			row.err = errors.New("the record is null, not an object")
		}
		if row.err != nil {
			t.rows = append(t.rows, row)
			continue
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the first bad key named is the same every run
		vals := map[int]string{}
		for _, k := range keys {
			if o.known != nil && !o.known(k) {
				row.err = fmt.Errorf("unknown key %q (known: %s)", clipText(k, 40), o.knownList)
				break
			}
			v, err := jsonCell(obj[k])
			if err != nil {
				row.err = fmt.Errorf("field %q %w", k, err)
				break
			}
			i, ok := cols[k]
			if !ok && len(t.header) == maxJSONColumns {
				row.err = fmt.Errorf("key %q is one more than the %d distinct keys a file may hold", clipText(k, 40), maxJSONColumns)
				break
			}
			if !ok {
				i = len(t.header)
				cols[k] = i
				t.header = append(t.header, k)
			}
			vals[i] = v
		}
		if row.err == nil {
			row.cells = make([]string, len(t.header))
			for i, v := range vals {
				row.cells[i] = v
			}
		}
		t.rows = append(t.rows, row)
	}
	if _, err := dec.Token(); err != nil {
		return nil, notArray(err)
	}
	// Rows read before a key first appeared are short: pad them.
	for i := range t.rows {
		if r := &t.rows[i]; r.err == nil && len(r.cells) < len(t.header) {
			r.cells = append(r.cells, make([]string, len(t.header)-len(r.cells))...)
		}
	}
	return t, nil
}

// jsonCell is a JSON value as cell text: strings as they are, numbers
// with their exact digits, null as empty.
func jsonCell(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return fmt.Sprint(v), nil
	}
	return "", errors.New("must be a string or number")
}

// clipText shortens s to n runes for a message.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// clipList joins names for a message, at most n of them, each clipped.
func clipList(names []string, n int) string {
	var b strings.Builder
	for i, s := range names {
		if i == n {
			fmt.Fprintf(&b, " and %d more", len(names)-n)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(clipText(s, 40))
	}
	return b.String()
}
