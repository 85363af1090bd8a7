package vtr

import (
	"strings"
	"sync"
	"time"

	// The zone table below must work on machines without a zoneinfo
	// database (scratch and distroless images, Windows): the standard
	// library's embedded copy, about 450 kB, is used when the system has
	// none. It is data compiled into the binary, not I/O.
	_ "time/tzdata"
)

// Marketplace is one Amazon store.
type Marketplace struct {
	Code     string // US, UK, DE, ... (VTR_MARKETPLACE)
	Channel  string // the All Orders report's sales-channel: Amazon.com, Amazon.de, ...
	Domain   string // its mail domain: amazon.com, amazon.de, ...
	Currency string
	EU       bool // an EU store (the EU letter exemption, docs/rules.md)
}

// Marketplaces lists the stores vtrbot knows (their sales channels
// decide eligibility, docs/rules.md "Valid Tracking Rate"). The order is stable and used for display.
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

// marketplaceZones is the time zone in which each marketplace's civil dates
// (latest ship date, promised delivery date) are days: a date ends at
// 23:59:59 there (docs/rules.md "Dates are the marketplace's"). IE, EG and ZA
// are in the table though Marketplaces does not list them yet.
var marketplaceZones = map[string]string{
	"US": "America/Los_Angeles", "CA": "America/Los_Angeles", "MX": "America/Los_Angeles",
	"BR": "America/Sao_Paulo",
	"UK": "Europe/London", "IE": "Europe/London",
	"DE": "Europe/Berlin", "FR": "Europe/Berlin", "IT": "Europe/Berlin", "ES": "Europe/Berlin",
	"NL": "Europe/Berlin", "SE": "Europe/Berlin", "PL": "Europe/Berlin", "BE": "Europe/Berlin",
	"TR": "Europe/Istanbul",
	"AE": "Asia/Dubai",
	"SA": "Asia/Riyadh",
	"EG": "Africa/Cairo",
	"IN": "Asia/Kolkata",
	"ZA": "Africa/Johannesburg",
	"JP": "Asia/Tokyo",
	"AU": "Australia/Sydney",
	"SG": "Asia/Singapore",
}

// loadedZones is marketplaceZones loaded once: a constant table, built on
// first use rather than at start.
var loadedZones = sync.OnceValue(func() map[string]*time.Location {
	out := make(map[string]*time.Location, len(marketplaceZones))
	for code, name := range marketplaceZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			// Impossible: time/tzdata is compiled in and holds every name above.
			panic("vtr: time zone " + name + " of marketplace " + code + ": " + err.Error())
		}
		out[code] = loc
	}
	return out
})

// MarketplaceZone returns the time zone of a marketplace's civil dates
// (case-insensitive code; GB is read as UK): America/Los_Angeles for US, CA
// and MX, Europe/Berlin for DE, FR, IT, ES, NL, SE, PL and BE, Asia/Tokyo for
// JP, ... A latest ship date or promised delivery date ends at 23:59:59 in
// it, and a timestamp's day is its date there. An unknown or empty code gives
// UTC.
func MarketplaceZone(code string) *time.Location {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "GB" {
		code = "UK"
	}
	if loc, ok := loadedZones()[code]; ok {
		return loc
	}
	return time.UTC
}
