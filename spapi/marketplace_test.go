package spapi

import (
	"testing"
	"time"
)

// Every marketplace vtrbot can sync has its own civil-date zone: a code that
// fell through to UTC would date its orders wrong by hours.
func TestZone_everyMarketplace(t *testing.T) {
	for _, m := range marketplaces {
		loc, err := Zone(m.code)
		if err != nil {
			t.Fatalf("%s: %v", m.code, err)
		}
		if loc == time.UTC {
			t.Errorf("%s: zone is UTC; vtr.MarketplaceZone lacks it", m.code)
		}
		if MarketplaceCode(m.id) != m.code {
			t.Errorf("%s: MarketplaceCode(%s) = %q", m.code, m.id, MarketplaceCode(m.id))
		}
	}
	if _, err := Zone("XX"); err == nil {
		t.Error("Zone(XX): want an error")
	}
}
