// Package flatfile reads Amazon's flat files (All Orders report, shipping
// confirmations, SKU categories, the Valid Tracking report) into vtr values.
//
// Columns are found by header name (case-insensitive; unknown columns are
// ignored; any order). Tab-separated files have no quoting at all (product
// names contain 12"), except that a field wrapped entirely in valid CSV
// quotes is unwrapped; comma-separated files use CSV quoting. A UTF-8 BOM is
// skipped, LF and CRLF both end lines, values are trimmed, blank lines are
// skipped, and line numbers count the header as line 1. Every problem is an
// *Error that prints as FILE:LINE: what is wrong. The package does no I/O
// beyond the io.Reader it is given.
package flatfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Error is a problem at one line of one file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Reader reads the rows of one delimited file with a header.
type Reader struct {
	name  string
	br    *bufio.Reader
	csv   *csv.Reader // nil for tab-separated files
	cols  map[string]int
	head  []string
	line  int
	row   Row
	comma bool
}

// Row is one data row.
type Row struct {
	Line   int
	fields []string
	r      *Reader
}

// NewReader reads the header of the file called name (used in errors).
func NewReader(name string, r io.Reader) (*Reader, error) {
	fr := &Reader{name: name, br: bufio.NewReaderSize(r, 256<<10), cols: map[string]int{}}
	first, err := fr.readLine()
	for err == nil && strings.TrimSpace(first) == "" {
		first, err = fr.readLine()
	}
	if err == io.EOF && strings.TrimSpace(first) == "" {
		return nil, &Error{name, 1, "empty file: want a header row"}
	} else if err != nil && err != io.EOF {
		return nil, &Error{name, fr.line, err.Error()}
	}
	first = strings.TrimPrefix(first, "\uFEFF")
	if !strings.Contains(first, "\t") && strings.Contains(first, ",") {
		fr.comma = true
		rest := io.MultiReader(strings.NewReader(first+"\n"), fr.br)
		fr.csv = csv.NewReader(rest)
		fr.csv.FieldsPerRecord = -1
		fr.csv.LazyQuotes = true
		fr.csv.ReuseRecord = true
		head, err := fr.csv.Read()
		if err != nil {
			return nil, &Error{name, 1, "cannot read the header: " + err.Error()}
		}
		fr.head = append([]string(nil), head...)
	} else {
		fr.head = splitTabs(first, nil)
	}
	for i, h := range fr.head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		fr.head[i] = h
		if _, dup := fr.cols[h]; !dup && h != "" {
			fr.cols[h] = i
		}
	}
	fr.row.r = fr
	return fr, nil
}

// Name returns the file name used in errors.
func (r *Reader) Name() string { return r.name }

// Has reports whether the header has a column (case-insensitive).
func (r *Reader) Has(col string) bool { _, ok := r.cols[col]; return ok }

// Require returns an error at line 1 naming the first missing column.
func (r *Reader) Require(cols ...string) error {
	for _, c := range cols {
		if !r.Has(c) {
			return &Error{r.name, 1, fmt.Sprintf("missing column %q (the header has: %s)", c, strings.Join(r.head, ", "))}
		}
	}
	return nil
}

// Next returns the next non-blank row, or io.EOF. The Row is valid until
// the next call.
func (r *Reader) Next() (*Row, error) {
	for {
		var fields []string
		if r.csv != nil {
			rec, err := r.csv.Read()
			if err != nil {
				if err == io.EOF {
					return nil, io.EOF
				}
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return nil, &Error{r.name, pe.Line, pe.Err.Error()}
				}
				return nil, &Error{r.name, r.line + 1, err.Error()}
			}
			r.line, _ = r.csv.FieldPos(0)
			fields = rec
		} else {
			s, err := r.readLine()
			if err != nil && (err != io.EOF || s == "") {
				if err == io.EOF {
					return nil, io.EOF
				}
				return nil, &Error{r.name, r.line, err.Error()}
			}
			fields = splitTabs(s, r.row.fields[:0])
		}
		blank := true
		for i, f := range fields {
			fields[i] = strings.TrimSpace(f)
			if fields[i] != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		r.row.Line, r.row.fields = r.line, fields
		return &r.row, nil
	}
}

// Errorf returns an *Error at this row's line.
func (row *Row) Errorf(format string, args ...any) error {
	return &Error{row.r.name, row.Line, fmt.Sprintf(format, args...)}
}

// Get returns the trimmed value of column col ("" when absent or short).
func (row *Row) Get(col string) string {
	i, ok := row.r.cols[col]
	if !ok || i >= len(row.fields) {
		return ""
	}
	return row.fields[i]
}

// readLine returns the next line without its line end, counting lines.
func (r *Reader) readLine() (string, error) {
	b, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		buf := append([]byte(nil), b...)
		for err == bufio.ErrBufferFull {
			if len(buf) > 16<<20 {
				return "", errors.New("line longer than 16 MB")
			}
			b, err = r.br.ReadSlice('\n')
			buf = append(buf, b...)
		}
		b = buf
	}
	if len(b) == 0 && err != nil {
		return "", err
	}
	r.line++
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	return string(b), err
}

// splitTabs splits s on tabs into dst, unwrapping fields that are entirely
// wrapped in valid CSV quotes ("a ""b""" becomes a "b").
func splitTabs(s string, dst []string) []string {
	for {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			return append(dst, unquote(s))
		}
		dst = append(dst, unquote(s[:i]))
		s = s[i+1:]
	}
}

func unquote(f string) string {
	t := strings.TrimSpace(f)
	if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' {
		return f
	}
	inner := t[1 : len(t)-1]
	for i := 0; i < len(inner); i++ {
		if inner[i] == '"' {
			if i+1 >= len(inner) || inner[i+1] != '"' {
				return f // a lone quote: not CSV quoting, keep as written
			}
			i++
		}
	}
	return strings.ReplaceAll(inner, `""`, `"`)
}

var errBadDate = errors.New("not a date")

func formatYMD(y, m, d int) string { return fmt.Sprintf("%04d-%02d-%02d", y, m, d) }
