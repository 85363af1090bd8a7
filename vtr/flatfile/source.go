package flatfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// maxLine is the longest line of a file, in bytes after decoding: a TSV
// line, and a CSV line, which is also a CSV record (a value never holds a
// line break). A value is at most a line. Amazon's longest lines are a few
// kilobytes; a longer one is not a report.
const maxLine = 16 << 20

// Charset is the text encoding of files that are neither UTF-8 nor marked
// by a byte-order mark, as the seller names it (bot import --encoding):
// Amazon's European reports often come in Windows-1252, its Japanese ones
// in Shift_JIS. docs/files.md has the rules.
type Charset struct {
	// Name is the encoding's canonical name (windows-1252, shift_jis).
	Name string
	enc  encoding.Encoding
	// ascii: the encoding writes ASCII text as ASCII and never uses a
	// line-feed byte inside a character, so a file can be split into lines
	// before it is decoded, and a file's first non-ASCII line can tell
	// UTF-8 from it. UTF-16 is not.
	ascii bool
}

// charsetAliases are names sellers use that neither index knows.
var charsetAliases = map[string]string{"cp932": "shift_jis", "ms-932": "shift_jis", "windows-932": "shift_jis"}

// LookupCharset returns the encoding called name: a WHATWG label
// (windows-1252, cp1252, latin1, iso-8859-1, shift_jis, sjis, euc-jp,
// utf-16le, utf-16be, ...; note that WHATWG reads iso-8859-1 and latin1
// as windows-1252, as browsers do) or else an IANA name (ibm437, ...). For
// UTF-8 it returns nil: UTF-8 is what every file is read as by default.
func LookupCharset(name string) (*Charset, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := charsetAliases[n]; ok {
		n = a
	}
	enc, err := htmlindex.Get(n)
	canonical := ""
	if err == nil {
		canonical, _ = htmlindex.Name(enc)
	} else if enc, err = ianaindex.IANA.Encoding(n); err == nil && enc != nil {
		canonical, _ = ianaindex.IANA.Name(enc)
		canonical = strings.ToLower(canonical)
	}
	if err != nil || enc == nil {
		return nil, fmt.Errorf("unknown encoding %q (want e.g. windows-1252, shift_jis, iso-8859-15, utf-16le)", name)
	}
	if enc == unicode.UTF8 || canonical == "utf-8" {
		return nil, nil
	}
	probe := "\t\r\n ,\"'azAZ09-./:;=_"
	got, err := enc.NewEncoder().String(probe)
	return &Charset{Name: canonical, enc: enc, ascii: err == nil && got == probe}, nil
}

// How a file's bytes are being read.
const (
	undecided = iota // only ASCII so far; the first other line decides
	asUTF8           // a UTF-8 byte-order mark, or a line of valid UTF-8
	asCharset        // decoded line by line with the --encoding charset
	asStream         // UTF-16 (by byte-order mark or charset): decoded as a stream before lines are split
)

// source turns a file's bytes into lines of UTF-8 text, counting them, so
// that every problem with the bytes is found at its line: a byte that is
// not UTF-8 (nor of the file's charset), or a NUL byte. SQLite would store
// such bytes as they are and PostgreSQL refuse the whole file; now neither
// sees them.
type source struct {
	name    string
	br      *bufio.Reader
	cs      *Charset
	dec     *encoding.Decoder // cs's, for line-by-line decoding
	mode    int
	decided int // the line that decided the mode (UTF-8 or cs)
	line    int
	buf     []byte
}

func newSource(name string, r io.Reader, cs *Charset) (*source, error) {
	s := &source{name: name, br: bufio.NewReaderSize(r, 256<<10), cs: cs}
	head, err := s.br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &Error{name, 1, err.Error()}
	}
	var stream encoding.Encoding
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		s.br.Discard(3)
		s.mode, s.decided = asUTF8, 1
	case bytes.HasPrefix(head, []byte("\xFF\xFE")):
		s.br.Discard(2)
		stream = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case bytes.HasPrefix(head, []byte("\xFE\xFF")):
		s.br.Discard(2)
		stream = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	case cs != nil && !cs.ascii:
		// UTF-16 without a byte-order mark, as --encoding says, unless
		// the file starts with no NUL byte at all: an ASCII header in
		// UTF-16 has one in every other byte, so that file is UTF-8.
		start, _ := s.br.Peek(1024)
		if bytes.IndexByte(start, 0) >= 0 {
			stream = cs.enc
		}
	}
	if stream != nil {
		s.mode = asStream
		s.br = bufio.NewReaderSize(transform.NewReader(s.br, stream.NewDecoder()), 256<<10)
	}
	if cs != nil && cs.ascii {
		s.dec = cs.enc.NewDecoder()
	}
	return s, nil
}

// next returns the next line as UTF-8 without its line end (LF or CRLF),
// valid until the next call, or io.EOF after the last line. An error is an
// *Error at the line it is about.
func (s *source) next() ([]byte, error) {
	b, err := s.readLine()
	if err != nil {
		return nil, err
	}
	if s.mode != asStream {
		if b, err = s.decode(b); err != nil {
			return nil, err
		}
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		msg := fmt.Sprintf("a NUL byte (0x00) at byte %d of the line: not text", i+1)
		if s.mode != asStream && bytes.Count(b, []byte{0})*4 >= len(b) {
			msg += "; the file looks like UTF-16 without a byte-order mark: pass --encoding utf-16le (or utf-16be)"
		}
		return nil, &Error{s.name, s.line, msg}
	}
	return b, nil
}

// decode checks a line read line by line and decodes it when the file is
// in the --encoding charset. A file's first line with a non-ASCII byte (or
// an escape, for the 7-bit ISO-2022 charsets) decides: valid UTF-8 makes it
// UTF-8, anything else the charset.
func (s *source) decode(b []byte) ([]byte, error) {
	if s.mode == undecided && s.dec != nil && !plainASCII(b) {
		s.mode, s.decided = asUTF8, s.line
		if !utf8.Valid(b) || bytes.IndexByte(b, 0x1B) >= 0 {
			s.mode = asCharset
		}
	}
	if s.mode == asCharset {
		out, err := s.dec.Bytes(b)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return nil, &Error{s.name, s.line, fmt.Sprintf("not valid %s text (the file was read as %s from line %d on, by --encoding)", s.cs.Name, s.cs.Name, s.decided)}
		}
		return out, nil
	}
	if utf8.Valid(b) {
		return b, nil
	}
	i := invalidUTF8(b)
	msg := fmt.Sprintf("byte 0x%02X at byte %d of the line is not UTF-8", b[i], i+1)
	switch {
	case s.dec != nil && s.decided > 0:
		msg += fmt.Sprintf(" (line %d is UTF-8, so the file is read as UTF-8, not %s)", s.decided, s.cs.Name)
	case s.cs != nil && !s.cs.ascii:
		msg += fmt.Sprintf(" (the file does not start like %s: it has no NUL byte)", s.cs.Name)
	default:
		msg += "; if the file is Windows-1252 or Shift_JIS, pass --encoding windows-1252 or --encoding shift_jis"
	}
	return nil, &Error{s.name, s.line, msg}
}

// plainASCII reports a line of ASCII without escapes.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 || c == 0x1B {
			return false
		}
	}
	return true
}

// invalidUTF8 returns the index of the first byte of b that is not UTF-8.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return 0
}

// readLine returns the next line without its line end, counting lines; a
// line longer than maxLine is an error at that line.
func (s *source) readLine() ([]byte, error) {
	b, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.buf = append(s.buf[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(s.buf) > maxLine {
				return nil, &Error{s.name, s.line + 1, fmt.Sprintf("line longer than %d MB", maxLine>>20)}
			}
			b, err = s.br.ReadSlice('\n')
			s.buf = append(s.buf, b...)
		}
		b = s.buf
	}
	if len(b) == 0 && err != nil {
		if err != io.EOF {
			return nil, &Error{s.name, s.line + 1, err.Error()}
		}
		return nil, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, &Error{s.name, s.line + 1, err.Error()}
	}
	s.line++
	if len(b) > maxLine+1 {
		return nil, &Error{s.name, s.line, fmt.Sprintf("line longer than %d MB", maxLine>>20)}
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	return b, nil
}
