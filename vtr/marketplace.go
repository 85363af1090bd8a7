package vtr

import "strings"

// Marketplace is one Amazon store.
type Marketplace struct {
	Code     string // US, UK, DE, ... (VTR_MARKETPLACE)
	Channel  string // the All Orders report's sales-channel: Amazon.com, Amazon.de, ...
	Domain   string // its mail domain: amazon.com, amazon.de, ...
	Currency string
	EU       bool // an EU store (the EU letter exemption, docs/rules.md)
}

// Marketplaces lists the stores vtrbot knows (testdata/traxtar README, "Known
// channels"). The order is stable and used for display.
func Marketplaces() []Marketplace {
	return []Marketplace{
		{"US", "Amazon.com", "amazon.com", "USD", false},
		{"CA", "Amazon.ca", "amazon.ca", "CAD", false},
		{"MX", "Amazon.com.mx", "amazon.com.mx", "MXN", false},
		{"BR", "Amazon.com.br", "amazon.com.br", "BRL", false},
		{"UK", "Amazon.co.uk", "amazon.co.uk", "GBP", false},
		{"DE", "Amazon.de", "amazon.de", "EUR", true},
		{"FR", "Amazon.fr", "amazon.fr", "EUR", true},
		{"IT", "Amazon.it", "amazon.it", "EUR", true},
		{"ES", "Amazon.es", "amazon.es", "EUR", true},
		{"NL", "Amazon.nl", "amazon.nl", "EUR", true},
		{"SE", "Amazon.se", "amazon.se", "SEK", true},
		{"PL", "Amazon.pl", "amazon.pl", "PLN", true},
		{"BE", "Amazon.com.be", "amazon.com.be", "EUR", true},
		{"TR", "Amazon.com.tr", "amazon.com.tr", "TRY", false},
		{"JP", "Amazon.co.jp", "amazon.co.jp", "JPY", false},
		{"AU", "Amazon.com.au", "amazon.com.au", "AUD", false},
		{"IN", "Amazon.in", "amazon.in", "INR", false},
		{"AE", "Amazon.ae", "amazon.ae", "AED", false},
		{"SA", "Amazon.sa", "amazon.sa", "SAR", false},
		{"SG", "Amazon.sg", "amazon.sg", "SGD", false},
	}
}

// MarketplaceByCode returns the store with the given code (case-insensitive;
// GB is read as UK).
func MarketplaceByCode(code string) (Marketplace, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "GB" {
		code = "UK"
	}
	for _, m := range Marketplaces() {
		if m.Code == code {
			return m, true
		}
	}
	return Marketplace{}, false
}

// MarketplaceOfChannel maps an All Orders sales-channel to a store code. An
// empty channel means def (the default marketplace); a channel that is not an
// Amazon store ("Non-Amazon", anything unknown) maps to "" and matches no
// marketplace.
func MarketplaceOfChannel(channel, def string) string {
	channel = strings.TrimSpace(channel)
	if channel == "" {
		return def
	}
	for _, m := range Marketplaces() {
		if strings.EqualFold(m.Channel, channel) {
			return m.Code
		}
	}
	return ""
}
