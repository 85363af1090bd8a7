package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// ImportVTRReport stores the rows of Amazon's Valid Tracking report as scan
// evidence and reclassifies the packages they name.
func (s *Store) ImportVTRReport(ctx context.Context, source string, rows []flatfile.ReportRow) (ImportSummary, error) {
	sum := ImportSummary{Rows: len(rows)}
	if err := textError("report", "source", source); err != nil {
		return sum, err
	}
	for _, r := range rows {
		if err := textError(fmt.Sprintf("report row of order %q", r.OrderID), "Order ID", r.OrderID, "Tracking ID", r.TrackingNumber,
			"Carrier Name", r.CarrierName, "Ship Method", r.ShipMethod, "Product Category", r.Category, "Package Value", r.Value); err != nil {
			return sum, err
		}
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		before, err := s.countAccount(ctx, tx, "vtr_report_rows")
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		var ids []string
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO vtr_report_rows (account, order_id, tracking_number, carrier_name, ship_method,
				promised_delivery, category, package_value, valid, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (account, order_id, tracking_number) DO UPDATE SET carrier_name = excluded.carrier_name,
				ship_method = excluded.ship_method, promised_delivery = excluded.promised_delivery, category = excluded.category,
				package_value = excluded.package_value, valid = excluded.valid, source = excluded.source`),
				s.account, r.OrderID, r.TrackingNumber, r.CarrierName, r.ShipMethod, r.PromisedDelivery.String(), r.Category, r.Value, r.Valid, source); err != nil {
				return fmt.Errorf("save the report row of order %s: %w", r.OrderID, err)
			}
			if !seen[r.OrderID] {
				seen[r.OrderID] = true
				ids = append(ids, r.OrderID)
			}
		}
		after, err := s.countAccount(ctx, tx, "vtr_report_rows")
		if err != nil {
			return err
		}
		sum.New = after - before
		return s.reclassify(ctx, tx, ids)
	})
	return sum, err
}

// AddCarrierEvents records carrier scan events (from carrier mails) and
// reclassifies the packages with those tracking numbers. It returns how many
// events were new.
func (s *Store) AddCarrierEvents(ctx context.Context, noticeID string, events []vtr.Event) (int, error) {
	var added int
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		added, err = s.addCarrierEvents(ctx, tx, noticeID, events)
		return err
	})
	return added, err
}

func (s *Store) addCarrierEvents(ctx context.Context, tx *sqlx.Tx, noticeID string, events []vtr.Event) (int, error) {
	added := 0
	numbers := map[string]bool{}
	for _, e := range events {
		n := vtr.NormalizeTracking(e.TrackingNumber)
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO carrier_events (account, tracking_number, status, at, notice_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (account, tracking_number, status, at) DO NOTHING`), s.account, n, string(e.Status), fmtTime(e.At), noticeID)
		if err != nil {
			return 0, fmt.Errorf("add carrier event of %s: %w", n, err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			added++
		}
		numbers[n] = true
	}
	if len(numbers) == 0 {
		return 0, nil
	}
	list := make([]string, 0, len(numbers))
	for n := range numbers {
		list = append(list, n)
	}
	sort.Strings(list)
	// SQLite plans without statistics and then prefers the primary key
	// (account, order_id, tracking_number), which covers the query, read
	// for the whole account, to seeking packages_tracking (account,
	// tracking_number): the index is named.
	indexed := ""
	if s.Dialect() == SQLite {
		indexed = ` INDEXED BY packages_tracking`
	}
	var ids []string
	for _, c := range chunks(list, 500) {
		q, args, err := sqlx.In(`SELECT DISTINCT order_id FROM packages`+indexed+` WHERE account = ? AND tracking_number IN (?)`, s.account, c)
		if err != nil {
			return 0, err
		}
		var got []string
		if err := tx.SelectContext(ctx, &got, s.q(q), args...); err != nil {
			return 0, fmt.Errorf("orders of tracking numbers: %w", err)
		}
		ids = append(ids, got...)
	}
	return added, s.reclassify(ctx, tx, ids)
}
