package store

import (
	"context"
	"fmt"

	"github.com/vtrbot/vtrbot/vtr"
)

// DayTallies counts the packages of a marketplace per window date in w,
// grouped by category and verdict: one index scan for any number of days,
// from which vtr.History and vtr.Forecast build rolling windows.
func (s *Store) DayTallies(ctx context.Context, market string, w vtr.Window, category string) ([]vtr.DayTally, error) {
	q := `SELECT window_date, category, ineligible, reason, count(*) AS n FROM packages
		WHERE marketplace = ? AND window_date >= ? AND window_date <= ?`
	args := []any{market, w.From.String(), w.To.String()}
	if category != "" {
		q += ` AND category = ?`
		args = append(args, category)
	}
	q += ` GROUP BY window_date, category, ineligible, reason`
	rows, err := s.db.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("day tallies: %w", err)
	}
	defer rows.Close()
	var out []vtr.DayTally
	for rows.Next() {
		var t vtr.DayTally
		var day, inel, reason string
		if err := rows.Scan(&day, &t.Category, &inel, &reason, &t.N); err != nil {
			return nil, err
		}
		t.Date, t.Ineligible, t.Reason = parseDate(day), vtr.Ineligible(inel), vtr.Reason(reason)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Pending counts, per window date in w, the eligible packages not yet
// delivered as far as vtrbot knows (their verdict can still change).
func (s *Store) Pending(ctx context.Context, market string, w vtr.Window) (map[vtr.Date]int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT window_date, count(*) FROM packages
		WHERE marketplace = ? AND window_date >= ? AND window_date <= ? AND ineligible = '' AND delivered_at = ''
		GROUP BY window_date`), market, w.From.String(), w.To.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[vtr.Date]int{}
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, err
		}
		out[parseDate(d)] = n
	}
	return out, rows.Err()
}

// Fixable lists eligible packages promised on or after today that are
// invalid for a reason a seller can still fix, and not delivered yet.
func (s *Store) Fixable(ctx context.Context, market string, today vtr.Date) ([]vtr.Urgent, error) {
	var codes []any
	for _, r := range vtr.FixableReasons() {
		codes = append(codes, string(r))
	}
	list, err := s.packageInfos(ctx, `SELECT p.order_id, p.tracking_number, p.carrier_code, p.carrier_name, p.ship_method, p.ship_date,
		p.confirmed_at, p.delivered_at, p.first_scan_at, p.marketplace, p.window_date, p.category, p.carrier,
		p.ineligible, p.exemption, p.reason, p.hint, COALESCE(o.promised_delivery, '') AS promised_delivery
		FROM packages p LEFT JOIN orders o ON o.order_id = p.order_id
		WHERE p.marketplace = ? AND p.window_date >= ? AND p.ineligible = '' AND p.delivered_at = ''
		AND p.reason IN (`+placeholders(len(codes))+`) ORDER BY p.window_date, p.order_id`,
		append([]any{market, today.String()}, codes...)...)
	if err != nil {
		return nil, err
	}
	out := make([]vtr.Urgent, 0, len(list))
	for _, p := range list {
		out = append(out, vtr.Urgent{OrderID: p.OrderID, Category: p.Category, Carrier: p.Carrier, TrackingNumber: p.TrackingNumber,
			ShipDate: p.ShipDate, PromisedDelivery: p.WindowDate, Reason: p.Reason})
	}
	return out, nil
}
