package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// OrderFacts returns the marketplace's orders whose latest ship date or
// purchase date falls in w, each with its packages' ship dates and first
// confirmations, for the order-based sibling metrics. One query reads both,
// an order's columns repeated on each of its packages' rows: reading the
// orders a second time to join their packages cost more than the repeats.
func (s *Store) OrderFacts(ctx context.Context, market string, w vtr.Window) ([]vtr.OrderFacts, error) {
	var rows []struct {
		orderRow
		PackageOrder   string `db:"package_order"` // "" when the order has no package
		ShipDate       string `db:"ship_date"`
		FirstConfirmed string `db:"first_confirmed_at"`
	}
	from, to := w.From.String(), w.To.String()
	// Sorted by o.order_id || '', the same order as o.order_id: SQLite,
	// which plans without statistics, would otherwise read all the
	// account's orders in primary key order (account, order_id) to spare
	// the sort, instead of the window's ranges of orders_latest_ship and
	// orders_market_purchase.
	err := s.db.SelectContext(ctx, &rows, s.q(`SELECT o.order_id, o.sales_channel, o.marketplace, o.status, o.fulfillment,
		o.purchase_date, o.purchased_at, o.promised_delivery, o.latest_ship_date, o.latest_ship_at, o.currency, o.ship_country,
		o.buyer_cancelled, COALESCE(p.order_id, '') AS package_order, COALESCE(p.ship_date, '') AS ship_date,
		COALESCE(p.first_confirmed_at, '') AS first_confirmed_at
		FROM orders o LEFT JOIN packages p ON p.account = o.account AND p.order_id = o.order_id
		WHERE o.account = ? AND o.marketplace = ? AND ((o.latest_ship_date >= ? AND o.latest_ship_date <= ?)
		OR (o.purchase_date >= ? AND o.purchase_date <= ?)) ORDER BY o.order_id || '', p.tracking_number`), s.account, market, from, to, from, to)
	if err != nil {
		return nil, fmt.Errorf("order facts: %w", err)
	}
	var out []vtr.OrderFacts
	for i := range rows {
		r := &rows[i]
		if len(out) == 0 || out[len(out)-1].Order.ID != r.OrderID {
			out = append(out, vtr.OrderFacts{Order: *r.order()})
		}
		if r.PackageOrder != "" {
			f := &out[len(out)-1]
			f.Packages = append(f.Packages, vtr.Confirmation{ShipDate: parseDate(r.ShipDate), At: parseTime(r.FirstConfirmed)})
		}
	}
	return out, nil
}

// PackageFacts returns the marketplace's packages promised in w with their
// delivery time (from the shipments file or a carrier mail). An exempt
// package's Verdict.Reason is its vtr.TrackingReason: exemptions do not
// reach On-Time Delivery Rate.
func (s *Store) PackageFacts(ctx context.Context, market string, w vtr.Window) ([]vtr.PackageFacts, error) {
	var rows []struct {
		packageRow
		PromisedDelivery string `db:"promised_delivery"`
		MailDelivered    string `db:"mail_delivered"`
	}
	err := s.db.SelectContext(ctx, &rows, s.q(`SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method,
		p.ship_date, p.confirmed_at, p.delivered_at, p.first_scan_at, p.marketplace, p.window_date, p.category, p.carrier,
		p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery,
		COALESCE((SELECT MIN(e.at) FROM carrier_events e WHERE e.account = p.account AND e.tracking_number = p.tracking_number
			AND e.status = 'delivered'), '') AS mail_delivered
		FROM packages p JOIN orders o ON o.account = p.account AND o.order_id = p.order_id
		WHERE p.account = ? AND p.marketplace = ? AND p.window_date >= ? AND p.window_date <= ? ORDER BY p.order_id, p.tracking_number`),
		s.account, market, w.From.String(), w.To.String())
	if err != nil {
		return nil, fmt.Errorf("package facts: %w", err)
	}
	out := make([]vtr.PackageFacts, len(rows))
	var exempt []string // their orders, for exemptReasons
	for i := range rows {
		r := &rows[i]
		d := parseTime(r.DeliveredAt)
		if m := parseTime(r.MailDelivered); !m.IsZero() && (d.IsZero() || m.Before(d)) {
			d = m
		}
		out[i] = vtr.PackageFacts{OrderID: r.OrderID, TrackingNumber: r.TrackingNumber, PromisedDelivery: parseDate(r.PromisedDelivery),
			DeliveredAt: d, Verdict: r.verdict()}
		switch {
		case vtr.Ineligible(r.Ineligible) != vtr.Exempt:
		case r.TrackingNumber == "":
			// What vtr.TrackingReason says of a package without a number,
			// without loading its order: most exempt letters have none.
			out[i].Verdict.Reason = vtr.NoTracking
		case len(exempt) == 0 || exempt[len(exempt)-1] != r.OrderID:
			exempt = append(exempt, r.OrderID)
		}
	}
	if len(exempt) > 0 {
		if err := s.exemptReasons(ctx, exempt, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// exemptReasons sets the reason code of the exempt packages in facts, as
// vtr.TrackingReason gives it from the order, the package and its evidence.
func (s *Store) exemptReasons(ctx context.Context, orderIDs []string, facts []vtr.PackageFacts) error {
	at := map[pkgKey]int{}
	for i := range facts {
		if facts[i].Verdict.Ineligible == vtr.Exempt && facts[i].TrackingNumber != "" {
			at[pkgKey{facts[i].OrderID, facts[i].TrackingNumber}] = i
		}
	}
	for _, ids := range chunks(orderIDs, 500) {
		orders, err := s.loadOrders(ctx, s.db, ids)
		if err != nil {
			return err
		}
		q, args, err := sqlx.In(packageSelect+` WHERE account = ? AND order_id IN (?) AND ineligible = ? AND tracking_number <> ''`,
			s.account, ids, string(vtr.Exempt))
		if err != nil {
			return err
		}
		var pkgs []packageRow
		if err := s.db.SelectContext(ctx, &pkgs, s.q(q), args...); err != nil {
			return fmt.Errorf("load packages: %w", err)
		}
		ev, err := s.loadEvidence(ctx, s.db, ids, pkgs)
		if err != nil {
			return err
		}
		for i := range pkgs {
			r := &pkgs[i]
			k := pkgKey{r.OrderID, r.TrackingNumber}
			j, ok := at[k]
			if !ok {
				continue
			}
			p := r.pkg()
			facts[j].Verdict.Reason = vtr.TrackingReason(orders[r.OrderID], &p, ev[k], s.rules)
		}
	}
	return nil
}

// PackagesByTracking returns the packages with the given (normalised)
// tracking numbers.
func (s *Store) PackagesByTracking(ctx context.Context, numbers []string) ([]PackageInfo, error) {
	var out []PackageInfo
	for _, c := range chunks(numbers, 500) {
		// Sorted by p.order_id || '', the same order as p.order_id, so that
		// SQLite, which plans without statistics, seeks each number in
		// packages_tracking rather than read all the account's packages in
		// primary key order to spare the sort.
		args := make([]any, 1, 1+len(c))
		args[0] = s.account
		for _, n := range c {
			args = append(args, n)
		}
		list, err := s.packageInfos(ctx, `SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method, p.ship_date,
			p.confirmed_at, p.delivered_at, p.first_scan_at, p.marketplace, p.window_date, p.category, p.carrier,
			p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery
			FROM packages p LEFT JOIN orders o ON o.account = p.account AND o.order_id = p.order_id
			WHERE p.account = ? AND p.tracking_number IN (`+placeholders(len(c))+`) ORDER BY p.order_id || ''`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// HasData reports whether any order or package of the account is stored.
func (s *Store) HasData(ctx context.Context) (bool, error) {
	var n int
	err := s.db.GetContext(ctx, &n, s.q(`SELECT (SELECT count(*) FROM (SELECT 1 FROM orders WHERE account = ? LIMIT 1) a)
		+ (SELECT count(*) FROM (SELECT 1 FROM packages WHERE account = ? LIMIT 1) b)`), s.account, s.account)
	if err != nil {
		return n > 0, fmt.Errorf("look for data: %w", err)
	}
	return n > 0, nil
}
