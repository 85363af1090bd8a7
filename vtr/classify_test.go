package vtr_test

import (
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// Tracking numbers with correct check digits, and one digit off.
const (
	uspsNumber    = "9400111899223408617511" // the traxtar package of usps-delivered.eml
	uspsTypo      = "9400111899223408617512" // last digit changed: fits no carrier
	upsNumber     = "1Z999AA10123456784"     // UPS's published sample
	fedexNumber   = "123456789012"           // FedEx 12 digits, mod 11 check
	chinaPostLike = "RR123456785CN"          // free text for a carrier without formats
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// usOrder is an eligible US merchant-fulfilled order worth $18.49, due
// 2019-10-30.
func usOrder() *vtr.Order {
	return &vtr.Order{
		ID: "111-0000000-0000001", SalesChannel: "Amazon.com", Marketplace: "US",
		Status: "Shipped", FulfillmentChannel: "Merchant", Currency: "USD", ShipCountry: "US",
		PromisedDelivery: vtr.MustDate("2019-10-30"),
		Items:            []vtr.Item{{SKU: "BK-1", Category: "Books", Quantity: 1, Price: 14_5000, Shipping: 3_9900}},
	}
}

// uspsPackage is a valid-looking USPS package with no scan evidence.
func uspsPackage() *vtr.Package {
	return &vtr.Package{
		OrderID: "111-0000000-0000001", TrackingNumber: uspsNumber, CarrierCode: "USPS",
		ShipMethod: "Priority Mail", ShipDate: vtr.MustDate("2019-10-25"),
		ConfirmedAt: at("2019-10-25T18:00:00-05:00"),
	}
}

func TestClassify_reasons(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *vtr.Package, ev *vtr.Evidence)
		want vtr.Reason
	}{
		{"no tracking number", func(p *vtr.Package, _ *vtr.Evidence) { p.TrackingNumber = "" }, vtr.NoTracking},
		{"Other + USPS typed as free text", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.CarrierName = "Other", "USPS"
		}, vtr.CarrierOtherIntegrated},
		{"lower-case other + an alias of USPS", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.CarrierName = "other", "U.S.P.S."
		}, vtr.CarrierOtherIntegrated},
		{"OTHER + United Parcel Service", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.CarrierName, p.TrackingNumber = "OTHER", "United Parcel Service", upsNumber
		}, vtr.CarrierOtherIntegrated},
		{"empty code + integrated name is simply that carrier", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.CarrierName = "", "USPS"
		}, vtr.Unverified},
		{"Other + an unknown free-text courier", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.CarrierName, p.TrackingNumber = "Other", "Bob's Courier", "BOB123"
		}, vtr.CarrierNotIntegrated},
		{"unknown carrier-code", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.TrackingNumber = "Speedy Pigeon", "X1"
		}, vtr.CarrierNotIntegrated},
		{"known carrier not integrated in the US", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.TrackingNumber = "Yodel", "JD0002212345678901"
		}, vtr.CarrierNotIntegrated},
		{"Other with no name", func(p *vtr.Package, _ *vtr.Evidence) { p.CarrierCode = "Other" }, vtr.CarrierNotIntegrated},
		{"UPS 1Z number confirmed as USPS", func(p *vtr.Package, _ *vtr.Evidence) { p.TrackingNumber = upsNumber }, vtr.CarrierMismatch},
		{"USPS number confirmed as UPS", func(p *vtr.Package, _ *vtr.Evidence) { p.CarrierCode = "UPS" }, vtr.CarrierMismatch},
		{"USPS number with one wrong check digit", func(p *vtr.Package, _ *vtr.Evidence) { p.TrackingNumber = uspsTypo }, vtr.BadFormat},
		{"UPS number with one wrong check digit", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.TrackingNumber = "UPS", "1Z999AA10123456785"
		}, vtr.BadFormat},
		{"a warehouse code as USPS tracking", func(p *vtr.Package, _ *vtr.Evidence) { p.TrackingNumber = "WH-000123" }, vtr.BadFormat},
		{"carrier without built-in formats gets no format check", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.TrackingNumber = "China Post", "ANYTHING1"
		}, vtr.Unverified},
		{"confirmed after the delivered-at of the file", func(p *vtr.Package, _ *vtr.Evidence) {
			p.DeliveredAt = at("2019-10-28T11:00:00-05:00")
			p.ConfirmedAt = at("2019-10-28T16:01:00Z") // one minute after delivery
		}, vtr.UploadedAfterDelivery},
		{"confirmed after a delivery reported by carrier mail", func(p *vtr.Package, ev *vtr.Evidence) {
			ev.DeliveredAt = at("2019-10-24T12:00:00Z")
			ev.ScanSeen = true
		}, vtr.UploadedAfterDelivery},
		{"confirmed exactly at delivery is not after it", func(p *vtr.Package, _ *vtr.Evidence) {
			p.DeliveredAt = p.ConfirmedAt
		}, vtr.Verified},
		{"no confirmed-at: never after delivery", func(p *vtr.Package, _ *vtr.Evidence) {
			p.ConfirmedAt = time.Time{}
			p.DeliveredAt = at("2019-10-20T12:00:00Z")
		}, vtr.Verified},
		{"Amazon's report says no scan", func(_ *vtr.Package, ev *vtr.Evidence) { ev.NoScan = true }, vtr.NoScan},
		{"first scan in the file", func(p *vtr.Package, _ *vtr.Evidence) {
			p.FirstScanAt = at("2019-10-25T20:00:00-05:00")
		}, vtr.Verified},
		{"delivered in the file", func(p *vtr.Package, _ *vtr.Evidence) {
			p.DeliveredAt = at("2019-10-28T11:00:00-05:00")
		}, vtr.Verified},
		{"a scan reported by evidence", func(_ *vtr.Package, ev *vtr.Evidence) { ev.ScanSeen = true }, vtr.Verified},
		{"nothing known yet", func(*vtr.Package, *vtr.Evidence) {}, vtr.Unverified},
		{"FedEx 12 digits", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.TrackingNumber = "Federal Express", fedexNumber
		}, vtr.Unverified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ev := uspsPackage(), vtr.Evidence{}
			tt.edit(p, &ev)
			v := vtr.Classify(usOrder(), p, ev, vtr.DefaultRules("US"))
			if v.Ineligible != vtr.Eligible {
				t.Fatalf("Ineligible = %q, want eligible", v.Ineligible)
			}
			if v.Reason != tt.want {
				t.Errorf("Reason = %s, want %s", v.Reason, tt.want)
			}
		})
	}
}

// Each case matches two rows of the reason table; the earlier row wins.
func TestClassify_firstMatchWins(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *vtr.Package, ev *vtr.Evidence)
		want vtr.Reason
	}{
		{"no number beats Other+USPS", func(p *vtr.Package, _ *vtr.Evidence) {
			p.TrackingNumber, p.CarrierCode, p.CarrierName = "", "Other", "USPS"
		}, vtr.NoTracking},
		{"Other+USPS beats a bad check digit", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.CarrierName, p.TrackingNumber = "Other", "usps", uspsTypo
		}, vtr.CarrierOtherIntegrated},
		{"not integrated beats a format check", func(p *vtr.Package, _ *vtr.Evidence) {
			p.CarrierCode, p.CarrierName, p.TrackingNumber = "Other", "Bob's Courier", upsNumber
		}, vtr.CarrierNotIntegrated},
		{"mismatch beats upload after delivery", func(p *vtr.Package, _ *vtr.Evidence) {
			p.TrackingNumber = upsNumber
			p.DeliveredAt = at("2019-10-20T12:00:00Z")
		}, vtr.CarrierMismatch},
		{"bad format beats no scan", func(p *vtr.Package, ev *vtr.Evidence) {
			p.TrackingNumber = uspsTypo
			ev.NoScan = true
		}, vtr.BadFormat},
		{"upload after delivery beats no scan", func(p *vtr.Package, ev *vtr.Evidence) {
			p.DeliveredAt = at("2019-10-20T12:00:00Z")
			ev.NoScan = true
		}, vtr.UploadedAfterDelivery},
		{"no scan beats a scan in the file", func(p *vtr.Package, ev *vtr.Evidence) {
			p.FirstScanAt = at("2019-10-25T20:00:00-05:00")
			ev.NoScan = true
		}, vtr.NoScan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ev := uspsPackage(), vtr.Evidence{}
			tt.edit(p, &ev)
			if got := vtr.Classify(usOrder(), p, ev, vtr.DefaultRules("US")).Reason; got != tt.want {
				t.Errorf("Reason = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestClassify_everyReasonIsTested(t *testing.T) {
	// The reason table of docs/rules.md has nine rows; a new code needs a
	// case in TestClassify_reasons.
	want := []vtr.Reason{vtr.NoTracking, vtr.CarrierOtherIntegrated, vtr.CarrierNotIntegrated, vtr.CarrierMismatch,
		vtr.BadFormat, vtr.UploadedAfterDelivery, vtr.NoScan, vtr.Verified, vtr.Unverified}
	got := vtr.Reasons()
	if len(got) != len(want) {
		t.Fatalf("Reasons() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Reasons()[%d] = %s, want %s", i, got[i], want[i])
		}
		if valid := want[i] == vtr.Verified || want[i] == vtr.Unverified; got[i].Valid() != valid {
			t.Errorf("%s.Valid() = %v, want %v", got[i], got[i].Valid(), valid)
		}
		if !got[i].Valid() && got[i].Fix() == "" {
			t.Errorf("%s.Fix() is empty: an invalid reason must say what to fix", got[i])
		}
	}
}

func TestClassify_eligibility(t *testing.T) {
	tests := []struct {
		name string
		edit func(o *vtr.Order)
		nilO bool
		want vtr.Ineligible
	}{
		{name: "order missing from the orders file", nilO: true, want: vtr.NoOrder},
		{name: "FBA (Amazon)", edit: func(o *vtr.Order) { o.FulfillmentChannel = "Amazon" }, want: vtr.NotMFN},
		{name: "AFN", edit: func(o *vtr.Order) { o.FulfillmentChannel = "AFN" }, want: vtr.NotMFN},
		{name: "MFN is merchant-fulfilled", edit: func(o *vtr.Order) { o.FulfillmentChannel = "MFN" }, want: vtr.Eligible},
		{name: "merchant in lower case", edit: func(o *vtr.Order) { o.FulfillmentChannel = "merchant" }, want: vtr.Eligible},
		{name: "Cancelled", edit: func(o *vtr.Order) { o.Status = "Cancelled" }, want: vtr.Cancelled},
		{name: "Canceled (US spelling)", edit: func(o *vtr.Order) { o.Status = "Canceled" }, want: vtr.Cancelled},
		{name: "cancelled in lower case", edit: func(o *vtr.Order) { o.Status = "cancelled" }, want: vtr.Cancelled},
		{name: "Non-Amazon sales channel", edit: func(o *vtr.Order) {
			o.SalesChannel = "Non-Amazon"
			o.Marketplace = vtr.MarketplaceOfChannel(o.SalesChannel, "US")
		}, want: vtr.NonAmazonStore},
		{name: "empty sales channel is the default marketplace", edit: func(o *vtr.Order) {
			o.SalesChannel = ""
			o.Marketplace = vtr.MarketplaceOfChannel(o.SalesChannel, "US")
		}, want: vtr.Eligible},
		{name: "Unshipped but confirmed still counts", edit: func(o *vtr.Order) { o.Status = "Unshipped" }, want: vtr.Eligible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := usOrder()
			if tt.edit != nil {
				tt.edit(o)
			}
			if tt.nilO {
				o = nil
			}
			v := vtr.Classify(o, uspsPackage(), vtr.Evidence{}, vtr.DefaultRules("US"))
			if v.Ineligible != tt.want {
				t.Errorf("Ineligible = %q, want %q", v.Ineligible, tt.want)
			}
			if v.Counted() != (tt.want == vtr.Eligible) {
				t.Errorf("Counted() = %v, want %v", v.Counted(), tt.want == vtr.Eligible)
			}
			if tt.want != vtr.Eligible && v.Reason != "" {
				t.Errorf("Reason = %s for an ineligible package, want none", v.Reason)
			}
		})
	}
}

func TestMarketplaceOfChannel(t *testing.T) {
	tests := []struct{ channel, def, want string }{
		{"Amazon.com", "US", "US"},
		{"amazon.de", "US", "DE"},
		{" Amazon.co.uk ", "US", "UK"},
		{"Amazon.co.jp", "US", "JP"},
		{"", "US", "US"},
		{"", "DE", "DE"},
		{"Non-Amazon", "US", ""},
		{"eBay", "US", ""},
	}
	for _, tt := range tests {
		if got := vtr.MarketplaceOfChannel(tt.channel, tt.def); got != tt.want {
			t.Errorf("MarketplaceOfChannel(%q, %q) = %q, want %q", tt.channel, tt.def, got, tt.want)
		}
	}
}

func TestClassify_windowDate(t *testing.T) {
	tests := []struct {
		name     string
		pdd, sd  string
		want     string
		eligible vtr.Ineligible
	}{
		{"the promised delivery date when known", "2019-10-30", "2019-10-25", "2019-10-30", vtr.Eligible},
		{"else the ship date", "", "2019-10-25", "2019-10-25", vtr.Eligible},
		{"neither: no window date", "", "", "", vtr.NoWindowDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, p := usOrder(), uspsPackage()
			o.PromisedDelivery, p.ShipDate = vtr.Date{}, vtr.Date{}
			if tt.pdd != "" {
				o.PromisedDelivery = vtr.MustDate(tt.pdd)
			}
			if tt.sd != "" {
				p.ShipDate = vtr.MustDate(tt.sd)
			}
			v := vtr.Classify(o, p, vtr.Evidence{}, vtr.DefaultRules("US"))
			if v.WindowDate.String() != tt.want {
				t.Errorf("WindowDate = %q, want %q", v.WindowDate, tt.want)
			}
			if v.Ineligible != tt.eligible {
				t.Errorf("Ineligible = %q, want %q", v.Ineligible, tt.eligible)
			}
		})
	}
}

func TestWindow_bothEndsIncluded(t *testing.T) {
	w := vtr.Window{From: vtr.MustDate("2019-10-15"), To: vtr.MustDate("2019-11-14")}
	tests := []struct {
		day  string
		want bool
	}{
		{"2019-10-14", false}, {"2019-10-15", true}, {"2019-10-30", true}, {"2019-11-14", true}, {"2019-11-15", false},
	}
	for _, tt := range tests {
		if got := w.Contains(vtr.MustDate(tt.day)); got != tt.want {
			t.Errorf("%s.Contains(%s) = %v, want %v", w, tt.day, got, tt.want)
		}
	}
	if w.Contains(vtr.Date{}) {
		t.Errorf("%s.Contains(zero date) = true, want false", w)
	}
	if got := w.Days(); got != 31 {
		t.Errorf("%s.Days() = %d, want 31", w, got)
	}
}

func TestOrder_category(t *testing.T) {
	item := func(cat string, price vtr.Amount) vtr.Item { return vtr.Item{Category: cat, Price: price} }
	tests := []struct {
		name  string
		items []vtr.Item
		want  string
	}{
		{"the most expensive item's", []vtr.Item{item("Music", 12_9900), item("Books", 14_5000), item("Movies & TV", 3_9900)}, "Books"},
		{"item-price as written, not per unit", []vtr.Item{
			{Category: "Music", Price: 20_0000, Quantity: 4}, {Category: "Books", Price: 15_0000, Quantity: 1}}, "Music"},
		{"a tie goes to the name that sorts first", []vtr.Item{item("Music", 9_9900), item("Books", 9_9900)}, "Books"},
		{"tie order does not depend on row order", []vtr.Item{item("Books", 9_9900), item("Music", 9_9900)}, "Books"},
		{"code-point order: upper case first", []vtr.Item{item("music", 5_0000), item("Zines", 5_0000)}, "Zines"},
		{"no category is Uncategorized", []vtr.Item{item("", 9_5000), item("Music", 3_9900)}, vtr.Uncategorized},
		{"Uncategorized ties like any name", []vtr.Item{item("", 5_0000), item("Zines", 5_0000)}, vtr.Uncategorized},
		{"no items", nil, vtr.Uncategorized},
		{"a free item still has a category", []vtr.Item{item("Books", 0)}, "Books"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &vtr.Order{Items: tt.items}
			if got := o.Category(); got != tt.want {
				t.Errorf("Category() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClassify_verdictCarriesCategoryAndCarrier(t *testing.T) {
	p := uspsPackage()
	p.CarrierCode, p.CarrierName = "Other", "US Postal Service"
	v := vtr.Classify(usOrder(), p, vtr.Evidence{}, vtr.DefaultRules("US"))
	if v.Category != "Books" || v.Marketplace != "US" || v.Carrier != "USPS" {
		t.Errorf("verdict = {Category %q, Marketplace %q, Carrier %q}, want {Books, US, USPS}", v.Category, v.Marketplace, v.Carrier)
	}
	p.CarrierName = "Bob's Courier"
	if got := vtr.Classify(usOrder(), p, vtr.Evidence{}, vtr.DefaultRules("US")).Carrier; got != "Bob's Courier" {
		t.Errorf("Carrier = %q, want the name as written (Bob's Courier)", got)
	}
}

func TestClassify_wrongLegHintIsNotAReason(t *testing.T) {
	p := uspsPackage()
	p.CarrierCode = "China Post" // a USPS number: the domestic leg
	v := vtr.Classify(usOrder(), p, vtr.Evidence{}, vtr.DefaultRules("US"))
	if v.Reason != vtr.Unverified {
		t.Errorf("Reason = %s, want UNVERIFIED (carriers without formats get no format check)", v.Reason)
	}
	if v.Hint == "" {
		t.Errorf("Hint is empty, want a wrong-leg warning")
	}
	p.TrackingNumber = chinaPostLike
	if v := vtr.Classify(usOrder(), p, vtr.Evidence{}, vtr.DefaultRules("US")); v.Hint != "" {
		t.Errorf("Hint = %q for a number no core carrier accepts, want none", v.Hint)
	}
}

func TestNormalizeTracking(t *testing.T) {
	tests := []struct{ in, want string }{
		{"9400 1118 9922 3408 6175 11", uspsNumber},
		{"1z999aa1-0123-456784", upsNumber},
		{"\u00a01Z999AA10123456784\t", upsNumber},
		{uspsNumber, uspsNumber},
		{"", ""},
	}
	for _, tt := range tests {
		if got := vtr.NormalizeTracking(tt.in); got != tt.want {
			t.Errorf("NormalizeTracking(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
