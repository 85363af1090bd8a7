package tracking

import (
	"strings"
	"testing"
)

// oddNumbers are seeds besides testdata/numbers.tsv.
var oddNumbers = []string{"", strings.Repeat("9", MaxLen+1), strings.Repeat("-", MaxInput+1), "１Ｚ\u00a0a1b2c3\u201303"}

// FuzzDetect: no panics; Detect ignores spaces, dashes and case; a carrier
// whose formats are known is detected exactly when Check accepts the number;
// input over MaxInput bytes is rejected without being read.
func FuzzDetect(f *testing.F) {
	for _, v := range readOwnVectors(f) {
		f.Add(v.number)
	}
	for _, s := range oddNumbers {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set := Detect(s)
		if len(s) > MaxInput {
			if set.Len() != 0 {
				t.Fatalf("Detect of %d bytes = %s, want nothing", len(s), set)
			}
			return
		}
		if n := Normalize(s); Detect(n) != set {
			t.Fatalf("Detect(%q) = %s, but Detect(Normalize) = Detect(%q) = %s", s, set, n, Detect(n))
		}
		for _, c := range Carriers() {
			r := Check(c.Code, s)
			if c.Checked() && r.OK != set.Has(c) {
				t.Fatalf("Check(%s, %q).OK = %v (%s), Detect has it: %v", c.Code, s, r.OK, r.Why(), set.Has(c))
			}
			if set.Has(c) && !r.OK {
				t.Fatalf("Detect(%q) has %s, Check says %s", s, c.Code, r.Why())
			}
		}
	})
}

// FuzzCheck: no panics; Why is one non-empty line; an accepted number is
// detected; names that find a carrier find it again once normalised.
func FuzzCheck(f *testing.F) {
	for _, v := range readOwnVectors(f) {
		f.Add(v.carrier, v.number)
	}
	for _, s := range oddNumbers {
		f.Add("usps", s)
	}
	f.Add("U.S.P.S.", "9400 1118 9922 3408 6175 11")
	f.Add("Other", "x")
	f.Fuzz(func(t *testing.T, carrier, number string) {
		r := Check(carrier, number)
		why := r.Why()
		if why == "" || strings.ContainsAny(why, "\n\r") {
			t.Fatalf("Check(%q, %q).Why() = %q, want one non-empty line", carrier, number, why)
		}
		if r.OK && r.Checked && !Detect(number).Has(r.Carrier) {
			t.Fatalf("Check(%q, %q) OK, Detect = %s", carrier, number, Detect(number))
		}
		CoreCheck(carrier, number)
		if c, ok := Lookup(carrier); ok {
			if c2, ok := Lookup(NormalizeName(carrier)); !ok || c2 != c {
				t.Fatalf("Lookup(%q) = %s, Lookup(NormalizeName) = %s", carrier, c.Code, c2.Code)
			}
		}
		if n := NormalizeName(carrier); NormalizeName(n) != n {
			t.Fatalf("NormalizeName not idempotent on %q: %q, %q", carrier, n, NormalizeName(n))
		}
	})
}
