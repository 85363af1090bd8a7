package vtr

import "strconv"

// Percent says a rate for people with one decimal ("97.6%"), or "N/A" for
// nil. Rounding never carries a rate onto its target: a rate that is not
// the target but whose one-decimal figure is the target's gets more
// decimals until it differs, so 1899 valid of 2000 is "94.95%", never
// "95.0%" beside a 95% target while its status says below target (issue
// 16; docs/interface.md "CSV shapes"). Every other rate reads as before.
func Percent(r *float64, target float64) string {
	if r == nil {
		return "N/A"
	}
	return offTarget(*r*100, target*100, 1, *r == target) + "%"
}

// RatePercent is Percent against the Valid Tracking Rate's target.
func RatePercent(r *float64) string { return Percent(r, Target) }

// Fraction is a rate as a fraction with four decimals ("0.9762"), for
// CSV, or "" for nil; like Percent, a rate off its target never reads as
// the target (18999 of 20000 is "0.94995", not "0.9500").
func Fraction(r *float64, target float64) string {
	if r == nil {
		return ""
	}
	return offTarget(*r, target, 4, *r == target)
}

// offTarget formats v with digits decimals, and with more (up to five
// more) while that figure is target's at the same precision and v is not
// on the target (onTarget).
func offTarget(v, target float64, digits int, onTarget bool) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	for d := digits + 1; d <= digits+5 && !onTarget && s == strconv.FormatFloat(target, 'f', d-1, 64); d++ {
		s = strconv.FormatFloat(v, 'f', d, 64)
	}
	return s
}
