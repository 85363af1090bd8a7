package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// ImportSummary says what one import did.
type ImportSummary struct {
	Rows     int // data rows read
	Orders   int // distinct orders in the file
	Items    int
	Packages int // distinct packages in the file (shipments)
	New      int // rows that did not exist before
}

// ImportOrders upserts whole orders (an order's items are replaced by the
// file's) in one transaction and reclassifies their packages. An error
// leaves the database as it was.
func (s *Store) ImportOrders(ctx context.Context, orders []*vtr.Order) (ImportSummary, error) {
	sum := ImportSummary{Orders: len(orders)}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		before, err := count(ctx, tx, "orders")
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(orders))
		for _, o := range orders {
			if err := s.upsertOrder(ctx, tx, o); err != nil {
				return fmt.Errorf("order %s: %w", o.ID, err)
			}
			sum.Items += len(o.Items)
			ids = append(ids, o.ID)
		}
		after, err := count(ctx, tx, "orders")
		if err != nil {
			return err
		}
		sum.New = after - before
		return s.reclassify(ctx, tx, ids)
	})
	return sum, err
}

func (s *Store) upsertOrder(ctx context.Context, tx *sqlx.Tx, o *vtr.Order) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO orders (order_id, sales_channel, marketplace, status, fulfillment,
		purchase_date, purchased_at, promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (order_id) DO UPDATE SET sales_channel = excluded.sales_channel, marketplace = excluded.marketplace,
		status = excluded.status, fulfillment = excluded.fulfillment, purchase_date = excluded.purchase_date,
		purchased_at = excluded.purchased_at, promised_delivery = excluded.promised_delivery,
		latest_ship_date = excluded.latest_ship_date, latest_ship_at = excluded.latest_ship_at,
		currency = excluded.currency, ship_country = excluded.ship_country, buyer_cancelled = excluded.buyer_cancelled`),
		o.ID, o.SalesChannel, o.Marketplace, o.Status, o.FulfillmentChannel, o.PurchaseDate.String(), fmtTime(o.PurchasedAt),
		o.PromisedDelivery.String(), o.LatestShipDate.String(), fmtTime(o.LatestShipAt), o.Currency, o.ShipCountry, o.BuyerCancelled)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM order_items WHERE order_id = ?`), o.ID); err != nil {
		return err
	}
	for i, it := range o.Items {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO order_items (order_id, line, sku, category, quantity, price, shipping, status, name)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			o.ID, i+1, it.SKU, it.Category, it.Quantity, int64(it.Price), int64(it.Shipping), it.Status, it.Name); err != nil {
			return err
		}
	}
	return nil
}

// ImportCategories upserts sku → category and reclassifies the packages of
// orders with those skus.
func (s *Store) ImportCategories(ctx context.Context, cats map[string]string) (ImportSummary, error) {
	sum := ImportSummary{Rows: len(cats)}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		before, err := count(ctx, tx, "sku_categories")
		if err != nil {
			return err
		}
		skus := make([]string, 0, len(cats))
		for sku, cat := range cats {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO sku_categories (sku, category) VALUES (?, ?)
				ON CONFLICT (sku) DO UPDATE SET category = excluded.category`), sku, cat); err != nil {
				return err
			}
			skus = append(skus, sku)
		}
		after, err := count(ctx, tx, "sku_categories")
		if err != nil {
			return err
		}
		sum.New = after - before
		sort.Strings(skus)
		var ids []string
		for _, chunk := range chunks(skus, 500) {
			q, args, err := sqlx.In(`SELECT DISTINCT order_id FROM order_items WHERE sku IN (?)`, chunk)
			if err != nil {
				return err
			}
			var got []string
			if err := tx.SelectContext(ctx, &got, s.q(q), args...); err != nil {
				return err
			}
			ids = append(ids, got...)
		}
		return s.reclassify(ctx, tx, ids)
	})
	return sum, err
}

// OrderCounts are the orders placed in a span of days, by status as written.
type OrderCounts struct {
	Window   vtr.Window
	Orders   int
	MFN      int
	ByStatus map[string]int
}

// OrderCounts counts distinct orders whose purchase date falls in w.
func (s *Store) OrderCounts(ctx context.Context, w vtr.Window) (OrderCounts, error) {
	oc := OrderCounts{Window: w, ByStatus: map[string]int{}}
	rows, err := s.db.QueryxContext(ctx, s.q(`SELECT status, fulfillment, count(*) FROM orders
		WHERE purchase_date >= ? AND purchase_date <= ? GROUP BY status, fulfillment`), w.From.String(), w.To.String())
	if err != nil {
		return oc, err
	}
	defer rows.Close()
	for rows.Next() {
		var st, ful string
		var n int
		if err := rows.Scan(&st, &ful, &n); err != nil {
			return oc, err
		}
		oc.Orders += n
		oc.ByStatus[st] += n
		if o := (vtr.Order{FulfillmentChannel: ful}); o.IsMFN() {
			oc.MFN += n
		}
	}
	return oc, rows.Err()
}

// Counts returns the number of rows of each table, for tests and `bot demo`.
func (s *Store) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"orders", "order_items", "packages", "sku_categories", "vtr_report_rows",
		"carrier_events", "notices", "mailbox_checkpoints", "outbox", "triage"} {
		var n int
		if err := s.db.GetContext(ctx, &n, "SELECT count(*) FROM "+t); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

func count(ctx context.Context, tx *sqlx.Tx, table string) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, "SELECT count(*) FROM "+table)
	return n, err
}

func chunks(s []string, n int) [][]string {
	var out [][]string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
