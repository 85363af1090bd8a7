package spapi

import (
	"fmt"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// Amazon's API endpoints per region.
const (
	EndpointNA = "https://sellingpartnerapi-na.amazon.com"
	EndpointEU = "https://sellingpartnerapi-eu.amazon.com"
	EndpointFE = "https://sellingpartnerapi-fe.amazon.com"
)

// marketplaceInfo is what the API needs of a marketplace: its ID and its
// region's endpoint (docs/amazon.md). The zone of its civil dates is
// vtr.MarketplaceZone's.
type marketplaceInfo struct {
	code, id, endpoint string
}

// marketplaces are the stores vtrbot can sync, each ID checked against
// Amazon's "Marketplace IDs" page; docs/amazon.md lists them, and a test
// keeps the two equal.
var marketplaces = []marketplaceInfo{
	{"US", "ATVPDKIKX0DER", EndpointNA},
	{"CA", "A2EUQ1WTGCTBG2", EndpointNA},
	{"MX", "A1AM78C64UM0Y8", EndpointNA},
	{"BR", "A2Q3Y263D00KWC", EndpointNA},
	{"UK", "A1F83G8C2ARO7P", EndpointEU},
	{"DE", "A1PA6795UKMFR9", EndpointEU},
	{"FR", "A13V1IB3VIYZZH", EndpointEU},
	{"IT", "APJ6JRA9NG5V4", EndpointEU},
	{"ES", "A1RKKUPIHCS9HS", EndpointEU},
	{"NL", "A1805IZSGTT6HS", EndpointEU},
	{"SE", "A2NODRKZP88ZB9", EndpointEU},
	{"PL", "A1C3SOZRARQ6R3", EndpointEU},
	{"BE", "AMEN7PMS3EDWL", EndpointEU},
	{"IE", "A28R8C7NBKEWEA", EndpointEU},
	{"TR", "A33AVAJ2PDY3EV", EndpointEU},
	{"AE", "A2VIGQ35RCS4UG", EndpointEU},
	{"SA", "A17E79C6D8DWNP", EndpointEU},
	{"EG", "ARBP9OOSHTCHU", EndpointEU},
	{"IN", "A21TJRUUN4KGV", EndpointEU},
	{"ZA", "AE08WJ6YKNBMC", EndpointEU},
	{"JP", "A1VC38T7YXB528", EndpointFE},
	{"AU", "A39IBJ37TRP1C6", EndpointFE},
	{"SG", "A19VAU5U5O7RUS", EndpointFE},
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

// Zone returns the time zone a marketplace's civil dates are in
// (vtr.MarketplaceZone), or an error for a marketplace vtrbot cannot sync.
func Zone(code string) (*time.Location, error) {
	if _, ok := marketplaceByCode(code); !ok {
		return nil, fmt.Errorf("unknown marketplace %q", code)
	}
	return vtr.MarketplaceZone(code), nil
}
