package store_test

import (
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// OrderCounts says how many orders have no purchase date at all (they may
// belong to the span or not) and names the latest order of the span, so a
// Support claim is checked only as far as the records go.
func TestOrderCounts_undatedAndLatest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		order := func(id, status, day string, hour int) *vtr.Order {
			o := &vtr.Order{ID: id, SalesChannel: "Amazon.com", Marketplace: "US", Status: status, FulfillmentChannel: "Merchant",
				Items: []vtr.Item{{SKU: "A", Quantity: 1, Price: 999}}}
			if day != "" {
				o.PurchaseDate = vtr.MustDate(day)
				o.PurchasedAt = o.PurchaseDate.Time(time.UTC).Add(time.Duration(hour) * time.Hour)
			}
			return o
		}
		if _, err := s.ImportOrders(ctx, []*vtr.Order{
			order("111-0000001-0000001", "Shipped", "2019-06-01", 9),
			order("111-0000002-0000002", "Unshipped", "2019-12-02", 8),
			order("111-0000003-0000003", "Shipped", "2019-12-02", 7), // same day, earlier
			order("111-0000004-0000004", "Shipped", "2019-12-05", 9), // after the span
			order("111-0000005-0000005", "Shipped", "", 0),
			order("111-0000006-0000006", "Cancelled", "", 0),
		}); err != nil {
			t.Fatal(err)
		}
		span := vtr.LastDays(vtr.MustDate("2019-12-04"), 365)
		oc, err := s.OrderCounts(ctx, span)
		if err != nil {
			t.Fatal(err)
		}
		if oc.Orders != 3 || oc.Undated != 2 {
			t.Errorf("OrderCounts = %d orders, %d undated; want 3, 2", oc.Orders, oc.Undated)
		}
		want := vtr.OrderBrief{ID: "111-0000002-0000002", Status: "Unshipped", Purchased: vtr.MustDate("2019-12-02")}
		if oc.Latest != want {
			t.Errorf("Latest = %+v, want %+v", oc.Latest, want)
		}
		empty, err := s.OrderCounts(ctx, vtr.LastDays(vtr.MustDate("2010-01-01"), 30))
		if err != nil {
			t.Fatal(err)
		}
		if empty.Orders != 0 || empty.Undated != 2 || empty.Latest != (vtr.OrderBrief{}) {
			t.Errorf("empty span: %+v", empty)
		}
	})
}
