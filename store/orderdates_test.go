package store_test

import (
	"io"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// TestStore_SetOrderDates: the Order Report's dates fill a stored order's
// promised delivery and ship-by dates and move its package to the window
// of the day it was due; an unknown order is counted, not created; the
// same dates again change nothing; an All Orders import without dates
// afterwards keeps them (docs/files.md "Other Amazon reports with the
// same dates").
func TestStore_SetOrderDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		o, pkgs := syncedOrder()
		o.PromisedDelivery, o.LatestShipDate = vtr.Date{}, vtr.Date{}
		undated := *o
		if _, err := s.ImportOrders(ctx, []*vtr.Order{o}); err != nil {
			t.Fatal(err)
		}
		p := pkgs[0]
		p.ShipDate = vtr.MustDate("2019-10-14") // by ship date: outside 10-15..11-14
		i := 0
		if _, err := s.ImportShipments(ctx, func() (*vtr.Package, error) {
			if i == 1 {
				return nil, io.EOF
			}
			i++
			return &p, nil
		}); err != nil {
			t.Fatal(err)
		}
		w := vtr.Window{From: vtr.MustDate("2019-10-15"), To: vtr.MustDate("2019-11-14")}
		eligible := func() int {
			t.Helper()
			st, err := s.Status(ctx, "US", w, "")
			if err != nil {
				t.Fatal(err)
			}
			return st.Overall.Eligible
		}
		if n := eligible(); n != 0 {
			t.Fatalf("by ship date: %d eligible in the window, want 0", n)
		}
		// PlacedByShipDate: the window of its ship date holds it, by ship
		// date, until its order has a promised delivery date.
		october := vtr.Window{From: vtr.MustDate("2019-10-01"), To: vtr.MustDate("2019-10-31")}
		placed := func(want int) {
			t.Helper()
			byShip, n, err := s.PlacedByShipDate(ctx, "US", october, "")
			if err != nil {
				t.Fatal(err)
			}
			if byShip != want || n != 1 {
				t.Errorf("PlacedByShipDate = %d of %d eligible, want %d of 1", byShip, n, want)
			}
		}
		placed(1)
		at := time.Date(2019, 10, 13, 6, 59, 59, 0, time.UTC)
		dates := []store.OrderDates{
			{OrderID: o.ID, PromisedDelivery: vtr.MustDate("2019-10-16"), LatestShipDate: vtr.MustDate("2019-10-12"), LatestShipAt: at},
			{OrderID: "999-0000000-0000000", PromisedDelivery: vtr.MustDate("2019-10-16")},
		}
		sum, err := s.SetOrderDates(ctx, dates)
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.DatesSummary{Orders: 2, Changed: 1, Unknown: 1}); sum != want {
			t.Errorf("summary %+v, want %+v", sum, want)
		}
		if n := eligible(); n != 1 {
			t.Errorf("due 2019-10-16: %d eligible in the window, want 1", n)
		}
		placed(0)
		if c, _ := s.Counts(ctx); c["orders"] != 1 {
			t.Errorf("%d orders stored, want 1 (an unknown order is not created)", c["orders"])
		}
		if sum, err := s.SetOrderDates(ctx, dates[:1]); err != nil || sum.Changed != 0 {
			t.Errorf("the same dates again: %+v, %v; want nothing changed", sum, err)
		}
		if _, err := s.ImportOrders(ctx, []*vtr.Order{&undated}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Order(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PromisedDelivery.String() != "2019-10-16" || got.LatestShipDate.String() != "2019-10-12" || !got.LatestShipAt.Equal(at) {
			t.Errorf("after an All Orders import without dates: due %s, ship by %s at %v; want the Order Report's kept",
				got.PromisedDelivery, got.LatestShipDate, got.LatestShipAt)
		}
		if n := eligible(); n != 1 {
			t.Errorf("after the All Orders import: %d eligible, want 1", n)
		}
	})
}
