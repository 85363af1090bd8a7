package store

import (
	"context"
	"fmt"

	"github.com/vtrbot/vtrbot/vtr"
)

// Tallies counts the packages of a marketplace whose window date is in w,
// grouped by category and verdict; category "" means all.
func (s *Store) Tallies(ctx context.Context, market string, w vtr.Window, category string) ([]vtr.Tally, error) {
	if market == "" {
		return s.packageTallies(ctx, w, category)
	}
	days, err := s.tallyRows(ctx, market, w, category, false)
	if err != nil {
		return nil, err
	}
	out := make([]vtr.Tally, len(days))
	for i, d := range days {
		out[i] = d.Tally
	}
	return out, nil
}

// packageTallies is Tallies of the packages with no marketplace (no known
// order), which package_tallies does not count.
func (s *Store) packageTallies(ctx context.Context, w vtr.Window, category string) ([]vtr.Tally, error) {
	q := `SELECT category, ineligible, reason, count(*) AS n FROM packages
		WHERE account = ? AND marketplace = '' AND window_date >= ? AND window_date <= ?`
	args := []any{s.account, w.From.String(), w.To.String()}
	if category != "" {
		q += ` AND category = ?`
		args = append(args, category)
	}
	q += ` GROUP BY category, ineligible, reason ORDER BY category, ineligible, reason`
	rows, err := s.db.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	defer rows.Close()
	var out []vtr.Tally
	for rows.Next() {
		var t vtr.Tally
		var inel, reason string
		if err := rows.Scan(&t.Category, &inel, &reason, &t.N); err != nil {
			return nil, fmt.Errorf("tallies: %w", err)
		}
		t.Ineligible, t.Reason = vtr.Ineligible(inel), vtr.Reason(reason)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("tallies: %w", err)
	}
	return out, nil
}

// Status computes the Valid Tracking Rate of a marketplace for a window,
// overall and per category, with the causes of an N/A rate, and Amazon's
// own latest figure for the marketplace when one was synced.
func (s *Store) Status(ctx context.Context, market string, w vtr.Window, category string) (vtr.Status, error) {
	st, err := s.status(ctx, market, w, category)
	if err != nil || market == "" {
		return st, err
	}
	a, err := s.AmazonVTR(ctx, market)
	switch {
	case err == nil:
		st.Amazon = a
	case vtr.ErrorCode(err) != vtr.ENOTFOUND:
		return st, err
	}
	return st, nil
}

func (s *Store) status(ctx context.Context, market string, w vtr.Window, category string) (vtr.Status, error) {
	key := statusKey{market: market, category: category, window: w}
	gen, err := s.tallyGen(ctx)
	if err != nil {
		return vtr.Status{}, err
	}
	if st, ok := s.cache.get(gen, key); ok {
		return st, nil
	}
	t, err := s.Tallies(ctx, market, w, category)
	if err != nil {
		return vtr.Status{}, err
	}
	st := vtr.NewStatus(market, w, t)
	st.Category = category
	if st.Overall.Eligible == 0 {
		facts, err := s.naFacts(ctx, market, w, t)
		if err != nil {
			return st, err
		}
		st.NA = vtr.ExplainNA(facts)
		return st, nil
	}
	if market != "" { // packages with no marketplace are not in package_tallies
		s.cache.put(gen, key, st)
	}
	return st, nil
}

// naFacts gathers what a window holds that is not eligible.
func (s *Store) naFacts(ctx context.Context, market string, w vtr.Window, t []vtr.Tally) (vtr.NAFacts, error) {
	f := vtr.NAFacts{Marketplace: market, Window: w, Ineligible: map[vtr.Ineligible]int{}}
	for _, x := range t {
		if x.Ineligible != vtr.Eligible {
			f.Ineligible[x.Ineligible] += x.N
		}
	}
	from, to := w.From.String(), w.To.String()
	// Each count reads an index range (packages_ship, orders_promised,
	// orders_purchase): an empty window costs nothing however much
	// history the database holds.
	err := s.db.GetContext(ctx, &f.PDDOutside, s.q(`SELECT count(*) FROM packages WHERE account = ? AND marketplace = ?
		AND ship_date >= ? AND ship_date <= ? AND (window_date < ? OR window_date > ?)`), s.account, market, from, to, from, to)
	if err != nil {
		return f, fmt.Errorf("N/A facts of %s: %w", market, err)
	}
	// A package of an unknown order has no marketplace yet.
	err = s.db.GetContext(ctx, &f.UnknownOrders, s.q(`SELECT count(*) FROM packages WHERE account = ? AND marketplace = ''
		AND ship_date >= ? AND ship_date <= ? AND ineligible = ?`), s.account, from, to, string(vtr.NoOrder))
	if err != nil {
		return f, fmt.Errorf("N/A facts of %s: %w", market, err)
	}
	// Orders whose window date (promised delivery, else purchase date) is
	// in the window, merchant-fulfilled, not cancelled, with no package.
	// Two counts, so that each is one range of orders_promised.
	const unconfirmed = ` AND LOWER(o.fulfillment) IN ('merchant', 'mfn') AND LOWER(o.status) NOT IN ('cancelled', 'canceled')
		AND NOT EXISTS (SELECT 1 FROM packages p WHERE p.account = o.account AND p.order_id = o.order_id)`
	err = s.db.GetContext(ctx, &f.Unconfirmed, s.q(`SELECT
		(SELECT count(*) FROM orders o WHERE o.account = ? AND o.marketplace = ? AND o.promised_delivery >= ? AND o.promised_delivery <= ?`+unconfirmed+`) +
		(SELECT count(*) FROM orders o WHERE o.account = ? AND o.marketplace = ? AND o.promised_delivery = '' AND o.purchase_date >= ? AND o.purchase_date <= ?`+unconfirmed+`)`),
		s.account, market, from, to, s.account, market, from, to)
	if err != nil {
		return f, fmt.Errorf("N/A facts of %s: %w", market, err)
	}
	err = s.db.GetContext(ctx, &f.Orders, s.q(`SELECT count(*) FROM orders WHERE account = ? AND marketplace = ?
		AND purchase_date >= ? AND purchase_date <= ?`), s.account, market, from, to)
	if err != nil {
		return f, fmt.Errorf("N/A facts of %s: %w", market, err)
	}
	return f, nil
}

// PackageInfo is one package with its verdict, for lists and explanations.
type PackageInfo struct {
	vtr.Package
	vtr.Verdict
	PromisedDelivery vtr.Date
}

// Untracked lists the eligible packages of a window that do not count as
// valid, sorted by order ID, tracking number and ship date.
func (s *Store) Untracked(ctx context.Context, market string, w vtr.Window, category string) ([]PackageInfo, error) {
	q := `SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method, p.ship_date,
		p.confirmed_at, p.delivered_at, p.first_scan_at, p.marketplace, p.window_date, p.category, p.carrier,
		p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery
		FROM packages p LEFT JOIN orders o ON o.account = p.account AND o.order_id = p.order_id
		WHERE p.account = ? AND p.marketplace = ? AND p.window_date >= ? AND p.window_date <= ? AND p.ineligible = ''
		AND p.reason <> ? AND p.reason <> ?`
	args := []any{s.account, market, w.From.String(), w.To.String(), string(vtr.Verified), string(vtr.Unverified)}
	if category != "" {
		q += ` AND p.category = ?`
		args = append(args, category)
	}
	q += ` ORDER BY p.order_id, p.tracking_number, p.ship_date`
	return s.packageInfos(ctx, q, args...)
}

// Packages lists every package of a window (eligible, exempt or not), for
// evidence files.
func (s *Store) Packages(ctx context.Context, market string, w vtr.Window, category string) ([]PackageInfo, error) {
	q := `SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method, p.ship_date,
		p.confirmed_at, p.delivered_at, p.first_scan_at, p.marketplace, p.window_date, p.category, p.carrier,
		p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery
		FROM packages p LEFT JOIN orders o ON o.account = p.account AND o.order_id = p.order_id
		WHERE p.account = ? AND p.marketplace = ? AND p.window_date >= ? AND p.window_date <= ?`
	args := []any{s.account, market, w.From.String(), w.To.String()}
	if category != "" {
		q += ` AND p.category = ?`
		args = append(args, category)
	}
	q += ` ORDER BY p.order_id, p.tracking_number, p.ship_date`
	return s.packageInfos(ctx, q, args...)
}

// OrderPackages lists the packages of one order.
func (s *Store) OrderPackages(ctx context.Context, orderID string) ([]PackageInfo, error) {
	return s.packageInfos(ctx, `SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method, p.ship_date,
		p.confirmed_at, p.delivered_at, p.first_scan_at, p.first_confirmed_at, p.marketplace, p.window_date, p.category, p.carrier,
		p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery
		FROM packages p LEFT JOIN orders o ON o.account = p.account AND o.order_id = p.order_id
		WHERE p.account = ? AND p.order_id = ? ORDER BY p.tracking_number`, s.account, orderID)
}

func (s *Store) packageInfos(ctx context.Context, q string, args ...any) ([]PackageInfo, error) {
	var rows []struct {
		packageRow
		PromisedDelivery string `db:"promised_delivery"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.q(q), args...); err != nil {
		return nil, fmt.Errorf("list packages: %w", err)
	}
	out := make([]PackageInfo, len(rows))
	for i := range rows {
		out[i] = PackageInfo{Package: rows[i].pkg(), Verdict: rows[i].verdict(), PromisedDelivery: parseDate(rows[i].PromisedDelivery)}
	}
	return out, nil
}

// Order returns one order with its items. ENOTFOUND when unknown.
func (s *Store) Order(ctx context.Context, id string) (*vtr.Order, error) {
	m, err := s.loadOrders(ctx, s.db, []string{id})
	if err != nil {
		return nil, err
	}
	o := m[id]
	if o == nil {
		return nil, vtr.Errorf(vtr.ENOTFOUND, "order %s is not in the database", id)
	}
	return o, nil
}
