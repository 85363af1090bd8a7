package spapi_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/vtr"
)

func money(a, cur string) *spapi.Money {
	return &spapi.Money{Amount: spapi.Decimal(a), CurrencyCode: cur}
}

// usOrder is a shipped US merchant order of one item, to vary.
func usOrder(pkgs ...spapi.OrderPackage) spapi.Order {
	return spapi.Order{OrderID: "113-5302739-0532286", CreatedTime: "2019-10-11T03:40:00Z", LastUpdatedTime: "2019-10-13T17:40:00Z",
		SalesChannel: spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "ATVPDKIKX0DER"},
		Fulfillment: &spapi.OrderFulfillment{FulfillmentStatus: "SHIPPED", FulfilledBy: "MERCHANT",
			ShipByWindow:    &spapi.DateTimeRange{LatestDateTime: "2019-10-13T06:59:59Z"},
			DeliverByWindow: &spapi.DateTimeRange{EarliestDateTime: "2019-10-14T07:00:00Z", LatestDateTime: "2019-10-16T06:59:59Z"}},
		OrderItems: []spapi.OrderItem{{OrderItemID: "49090939389049", QuantityOrdered: 2,
			Product: spapi.ItemProduct{SellerSKU: "TX-CD-0101", Title: "Jazz", Price: &spapi.ItemPrice{UnitPrice: money("6.50", "USD")}},
			Proceeds: &spapi.ItemProceeds{ProceedsTotal: money("20.00", "USD"), Breakdowns: []spapi.ItemProceedsBreakdown{
				{Type: "ITEM", Subtotal: *money("13.00", "USD")}, {Type: "SHIPPING", Subtotal: *money("3.99", "USD")},
				{Type: "TAX", Subtotal: *money("3.01", "USD")}}}}},
		Packages: pkgs}
}

func TestMapOrder_Order(t *testing.T) {
	o := usOrder()
	got, _, err := spapi.MapOrder(&o, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &vtr.Order{ID: "113-5302739-0532286", SalesChannel: "Amazon.com", Marketplace: "US", Status: "Shipped",
		FulfillmentChannel: "Merchant",
		PurchaseDate:       vtr.MustDate("2019-10-10"), // 03:40Z is the evening before in Los Angeles
		PurchasedAt:        time.Date(2019, 10, 11, 3, 40, 0, 0, time.UTC),
		PromisedDelivery:   vtr.MustDate("2019-10-15"), // 06:59:59Z is 23:59:59 the day before in Los Angeles
		LatestShipDate:     vtr.MustDate("2019-10-12"), LatestShipAt: time.Date(2019, 10, 13, 6, 59, 59, 0, time.UTC),
		Currency: "USD",
		Items: []vtr.Item{{SKU: "TX-CD-0101", Quantity: 2, Name: "Jazz",
			Price: 130000, Shipping: 39900}}, // unit price × quantity; SHIPPING proceeds, not the total with tax
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("MapOrder (-want +got):\n%s", d)
	}
}

func TestMapOrder_Fields(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(o *spapi.Order)
		check func(o *vtr.Order) bool
	}{
		{"status PENDING_AVAILABILITY", func(o *spapi.Order) { o.Fulfillment.FulfillmentStatus = "PENDING_AVAILABILITY" },
			func(o *vtr.Order) bool { return o.Status == "PendingAvailability" }},
		{"status CANCELLED", func(o *spapi.Order) { o.Fulfillment.FulfillmentStatus = "CANCELLED" },
			func(o *vtr.Order) bool { return o.IsCancelled() }},
		{"fulfilled by Amazon", func(o *spapi.Order) { o.Fulfillment.FulfilledBy = "AMAZON" },
			func(o *vtr.Order) bool { return !o.IsMFN() }},
		{"no deliver-by window", func(o *spapi.Order) { o.Fulfillment.DeliverByWindow = nil },
			func(o *vtr.Order) bool { return o.PromisedDelivery.IsZero() }},
		{"non-Amazon channel", func(o *spapi.Order) { o.SalesChannel = spapi.SalesChannel{ChannelName: "NON_AMAZON"} },
			func(o *vtr.Order) bool { return o.Marketplace == "" && o.SalesChannel == "Non-Amazon" }},
		{"no proceeds: shipping 0", func(o *spapi.Order) { o.OrderItems[0].Proceeds = nil },
			func(o *vtr.Order) bool { return o.Items[0].Shipping == 0 && o.Value() == 130000 }},
		{"JP in Tokyo", func(o *spapi.Order) {
			o.SalesChannel.MarketplaceID = "A1VC38T7YXB528"
			o.Fulfillment.DeliverByWindow.LatestDateTime = "2019-10-15T15:30:00Z" // 00:30 on the 16th in Tokyo
		}, func(o *vtr.Order) bool {
			return o.Marketplace == "JP" && o.PromisedDelivery == vtr.MustDate("2019-10-16")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := usOrder()
			tt.edit(&o)
			got, _, err := spapi.MapOrder(&o, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(got) {
				t.Errorf("mapped order: %+v", got)
			}
		})
	}
}

func TestMapOrder_Packages(t *testing.T) {
	base := spapi.OrderPackage{PackageReferenceID: "1", CreatedTime: "2019-10-12T00:00:00Z", ShipTime: "2019-10-11T23:00:00Z",
		Carrier: "USPS", ShippingService: "First-Class Package Service", TrackingNumber: "9400 1118 9922 3134 1005 54",
		PackageStatus: &spapi.PackageStatus{Status: "SHIPPED"}}
	confirmed := time.Date(2019, 10, 12, 0, 0, 0, 0, time.UTC)
	shipped := time.Date(2019, 10, 11, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		edit func(p *spapi.OrderPackage)
		want []vtr.Package // nil: no package
	}{
		{"shipped, no scan yet", func(p *spapi.OrderPackage) {}, []vtr.Package{{CarrierCode: "USPS"}}},
		{"delivered: a scan whose time is unknown", func(p *spapi.OrderPackage) { p.PackageStatus.Status = "DELIVERED" },
			[]vtr.Package{{CarrierCode: "USPS", FirstScanAt: shipped}}},
		{"in transit", func(p *spapi.OrderPackage) { p.PackageStatus.Status = "IN_TRANSIT" },
			[]vtr.Package{{CarrierCode: "USPS", FirstScanAt: shipped}}},
		{"picked up", func(p *spapi.OrderPackage) {
			p.PackageStatus = &spapi.PackageStatus{Status: "SHIPPED", DetailedStatus: "PICKED_UP"}
		},
			[]vtr.Package{{CarrierCode: "USPS", FirstScanAt: shipped}}},
		{"pending pick-up is no scan", func(p *spapi.OrderPackage) {
			p.PackageStatus = &spapi.PackageStatus{Status: "PENDING", DetailedStatus: "PENDING_PICK_UP"}
		}, []vtr.Package{{CarrierCode: "USPS"}}},
		{"lost is no scan", func(p *spapi.OrderPackage) {
			p.PackageStatus = &spapi.PackageStatus{Status: "SHIPPED", DetailedStatus: "LOST"}
		},
			[]vtr.Package{{CarrierCode: "USPS"}}},
		{"label cancelled: no package", func(p *spapi.OrderPackage) {
			p.PackageStatus = &spapi.PackageStatus{Status: "PENDING", DetailedStatus: "LABEL_CANCELLED"}
		}, nil},
		{"carrier vtrbot does not know: name with code Other", func(p *spapi.OrderPackage) { p.Carrier = "Speedy Parcels Ltd" },
			[]vtr.Package{{CarrierCode: "Other", CarrierName: "Speedy Parcels Ltd"}}},
		{"carrier alias stays a code", func(p *spapi.OrderPackage) { p.Carrier = "Royal Mail" },
			[]vtr.Package{{CarrierCode: "Royal Mail"}}},
		{"no tracking number", func(p *spapi.OrderPackage) { p.TrackingNumber = "" },
			[]vtr.Package{{CarrierCode: "USPS", TrackingNumber: "-"}}},
		{"no ship time: created time", func(p *spapi.OrderPackage) { p.ShipTime = "" },
			[]vtr.Package{{CarrierCode: "USPS", ShipDate: vtr.MustDate("2019-10-11")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			st := *base.PackageStatus
			p.PackageStatus = &st
			tt.edit(&p)
			o := usOrder(p)
			_, got, err := spapi.MapOrder(&o, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				w := &tt.want[i]
				w.OrderID, w.ShipMethod, w.ConfirmedAt = o.OrderID, "First-Class Package Service", confirmed
				switch w.TrackingNumber {
				case "":
					w.TrackingNumber = "9400111899223134100554" // normalised
				case "-":
					w.TrackingNumber = ""
				}
				if w.ShipDate.IsZero() {
					w.ShipDate = vtr.MustDate("2019-10-11") // 23:00Z is 16:00 in Los Angeles
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("packages (-want +got):\n%s", d)
			}
		})
	}
}

func TestMapOrder_BadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(o *spapi.Order)
	}{
		{"no id", func(o *spapi.Order) { o.OrderID = "" }},
		{"bad createdTime", func(o *spapi.Order) { o.CreatedTime = "yesterday" }},
		{"no fulfillment", func(o *spapi.Order) { o.Fulfillment = nil }},
		{"bad price", func(o *spapi.Order) { o.OrderItems[0].Product.Price.UnitPrice.Amount = "$6" }},
		{"bad ship time", func(o *spapi.Order) {
			o.Packages = []spapi.OrderPackage{{PackageReferenceID: "1", ShipTime: "soon"}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := usOrder()
			tt.edit(&o)
			if _, _, err := spapi.MapOrder(&o, nil); err == nil {
				t.Error("MapOrder accepted it")
			}
		})
	}
}
