package vtr

import (
	"fmt"
	"strings"
)

// Words say codes for people. Text output and Slack show these; --json keeps
// the codes (docs/rules.md "Reasons in words").

// Words says in a few plain words why a package does or does not count:
// "no tracking number", "scanned by the carrier".
func (r Reason) Words() string {
	switch r {
	case NoTracking:
		return "no tracking number"
	case CarrierOtherIntegrated:
		return "carrier typed under \"Other\""
	case CarrierNotIntegrated:
		return "carrier Amazon does not track"
	case CarrierMismatch:
		return "number of another carrier"
	case BadFormat:
		return "mistyped tracking number"
	case UploadedAfterDelivery:
		return "tracking added after delivery"
	case NoScan:
		return "never scanned by the carrier"
	case Verified:
		return "scanned by the carrier"
	case Unverified:
		return "tracked, no scan seen yet"
	}
	return strings.ToLower(strings.ReplaceAll(string(r), "_", " "))
}

// Words says why a package is outside the rate: "order not imported".
func (i Ineligible) Words() string {
	switch i {
	case Eligible:
		return "counted"
	case NoOrder:
		return "order not imported"
	case NotMFN:
		return "fulfilled by Amazon"
	case Cancelled:
		return "order cancelled"
	case NonAmazonStore:
		return "not an Amazon store order"
	case Exempt:
		return "exempt"
	case NoWindowDate:
		return "no promised delivery or ship date"
	}
	return strings.ToLower(strings.ReplaceAll(string(i), "_", " "))
}

// exemptionWords names the built-in exemptions as a seller would.
var exemptionWords = map[string]string{
	USLetterFlatUnder10:               "USPS letter under $10",
	"eu_cross_border_letter_under_20": "cross-border letter under €20",
	"jp_under_1000":                   "package under ¥1,000",
}

// exemptionPlurals are exemptionWords for more than one package.
var exemptionPlurals = map[string]string{
	USLetterFlatUnder10:               "USPS letters under $10",
	"eu_cross_border_letter_under_20": "cross-border letters under €20",
	"jp_under_1000":                   "packages under ¥1,000",
}

// ExemptionCount says how many packages an exemption exempts: "1 USPS
// letter under $10", "2 USPS letters under $10"; a seller's own rule reads
// "my rule: 2".
func ExemptionCount(id string, n int) string {
	if n == 1 {
		if w, ok := exemptionWords[id]; ok {
			return "1 " + w
		}
	} else if w, ok := exemptionPlurals[id]; ok {
		return fmt.Sprintf("%d %s", n, w)
	}
	return fmt.Sprintf("%s: %d", ExemptionWords(id), n)
}

// ExemptionWords names an exemption by its ID in plain words ("USPS letter
// under $10"); a seller's own rule without words reads as its ID with
// spaces.
func ExemptionWords(id string) string {
	if w, ok := exemptionWords[id]; ok {
		return w
	}
	return strings.ReplaceAll(id, "_", " ")
}

// missedExemptionWords name, per built-in exemption, a package shipped the
// way the exemption names but not covered by it (MissedExemption).
var missedExemptionWords = map[string]string{
	USLetterFlatUnder10: "letter/flat (but not under $10)",
}

// MissedExemptionWords names a package the exemption id might seem to
// cover but does not: "letter/flat (but not under $10)". "" when id has no
// such words.
func MissedExemptionWords(id string) string { return missedExemptionWords[id] }

// Plural says n and a noun with the right ending: "1 package", "2
// packages", "0 packages". Nouns ending in "y" after a consonant take
// "ies" ("1 day", "2 days", "3 categories").
func Plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %s", n, Plurals(noun))
}

// verb picks the singular or plural form of a verb for n things.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Plurals is the plural form of an English noun used in vtrbot's output.
func Plurals(noun string) string {
	switch {
	case strings.HasSuffix(noun, "y") && len(noun) > 1 && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return noun[:len(noun)-1] + "ies"
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		return noun + "es"
	}
	return noun + "s"
}
