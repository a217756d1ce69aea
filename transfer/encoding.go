package transfer

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Conversion says what Normalize did to a file, for the dry run: a
// spreadsheet saved in a European locale is ";"-separated Windows-1252,
// Excel's "Unicode Text" is tab-separated UTF-16.
type Conversion struct {
	Encoding  string // "" (UTF-8), "UTF-16LE", "UTF-16BE", "Windows-1252"
	Delimiter rune   // the file's separator; ',' when it was already CSV
	SepLine   bool   // the file started with Excel's "sep=;" line
}

// Changed reports whether the file was not plain UTF-8 CSV.
func (c Conversion) Changed() bool {
	return c.Encoding != "" || (c.Delimiter != 0 && c.Delimiter != ',') || c.SepLine
}

// String is the dry run's line: `Windows-1252 text separated by ";"`.
func (c Conversion) String() string {
	var parts []string
	if c.Encoding != "" {
		parts = append(parts, c.Encoding+" text, read as UTF-8")
	}
	if c.Delimiter != 0 && c.Delimiter != ',' {
		parts = append(parts, fmt.Sprintf("cells separated by %s, not commas", delimName(c.Delimiter)))
	}
	if c.SepLine {
		parts = append(parts, fmt.Sprintf("its first line \"sep=%c\" (Excel's) is not data", c.Delimiter))
	}
	return strings.Join(parts, "; ")
}

func delimName(r rune) string {
	switch r {
	case '\t':
		return "tabs"
	case ';':
		return `";"`
	case '|':
		return `"|"`
	}
	return fmt.Sprintf("%q", r)
}

// Normalize turns a spreadsheet's text file into UTF-8 CSV: UTF-16 (with
// a BOM, or without one but with the NUL bytes of ASCII text) and bytes
// that are not UTF-8 but are Windows-1252 (what Excel writes for "CSV" on
// Windows; is1252) are decoded; a ";", tab or "|" separator, decided by the header
// line (Excel writes ";" where the decimal mark is a comma), is rewritten
// as commas; Excel's "sep=;" first line is dropped. Line numbers are kept:
// every record starts on the line it started on. A UTF-8 comma file comes
// back as it was, without a copy.
func Normalize(data []byte) ([]byte, Conversion, error) {
	var conv Conversion
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xfe")):
		data, conv.Encoding = decodeUTF16(data[2:], binary.LittleEndian), "UTF-16LE"
	case bytes.HasPrefix(data, []byte("\xfe\xff")):
		data, conv.Encoding = decodeUTF16(data[2:], binary.BigEndian), "UTF-16BE"
	case utf16NoBOM(data, 1):
		data, conv.Encoding = decodeUTF16(data, binary.LittleEndian), "UTF-16LE"
	case utf16NoBOM(data, 0):
		data, conv.Encoding = decodeUTF16(data, binary.BigEndian), "UTF-16BE"
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if err := Sniff(data); err != nil {
		return nil, conv, err
	}
	if conv.Encoding == "" && !utf8.Valid(data) && is1252(data) {
		data, conv.Encoding = decode1252(data), "Windows-1252"
	}
	first, rest := data, []byte(nil)
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first, rest = data[:i+1], data[i+1:]
	}
	if l := bytes.TrimSpace(first); len(l) == 5 && bytes.HasPrefix(bytes.ToLower(l), []byte("sep=")) {
		// Keep the line count: the header is still on line 2.
		conv.SepLine, conv.Delimiter = true, rune(l[4])
		data = append([]byte("\n"), rest...)
	} else {
		conv.Delimiter = sniffDelimiter(data)
	}
	if conv.Delimiter == ',' || conv.Delimiter == 0 {
		conv.Delimiter = ','
		return data, conv, nil
	}
	out, err := recomma(data, conv.Delimiter)
	return out, conv, err
}

// sniffDelimiter picks the separator the first non-blank line uses most
// outside quotes; commas win a tie, so "Acme; Inc.,40" stays CSV.
func sniffDelimiter(data []byte) rune {
	counts := map[byte]int{}
	quoted, seen := false, false
	for _, b := range data[:min(len(data), 64<<10)] {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			if seen {
				goto done
			}
		case b == ',' || b == ';' || b == '\t' || b == '|':
			counts[b]++
			seen = true
		case b != ' ' && b != '\r':
			seen = true
		}
	}
done:
	best := byte(',')
	for _, d := range []byte{';', '\t', '|'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return rune(best)
}

// recomma rewrites a file separated by delim as comma CSV, each record on
// the line it started on (blank lines, which encoding/csv skips, are kept
// as empty lines) so problems name the lines the user sees.
func recomma(data []byte, delim rune) ([]byte, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	var b bytes.Buffer
	b.Grow(len(data) + len(data)/8)
	w := csv.NewWriter(&b)
	line := 1
	for {
		row, err := readRecord(cr)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		start, _ := cr.FieldPos(0)
		w.Flush()
		for ; line < start; line++ {
			b.WriteByte('\n')
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
		w.Flush()
		line = start + 1
		for _, c := range row {
			line += strings.Count(c, "\n")
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// utf16NoBOM reports UTF-16 text without a BOM: in its first bytes, the
// byte at every other position (odd for little-endian) is NUL, as it is
// for ASCII characters.
func utf16NoBOM(data []byte, zeroAt int) bool {
	n := min(len(data), 512) &^ 1
	if n < 8 {
		return false
	}
	for i := zeroAt; i < n; i += 2 {
		if data[i] != 0 || data[i^1] == 0 {
			return false
		}
	}
	return true
}

func decodeUTF16(data []byte, order binary.ByteOrder) []byte {
	u := make([]uint16, len(data)/2)
	for i := range u {
		u[i] = order.Uint16(data[2*i:])
	}
	out := make([]byte, 0, len(u))
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// cp1252 is Windows-1252 from 0x80 to 0x9F; the rest of the high half is
// Latin-1. Unassigned bytes read as U+FFFD.
var cp1252 = [32]rune{
	'€', '\ufffd', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\ufffd', 'Ž', '\ufffd',
	'\ufffd', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\ufffd', 'ž', 'Ÿ',
}

// is1252 reports whether text that is not UTF-8 reads as Windows-1252: it
// has no UTF-8 sequence of two bytes or more (a UTF-8 file with one broken
// byte stays UTF-8, the byte that cell's error) and no byte that
// Windows-1252 leaves unassigned.
func is1252(data []byte) bool {
	for i := 0; i < len(data); {
		b := data[i]
		if b < 0x80 {
			i++
			continue
		}
		if b < 0xa0 && cp1252[b-0x80] == '\ufffd' {
			return false
		}
		if r, n := utf8.DecodeRune(data[i:]); r != utf8.RuneError && n > 1 {
			return false
		}
		i++
	}
	return true
}

func decode1252(data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/16)
	for _, b := range data {
		switch {
		case b < 0x80:
			out = append(out, b)
		case b < 0xa0:
			out = utf8.AppendRune(out, cp1252[b-0x80])
		default:
			out = utf8.AppendRune(out, rune(b))
		}
	}
	return out
}
