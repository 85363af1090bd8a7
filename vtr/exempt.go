package vtr

import "strings"

// Exemption is one marketplace rule that takes packages out of the rate
// altogether (not in numerator or denominator). Rules are data with an
// effective date, compared with the package's window date.
type Exemption struct {
	ID          string   // stable name, e.g. "us_letter_flat_under_10"
	Markets     []string // marketplace codes it applies to
	Since       Date     // first window date it applies to; zero = always
	Currency    string   // the currency Under is in; orders in another currency never match
	Under       Amount   // order value must be strictly under this
	Methods     []string // ship-method must name one of these (see MethodMatches); empty = any
	CrossBorder bool     // ship-country must differ from the marketplace's country
	Source      string   // where the rule comes from
}

// USLetterFlatUnder10 is the ID of the built-in US exemption for letters
// and flats under $10 sent by USPS First-Class or Standard Mail, the one
// Seller Support quotes (docs/rules.md "Exemptions").
const USLetterFlatUnder10 = "us_letter_flat_under_10"

// DefaultExemptions returns the built-in rules (docs/rules.md "Exemptions" and
// docs/rules.md). Sellers can replace them through Rules.
func DefaultExemptions() []Exemption {
	return []Exemption{
		{
			ID: USLetterFlatUnder10, Markets: []string{"US"}, Currency: "USD",
			Under: 10 * AmountScale, Methods: []string{"us-letter-flat"},
			Source: "Amazon Seller Central, Valid Tracking Rate FAQ: letters and flats under $10 by USPS First-Class/Standard Mail",
		},
		{
			ID: "eu_cross_border_letter_under_20", Markets: []string{"DE", "FR", "IT", "ES", "NL", "SE", "PL", "BE"},
			Since: Date{2025, 1, 15}, Currency: "EUR", Under: 20 * AmountScale,
			Methods: []string{"letter"}, CrossBorder: true,
			Source: "Amazon EU Valid Tracking Rate policy update effective 15 January 2025",
		},
		{
			ID: "jp_under_1000", Markets: []string{"JP"}, Currency: "JPY", Under: 1000 * AmountScale,
			Source: "Amazon.co.jp Valid Tracking Rate help: packages under JPY 1,000 (tax excluded, shipping included)",
		},
	}
}

// DefaultExemption returns the built-in exemption with this ID; ok is false
// when none has it.
func DefaultExemption(id string) (e Exemption, ok bool) {
	for _, x := range DefaultExemptions() {
		if x.ID == id {
			return x, true
		}
	}
	return Exemption{}, false
}

// Applies reports whether e exempts package p of order o, whose window date
// is wd.
func (e Exemption) Applies(o *Order, p *Package, wd Date) bool {
	if !contains(e.Markets, o.Marketplace) || (!e.Since.IsZero() && wd.Before(e.Since)) {
		return false
	}
	if e.Currency != "" && o.Currency != "" && !strings.EqualFold(e.Currency, o.Currency) {
		return false
	}
	if o.Value() >= e.Under {
		return false
	}
	if e.CrossBorder {
		m, _ := MarketplaceByCode(o.Marketplace)
		if o.ShipCountry == "" || strings.EqualFold(o.ShipCountry, countryOf(m.Code)) {
			return false
		}
	}
	if len(e.Methods) == 0 {
		return true
	}
	for _, m := range e.Methods {
		if MethodMatches(m, p.ShipMethod) {
			return true
		}
	}
	return false
}

// MethodMatches tests a ship-method name against a method class:
//   - "us-letter-flat": "Standard Mail", or "First Class"/"First-Class"
//     together with "letter", "flat" or "envelope" (docs/rules.md "Exemptions");
//   - "letter": a letter in the languages of the EU stores (letter, Brief,
//     lettre, lettera, carta, brev, list).
func MethodMatches(class, method string) bool {
	m := strings.ToLower(method)
	switch class {
	case "us-letter-flat":
		if strings.Contains(m, "standard mail") {
			return true
		}
		if strings.Contains(m, "first class") || strings.Contains(m, "first-class") {
			return strings.Contains(m, "letter") || strings.Contains(m, "flat") || strings.Contains(m, "envelope")
		}
		return false
	case "letter":
		for _, w := range []string{"letter", "brief", "lettre", "lettera", "carta", "brev", "list "} {
			if strings.Contains(m+" ", w) {
				return true
			}
		}
		return false
	}
	return strings.Contains(m, strings.ToLower(class))
}

func countryOf(market string) string {
	if market == "UK" {
		return "GB"
	}
	return market
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
