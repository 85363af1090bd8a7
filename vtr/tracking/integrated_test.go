package tracking

import (
	"slices"
	"testing"
	"time"
)

func TestIntegrated_defaults(t *testing.T) {
	seed := day("2019-11-15")
	tests := []struct {
		market, carrier string
		on              time.Time
		want            bool
	}{
		{"US", "usps", seed, true},
		{"US", "U.S.P.S.", seed, true},
		{"us", "United Parcel Service", seed, true},
		{"US", "fedex_smartpost", seed, true},
		{"US", "ups_mi", seed, true},
		{"US", "china_post", seed, true},
		{"US", "Yun Express", seed, true},
		{"US", "Watkins & Shepard", seed, true},
		{"US", "evri", seed, false},
		{"US", "estes", day("2026-01-01"), true}, // no dated revision: the list applies to every date
		{"US", "Some Local Courier", seed, false},
		{"UK", "royal_mail", seed, true},
		{"GB", "Royal Mail", seed, true},
		{"UK", "Hermes UK", seed, true},
		{"DE", "hermes", seed, true},
		{"DE", "dhl", seed, true},
		{"FR", "Colissimo", seed, true},
		{"IT", "BRT", seed, true},
		{"ES", "SEUR", seed, true},
		{"JP", "ヤマト運輸", seed, true},
		{"JP", "china_post", seed, true},
		{"JP", "usps", seed, false},
		{"CA", "canada_post", seed, false}, // no list carried for CA
		{"XX", "usps", seed, false},
	}
	for _, tt := range tests {
		if got := Integrated(tt.market, tt.carrier, tt.on); got != tt.want {
			t.Errorf("Integrated(%q, %q, %s) = %v, want %v", tt.market, tt.carrier, tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
	for _, l := range DefaultLists() {
		if l.Source == "" {
			t.Errorf("%s list has no source", l.Marketplace)
		}
		for _, code := range l.Carriers {
			if c, ok := Lookup(code); !ok || c.Code != code {
				t.Errorf("%s list: %q is not a carrier code", l.Marketplace, code)
			}
		}
	}
	if _, ok := DefaultLists().In("CA", seed); ok {
		t.Error("a CA list exists; update docs/tracking.md and this test")
	}
}

// TestLists_revisions checks the dated-revision mechanism with a made-up
// table (the real 2025-01-15 contents are not known; see docs/tracking.md).
func TestLists_revisions(t *testing.T) {
	cut := day("2025-01-15")
	ls := Lists{
		{Marketplace: "US", Carriers: []string{"usps", "ups", "estes"}, Source: "test: before"},
		{Marketplace: "US", From: cut, Carriers: []string{"usps", "ups", "ontrac"}, Source: "test: after"},
		{Marketplace: "DE", From: cut, Carriers: []string{"dhl"}, Source: "test: DE only from the cut"},
	}
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		market, carrier string
		on              time.Time
		want            bool
	}{
		{"US", "estes", day("2025-01-14"), true},
		{"US", "estes", cut, false},
		{"US", "ontrac", day("2025-01-14"), false},
		{"US", "ontrac", cut, true},
		{"US", "OnTrac", day("2030-06-01"), true},
		{"US", "usps", day("2000-01-01"), true},
		// The calendar date of on, in its own location, decides.
		{"US", "ontrac", time.Date(2025, 1, 14, 23, 30, 0, 0, ny), false},
		{"US", "ontrac", time.Date(2025, 1, 15, 0, 30, 0, 0, ny), true},
		{"DE", "dhl", day("2025-01-14"), false}, // no DE revision yet
		{"DE", "dhl", cut, true},
	}
	for _, tt := range tests {
		if got := ls.Integrated(tt.market, tt.carrier, tt.on); got != tt.want {
			t.Errorf("Integrated(%q, %q, %s) = %v, want %v", tt.market, tt.carrier, tt.on, got, tt.want)
		}
	}
	if l, ok := ls.In("us", day("2025-02-01")); !ok || l.Source != "test: after" {
		t.Errorf("In(us, 2025-02-01) = %q, %v; want the revision from 2025-01-15", l.Source, ok)
	}
}

func TestDefaultLists_copy(t *testing.T) {
	a := DefaultLists()
	a[0].Carriers[0] = "changed"
	a[0].Carriers = append(a[0].Carriers, "more")
	if b := DefaultLists(); b[0].Carriers[0] == "changed" || slices.Contains(b[0].Carriers, "more") {
		t.Error("DefaultLists shares its slices with the defaults")
	}
	if !Integrated("US", "4px", day("2019-11-15")) {
		t.Error("editing a copy changed the defaults")
	}
}
