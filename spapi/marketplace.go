package spapi

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // marketplace zones must load on hosts without zoneinfo
)

// Amazon's API endpoints per region.
const (
	EndpointNA = "https://sellingpartnerapi-na.amazon.com"
	EndpointEU = "https://sellingpartnerapi-eu.amazon.com"
	EndpointFE = "https://sellingpartnerapi-fe.amazon.com"
)

// marketplaceInfo is what the API needs of a marketplace: its ID, its
// region's endpoint and the zone its civil dates are in (docs/amazon.md).
type marketplaceInfo struct {
	code, id, endpoint, zone string
}

// marketplaces are the stores vtrbot can sync (docs/amazon.md, from Amazon's
// developer documentation).
// TODO(merge): take the zones from vtr.MarketplaceZone (issue 20).
var marketplaces = []marketplaceInfo{
	{"US", "ATVPDKIKX0DER", EndpointNA, "America/Los_Angeles"},
	{"CA", "A2EUQ1WTGCTBG2", EndpointNA, "America/Los_Angeles"},
	{"MX", "A1AM78C64UM0Y8", EndpointNA, "America/Los_Angeles"},
	{"BR", "A2Q3Y263D00KWC", EndpointNA, "America/Sao_Paulo"},
	{"UK", "A1F83G8C2ARO7P", EndpointEU, "Europe/London"},
	{"DE", "A1PA6795UKMFR9", EndpointEU, "Europe/Berlin"},
	{"FR", "A13V1IB3VIYZZH", EndpointEU, "Europe/Berlin"},
	{"IT", "APJ6JRA9NG5V4", EndpointEU, "Europe/Berlin"},
	{"ES", "A1RKKUPIHCS9HS", EndpointEU, "Europe/Berlin"},
	{"NL", "A1805IZSGTT6HS", EndpointEU, "Europe/Berlin"},
	{"SE", "A2NODRKZP88ZB9", EndpointEU, "Europe/Berlin"},
	{"PL", "A1C3SOZRARQ6R3", EndpointEU, "Europe/Berlin"},
	{"BE", "AMEN7PMS3EDWL", EndpointEU, "Europe/Berlin"},
	{"IE", "A28R8C7NBKEWEA", EndpointEU, "Europe/London"},
	{"TR", "A33AVAJ2PDY3EV", EndpointEU, "Europe/Istanbul"},
	{"AE", "A2VIGQ35RCS4UG", EndpointEU, "Asia/Dubai"},
	{"SA", "A17E79C6D8DWNP", EndpointEU, "Asia/Riyadh"},
	{"EG", "ARBP9OOSHTCHU", EndpointEU, "Africa/Cairo"},
	{"IN", "A21TJRUUN4KGV", EndpointEU, "Asia/Kolkata"},
	{"ZA", "AE08WJ6YKNBMC", EndpointEU, "Africa/Johannesburg"},
	{"JP", "A1VC38T7YXB528", EndpointFE, "Asia/Tokyo"},
	{"AU", "A39IBJ37TRP1C6", EndpointFE, "Australia/Sydney"},
	{"SG", "A19VAU5U5O7RUS", EndpointFE, "Asia/Singapore"},
}

func marketplaceByCode(code string) (marketplaceInfo, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "GB" {
		code = "UK"
	}
	for _, m := range marketplaces {
		if m.code == code {
			return m, true
		}
	}
	return marketplaceInfo{}, false
}

// MarketplaceID returns the API's ID of a marketplace code (US →
// ATVPDKIKX0DER).
func MarketplaceID(code string) (string, bool) {
	m, ok := marketplaceByCode(code)
	return m.id, ok
}

// MarketplaceCode returns the code of an API marketplace ID, "" when
// unknown.
func MarketplaceCode(id string) string {
	for _, m := range marketplaces {
		if m.id == id {
			return m.code
		}
	}
	return ""
}

// Endpoint returns the API base URL of a marketplace's region.
func Endpoint(code string) (string, bool) {
	m, ok := marketplaceByCode(code)
	return m.endpoint, ok
}

// Zone returns the time zone a marketplace's civil dates are in.
func Zone(code string) (*time.Location, error) {
	m, ok := marketplaceByCode(code)
	if !ok {
		return nil, fmt.Errorf("unknown marketplace %q", code)
	}
	return time.LoadLocation(m.zone)
}
