package tracking

import (
	"fmt"
	"iter"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Carrier is one carrier of the registry. The zero Carrier is no carrier.
type Carrier struct {
	Code string // canonical code: "usps", "canada_post", "s10", ...
	Name string // display name: "USPS", "Canada Post", ...
	id   uint8
}

// Aliases returns the other names the carrier is known by (a new slice).
func (c Carrier) Aliases() []string {
	return append([]string(nil), reg.carriers[c.id].aliases...)
}

// Formats returns the names of the carrier's number formats this package
// knows, in the order they are tried (a new slice).
func (c Carrier) Formats() []string {
	var names []string
	info := &reg.carriers[c.id]
	for _, f := range info.formats {
		name := f.info().name
		if f == fS10 && info.s10 != "" {
			name += " ending " + info.s10
		}
		names = append(names, name)
	}
	return names
}

// Checked reports whether the carrier's formats are known well enough that a
// number fitting none of them is rejected. For other carriers Check answers
// "not checked" instead.
func (c Carrier) Checked() bool {
	info := &reg.carriers[c.id]
	return len(info.formats) > 0 && !info.partial
}

// Carriers returns every carrier of the registry, US integrated carriers
// first (a new slice).
func Carriers() []Carrier {
	out := make([]Carrier, 0, len(reg.carriers)-1)
	for id := 1; id < len(reg.carriers); id++ {
		out = append(out, reg.carrier(uint8(id)))
	}
	return out
}

// Lookup finds a carrier by code or by any of its names, ignoring case,
// spaces, dots, apostrophes and other punctuation: "U.S.P.S.", "usps ",
// "US Postal Service", "Fed Ex" and "chinapost" all resolve. It does not
// allocate.
func Lookup(name string) (Carrier, bool) {
	if len(name) > 2*MaxInput {
		return Carrier{}, false
	}
	var buf [128]byte
	id, ok := reg.byKey[string(appendName(buf[:0], name, false))]
	if !ok {
		return Carrier{}, false
	}
	return reg.carrier(id), true
}

// NormalizeName is the carrier-name normalisation of docs/tracking.md
// "Carrier names": lower case, dots and apostrophes dropped, other punctuation
// read as spaces, spaces collapsed and trimmed. "U.S.P.S." becomes "usps",
// "R+L Carriers" becomes "r l carriers".
func NormalizeName(s string) string {
	return string(appendName(nil, s, true))
}

// appendName appends the normalised form of s to dst: with single spaces
// between words when spaces is set, else with no spaces at all (the lookup
// key, so that "Fed Ex" finds "FedEx").
func appendName(dst []byte, s string, spaces bool) []byte {
	gap := false
	for i := 0; i < len(s); i++ { // ASCII fast path
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return appendNameRunes(dst, s[i:], spaces, gap)
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z':
			if gap && spaces && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			gap = false
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		case c == '.' || c == '\'' || c == '`':
		default:
			gap = true
		}
	}
	return dst
}

func appendNameRunes(dst []byte, s string, spaces, gap bool) []byte {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if gap && spaces && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			gap = false
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		case r == '.' || r == '\'' || r == '\u2019' || r == '\u2018' || r == '\u02BC' || r == '`':
			// dropped: "U.S.P.S." is "usps", "Macy's" is "macys"
		default:
			gap = true
		}
	}
	return dst
}

// registry is the carrier table indexed for lookups. It is built once, when
// the package is initialised, from constant data, and never written after.
type registry struct {
	carriers  []carrierInfo // by id; carriers[0] is the zero Carrier
	byKey     map[string]uint8
	byFormat  [numFormats]Set       // carriers accepting every number of the format
	byCountry [26 * 26]uint8        // S10 country -> its postal operator
	byLen     [MaxLen + 1]uint64    // formats having numbers of that length (bit = format)
	core      [len(coreCodes)]uint8 // ids of usps, ups, fedex, dhl
}

var reg = newRegistry()

func newRegistry() *registry {
	r := &registry{
		carriers: append([]carrierInfo{{}}, carrierTable()...),
		byKey:    make(map[string]uint8),
	}
	if len(r.carriers) > 128 {
		panic("tracking: more than 127 carriers do not fit a Set")
	}
	for id := 1; id < len(r.carriers); id++ {
		info := &r.carriers[id]
		for _, name := range append([]string{info.code, info.name}, info.aliases...) {
			key := string(appendName(nil, name, false))
			if other, dup := r.byKey[key]; dup && other != uint8(id) {
				panic(fmt.Sprintf("tracking: name %q of %s is also %s's", name, info.code, r.carriers[other].code))
			}
			r.byKey[key] = uint8(id)
		}
		for _, f := range info.formats {
			if f == fS10 && info.s10 != "" {
				r.byCountry[countryIndex(info.s10[0], info.s10[1])] = uint8(id)
			} else {
				r.byFormat[f].add(uint8(id))
			}
			for l := range r.byLen {
				if f.info().lens&(1<<l) != 0 {
					r.byLen[l] |= 1 << f
				}
			}
		}
		for i, code := range coreCodes {
			if info.code == code {
				r.core[i] = uint8(id)
			}
		}
	}
	return r
}

func (r *registry) carrier(id uint8) Carrier {
	return Carrier{Code: r.carriers[id].code, Name: r.carriers[id].name, id: id}
}

func countryIndex(a, b byte) int { return int(a-'A')*26 + int(b-'A') }

// Set is a set of carriers, small enough to pass by value: Detect returns
// one without allocating.
type Set struct{ bits [2]uint64 }

func (s *Set) add(id uint8) { s.bits[id>>6] |= 1 << (id & 63) }

func (s Set) has(id uint8) bool { return id != 0 && s.bits[id>>6]&(1<<(id&63)) != 0 }

// Has reports whether c is in s.
func (s Set) Has(c Carrier) bool { return s.has(c.id) }

// Len returns the number of carriers in s.
func (s Set) Len() int { return bits.OnesCount64(s.bits[0]) + bits.OnesCount64(s.bits[1]) }

// Without returns s less c.
func (s Set) Without(c Carrier) Set {
	if c.id != 0 {
		s.bits[c.id>>6] &^= 1 << (c.id & 63)
	}
	return s
}

// All yields the carriers of s: first those whose formats are fully known
// (Carrier.Checked), then the others, each in registry order. So "USPS"
// comes before "FedEx SmartPost" for an IMpb number.
func (s Set) All() iter.Seq[Carrier] {
	return func(yield func(Carrier) bool) {
		for _, checked := range [2]bool{true, false} {
			for id := 1; id < len(reg.carriers); id++ {
				c := reg.carrier(uint8(id))
				if s.has(uint8(id)) && c.Checked() == checked && !yield(c) {
					return
				}
			}
		}
	}
}

// Carriers returns the carriers of s in the order of All (a new slice).
func (s Set) Carriers() []Carrier {
	var out []Carrier
	for c := range s.All() {
		out = append(out, c)
	}
	return out
}

// String lists the carriers' codes, comma-separated.
func (s Set) String() string {
	var codes []string
	for c := range s.All() {
		codes = append(codes, c.Code)
	}
	return strings.Join(codes, ", ")
}

func (s Set) union(o Set) Set {
	return Set{[2]uint64{s.bits[0] | o.bits[0], s.bits[1] | o.bits[1]}}
}
