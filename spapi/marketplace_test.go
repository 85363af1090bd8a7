package spapi

import (
	"os"
	"regexp"
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

// The marketplace table of docs/amazon.md (checked against Amazon's
// "Marketplace IDs" page) and the code agree: every code, ID and region.
func TestMarketplaces_asDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/amazon.md")
	if err != nil {
		t.Fatal(err)
	}
	endpoints := map[string]string{"NA": EndpointNA, "EU": EndpointEU, "FE": EndpointFE}
	row := regexp.MustCompile(`(?m)^\s*\| (NA|EU|FE) \| (.+) \|$`)
	pair := regexp.MustCompile("([A-Z]{2}) `([A-Z0-9]+)`")
	documented := map[string]marketplaceInfo{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		for _, p := range pair.FindAllStringSubmatch(m[2], -1) {
			documented[p[1]] = marketplaceInfo{p[1], p[2], endpoints[m[1]]}
		}
	}
	if len(documented) != len(marketplaces) {
		t.Errorf("docs/amazon.md lists %d marketplaces, the code %d", len(documented), len(marketplaces))
	}
	for _, m := range marketplaces {
		if d, ok := documented[m.code]; !ok || d != m {
			t.Errorf("%s: code has %s at %s, docs/amazon.md %s at %s", m.code, m.id, m.endpoint, d.id, d.endpoint)
		}
	}
}
