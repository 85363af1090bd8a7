package flatfile

import (
	"fmt"
	"strings"
)

// csvError is a quoting problem in one line of a comma-separated file, at
// the value numbered col (from 1).
type csvError struct {
	col int
	msg string
}

// splitCSV splits one line of a comma-separated file into dst. A value
// that starts with a quote (after spaces) is quoted: it ends at the next
// lone quote on the same line, "" inside it is one quote, and only spaces
// may follow it before the next comma. A quote anywhere else is an
// ordinary character (12" Vinyl), as in TSV. So a stray quote can never
// run on into the next lines: that is a quote never closed, an error at
// its line. Unlike RFC 4180, no value holds a line break; none of
// Amazon's files has one.
func splitCSV(s string, dst []string) ([]string, *csvError) {
	col := 1
	for ; ; col++ {
		t := strings.TrimLeft(s, " ")
		if t == "" || t[0] != '"' {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				return append(dst, s), nil
			}
			dst = append(dst, s[:i])
			s = s[i+1:]
			continue
		}
		v, rest, ok := quoted(t[1:])
		if !ok {
			return dst, &csvError{col, "its opening quote is never closed on this line (a value cannot hold a line break); quote the whole value and double every quote in it"}
		}
		dst = append(dst, v)
		rest = strings.TrimLeft(rest, " ")
		if rest == "" {
			return dst, nil
		}
		if rest[0] != ',' {
			return dst, &csvError{col, fmt.Sprintf("text %q after its closing quote; a quote inside a quoted value is written twice (\"\")", clip(rest, 20))}
		}
		s = rest[1:]
	}
}

// quoted reads a quoted value whose opening quote is gone: the value, what
// follows its closing quote, and false when there is no closing quote.
func quoted(s string) (value, rest string, ok bool) {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return "", "", false
	}
	if i+1 >= len(s) || s[i+1] != '"' {
		return s[:i], s[i+1:], true // the common case: no doubled quote
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return "", "", false
		}
		b.WriteString(s[:i])
		s = s[i+1:]
		if s == "" || s[0] != '"' {
			return b.String(), s, true
		}
		b.WriteByte('"')
		s = s[1:]
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n-- // not inside a UTF-8 sequence
	}
	return s[:n] + "..."
}
