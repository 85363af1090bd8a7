package vtr_test

import (
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

// order returns an eligible order of one item in a marketplace.
func order(market, currency, country string, price, shipping vtr.Amount, pdd string) *vtr.Order {
	return &vtr.Order{
		ID: "X-1", Marketplace: market, Status: "Shipped", FulfillmentChannel: "Merchant",
		Currency: currency, ShipCountry: country, PromisedDelivery: vtr.MustDate(pdd),
		Items: []vtr.Item{{SKU: "S", Category: "Music", Quantity: 1, Price: price, Shipping: shipping}},
	}
}

func exemption(t *testing.T, o *vtr.Order, p *vtr.Package) string {
	t.Helper()
	v := vtr.Classify(o, p, vtr.Evidence{}, vtr.DefaultRules(o.Marketplace))
	if v.Ineligible == vtr.Exempt {
		if v.Exemption == "" {
			t.Errorf("exempt without an exemption ID")
		}
		return v.Exemption
	}
	if v.Ineligible != vtr.Eligible {
		t.Fatalf("Ineligible = %q, want eligible or exempt", v.Ineligible)
	}
	return ""
}

func TestExemption_usLetterFlatUnder10(t *testing.T) {
	const id = "us_letter_flat_under_10"
	tests := []struct {
		name               string
		price, shipping    vtr.Amount
		method, carrier    string
		number             string
		want               string
		secondItemPrice    vtr.Amount
		secondItemShipping vtr.Amount
	}{
		{name: "First-Class Mail Large Envelope, $3.99 + $3.99", price: 3_9900, shipping: 3_9900, method: "First-Class Mail Large Envelope", carrier: "USPS", want: id},
		{name: "First Class Mail Letter", price: 3_9900, shipping: 1_0000, method: "First Class Mail Letter", carrier: "USPS", number: uspsNumber, want: id},
		{name: "First-Class flat", price: 5_0000, shipping: 0, method: "USPS First-Class Flat", carrier: "USPS", want: id},
		{name: "first-class letter, lower case", price: 5_0000, method: "first-class letter", carrier: "USPS", want: id},
		{name: "Standard Mail", price: 5_0000, method: "Standard Mail", carrier: "USPS", want: id},
		{name: "the carrier is not consulted", price: 5_0000, method: "First-Class Mail Letter", carrier: "UPS", number: upsNumber, want: id},
		{name: "nor is the tracking number", price: 5_0000, method: "Standard Mail", carrier: "Other", want: id},
		{name: "$9.99 is under $10", price: 6_0000, shipping: 3_9900, method: "Standard Mail", carrier: "USPS", want: id},
		{name: "$10.00 exactly is not under $10", price: 6_0100, shipping: 3_9900, method: "Standard Mail", carrier: "USPS", want: ""},
		{name: "all items of the order add up", price: 4_0000, shipping: 3_9900, secondItemPrice: 2_5000, method: "Standard Mail", carrier: "USPS", want: ""},
		{name: "a second item's shipping adds up too", price: 4_0000, shipping: 3_9900, secondItemShipping: 2_5000, method: "Standard Mail", carrier: "USPS", want: ""},
		{name: "First-Class Package is a parcel", price: 3_9900, shipping: 3_9900, method: "First-Class Package Service", carrier: "USPS", want: ""},
		{name: "Media Mail is a parcel", price: 3_9900, method: "Media Mail", carrier: "USPS", want: ""},
		{name: "Priority Mail Flat Rate Envelope is not First-Class", price: 3_9900, method: "Priority Mail Flat Rate Envelope", carrier: "USPS", want: ""},
		{name: "no ship method", price: 3_9900, method: "", carrier: "USPS", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := order("US", "USD", "US", tt.price, tt.shipping, "2019-10-30")
			if tt.secondItemPrice != 0 || tt.secondItemShipping != 0 {
				o.Items = append(o.Items, vtr.Item{SKU: "T", Category: "Music", Price: tt.secondItemPrice, Shipping: tt.secondItemShipping})
			}
			p := &vtr.Package{OrderID: o.ID, CarrierCode: tt.carrier, TrackingNumber: tt.number, ShipMethod: tt.method, ShipDate: vtr.MustDate("2019-10-25")}
			if got := exemption(t, o, p); got != tt.want {
				t.Errorf("exemption = %q, want %q (order value %s, method %q)", got, tt.want, o.Value(), tt.method)
			}
		})
	}
}

func TestExemption_euCrossBorderLetterUnder20(t *testing.T) {
	const id = "eu_cross_border_letter_under_20"
	tests := []struct {
		name             string
		market, currency string
		country          string
		value            vtr.Amount
		method, pdd      string
		want             string
	}{
		{"DE to FR, a Brief, EUR 12, from 2025-01-15", "DE", "EUR", "FR", 12_0000, "Deutsche Post Brief", "2025-01-15", id},
		{"FR to BE, a lettre", "FR", "EUR", "BE", 19_9900, "Lettre suivie", "2025-03-01", id},
		{"IT to DE, a lettera", "IT", "EUR", "DE", 5_0000, "Posta lettera", "2025-03-01", id},
		{"the day before the rule", "DE", "EUR", "FR", 12_0000, "Deutsche Post Brief", "2025-01-14", ""},
		{"domestic is not cross-border", "DE", "EUR", "DE", 12_0000, "Deutsche Post Brief", "2025-03-01", ""},
		{"no ship country: not known to cross a border", "DE", "EUR", "", 12_0000, "Deutsche Post Brief", "2025-03-01", ""},
		{"EUR 20.00 exactly is not under 20", "DE", "EUR", "FR", 20_0000, "Deutsche Post Brief", "2025-03-01", ""},
		{"a parcel is not a letter", "DE", "EUR", "FR", 12_0000, "DHL Paket", "2025-03-01", ""},
		{"the UK is not an EU store", "UK", "GBP", "FR", 5_0000, "Royal Mail Large Letter", "2025-03-01", ""},
		{"another currency never matches", "DE", "GBP", "FR", 12_0000, "Deutsche Post Brief", "2025-03-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := order(tt.market, tt.currency, tt.country, tt.value, 0, tt.pdd)
			p := &vtr.Package{OrderID: o.ID, CarrierCode: "Deutsche Post", ShipMethod: tt.method, ShipDate: vtr.MustDate(tt.pdd).AddDays(-3)}
			if got := exemption(t, o, p); got != tt.want {
				t.Errorf("exemption = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExemption_jpUnder1000(t *testing.T) {
	tests := []struct {
		name            string
		price, shipping vtr.Amount
		want            string
	}{
		{"JPY 600 + 350 shipping", 600_0000, 350_0000, "jp_under_1000"},
		{"shipping included: 700 + 300 = 1000 is not under", 700_0000, 300_0000, ""},
		{"JPY 1500", 1500_0000, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := order("JP", "JPY", "JP", tt.price, tt.shipping, "2024-06-10")
			p := &vtr.Package{OrderID: o.ID, CarrierCode: "Yamato", TrackingNumber: "123456789012", ShipMethod: "Nekopos", ShipDate: vtr.MustDate("2024-06-08")}
			if got := exemption(t, o, p); got != tt.want {
				t.Errorf("exemption = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultExemptions_areData(t *testing.T) {
	for _, e := range vtr.DefaultExemptions() {
		if e.ID == "" || len(e.Markets) == 0 || e.Under <= 0 || e.Currency == "" || e.Source == "" {
			t.Errorf("exemption %+v: want an ID, markets, a currency, a limit and a source", e)
		}
	}
	// A seller's own rules replace the defaults: no exemptions at all.
	o := order("US", "USD", "US", 3_9900, 3_9900, "2019-10-30")
	p := &vtr.Package{OrderID: o.ID, CarrierCode: "USPS", ShipMethod: "Standard Mail", ShipDate: vtr.MustDate("2019-10-25")}
	rules := vtr.Rules{DefaultMarketplace: "US", Exemptions: []vtr.Exemption{}}
	if v := vtr.Classify(o, p, vtr.Evidence{}, rules); v.Ineligible != vtr.Eligible || v.Reason != vtr.NoTracking {
		t.Errorf("with no exemptions: Ineligible %q Reason %s, want eligible NO_TRACKING", v.Ineligible, v.Reason)
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		want    vtr.Amount
		wantErr bool
	}{
		{"12.99", 12_9900, false},
		{"1000", 1000_0000, false},
		{"-1.5", -1_5000, false},
		{"0.0001", 1, false},
		{"", 0, false},
		{"$12.99", 0, true},
		{"1,000.00", 0, true},
		{"1.23456", 0, true},
		{".", 0, true},
		{"abc", 0, true},
	}
	for _, tt := range tests {
		got, err := vtr.ParseAmount(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
