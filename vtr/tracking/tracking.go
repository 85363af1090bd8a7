// Package tracking knows carriers and their tracking numbers: which names a
// seller may type for a carrier, which carriers Amazon integrates per
// marketplace, and whether a tracking number can belong to a carrier.
//
// It exists because Valid Tracking Rate starts with "does this number belong
// to the carrier named?" (docs/rules.md), and answering that needs the
// carriers' own number formats and check digits, written here from their
// public specifications (docs/tracking.md lists them).
//
// It offers two levels. [CoreCheck] is the small built-in subset that VTR
// classification must follow exactly (USPS, UPS, FedEx and DHL only; the
// rule of docs/tracking.md "Two levels"). [Check] and [Detect] are the
// fuller validators behind `bot tracking check` and notice parsing.
//
// The package is pure: standard library only, no I/O, no clock (dates arrive
// as arguments), and it imports no other vtrbot package. The validation hot
// path (Detect, Check, CoreCheck) does not allocate.
package tracking

import "unicode/utf8"

const (
	// MaxInput is the longest raw input, in bytes, that is examined at all;
	// longer input fits no format and is rejected without being read.
	MaxInput = 256
	// MaxLen is the longest normalised number examined. The longest format
	// (DHL eCommerce) has 41 characters.
	MaxLen = 64
)

// Normalize removes spaces and dashes from a tracking number and upper-cases
// it: the form numbers are compared and stored in (docs/rules.md).
//
// Besides ASCII spaces and '-', it removes Unicode spaces (no-break, thin,
// ideographic, zero-width) and dashes (hyphen, en and em dash, minus), which
// arrive when numbers are pasted from web pages and mail, and it reads
// full-width digits and letters (common in Japanese input) as ASCII. Other
// characters are kept. A LaserShip "1LS7...-1" number keeps its suffix digit:
// the format is read without the dash (see laserShip1LS).
func Normalize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'a' && c <= 'z') || skipASCII(c) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c, size := normRune(s, i)
		i += size
		switch {
		case c == skip:
		case c >= 0:
			b = append(b, byte(c))
		default: // a non-ASCII rune kept as written
			b = append(b, s[i-size:i]...)
		}
	}
	return string(b)
}

// skip and keep are normRune's answers besides an ASCII byte.
const (
	skip = -1 // drop the character
	keep = -2 // keep the rune's bytes as written
)

// normRune reads the character at s[i] and returns its normalised ASCII
// byte, skip or keep, and its size in bytes.
func normRune(s string, i int) (int, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		switch {
		case skipASCII(c):
			return skip, 1
		case c >= 'a' && c <= 'z':
			return int(c - 'a' + 'A'), 1
		}
		return int(c), 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == 0x00A0, r == 0x1680, r >= 0x2000 && r <= 0x200B, r == 0x202F,
		r == 0x205F, r == 0x3000, r == 0xFEFF: // Unicode spaces, ZWSP, BOM
		return skip, size
	case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xFE58, r == 0xFE63, r == 0xFF0D: // dashes, minus
		return skip, size
	case r >= 0xFF10 && r <= 0xFF19: // full-width digits
		return int(r - 0xFF10 + '0'), size
	case r >= 0xFF21 && r <= 0xFF3A: // full-width upper case
		return int(r - 0xFF21 + 'A'), size
	case r >= 0xFF41 && r <= 0xFF5A: // full-width lower case
		return int(r - 0xFF41 + 'A'), size
	}
	return keep, size
}

func skipASCII(c byte) bool {
	return c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// numBuf is a normalised tracking number held on the stack.
type numBuf struct {
	buf [MaxLen]byte
	n   int
}

// normalize fills num from s. It reports false when s is longer than
// MaxInput bytes or normalises to more than MaxLen characters; the work is
// bounded by MaxInput either way. A character that is not ASCII becomes
// 0xFF, which no format accepts.
func (num *numBuf) normalize(s string) bool {
	num.n = 0
	if len(s) > MaxInput {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf { // ASCII fast path
			i++
			switch {
			case c >= 'a' && c <= 'z':
				c -= 'a' - 'A'
			case skipASCII(c):
				continue
			}
			if num.n == MaxLen {
				return false
			}
			num.buf[num.n] = c
			num.n++
			continue
		}
		r, size := normRune(s, i)
		i += size
		if r == skip {
			continue
		}
		if num.n == MaxLen {
			return false
		}
		if r == keep {
			r = 0xFF
		}
		num.buf[num.n] = byte(r)
		num.n++
	}
	return true
}

func (num *numBuf) bytes() []byte { return num.buf[:num.n] }
