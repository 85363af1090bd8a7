package vtr

import "strconv"

// Percent says a rate for people with one decimal ("97.6%"), or "N/A" for
// nil. Rounding never carries a rate onto its target: a rate that is not
// the target but whose one-decimal figure is the target's gets more
// decimals until it differs, so 1899 valid of 2000 is "94.95%", never
// "95.0%" beside a 95% target while its status says below target (issue
// 16; docs/interface.md "Numbers"). Every other rate reads as before.
func Percent(r *float64, target float64) string {
	if r == nil {
		return "N/A"
	}
	s := strconv.FormatFloat(*r*100, 'f', 1, 64)
	for d := 2; d <= 6 && *r != target && s == strconv.FormatFloat(target*100, 'f', d-1, 64); d++ {
		s = strconv.FormatFloat(*r*100, 'f', d, 64)
	}
	return s + "%"
}

// RatePercent is Percent against the Valid Tracking Rate's target.
func RatePercent(r *float64) string { return Percent(r, Target) }
