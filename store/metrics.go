package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// metricsOrders is the WHERE of the orders OrderFacts reads: the
// marketplace's orders whose latest ship date (Late Shipment Rate) or
// purchase date (Cancel Rate) falls in a window.
const metricsOrders = `o.marketplace = ? AND ((o.latest_ship_date >= ? AND o.latest_ship_date <= ?)
	OR (o.purchase_date >= ? AND o.purchase_date <= ?))`

// OrderFacts returns the marketplace's orders whose latest ship date or
// purchase date falls in w, each with its packages' ship dates and first
// confirmations, for the order-based sibling metrics.
func (s *Store) OrderFacts(ctx context.Context, market string, w vtr.Window) ([]vtr.OrderFacts, error) {
	from, to := w.From.String(), w.To.String()
	args := []any{market, from, to, from, to}
	var orders []orderRow
	err := s.db.SelectContext(ctx, &orders, s.q(orderSelect+` o WHERE `+metricsOrders+` ORDER BY o.order_id`), args...)
	if err != nil {
		return nil, fmt.Errorf("order facts: %w", err)
	}
	var pkgs []struct {
		OrderID        string `db:"order_id"`
		ShipDate       string `db:"ship_date"`
		FirstConfirmed string `db:"first_confirmed_at"`
	}
	err = s.db.SelectContext(ctx, &pkgs, s.q(`SELECT p.order_id, p.ship_date, p.first_confirmed_at
		FROM orders o JOIN packages p ON p.order_id = o.order_id
		WHERE `+metricsOrders+` ORDER BY p.order_id, p.tracking_number`), args...)
	if err != nil {
		return nil, fmt.Errorf("order facts: %w", err)
	}
	out := make([]vtr.OrderFacts, len(orders))
	j := 0
	for i := range orders {
		f := &out[i]
		f.Order = *orders[i].order()
		// Both lists are sorted by order id (byte order on either
		// database: ids are ASCII).
		for ; j < len(pkgs) && pkgs[j].OrderID <= f.Order.ID; j++ {
			if pkgs[j].OrderID == f.Order.ID {
				f.Packages = append(f.Packages, vtr.Confirmation{ShipDate: parseDate(pkgs[j].ShipDate), At: parseTime(pkgs[j].FirstConfirmed)})
			}
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
		COALESCE((SELECT MIN(e.at) FROM carrier_events e WHERE e.tracking_number = p.tracking_number AND e.status = 'delivered'), '') AS mail_delivered
		FROM packages p JOIN orders o ON o.order_id = p.order_id
		WHERE p.marketplace = ? AND p.window_date >= ? AND p.window_date <= ? ORDER BY p.order_id, p.tracking_number`),
		market, w.From.String(), w.To.String())
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
		if vtr.Ineligible(r.Ineligible) == vtr.Exempt && (len(exempt) == 0 || exempt[len(exempt)-1] != r.OrderID) {
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
		if facts[i].Verdict.Ineligible == vtr.Exempt {
			at[pkgKey{facts[i].OrderID, facts[i].TrackingNumber}] = i
		}
	}
	for _, ids := range chunks(orderIDs, 500) {
		orders, err := s.loadOrders(ctx, s.db, ids)
		if err != nil {
			return err
		}
		q, args, err := sqlx.In(packageSelect+` WHERE order_id IN (?) AND ineligible = ?`, ids, string(vtr.Exempt))
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
