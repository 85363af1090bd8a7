package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// shipmentBatch is how many packages go into one INSERT: 12 columns x 2000
// rows = 24,000 parameters, under SQLite's limit of 32,766. Bigger batches
// mean fewer statements and fewer reclassify rounds (docs/benchmarks.md).
const shipmentBatch = 2000

// ImportShipments streams shipping confirmations from next (io.EOF ends
// them) into packages, in one transaction: each (order, tracking number) is
// one package; rows of one package merge to the earliest ship date, latest
// confirmation, earliest delivery and first scan, and the last row's carrier
// and ship method (docs/rules.md "Package"). Packages of known orders are
// reclassified batch by batch. An error leaves the database as it was.
func (s *Store) ImportShipments(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error) {
	// PostgreSQL: COPY into a staging table, then one upsert (copy.go).
	if s.dialect == Postgres {
		return s.importShipmentsCopy(ctx, next)
	}
	return s.importShipmentsBatch(ctx, next)
}

// importShipmentsBatch is ImportShipments by multi-row INSERT ... ON
// CONFLICT, batch by batch: the SQLite path, and the reference the COPY
// path is tested against.
func (s *Store) importShipmentsBatch(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error) {
	var sum ImportSummary
	load := func(tx *sqlx.Tx, bulk *sqliteBulk) error {
		before, err := count(ctx, tx, "packages")
		if err != nil {
			return err
		}
		// With no order at all, no package of this file can be classified
		// beyond "no order": skip the reclassify queries.
		var anyOrders bool
		if err := tx.GetContext(ctx, &anyOrders, `SELECT EXISTS (SELECT 1 FROM orders)`); err != nil {
			return err
		}
		batch := newPackageBatch()
		up := &packageUpsert{}
		defer up.close()
		flush := func() error {
			if len(batch.order) == 0 {
				return nil
			}
			if err := s.upsertPackages(ctx, tx, batch, up); err != nil {
				return err
			}
			if anyOrders {
				if err := s.reclassify(ctx, tx, batch.orderIDs()); err != nil {
					return err
				}
			}
			batch.reset()
			return nil
		}
		for {
			p, err := next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return err
			}
			sum.Rows++
			batch.add(p)
			if len(batch.order) >= shipmentBatch {
				if err := flush(); err != nil {
					return err
				}
				if bulk != nil {
					if err := bulk.grew(ctx, sum.Rows, before); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if bulk != nil {
			if err := bulk.finish(ctx); err != nil {
				return err
			}
		}
		after, err := count(ctx, tx, "packages")
		sum.New = after - before
		return err
	}
	var err error
	if s.dialect == SQLite {
		err = s.sqliteBulkTx(ctx, "packages", load) // big files: see sqlitebulk.go
	} else {
		err = s.tx(ctx, func(tx *sqlx.Tx) error { return load(tx, nil) })
	}
	return sum, err
}

type pkgKey struct{ order, tracking string }

// packageBatch merges the rows of one batch by package, keeping first-seen
// order, because PostgreSQL refuses an upsert that touches a row twice.
type packageBatch struct {
	byKey map[pkgKey]*vtr.Package
	order []pkgKey
}

func newPackageBatch() *packageBatch { return &packageBatch{byKey: map[pkgKey]*vtr.Package{}} }

func (b *packageBatch) reset() {
	clear(b.byKey)
	b.order = b.order[:0]
}

func (b *packageBatch) add(p *vtr.Package) {
	k := pkgKey{p.OrderID, p.TrackingNumber}
	old, ok := b.byKey[k]
	if !ok {
		cp := *p
		b.byKey[k] = &cp
		b.order = append(b.order, k)
		return
	}
	mergePackage(old, p)
}

func (b *packageBatch) orderIDs() []string {
	seen := map[string]bool{}
	var ids []string
	for _, k := range b.order {
		if !seen[k.order] {
			seen[k.order] = true
			ids = append(ids, k.order)
		}
	}
	return ids
}

// mergePackage folds a later row q into p (the same rule the SQL upsert
// applies against rows already stored).
func mergePackage(p, q *vtr.Package) {
	p.CarrierCode, p.CarrierName, p.ShipMethod = q.CarrierCode, q.CarrierName, q.ShipMethod
	if q.ShipDate.Before(p.ShipDate) {
		p.ShipDate = q.ShipDate
	}
	if q.ConfirmedAt.After(p.ConfirmedAt) {
		p.ConfirmedAt = q.ConfirmedAt
	}
	if !q.DeliveredAt.IsZero() && (p.DeliveredAt.IsZero() || q.DeliveredAt.Before(p.DeliveredAt)) {
		p.DeliveredAt = q.DeliveredAt
	}
	if !q.FirstScanAt.IsZero() && (p.FirstScanAt.IsZero() || q.FirstScanAt.Before(p.FirstScanAt)) {
		p.FirstScanAt = q.FirstScanAt
	}
}

// packageColumns are the columns a shipment row writes; the verdict columns
// written on insert describe a package with no known order, and are left
// alone on conflict (reclassify sets them).
const packageColumns = `order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date,
	confirmed_at, delivered_at, first_scan_at, window_date, carrier, ineligible`

const packageConflict = ` ON CONFLICT (order_id, tracking_number) DO UPDATE SET
	carrier_code = excluded.carrier_code, carrier_name = excluded.carrier_name, ship_method = excluded.ship_method,
	ship_date = CASE WHEN excluded.ship_date < packages.ship_date THEN excluded.ship_date ELSE packages.ship_date END,
	confirmed_at = CASE WHEN excluded.confirmed_at > packages.confirmed_at THEN excluded.confirmed_at ELSE packages.confirmed_at END,
	delivered_at = CASE WHEN packages.delivered_at = '' OR (excluded.delivered_at <> '' AND excluded.delivered_at < packages.delivered_at)
		THEN excluded.delivered_at ELSE packages.delivered_at END,
	first_scan_at = CASE WHEN packages.first_scan_at = '' OR (excluded.first_scan_at <> '' AND excluded.first_scan_at < packages.first_scan_at)
		THEN excluded.first_scan_at ELSE packages.first_scan_at END`

// packageUpsert keeps what one import's batches share: the statements,
// prepared once, and the argument slice.
type packageUpsert struct {
	full *sqlx.Stmt // PostgreSQL: a full batch in one statement
	one  *sqlx.Stmt // SQLite: one package
	args []any
}

func (u *packageUpsert) close() {
	for _, st := range []*sqlx.Stmt{u.full, u.one} {
		if st != nil {
			st.Close()
		}
	}
}

// upsertSQL is the multi-row upsert of n packages.
func (s *Store) upsertSQL(n int) string {
	var sb strings.Builder
	row := "(" + placeholders(packageNcol) + ")"
	sb.Grow(len(packageColumns) + len(packageConflict) + n*(len(row)+2) + 40)
	sb.WriteString("INSERT INTO packages (" + packageColumns + ") VALUES ")
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	sb.WriteString(packageConflict)
	return s.q(sb.String())
}

const packageNcol = 12

func (s *Store) upsertPackages(ctx context.Context, tx *sqlx.Tx, b *packageBatch, u *packageUpsert) error {
	args := u.args[:0]
	for _, k := range b.order {
		p := b.byKey[k]
		v := vtr.Classify(nil, p, vtr.Evidence{}, s.rules)
		args = append(args, p.OrderID, p.TrackingNumber, p.CarrierCode, p.CarrierName, p.ShipMethod, p.ShipDate.String(),
			fmtTime(p.ConfirmedAt), fmtTime(p.DeliveredAt), fmtTime(p.FirstScanAt), v.WindowDate.String(), v.Carrier, string(v.Ineligible))
	}
	u.args = args
	var err error
	if s.dialect == SQLite {
		// One row per statement on SQLite: a multi-row INSERT inside a
		// transaction copies every page it touches to a statement journal
		// first (so that it can fail alone), which cost more than the
		// inserts themselves; a one-row statement needs none.
		if u.one == nil {
			if u.one, err = tx.PreparexContext(ctx, s.upsertSQL(1)); err != nil {
				return fmt.Errorf("upsert packages: %w", err)
			}
		}
		for i := 0; i < len(args) && err == nil; i += packageNcol {
			_, err = u.one.ExecContext(ctx, args[i:i+packageNcol]...)
		}
	} else if len(b.order) == shipmentBatch {
		if u.full == nil {
			if u.full, err = tx.PreparexContext(ctx, s.upsertSQL(shipmentBatch)); err != nil {
				return fmt.Errorf("upsert packages: %w", err)
			}
		}
		_, err = u.full.ExecContext(ctx, args...)
	} else {
		_, err = tx.ExecContext(ctx, s.upsertSQL(len(b.order)), args...)
	}
	clear(args) // drop references to this batch's strings
	if err != nil {
		return fmt.Errorf("upsert packages: %w", err)
	}
	return nil
}
