package vtr

import "testing"

// TestPercent: one decimal, except that a rate off its target never reads
// as the target (issue 16).
func TestPercent(t *testing.T) {
	f := func(n, d int) *float64 { r := float64(n) / float64(d); return &r }
	for _, tc := range []struct {
		name   string
		r      *float64
		target float64
		want   string
	}{
		{"nil", nil, Target, "N/A"},
		{"traxtar", f(82, 84), Target, "97.6%"},
		{"books", f(4, 6), Target, "66.7%"},
		{"all valid", f(5, 5), Target, "100.0%"},
		{"on the target", f(19, 20), Target, "95.0%"},
		{"on the target, bigger", f(1900, 2000), Target, "95.0%"},
		{"just below rounds onto it", f(1899, 2000), Target, "94.95%"},
		{"just above rounds onto it", f(1901, 2000), Target, "95.05%"},
		{"closer still", f(18999, 20000), Target, "94.99%"},
		{"below, not near", f(1897, 2000), Target, "94.8%"},
		{"rounds to 94.9", f(9491, 10000), Target, "94.9%"},
		{"a metric at most 4%", f(401, 10000), 0.04, "4.01%"},
		{"a metric on 4%", f(4, 100), 0.04, "4.0%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percent(tc.r, tc.target); got != tc.want {
				t.Errorf("Percent = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFraction: CSV's four decimals follow the same rule.
func TestFraction(t *testing.T) {
	f := func(n, d int) *float64 { r := float64(n) / float64(d); return &r }
	for _, tc := range []struct {
		r    *float64
		want string
	}{
		{nil, ""},
		{f(82, 84), "0.9762"},
		{f(19, 20), "0.9500"},
		{f(1899, 2000), "0.9495"},
		{f(18999, 20000), "0.9499"},
		{f(190001, 200000), "0.950005"},
	} {
		if got := Fraction(tc.r, Target); got != tc.want {
			t.Errorf("Fraction(%v) = %q, want %q", tc.r, got, tc.want)
		}
	}
}
