package store_test

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// An orders import writes whole orders a batch per statement: every order
// and item must arrive whatever the batch boundaries, a second import
// replaces an order and its items, and the rows of one order add up.
func TestImportOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		order := func(i int, status string, skus ...string) *vtr.Order {
			o := &vtr.Order{ID: fmt.Sprintf("111-%07d-0000000", i), SalesChannel: "Amazon.com", Marketplace: "US",
				Status: status, FulfillmentChannel: "Merchant", PurchaseDate: vtr.Date{Year: 2025, Month: 5, Day: 1 + i%28},
				PurchasedAt: time.Date(2025, 5, 1+i%28, 14, 30, 0, 0, time.UTC), LatestShipDate: vtr.Date{Year: 2025, Month: 5, Day: 3 + i%28},
				Currency: "USD", ShipCountry: "US"}
			for _, sku := range skus {
				o.Items = append(o.Items, vtr.Item{SKU: sku, Quantity: 1, Price: 1299, Status: status, Name: "it's a \"thing\""})
			}
			return o
		}
		// 613 orders with 1 to 3 items: several full batches on either
		// database and a remainder, given in no particular order.
		var first []*vtr.Order
		items := 0
		for i := range 613 {
			j := (i * 7919) % 613
			skus := []string{"A", "B", "C"}[:1+j%3]
			items += len(skus)
			first = append(first, order(j, "Shipped", skus...))
		}
		sum, err := s.ImportOrders(ctx, first)
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.ImportSummary{Rows: 613, Orders: 613, Items: items, New: 613}); sum != want {
			t.Errorf("first import: %+v, want %+v", sum, want)
		}
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["orders"] != 613 || counts["order_items"] != items {
			t.Errorf("after the first import: %d orders, %d items; want 613, %d", counts["orders"], counts["order_items"], items)
		}

		// Order 5 is cancelled and loses items, 900 is new, 7 comes twice:
		// its rows add up, its own fields are the first row's.
		second := []*vtr.Order{order(7, "Shipped", "EARLIER"), order(5, "Cancelled", "Z"), order(900, "Pending", "N", "M"), order(7, "Cancelled", "LATER", "X")}
		sum, err = s.ImportOrders(ctx, second)
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.ImportSummary{Rows: 4, Orders: 3, Items: 6, New: 1}); sum != want {
			t.Errorf("second import: %+v, want %+v", sum, want)
		}
		got := dumpQuery(t, s, `SELECT o.order_id, o.status, o.purchase_date, o.purchased_at, o.latest_ship_date, i.line, i.sku, i.price, i.name
			FROM orders o JOIN order_items i ON i.account = o.account AND i.order_id = o.order_id
			WHERE o.account = '`+s.AccountKey()+`'
				AND o.order_id IN ('111-0000005-0000000', '111-0000007-0000000', '111-0000900-0000000', '111-0000008-0000000')
			ORDER BY o.order_id, i.line`)
		want := []string{
			`111-0000005-0000000|Cancelled|2025-05-06|2025-05-06T14:30:00Z|2025-05-08|1|Z|1299|it's a "thing"`,
			`111-0000007-0000000|Shipped|2025-05-08|2025-05-08T14:30:00Z|2025-05-10|1|EARLIER|1299|it's a "thing"`,
			`111-0000007-0000000|Shipped|2025-05-08|2025-05-08T14:30:00Z|2025-05-10|2|LATER|1299|it's a "thing"`,
			`111-0000007-0000000|Shipped|2025-05-08|2025-05-08T14:30:00Z|2025-05-10|3|X|1299|it's a "thing"`,
			`111-0000008-0000000|Shipped|2025-05-09|2025-05-09T14:30:00Z|2025-05-11|1|A|1299|it's a "thing"`,
			`111-0000008-0000000|Shipped|2025-05-09|2025-05-09T14:30:00Z|2025-05-11|2|B|1299|it's a "thing"`,
			`111-0000008-0000000|Shipped|2025-05-09|2025-05-09T14:30:00Z|2025-05-11|3|C|1299|it's a "thing"`,
			`111-0000900-0000000|Pending|2025-05-05|2025-05-05T14:30:00Z|2025-05-07|1|N|1299|it's a "thing"`,
			`111-0000900-0000000|Pending|2025-05-05|2025-05-05T14:30:00Z|2025-05-07|2|M|1299|it's a "thing"`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("after the second import:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		counts, err = s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantItems := items - itemsOf(first, 5) - itemsOf(first, 7) + 1 + 2 + 3
		if counts["orders"] != 614 || counts["order_items"] != wantItems {
			t.Errorf("after the second import: %d orders, %d items; want 614, %d", counts["orders"], counts["order_items"], wantItems)
		}
	})
}

// The first orders import into the empty table is staged
// (sqliteorders.go, copy.go), big files without the secondary indexes: when
// the first account to import is not the default one, the rows are that
// account's, and the default account's first import afterwards, into a
// table of another account's orders, goes batch by batch and counts every
// order as new. EachDB: the test opens its second account itself.
func TestImportOrders_firstImportOfAnAccount(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := storetest.Twin(t, s)
		var orders []*vtr.Order
		for i := range 40 {
			orders = append(orders, &vtr.Order{ID: fmt.Sprintf("113-%07d-0000000", i), SalesChannel: "Amazon.com", Marketplace: "US",
				Status: "Shipped", FulfillmentChannel: "Merchant", PurchaseDate: vtr.Date{Year: 2025, Month: 5, Day: 1 + i%28},
				Currency: "USD", ShipCountry: "US", Items: []vtr.Item{{SKU: "A", Quantity: 1, Price: 999}, {SKU: "B", Quantity: 2, Price: 499}}})
		}
		for _, st := range []*store.Store{a, s} {
			st.SetBulkMinRows(10) // big: the indexes are dropped and built again
			sum, err := st.ImportOrders(ctx, orders)
			if err != nil {
				t.Fatalf("account %s: %v", st.Account(), err)
			}
			if want := (store.ImportSummary{Rows: 40, Orders: 40, Items: 80, New: 40}); sum != want {
				t.Errorf("account %s: first import %+v, want %+v", st.Account(), sum, want)
			}
		}
		for _, st := range []*store.Store{a, s} {
			c, err := st.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c["orders"] != 40 || c["order_items"] != 80 {
				t.Errorf("account %s: %d orders, %d items; want 40, 80", st.Account(), c["orders"], c["order_items"])
			}
		}
		got := dumpQuery(t, s, `SELECT o.account, count(*) FROM orders o JOIN order_items i ON i.account = o.account AND i.order_id = o.order_id
			GROUP BY o.account ORDER BY o.account`)
		if want := []string{s.AccountKey() + "|80", storetest.TwinAccount + "|80"}; !slices.Equal(got, want) {
			t.Errorf("items by account: %v, want %v", got, want)
		}
	})
}

// itemsOf is the number of items of order i in orders.
func itemsOf(orders []*vtr.Order, i int) int {
	id := fmt.Sprintf("111-%07d-0000000", i)
	for _, o := range orders {
		if o.ID == id {
			return len(o.Items)
		}
	}
	return 0
}

// A categories import reclassifies the orders of its skus, 500 skus a
// query: an order with skus in two such chunks comes twice, and its
// package's move must be counted once in package_tallies.
func TestImportCategories_orderInTwoChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		const n = 600
		var orders []*vtr.Order
		var pkgs []*vtr.Package
		cats := map[string]string{}
		sku := func(i int) string { return fmt.Sprintf("SKU-%04d", i) }
		for i := range n {
			id := fmt.Sprintf("112-%07d-0000000", i)
			day := vtr.Date{Year: 2025, Month: 5, Day: 1 + i%28}
			orders = append(orders, &vtr.Order{ID: id, SalesChannel: "Amazon.com", Marketplace: "US", Status: "Shipped",
				FulfillmentChannel: "Merchant", PurchaseDate: day, Currency: "USD", ShipCountry: "US",
				Items: []vtr.Item{{SKU: sku(i), Quantity: 1, Price: 2500}, {SKU: sku(i + n), Quantity: 1, Price: 2500}}})
			pkgs = append(pkgs, &vtr.Package{OrderID: id, TrackingNumber: fmt.Sprintf("1Z999AA1%010d", i), CarrierCode: "UPS",
				ShipMethod: "Ground", ShipDate: day})
			if i%7 == 0 { // so that verdicts are not written in whole batches only
				pkgs = append(pkgs, &vtr.Package{OrderID: id, TrackingNumber: fmt.Sprintf("1Z999AA2%010d", i), CarrierCode: "UPS",
					ShipMethod: "Ground", ShipDate: day})
			}
			cats[sku(i)], cats[sku(i+n)] = "Toys", "Toys"
		}
		if _, err := s.ImportOrders(ctx, orders); err != nil {
			t.Fatal(err)
		}
		i := 0
		if _, err := s.ImportShipments(ctx, func() (*vtr.Package, error) {
			if i == len(pkgs) {
				return nil, io.EOF
			}
			i++
			return pkgs[i-1], nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportCategories(ctx, cats); err != nil {
			t.Fatal(err)
		}
		if got := dumpQuery(t, s, `SELECT category, count(*) FROM packages WHERE account = '`+s.AccountKey()+`' GROUP BY category`); !slices.Equal(got, []string{"Toys|686"}) {
			t.Errorf("categories of packages: %v, want [Toys|686]", got)
		}
		if got, want := tallyDump(t, s, false), tallyDump(t, s, true); !slices.Equal(got, want) {
			t.Errorf("package_tallies\n%s\nwant (GROUP BY packages)\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// Streaming a report whose orders' rows are far apart, a few orders held
// at a time, stores what importing the whole file grouped stores: the
// same orders, items in the same lines, the same verdicts and tallies.
func TestImportOrderRows_rowsFarApart(t *testing.T) {
	sl := messySeller(t, 5, 300)
	// Every order's first row in file order, then all their other rows.
	lines := strings.SplitAfter(string(sl.ordersFile), "\n")
	head, firsts, others := lines[0], []string{}, []string{}
	seen := map[string]bool{}
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		id, _, _ := strings.Cut(l, "\t")
		if seen[id] {
			others = append(others, l)
		} else {
			firsts = append(firsts, l)
		}
		seen[id] = true
	}
	if len(others) < 20 {
		t.Fatalf("only %d orders of several rows: the test needs more", len(others))
	}
	apart := head + strings.Join(firsts, "") + strings.Join(others, "")

	dump := func(s *store.Store) []string {
		var out []string
		for _, q := range []string{
			`SELECT ` + strings.ReplaceAll(`order_id, sales_channel, marketplace, status, fulfillment, purchase_date, purchased_at,
				promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled`, "\n", " ") + ` FROM orders ORDER BY order_id`,
			`SELECT order_id, line, sku, category, quantity, price, shipping, status, name FROM order_items ORDER BY order_id, line`,
			`SELECT order_id, tracking_number, marketplace, window_date, category, ineligible, reason FROM packages ORDER BY order_id, tracking_number`,
			`SELECT marketplace, window_date, category, ineligible, reason, n FROM package_tallies ORDER BY 1, 2, 3, 4, 5`,
		} {
			out = append(out, dumpQuery(t, s, q)...)
		}
		return out
	}
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			open := func() *store.Store {
				s, err := store.Open(t.Context(), storetest.URL(t, db), store.Options{Rules: vtr.DefaultRules("US")})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				if _, err := s.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments)); err != nil {
					t.Fatal(err)
				}
				return s
			}
			whole := open()
			if _, err := whole.ImportOrders(t.Context(), sl.orders); err != nil {
				t.Fatal(err)
			}
			streamed := open()
			streamed.SetOrdersPending(7)
			r, err := flatfile.NewReader("apart.tsv", strings.NewReader(apart))
			if err != nil {
				t.Fatal(err)
			}
			next, err := flatfile.OrderRows(r, "US")
			if err != nil {
				t.Fatal(err)
			}
			sum, err := streamed.ImportOrderRows(t.Context(), next)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Orders != len(sl.orders) || sum.Rows != len(firsts)+len(others) {
				t.Errorf("summary %+v: want %d orders, %d rows", sum, len(sl.orders), len(firsts)+len(others))
			}
			got, want := dump(streamed), dump(whole)
			if !slices.Equal(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("streamed import differs at row %d:\n%s\nwant\n%s", i, got[i], want[i])
					}
				}
				t.Fatalf("streamed import: %d rows, want %d", len(got), len(want))
			}
		})
	}
}
