package vtr_test

import (
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

// Every reason and every built-in exemption has words of its own: no code
// leaks into text output.
func TestWords_everyCodeHasWords(t *testing.T) {
	seen := map[string]vtr.Reason{}
	for _, r := range vtr.Reasons() {
		w := r.Words()
		if w == "" || strings.ContainsAny(w, "_") || strings.ToUpper(w) == w {
			t.Errorf("%s.Words() = %q, want plain words", r, w)
		}
		if o, dup := seen[w]; dup {
			t.Errorf("%s and %s both read %q", r, o, w)
		}
		seen[w] = r
	}
	for _, i := range []vtr.Ineligible{vtr.NoOrder, vtr.NotMFN, vtr.Cancelled, vtr.NonAmazonStore, vtr.Exempt, vtr.NoWindowDate} {
		if w := i.Words(); w == "" || strings.ContainsAny(w, "_") {
			t.Errorf("%s.Words() = %q, want plain words", i, w)
		}
	}
	for _, e := range vtr.DefaultExemptions() {
		w := vtr.ExemptionWords(e.ID)
		if strings.Contains(w, "_") || w == strings.ReplaceAll(e.ID, "_", " ") {
			t.Errorf("exemption %s has no words of its own: %q", e.ID, w)
		}
	}
}

func TestWords_examples(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{vtr.NoTracking.Words(), "no tracking number"},
		{vtr.ExemptionWords("us_letter_flat_under_10"), "USPS letter under $10"},
		{vtr.ExemptionWords("my_own_rule"), "my own rule"},
		{vtr.Reason("SOMETHING_NEW").Words(), "something new"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "package", "0 packages"},
		{1, "package", "1 package"},
		{2, "package", "2 packages"},
		{1, "day", "1 day"},
		{3, "day", "3 days"},
		{2, "category", "2 categories"},
		{1, "category", "1 category"},
		{2, "mail", "2 mails"},
		{5, "match", "5 matches"},
	} {
		if got := vtr.Plural(tt.n, tt.noun); got != tt.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}

func TestExemptionCount(t *testing.T) {
	for _, tt := range []struct {
		id   string
		n    int
		want string
	}{
		{vtr.USLetterFlatUnder10, 1, "1 USPS letter under $10"},
		{vtr.USLetterFlatUnder10, 2, "2 USPS letters under $10"},
		{"eu_cross_border_letter_under_20", 3, "3 cross-border letters under €20"},
		{"jp_under_1000", 1, "1 package under ¥1,000"},
		{"jp_under_1000", 4, "4 packages under ¥1,000"},
		{"my_own_rule", 1, "my own rule: 1"},
		{"my_own_rule", 2, "my own rule: 2"},
	} {
		if got := vtr.ExemptionCount(tt.id, tt.n); got != tt.want {
			t.Errorf("ExemptionCount(%q, %d) = %q, want %q", tt.id, tt.n, got, tt.want)
		}
	}
}
