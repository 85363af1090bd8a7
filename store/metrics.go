package store

import (
	"context"
	"fmt"

	"github.com/vtrbot/vtrbot/vtr"
)

// OrderFacts returns the marketplace's orders whose latest ship date or
// purchase date falls in w, with their first confirmation, for the
// order-based sibling metrics.
func (s *Store) OrderFacts(ctx context.Context, market string, w vtr.Window) ([]vtr.OrderFacts, error) {
	var rows []struct {
		orderRow
		FirstConfirmed string `db:"first_confirmed"`
		FirstShip      string `db:"first_ship"`
	}
	from, to := w.From.String(), w.To.String()
	err := s.db.SelectContext(ctx, &rows, s.q(`SELECT o.order_id, o.sales_channel, o.marketplace, o.status, o.fulfillment,
		o.purchase_date, o.purchased_at, o.promised_delivery, o.latest_ship_date, o.latest_ship_at, o.currency, o.ship_country,
		o.buyer_cancelled,
		COALESCE((SELECT MIN(p.confirmed_at) FROM packages p WHERE p.order_id = o.order_id AND p.confirmed_at <> ''), '') AS first_confirmed,
		COALESCE((SELECT MIN(p.ship_date) FROM packages p WHERE p.order_id = o.order_id), '') AS first_ship
		FROM orders o WHERE o.marketplace = ? AND ((o.latest_ship_date >= ? AND o.latest_ship_date <= ?)
		OR (o.purchase_date >= ? AND o.purchase_date <= ?)) ORDER BY o.order_id`), market, from, to, from, to)
	if err != nil {
		return nil, fmt.Errorf("order facts: %w", err)
	}
	out := make([]vtr.OrderFacts, len(rows))
	for i := range rows {
		out[i] = vtr.OrderFacts{Order: *rows[i].order(), FirstConfirmed: parseTime(rows[i].FirstConfirmed), FirstShipDate: parseDate(rows[i].FirstShip)}
	}
	return out, nil
}

// PackageFacts returns the marketplace's packages promised in w with their
// delivery time (from the shipments file or a carrier mail).
func (s *Store) PackageFacts(ctx context.Context, market string, w vtr.Window) ([]vtr.PackageFacts, error) {
	var rows []struct {
		packageRow
		PromisedDelivery string `db:"promised_delivery"`
		MailDelivered    string `db:"mail_delivered"`
	}
	err := s.db.SelectContext(ctx, &rows, s.q(`SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method,
		p.ship_date, p.confirmed_at, p.delivered_at, p.first_scan_at, p.marketplace, p.window_date, p.category, p.carrier,
		p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery,
		COALESCE((SELECT MIN(e.at) FROM carrier_events e WHERE e.tracking_number = p.tracking_number AND e.status = 'delivered'), '') AS mail_delivered
		FROM packages p JOIN orders o ON o.order_id = p.order_id
		WHERE p.marketplace = ? AND p.window_date >= ? AND p.window_date <= ? ORDER BY p.order_id, p.tracking_number`),
		market, w.From.String(), w.To.String())
	if err != nil {
		return nil, fmt.Errorf("package facts: %w", err)
	}
	out := make([]vtr.PackageFacts, len(rows))
	for i := range rows {
		r := &rows[i]
		d := parseTime(r.DeliveredAt)
		if m := parseTime(r.MailDelivered); !m.IsZero() && (d.IsZero() || m.Before(d)) {
			d = m
		}
		out[i] = vtr.PackageFacts{OrderID: r.OrderID, TrackingNumber: r.TrackingNumber, PromisedDelivery: parseDate(r.PromisedDelivery),
			DeliveredAt: d, Verdict: r.verdict()}
	}
	return out, nil
}

// PackagesByTracking returns the packages with the given (normalised)
// tracking numbers.
func (s *Store) PackagesByTracking(ctx context.Context, numbers []string) ([]PackageInfo, error) {
	var out []PackageInfo
	for _, c := range chunks(numbers, 500) {
		args := make([]any, len(c))
		for i, n := range c {
			args[i] = n
		}
		list, err := s.packageInfos(ctx, `SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method, p.ship_date,
			p.confirmed_at, p.delivered_at, p.first_scan_at, p.marketplace, p.window_date, p.category, p.carrier,
			p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery
			FROM packages p LEFT JOIN orders o ON o.order_id = p.order_id
			WHERE p.tracking_number IN (`+placeholders(len(c))+`) ORDER BY p.order_id`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// HasData reports whether any order or package is stored.
func (s *Store) HasData(ctx context.Context) (bool, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT (SELECT count(*) FROM (SELECT 1 FROM orders LIMIT 1) a) + (SELECT count(*) FROM (SELECT 1 FROM packages LIMIT 1) b)`)
	return n > 0, err
}
