package spapi_test

import (
	"encoding/json"
	"testing"

	"github.com/vtrbot/vtrbot/spapi"
)

// FuzzMapOrder: whatever JSON Amazon (or anyone between) sends as an order
// or a seller-performance report, decoding and mapping it never panics,
// and a mapped order's packages belong to it.
func FuzzMapOrder(f *testing.F) {
	o := usOrder(spapi.OrderPackage{PackageReferenceID: "1", ShipTime: "2019-10-11T23:00:00Z", Carrier: "usps",
		TrackingNumber: "9400 1118", PackageStatus: &spapi.PackageStatus{Status: "DELIVERED"}})
	b, _ := json.Marshal(o)
	f.Add(b)
	f.Add([]byte(`{"orderId":"1","createdTime":"2020-10-11T00:00Z","fulfillment":{"fulfillmentStatus":"X","fulfilledBy":"Y"},` +
		`"orderItems":[{"quantityOrdered":-3,"product":{"price":{"unitPrice":{"amount":1e400}}}}]}`))
	f.Add([]byte(`{"performanceMetrics":[{"marketplaceId":"ATVPDKIKX0DER","validTrackingRate":{"rate":"x"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		spapi.ParsePerformanceReport(b)
		var o spapi.Order
		if json.Unmarshal(b, &o) != nil {
			return
		}
		got, pkgs, err := spapi.MapOrder(&o, nil)
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.OrderID != got.ID || p.ShipDate.IsZero() {
				t.Errorf("package %+v of order %s", p, got.ID)
			}
		}
	})
}
