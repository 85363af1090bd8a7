package notice

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// doc is the own text of a notice prepared for reading: lines for the
// line-bound rules (tracking numbers, carrier events), and a flat copy with
// every run of white space collapsed to one space for phrase matching
// (docs/notices.md "Own text").
type doc struct {
	lines    []string  // own text, one entry per line, spaces normalised
	lowLines []string  // lines, lower-cased byte for byte
	flat     string    // own text, white space collapsed
	low      string    // flat lower-cased with the same byte offsets
	sents    []span    // sentences of flat
	mentions []mention // metric names in low, once computed
}

type span struct{ start, end int }

func newDoc(own string) *doc {
	d := &doc{}
	var flat strings.Builder
	var cur []string // lines of the current paragraph
	flush := func() {
		if len(cur) == 0 {
			return
		}
		p := collapse(strings.Join(cur, " "))
		cur = cur[:0]
		if p == "" {
			return
		}
		if flat.Len() > 0 {
			flat.WriteByte(' ')
		}
		start := flat.Len()
		flat.WriteString(p)
		d.sents = appendSentences(d.sents, p, start)
	}
	for line := range strings.SplitSeq(own, "\n") {
		line = strings.TrimRight(line, " \t")
		d.lines = append(d.lines, line)
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	d.flat = flat.String()
	d.low = lowerSameLen(d.flat)
	d.lowLines = make([]string, len(d.lines))
	for i, l := range d.lines {
		d.lowLines[i] = lowerSameLen(l)
	}
	return d
}

// appendSentences splits paragraph p (starting at offset base of flat) at
// sentence ends: . ! ? followed by a space, and the Japanese 。！？.
func appendSentences(out []span, p string, base int) []span {
	start := 0
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		end := -1
		switch r {
		case '.', '!', '?':
			if i+1 == len(p) || p[i+1] == ' ' {
				// "U.S. shipments", "No. 5": a one-letter word is no sentence end.
				if r != '.' || !shortWordBefore(p, i) {
					end = i + 1
				}
			}
		case '。', '！', '？':
			end = i + size
		}
		i += size
		if end > 0 {
			if strings.TrimSpace(p[start:end]) != "" {
				out = append(out, span{base + start, base + end})
			}
			start = end
		}
	}
	if strings.TrimSpace(p[start:]) != "" {
		out = append(out, span{base + start, base + len(p)})
	}
	return out
}

// shortWordBefore reports whether the word ending at the dot p[i] is a single
// letter or a known abbreviation, so the dot does not end a sentence.
func shortWordBefore(p string, i int) bool {
	j := i
	for j > 0 && p[j-1] != ' ' {
		j--
	}
	w := strings.ToLower(p[j:i])
	switch w {
	case "no", "nr", "mr", "mrs", "ms", "dr", "st", "e.g", "i.e", "vs", "approx", "inc", "z.b", "bzw", "ca", "u.s", "n°":
		return true
	}
	return utf8.RuneCountInString(w) == 1 || strings.Contains(w, ".")
}

// collapse turns every run of white space into one space and trims.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0xA0, 0x2007, 0x202F, 0x3000, 0x200B, 0xFEFF:
		return true
	}
	return r > 0x7F && unicode.IsSpace(r)
}

// lowerSameLen lower-cases s without moving any byte offset: a rune whose
// lower case has another UTF-8 length (İ, the Kelvin sign) is left alone.
// Offsets found in the result can be read back in s ("as written" values).
func lowerSameLen(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		l := unicode.ToLower(r)
		if utf8.RuneLen(l) != utf8.RuneLen(r) || r == utf8.RuneError {
			l = r
		}
		b.WriteRune(l)
	}
	return b.String()
}

// prepText makes decoded body text uniform: LF line ends, full-width ASCII
// (common in Japanese mail: ９４００, ：, ％) folded to ASCII, odd spaces to
// plain ones, invalid UTF-8 replaced.
func prepText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case 0xA0, 0x2007, 0x202F, 0x3000:
			return ' '
		case 0x200B, 0xFEFF, 0xAD: // zero-width space, BOM, soft hyphen
			return -1
		}
		return r
	}, s)
}

// hasWordAt reports whether low[i:i+n] stands as a word of its own: no
// ASCII letter or digit right before or after it.
func hasWordAt(low string, i, n int) bool {
	if i > 0 && isAlnum(low[i-1]) {
		return false
	}
	if j := i + n; j < len(low) && isAlnum(low[j]) {
		return false
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// indexWord finds the first occurrence of word in low at or after from that
// stands as a word of its own, or -1.
func indexWord(low, word string, from int) int {
	for from <= len(low) {
		i := strings.Index(low[from:], word)
		if i < 0 {
			return -1
		}
		i += from
		if hasWordAt(low, i, len(word)) {
			return i
		}
		from = i + 1
	}
	return -1
}

// containsAny reports whether low contains any of words.
func containsAny(low string, words []string) bool {
	for _, w := range words {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}
