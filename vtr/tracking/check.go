package tracking

import (
	"fmt"
	"math/bits"
	"strings"
)

// Detect returns every carrier whose formats accept the number: a number can
// belong to several (a 12-digit number can be FedEx and Purolator; an IMpb
// label can be USPS, FedEx SmartPost, UPS Mail Innovations or DHL
// eCommerce). The number is normalised first. It does not allocate.
func Detect(number string) Set {
	var num numBuf
	if !num.normalize(number) {
		return Set{}
	}
	return detect(num.bytes())
}

func detect(n []byte) Set {
	var set Set
	if len(n) == 0 {
		return set
	}
	for fs := reg.byLen[len(n)]; fs != 0; fs &= fs - 1 {
		f := format(bits.TrailingZeros64(fs))
		if !f.validate(n).ok {
			continue
		}
		set = set.union(reg.byFormat[f])
		if f == fS10 {
			set.add(reg.byCountry[countryIndex(n[11], n[12])])
			set.bits[0] &^= 1 // id 0 is no carrier
		}
	}
	return set
}

// Result is the answer of Check. Why renders it as one line.
type Result struct {
	Carrier Carrier // the carrier asked about; zero when unknown
	// OK: the number can belong to the carrier, or cannot be ruled out
	// (Checked false).
	OK bool
	// Checked: the answer is a decision. It is false only when OK is true
	// because the carrier's formats are unknown or only partly known.
	Checked bool
	// Format names the format that accepted the number.
	Format string
	// Others are the other carriers whose formats accept the number; filled
	// when the number fits none of the carrier's formats.
	Others Set

	why    why
	got    byte    // check character found
	want   [2]byte // check character(s) expected
	rule   string  // the structural rule that failed
	fname  string  // the format whose check or rule failed
	length int     // normalised length
	digit  bool    // the normalised number is all digits
}

type why uint8

const (
	whyFits      why = iota // OK
	whyUnknown              // unknown carrier
	whyEmpty                // no number
	whyTooLong              // over MaxInput / MaxLen
	whyBadChar              // a character outside 0-9, A-Z
	whyNoFormats            // carrier without known formats
	whyPartial              // fits none of a partial carrier's known formats
	whyMismatch             // fits other carriers, not this one
	whyCheck                // a check digit failed
	whyRule                 // a structural rule failed
	whyLength               // no format of that length
	whyShape                // fits none of the carrier's shapes
)

// Check reports whether number can belong to the carrier named (any name
// Lookup accepts; "s10" is any postal operator's UPU S10 number). It does not
// allocate; Why renders the reason.
func Check(carrier, number string) Result {
	c, ok := Lookup(carrier)
	if !ok {
		return Result{Checked: true, why: whyUnknown}
	}
	var num numBuf
	if !num.normalize(number) {
		return Result{Carrier: c, Checked: true, why: whyTooLong}
	}
	return check(c, num.bytes())
}

func check(c Carrier, n []byte) Result {
	r := Result{Carrier: c, Checked: true, length: len(n), digit: isDigits(n)}
	if len(n) == 0 {
		r.why = whyEmpty
		return r
	}
	if !isAlnum(n) {
		r.why = whyBadChar
		return r
	}
	info := &reg.carriers[c.id]
	var failed fit
	var failedFormat format
	for _, f := range info.formats {
		if reg.byLen[len(n)]&(1<<f) == 0 {
			continue
		}
		ft := f.validate(n)
		if ft.ok && f == fS10 && info.s10 != "" && string(n[11:]) != info.s10 {
			ft = broke("an S10 number of another country's post")
		}
		if ft.ok {
			r.OK, r.Format = true, f.info().name
			return r
		}
		if b := better(failed, ft); b != failed {
			failed, failedFormat = b, f
		}
	}
	r.Others = detect(n).Without(c)
	r.got, r.want, r.rule = failed.got, failed.want, failed.rule
	if failed.shape {
		r.fname = failedFormat.info().name
	}
	switch {
	case len(info.formats) == 0:
		r.OK, r.Checked, r.why = true, false, whyNoFormats
	case info.partial:
		r.OK, r.Checked, r.why = true, false, whyPartial
	case failed.got != 0:
		// A check digit failed on one of the carrier's own shapes: the
		// likelier story is a typo, so it leads (other fits follow).
		r.why = whyCheck
	case r.Others.Len() > 0:
		r.why = whyMismatch
	case failed.shape:
		r.why = whyRule
	default:
		r.why = whyLength
		for _, f := range info.formats {
			if reg.byLen[len(n)]&(1<<f) != 0 {
				r.why = whyShape
			}
		}
	}
	return r
}

// Why says in one line why the number can or cannot belong to the carrier:
// "fits USPS IMpb", "check digit is 3, expected 1 (USPS IMpb)", "fits UPS,
// not USPS", "no USPS format has 19 digits".
func (r Result) Why() string {
	name := r.Carrier.Name
	switch r.why {
	case whyFits:
		return "fits " + r.Format
	case whyUnknown:
		return "unknown carrier"
	case whyEmpty:
		return "no tracking number"
	case whyTooLong:
		return fmt.Sprintf("too long for a tracking number (over %d characters)", MaxLen)
	case whyBadChar:
		return "has characters other than letters, digits, spaces and dashes"
	case whyNoFormats:
		return "not checked: no " + name + " number formats are known" + r.hint()
	case whyPartial:
		return "not checked: fits none of the " + name + " formats known (" +
			strings.Join(r.Carrier.Formats(), ", ") + ")" + r.hint()
	case whyMismatch:
		return "fits " + names(r.Others) + ", not " + name
	case whyCheck:
		return r.checkText() + " (" + r.fname + ")" + r.hint()
	case whyRule:
		return r.rule
	case whyLength:
		unit := "characters"
		if r.digit {
			unit = "digits"
		}
		return fmt.Sprintf("no %s format has %d %s", name, r.length, unit)
	case whyShape:
		var shapes []string
		for _, f := range reg.carriers[r.Carrier.id].formats {
			if i := f.info(); i.lens&(1<<r.length) != 0 {
				shapes = append(shapes, i.shape)
			}
		}
		return "fits no " + name + " format of that length (" + strings.Join(shapes, "; ") + ")"
	}
	return ""
}

func (r Result) checkText() string {
	s := fmt.Sprintf("check digit is %c, expected %c", r.got, r.want[0])
	if r.want[1] != 0 {
		s += fmt.Sprintf(" or %c", r.want[1])
	}
	return s
}

func (r Result) hint() string {
	if r.Others.Len() == 0 {
		return ""
	}
	return "; it fits " + names(r.Others)
}

// names lists up to three carriers' names: "UPS", "USPS and FedEx",
// "USPS, FedEx SmartPost, UPS Mail Innovations and 1 more".
func names(s Set) string {
	var list []string
	for c := range s.All() {
		list = append(list, c.Name)
	}
	switch {
	case len(list) == 1:
		return list[0]
	case len(list) <= 3:
		return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:3], ", "), len(list)-3)
}
