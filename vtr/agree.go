package vtr

import (
	"fmt"
	"strings"
)

// What the records agree with, and how far they reach: the helpers that
// keep findings and drafts from claiming more than the records support
// (docs/rules.md "What the draft says").

// belowTarget names what the records put below 95%: the account as a
// whole and the categories, as "Books (66.7%, 4 of 6 valid)".
func belowTarget(st Status) (overall bool, cats []string) {
	for _, c := range st.Categories {
		if c.Status() == StatusBelowTarget {
			cats = append(cats, fmt.Sprintf("%s (%s, %d of %d valid)", c.Category, pct(c.Rate()), c.Valid, c.Eligible))
		}
	}
	return st.Overall.Status() == StatusBelowTarget, cats
}

// andList joins "a", "a and b", "a, b and c".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// belowWhat names what is below target: "the account" or the categories.
func belowWhat(overall bool, cats []string) string {
	if overall {
		return "the account as a whole"
	}
	return andList(cats)
}

// atLeast is "at least " when undated orders make a count a lower bound.
func atLeast(t *OrderTotals) string {
	if t.Undated > 0 {
		return "at least "
	}
	return ""
}

// sameStatus counts the orders of t with the status text claims.
func sameStatus(t *OrderTotals, text string) int {
	same := 0
	for st, k := range t.ByStatus {
		if normStatus(st) == normStatus(text) {
			same += k
		}
	}
	return same
}
