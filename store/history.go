package store

import (
	"context"
	"fmt"

	"github.com/vtrbot/vtrbot/vtr"
)

// DayTallies counts the packages of a marketplace per window date in w,
// grouped by category and verdict (package_tallies: a few rows per day, for
// any number of days), from which vtr.History and vtr.Forecast build
// rolling windows.
func (s *Store) DayTallies(ctx context.Context, market string, w vtr.Window, category string) ([]vtr.DayTally, error) {
	return s.tallyRows(ctx, market, w, category, true)
}

// Pending counts, per window date in w, the eligible packages not yet
// delivered as far as vtrbot knows (their verdict can still change).
func (s *Store) Pending(ctx context.Context, market string, w vtr.Window) (map[vtr.Date]int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT window_date, count(*) FROM packages
		WHERE account = ? AND marketplace = ? AND window_date >= ? AND window_date <= ? AND ineligible = '' AND delivered_at = ''
		GROUP BY window_date`), s.account, market, w.From.String(), w.To.String())
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", market, err)
	}
	defer rows.Close()
	out := map[vtr.Date]int{}
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, fmt.Errorf("history of %s: %w", market, err)
		}
		out[parseDate(d)] = n
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("history of %s: %w", market, err)
	}
	return out, nil
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
		FROM packages p LEFT JOIN orders o ON o.account = p.account AND o.order_id = p.order_id
		WHERE p.account = ? AND p.marketplace = ? AND p.window_date >= ? AND p.ineligible = '' AND p.delivered_at = ''
		AND p.reason IN (`+placeholders(len(codes))+`) ORDER BY p.window_date, p.order_id`,
		append([]any{s.account, market, today.String()}, codes...)...)
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
