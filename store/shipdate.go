package store

import (
	"context"
	"fmt"

	"github.com/vtrbot/vtrbot/vtr"
)

// PlacedByShipDate counts the eligible packages of a window whose order has
// no promised delivery date, so that the window holds them by ship date
// (docs/rules.md "Window date"), and the eligible packages of the window in
// all. bot vtr status says so once: an orders file without
// promised-delivery-date moves packages between windows (the traxtar set
// goes from 84 to 76 eligible packages in its notice's window). One range
// of packages_window joined to orders by key; category "" is all.
func (s *Store) PlacedByShipDate(ctx context.Context, market string, w vtr.Window, category string) (byShip, eligible int, err error) {
	q := `SELECT COALESCE(SUM(CASE WHEN COALESCE(o.promised_delivery, '') = '' THEN 1 ELSE 0 END), 0) AS by_ship, count(*) AS eligible
		FROM packages p LEFT JOIN orders o ON o.account = p.account AND o.order_id = p.order_id
		WHERE p.account = ? AND p.marketplace = ? AND p.window_date >= ? AND p.window_date <= ? AND p.ineligible = ''`
	args := []any{s.account, market, w.From.String(), w.To.String()}
	if category != "" {
		q += ` AND p.category = ?`
		args = append(args, category)
	}
	var row struct {
		ByShip   int `db:"by_ship"`
		Eligible int `db:"eligible"`
	}
	if err := s.db.GetContext(ctx, &row, s.q(q), args...); err != nil {
		return 0, 0, fmt.Errorf("count packages placed by ship date: %w", err)
	}
	return row.ByShip, row.Eligible, nil
}
