// Package flatfile reads Amazon's flat files (All Orders report, shipping
// confirmations, SKU categories, the Valid Tracking report) into vtr values.
//
// Columns are found by header name (case-insensitive; unknown columns are
// ignored; any order). Tab-separated files have no quoting at all (product
// names contain 12"), except that a field wrapped entirely in valid CSV
// quotes is unwrapped; comma-separated files use CSV quoting, strictly, one
// record per line (splitCSV). Text is UTF-8, or UTF-16 with a byte-order
// mark, or the charset the caller names for files that are neither
// (source.go); a byte that is none of these, and a NUL byte, is an error at
// its line. A UTF-8 BOM is skipped, LF and CRLF both end lines, a line is
// at most 16 MB, values are trimmed, blank lines are skipped, and line
// numbers count the header as line 1. Every problem is an *Error that
// prints as FILE:LINE: what is wrong. docs/files.md has these rules for
// sellers. The package does no I/O beyond the io.Reader it is given.
package flatfile

import (
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
	src   *source
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

// NewReader reads the header of the file called name (used in errors), a
// file in UTF-8 or with a byte-order mark.
func NewReader(name string, r io.Reader) (*Reader, error) {
	return NewReaderCharset(name, r, nil)
}

// NewReaderCharset is NewReader for a file that may also be in cs (nil:
// UTF-8 only) when it has no byte-order mark and is not UTF-8 (see
// LookupCharset and docs/files.md).
func NewReaderCharset(name string, r io.Reader, cs *Charset) (*Reader, error) {
	src, err := newSource(name, r, cs)
	if err != nil {
		return nil, err
	}
	fr := &Reader{name: name, src: src, cols: map[string]int{}}
	var first string
	for {
		b, err := src.next()
		if err == io.EOF {
			return nil, &Error{name, 1, "empty file: want a header row"}
		} else if err != nil {
			return nil, err
		}
		if first = strings.TrimPrefix(string(b), "\uFEFF"); strings.TrimSpace(first) != "" {
			break
		}
	}
	fr.line = src.line
	if !strings.Contains(first, "\t") && strings.Contains(first, ",") {
		fr.comma = true
		head, cerr := splitCSV(first, nil)
		if cerr != nil {
			return nil, fr.csvError(cerr, nil)
		}
		fr.head = head
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

// csvError places a quoting problem at the current line, naming the column
// by its header when there is one.
func (r *Reader) csvError(e *csvError, head []string) error {
	col := fmt.Sprintf("value %d", e.col)
	if e.col <= len(head) && strings.TrimSpace(head[e.col-1]) != "" {
		col += fmt.Sprintf(" (%s)", head[e.col-1])
	}
	return &Error{r.name, r.src.line, col + ": " + e.msg}
}

// Name returns the file name used in errors.
func (r *Reader) Name() string { return r.name }

// Has reports whether the header has a column (case-insensitive).
func (r *Reader) Has(col string) bool { _, ok := r.cols[col]; return ok }

// Alias lets a file name column canonical by another name, as Amazon's own
// reports do in some stores: when the header has no canonical column, the
// first of names it has is read as canonical. A file with both keeps
// canonical.
func (r *Reader) Alias(canonical string, names ...string) {
	if r.Has(canonical) {
		return
	}
	for _, n := range names {
		if i, ok := r.cols[n]; ok {
			r.cols[canonical] = i
			return
		}
	}
}

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
		b, err := r.src.next()
		if err != nil {
			return nil, err
		}
		line := string(b)
		var fields []string
		if r.comma {
			var cerr *csvError
			if fields, cerr = splitCSV(line, r.row.fields[:0]); cerr != nil {
				return nil, r.csvError(cerr, r.head)
			}
		} else {
			fields = splitTabs(line, r.row.fields[:0])
		}
		r.line = r.src.line
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
