package app

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

// readTable reads CSV (with a header row) or a JSON array of objects.
// format is "csv", "json" or "" to detect from the first byte. onRow, if
// set, is told each row's offset for a progress bar.
func readTable(r io.Reader, format string, onRow func(offset int64)) (*table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if format == "" {
		format = "csv"
		if b, err := peekNonSpace(br); err == nil && (b == '[' || b == '{') {
			format = "json"
		}
	}
	if format == "json" {
		return readJSONTable(br)
	}
	return readCSVTable(br, onRow)
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

func readCSVTable(br *bufio.Reader, onRow func(int64)) (*table, error) {
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
		if onRow != nil {
			onRow(cr.InputOffset())
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
		t.rows = append(t.rows, tableRow{line: line, cells: rec})
	}
	return t, nil
}

var errEmptyFile = errors.New("the file is empty: expected a header row such as id,account,amount,stage,owner")

// readJSONTable reads export's JSON: an array of flat objects. Numbers
// keep their exact text, so amounts round-trip without float rounding.
func readJSONTable(br *bufio.Reader) (*table, error) {
	if b, _ := br.Peek(3); string(b) == utf8BOM {
		br.Discard(3)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	var objs []map[string]any
	if err := dec.Decode(&objs); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errEmptyFile
		}
		return nil, fmt.Errorf("not a JSON array of objects: %w", err)
	}
	t := &table{where: "record"}
	cols := map[string]int{}
	for _, o := range objs {
		for k := range o {
			if _, ok := cols[k]; !ok {
				cols[k] = -1
			}
		}
	}
	// Column order is irrelevant for JSON; sorted keeps messages stable.
	for k := range cols {
		t.header = append(t.header, k)
	}
	slices.Sort(t.header)
	for i, k := range t.header {
		cols[k] = i
	}
	for i, o := range objs {
		row := tableRow{line: i + 1, cells: make([]string, len(t.header))}
		for k, v := range o {
			switch v := v.(type) {
			case nil:
			case string:
				row.cells[cols[k]] = v
			case json.Number:
				row.cells[cols[k]] = v.String()
			case bool:
				row.cells[cols[k]] = fmt.Sprint(v)
			default:
				row.err = fmt.Errorf("field %q must be a string or number", k)
			}
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}
