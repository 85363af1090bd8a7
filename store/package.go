package store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// shipmentBatch is how many packages are upserted, then reclassified, at a
// time; on PostgreSQL in one INSERT: 19 columns x 2000 rows = 38,000
// parameters. Bigger batches mean fewer reclassify rounds
// (docs/benchmarks.md).
const shipmentBatch = 2000

// ImportShipments streams shipping confirmations from next (io.EOF ends
// them) into packages, in one transaction: each (order, tracking number) is
// one package; rows of one package merge to the earliest ship date, latest
// confirmation, earliest delivery and first scan, and the last row's carrier
// and ship method (docs/rules.md "Package"), and keep the earliest
// confirmation too (first_confirmed_at, for Late Shipment Rate). Packages of known orders are
// reclassified batch by batch. An error leaves the database as it was.
func (s *Store) ImportShipments(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error) {
	next = checked(next, packageText) // text.go
	// SQLite: importShipmentsBatch; PostgreSQL: COPY into a staging
	// table, then one upsert (copy.go).
	return s.dialect.importShipments(ctx, next)
}

// importShipmentsBatch is ImportShipments by INSERT ... ON CONFLICT in
// primary-key order: the SQLite path, and the reference the COPY path is
// tested against (export_test.go runs it on PostgreSQL too). The whole file is read first, the rows of each package
// merged and sorted by (order, tracking number) in Go (shipmentSorter,
// sqlitebulk.go); then one transaction upserts the packages in that order,
// batch by batch, reclassifying the packages of known orders. A bad row
// stops the import before the transaction begins.
func (s *Store) importShipmentsBatch(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error) {
	var sum ImportSummary
	srt := newShipmentSorter(sortChunkBytes)
	defer srt.close()
	for {
		p, err := next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return sum, err
		}
		sum.Rows++
		if err := srt.add(p); err != nil {
			return sum, err
		}
	}
	pkgs, err := srt.sorted()
	if err != nil {
		return sum, err
	}
	err = s.dialect.importTx(ctx, "packages", func(tx *sqlx.Tx, bulk bulkLoad) error {
		// The account's packages before and after: its new ones.
		before, err := s.countAccount(ctx, tx, "packages")
		if err != nil {
			return err
		}
		// With no order at all, no package of this file can be classified
		// beyond "no order": skip the reclassify queries.
		var anyOrders bool
		if err := tx.GetContext(ctx, &anyOrders, s.q(`SELECT EXISTS (SELECT 1 FROM orders WHERE account = ?)`), s.account); err != nil {
			return fmt.Errorf("look for orders: %w", err)
		}
		// A big file is compared with the whole table, every account's
		// rows: the SQLite bulk load drops and builds again indexes that
		// hold them all (sqliteBulk.expect). Counted only for a file that
		// big: newPackages passes smaller ones by (bulkMinRows).
		var all int
		if sum.Rows >= s.bulkMinRows {
			if all, err = count(ctx, tx, "packages"); err != nil {
				return err
			}
		}
		if err := bulk.newPackages(ctx, sum.Rows, srt.sample, all); err != nil {
			return err
		}
		// Batches are prepared (merged, classified, formatted) by a
		// goroutine while the previous one is written: on SQLite the
		// statements keep one core busy, the preparation another.
		//
		// The preparation also gives new packages their verdicts
		// (firstverdict.go) when the dialect's reader may read beside the
		// writes (SQLite's second connection: this transaction holds the
		// write lock, so what that connection sees is what the
		// transaction began with, and the import changes packages only,
		// of other keys than the batch's). Otherwise (a pgx connection
		// runs one statement at a time) they are classified here, between
		// writes.
		delta := tallyDelta{}
		var classify, inline func(b *shipBatch) error
		if anyOrders {
			reader, beside, done, err := bulk.verdictReader(ctx)
			if err != nil {
				return err
			}
			defer done()
			classify = func(b *shipBatch) error {
				var err error
				b.reclass, err = s.firstVerdicts(ctx, reader, b.pkgs, b.args, b.delta, false)
				return err
			}
			if !beside {
				classify, inline = nil, classify
			}
		}
		batches, stop := s.prepareBatches(pkgs, classify)
		defer stop()
		up := &batchStmts{tx: tx}
		defer up.close()
		for b := range batches {
			if b.err != nil {
				return b.err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			// New packages of known orders are written with their
			// verdicts; orders whose stored packages change are
			// reclassified after the write (firstverdict.go).
			if inline != nil {
				if err := inline(b); err != nil {
					return err
				}
			}
			if err := s.upsertPackages(ctx, b.args, len(b.pkgs), up); err != nil {
				return err
			}
			if err := s.reclassify(ctx, tx, b.reclass); err != nil {
				return err
			}
			for k, n := range b.delta {
				delta[k] += n
			}
			b.done()
		}
		if err := s.applyTallies(ctx, tx, delta); err != nil {
			return err
		}
		if err := bulk.finish(ctx, sum.Rows, "packages"); err != nil {
			return err
		}
		after, err := s.countAccount(ctx, tx, "packages")
		sum.New = after - before
		return err
	})
	return sum, err
}

type pkgKey struct{ order, tracking string }

// shipBatch is up to shipmentBatch packages and the arguments that write them.
type shipBatch struct {
	pkgs    []vtr.Package
	args    []any
	reclass []string   // orders to reclassify after the write
	delta   tallyDelta // the verdicts of the new packages
	err     error
	free    chan<- *shipBatch
}

// done hands the batch back for reuse.
func (b *shipBatch) done() {
	clear(b.pkgs) // drop references to this batch's strings
	clear(b.args)
	clear(b.delta)
	b.reclass = nil
	b.free <- b
}

// prepareBatches reads pkgs batch by batch in a goroutine, two batches
// ahead at most, and runs classify (if not nil) on each. A batch with err
// set is the last. stop ends the goroutine and waits for it.
func (s *Store) prepareBatches(pkgs *sortedShipments, classify func(*shipBatch) error) (<-chan *shipBatch, func()) {
	out := make(chan *shipBatch)
	free := make(chan *shipBatch, 2)
	for range 2 {
		free <- &shipBatch{pkgs: make([]vtr.Package, 0, shipmentBatch), delta: tallyDelta{}, free: free}
	}
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		defer close(out)
		for {
			var b *shipBatch
			select {
			case b = <-free:
			case <-quit:
				return
			}
			b.pkgs, b.args, b.err = b.pkgs[:0], b.args[:0], nil
			for len(b.pkgs) < shipmentBatch && b.err == nil {
				b.pkgs = append(b.pkgs, vtr.Package{})
				ok, err := pkgs.next(&b.pkgs[len(b.pkgs)-1])
				if !ok || err != nil {
					b.pkgs, b.err = b.pkgs[:len(b.pkgs)-1], err
					break
				}
			}
			if len(b.pkgs) == 0 && b.err == nil {
				return
			}
			b.args = s.packageArgs(b.args, b.pkgs)
			if classify != nil && b.err == nil && len(b.pkgs) > 0 {
				b.err = classify(b)
			}
			select {
			case out <- b:
			case <-quit:
				return
			}
			if b.err != nil || len(b.pkgs) < shipmentBatch {
				return
			}
		}
	}()
	return out, func() {
		close(quit)
		<-exited
	}
}

// orderIDs lists the orders of packages sorted by order.
func orderIDs(pkgs []vtr.Package) []string {
	var ids []string
	for i := range pkgs {
		if id := pkgs[i].OrderID; len(ids) == 0 || ids[len(ids)-1] != id {
			ids = append(ids, id)
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
	// The first confirmation before ConfirmedAt moves: FirstConfirmed
	// falls back on it.
	first := p.FirstConfirmed()
	if qf := q.FirstConfirmed(); !qf.IsZero() && (first.IsZero() || qf.Before(first)) {
		first = qf
	}
	p.FirstConfirmedAt = first
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

// packageColumns are the columns a shipment row writes, the account's
// first (packageArgs writes s.account); the verdict columns
// written on insert are the package's first verdict (firstVerdicts,
// firstverdict.go: with its order when the order is known, else "no
// order"), and are left alone on conflict (reclassify sets them). A stored package the row would
// not change is not written at all (the WHERE): re-importing a file writes
// no page, no index entry, no dead tuple on PostgreSQL.
const packageColumns = `account, order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date,
	confirmed_at, delivered_at, first_scan_at, first_confirmed_at, marketplace, window_date, category, carrier,
	ineligible, exemption, reason, hint`

const packageConflict = ` ON CONFLICT (account, order_id, tracking_number) DO UPDATE SET
	carrier_code = excluded.carrier_code, carrier_name = excluded.carrier_name, ship_method = excluded.ship_method,
	ship_date = CASE WHEN excluded.ship_date < packages.ship_date THEN excluded.ship_date ELSE packages.ship_date END,
	confirmed_at = CASE WHEN excluded.confirmed_at > packages.confirmed_at THEN excluded.confirmed_at ELSE packages.confirmed_at END,
	delivered_at = CASE WHEN packages.delivered_at = '' OR (excluded.delivered_at <> '' AND excluded.delivered_at < packages.delivered_at)
		THEN excluded.delivered_at ELSE packages.delivered_at END,
	first_scan_at = CASE WHEN packages.first_scan_at = '' OR (excluded.first_scan_at <> '' AND excluded.first_scan_at < packages.first_scan_at)
		THEN excluded.first_scan_at ELSE packages.first_scan_at END,
	first_confirmed_at = CASE WHEN packages.first_confirmed_at = '' OR (excluded.first_confirmed_at <> '' AND excluded.first_confirmed_at < packages.first_confirmed_at)
		THEN excluded.first_confirmed_at ELSE packages.first_confirmed_at END
	WHERE excluded.carrier_code <> packages.carrier_code OR excluded.carrier_name <> packages.carrier_name
		OR excluded.ship_method <> packages.ship_method OR excluded.ship_date < packages.ship_date
		OR excluded.confirmed_at > packages.confirmed_at
		OR (excluded.delivered_at <> '' AND (packages.delivered_at = '' OR excluded.delivered_at < packages.delivered_at))
		OR (excluded.first_scan_at <> '' AND (packages.first_scan_at = '' OR excluded.first_scan_at < packages.first_scan_at))
		OR (excluded.first_confirmed_at <> '' AND (packages.first_confirmed_at = '' OR excluded.first_confirmed_at < packages.first_confirmed_at))`

// upsertSQL is the multi-row upsert of n packages.
func (s *Store) upsertSQL(n int) string {
	return s.q("INSERT INTO packages (" + packageColumns + ") VALUES " + valueRows(n, packageNcol) + packageConflict)
}

const packageNcol = 19

// packageVerdictCol is where the verdict's columns start in a package's
// arguments (marketplace, window date, category, carrier, ineligible,
// exemption, reason, hint).
const packageVerdictCol = 11

// packageArgs appends the upsert arguments of pkgs to args, the store's
// account first, with the verdict of a package whose order is unknown
// (firstVerdicts replaces it when the order is known).
func (s *Store) packageArgs(args []any, pkgs []vtr.Package) []any {
	account := any(s.account) // converted once, not once a package
	for i := range pkgs {
		p := &pkgs[i]
		v := vtr.Classify(nil, p, vtr.Evidence{}, s.rules)
		ship := dateString(p.ShipDate)
		window := ship
		if v.WindowDate != p.ShipDate {
			window = dateString(v.WindowDate)
		}
		args = append(args, account, p.OrderID, p.TrackingNumber, p.CarrierCode, p.CarrierName, p.ShipMethod, ship,
			fmtTime(p.ConfirmedAt), fmtTime(p.DeliveredAt), fmtTime(p.FirstScanAt), fmtTime(p.FirstConfirmed()),
			v.Marketplace, window, v.Category, v.Carrier, string(v.Ineligible), v.Exemption, string(v.Reason), v.Hint)
	}
	return args
}

// setVerdictArgs writes v into the verdict columns of one package's
// arguments (packageNcol of them).
func setVerdictArgs(args []any, v vtr.Verdict) {
	a := args[packageVerdictCol:]
	a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7] = v.Marketplace, dateString(v.WindowDate), v.Category, v.Carrier,
		string(v.Ineligible), v.Exemption, string(v.Reason), v.Hint
}

// upsertPackages writes n packages of distinct keys (in key order: see
// sqlitebulk.go) from their packageArgs, by the dialect's statements.
func (s *Store) upsertPackages(ctx context.Context, args []any, n int, up *batchStmts) error {
	if err := s.dialect.upsertPackages(ctx, args, n, up); err != nil {
		return fmt.Errorf("upsert packages: %w", err)
	}
	return nil
}

// dateString is d.String() without fmt, for years 0 to 9999.
func dateString(d vtr.Date) string {
	if d.IsZero() || d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 99 {
		return d.String()
	}
	var b [10]byte
	y, m := d.Year, int(d.Month)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6] = '-', byte('0'+m/10), byte('0'+m%10)
	b[7], b[8], b[9] = '-', byte('0'+d.Day/10), byte('0'+d.Day%10)
	return string(b[:])
}
