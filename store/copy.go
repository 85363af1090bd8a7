package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// copyStage is the staging table of importShipmentsCopy: one row per
// shipment row of the file, numbered in file order. It lives in the
// transaction only (ON COMMIT DROP), so concurrent imports never see each
// other's rows and a failed import leaves nothing behind. It has no
// account column: its rows are the importing Store's account's, and the
// statements that move them into packages write that account.
const copyStage = `CREATE TEMP TABLE shipments_stage (
	line            BIGINT NOT NULL,
	order_id        TEXT NOT NULL,
	tracking_number TEXT NOT NULL,
	carrier_code    TEXT NOT NULL,
	carrier_name    TEXT NOT NULL,
	ship_method     TEXT NOT NULL,
	ship_date       TEXT NOT NULL,
	confirmed_at    TEXT NOT NULL,
	delivered_at    TEXT NOT NULL,
	first_scan_at   TEXT NOT NULL,
	first_confirmed_at TEXT NOT NULL,
	carrier         TEXT NOT NULL
) ON COMMIT DROP`

var copyColumns = []string{"line", "order_id", "tracking_number", "carrier_code", "carrier_name", "ship_method",
	"ship_date", "confirmed_at", "delivered_at", "first_scan_at", "first_confirmed_at", "carrier"}

// copyMerged folds the staged rows of each package into one, by the rule
// of ImportShipments (mergePackage): per (order, tracking number) the
// earliest ship date, the latest confirmed-at, the earliest delivered-at,
// first-scan-at and first confirmation (empty means unknown), and the
// carrier and ship method of the last row of the file.
const copyMerged = `SELECT g.order_id, g.tracking_number, l.carrier_code, l.carrier_name, l.ship_method, g.ship_date,
		g.confirmed_at, g.delivered_at, g.first_scan_at, g.first_confirmed_at, l.carrier
	FROM (SELECT order_id, tracking_number, max(line) AS last_line, min(ship_date) AS ship_date,
			max(confirmed_at) AS confirmed_at,
			COALESCE(min(NULLIF(delivered_at, '')), '') AS delivered_at,
			COALESCE(min(NULLIF(first_scan_at, '')), '') AS first_scan_at,
			COALESCE(min(NULLIF(first_confirmed_at, '')), '') AS first_confirmed_at
		FROM shipments_stage GROUP BY order_id, tracking_number) g
	JOIN shipments_stage l ON l.line = g.last_line`

// copyMerge writes the merged packages, as the account $1's, when the
// account has no order stored at all: the verdict columns describe a
// package with no known order, as packageArgs writes them; packageConflict
// merges with the account's rows already stored and leaves their verdicts
// to reclassify.
const copyMerge = `INSERT INTO packages (` + packageColumns + `)
	SELECT $1, m.order_id, m.tracking_number, m.carrier_code, m.carrier_name, m.ship_method, m.ship_date,
		m.confirmed_at, m.delivered_at, m.first_scan_at, m.first_confirmed_at, '', m.ship_date, '', m.carrier,
		'` + string(vtr.NoOrder) + `', '', '', ''
	FROM (` + copyMerged + `) m` + packageConflict

// With orders stored, the merged packages are read back in key order
// through a cursor, given their first verdicts a batch at a time
// (firstVerdicts) and copied into packages_stage, which one upsert then
// writes into packages: every package is written once, with its verdict.
// packages_stage has packageColumns, account included: its rows are
// packageArgs', which name the Store's account.
const (
	copyMergedCursor = `DECLARE shipments_merged NO SCROLL CURSOR FOR ` + copyMerged + ` ORDER BY g.order_id, g.tracking_number`
	copyPackageStage = `CREATE TEMP TABLE packages_stage ON COMMIT DROP AS SELECT ` + packageColumns + ` FROM packages WITH NO DATA`
	copyStagedUpsert = `INSERT INTO packages (` + packageColumns + `) SELECT ` + packageColumns + ` FROM packages_stage` + packageConflict
)

// analyzeRows is the size of a file after which packages is analysed
// before reclassifying (ANALYZE samples 30,000 rows: a fraction of a second).
const analyzeRows = 10_000

// copyFetch is how many order ids each FETCH returns (and reclassify
// handles in chunks of 500).
const copyFetch = 5000

func (d postgresDialect) importShipments(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error) {
	return d.s.importShipmentsCopy(ctx, next)
}

// importTx runs the import in a transaction on one connection of the
// pool (COPY needs the connection).
func (d postgresDialect) importTx(ctx context.Context, _ string, load func(tx *sqlx.Tx, b bulkLoad) error) error {
	return d.s.connTx(ctx, func(conn *sqlx.Conn, tx *sqlx.Tx) error {
		return load(tx, &postgresLoad{s: d.s, conn: conn, tx: tx})
	})
}

// upsertPackages writes the n packages in one statement, prepared for
// full batches (shipmentBatch: 13 columns x 2000 rows = 26,000
// parameters).
func (d postgresDialect) upsertPackages(ctx context.Context, args []any, n int, up *batchStmts) error {
	return up.exec(ctx, "packages", n == shipmentBatch, func() string { return d.s.upsertSQL(n) }, args)
}

// connTx runs fn in a transaction on one connection of the pool (COPY
// needs the connection), committing when fn returns nil.
func (s *Store) connTx(ctx context.Context, fn func(conn *sqlx.Conn, tx *sqlx.Tx) error) error {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(conn, tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// postgresLoad is PostgreSQL's part of one import transaction (bulkLoad):
// the connection COPY needs, and ANALYZE after many rows.
type postgresLoad struct {
	s    *Store
	conn *sqlx.Conn
	tx   *sqlx.Tx
}

// firstOrders copies the file through a staging table (importOrdersCopy).
func (l *postgresLoad) firstOrders(ctx context.Context, next func() (*vtr.Order, error), sum *ImportSummary) ([]string, error) {
	return l.s.importOrdersCopy(ctx, l.conn, l.tx, next, sum)
}

// PostgreSQL keeps its indexes whatever the size of an import.
func (*postgresLoad) newOrders(context.Context, int, int) error { return nil }

func (*postgresLoad) newPackages(context.Context, int, []pkgKey, int) error { return nil }

// verdictReader is the transaction itself: a pgx connection runs one
// statement at a time, so verdicts are read between the writes.
func (l *postgresLoad) verdictReader(context.Context) (sqlx.QueryerContext, bool, func(), error) {
	return l.tx, false, func() {}, nil
}

// finish analyses tables after analyzeRows written rows or more, as
// importShipmentsCopy does packages: rows this transaction wrote are not
// in PostgreSQL's statistics.
func (l *postgresLoad) finish(ctx context.Context, written int, tables string) error {
	if written < analyzeRows {
		return nil
	}
	return l.s.dialect.analyze(ctx, l.tx, tables)
}

// importShipmentsCopy is ImportShipments on PostgreSQL: rows stream through
// COPY (pgx CopyFrom, binary) into a staging table, one INSERT ... SELECT
// merges them into packages, and the packages of known orders are
// reclassified. Everything runs in one transaction on one connection: the
// pgx connection COPY needs is the one the sqlx transaction runs on
// (reached through conn.Raw and stdlib.Conn), so an error anywhere, a bad row included, rolls back
// the whole file.
func (s *Store) importShipmentsCopy(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error) {
	var sum ImportSummary
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return sum, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return sum, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit

	// The account's packages before and after: the file's new ones.
	before, err := s.countAccount(ctx, tx, "packages")
	if err != nil {
		return sum, err
	}
	if _, err := tx.ExecContext(ctx, copyStage); err != nil {
		return sum, fmt.Errorf("create staging table: %w", err)
	}

	// srcErr keeps the reader's own error (a *flatfile.Error naming the
	// file and line): PostgreSQL answers a failed COPY with its own message.
	var srcErr error
	var line int64
	row := make([]any, len(copyColumns))
	source := pgx.CopyFromFunc(func() ([]any, error) {
		p, err := next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		} else if err != nil {
			srcErr = err
			return nil, err
		}
		line++
		carrier := vtr.CarrierDisplay(p.CarrierCode, p.CarrierName)
		row[0], row[1], row[2], row[3], row[4], row[5] = line, p.OrderID, p.TrackingNumber, p.CarrierCode, p.CarrierName, p.ShipMethod
		row[6], row[7], row[8], row[9] = p.ShipDate.String(), fmtTime(p.ConfirmedAt), fmtTime(p.DeliveredAt), fmtTime(p.FirstScanAt)
		row[10], row[11] = fmtTime(p.FirstConfirmed()), carrier
		return row, nil
	})
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs a pgx connection, have %T", dc)
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{"shipments_stage"}, copyColumns, source)
		return err
	})
	if srcErr != nil {
		return sum, srcErr
	} else if err != nil {
		return sum, fmt.Errorf("copy shipments: %w", err)
	}
	sum.Rows = int(line)
	// Temporary tables are never analysed by autovacuum; the merge and the
	// cursor's join plan better with statistics.
	if _, err := tx.ExecContext(ctx, "ANALYZE shipments_stage"); err != nil {
		return sum, fmt.Errorf("analyze staging table: %w", err)
	}

	// Into an empty packages table, a big file is written without the
	// secondary indexes, built once at the end (pgbulk.go). Empty means no
	// account's packages, not only this one's: dropDeferred looks at the
	// whole table (nil when it has rows), and the account's own count
	// spares that look-up when it is not empty.
	var deferred *pgDeferred
	if before == 0 && sum.Rows >= s.bulkMinRows {
		if deferred, err = dropDeferred(ctx, tx, "packages"); err != nil {
			return sum, err
		}
	}

	var anyOrders bool
	if err := tx.GetContext(ctx, &anyOrders, `SELECT EXISTS (SELECT 1 FROM orders WHERE account = $1)`, s.account); err != nil {
		return sum, fmt.Errorf("look for orders: %w", err)
	}
	if !anyOrders {
		if _, err := tx.ExecContext(ctx, copyMerge, s.account); err != nil {
			return sum, fmt.Errorf("merge packages: %w", err)
		}
		if err := deferred.build(ctx, tx); err != nil {
			return sum, err
		}
	} else if err := s.copyFirstVerdicts(ctx, conn, tx, deferred); err != nil {
		return sum, err
	}
	after, err := s.countAccount(ctx, tx, "packages")
	if err != nil {
		return sum, err
	}
	sum.New = after - before
	if err := tx.Commit(); err != nil {
		return sum, fmt.Errorf("commit: %w", err)
	}
	return sum, nil
}

// copyFirstVerdicts writes the staged file into packages when orders are
// stored: the merged packages are read in key order a batch at a time,
// given their verdicts (firstVerdicts) and copied into packages_stage; one
// upsert writes them all, and the orders whose stored packages changed are
// reclassified. A bulk load into the empty table (deferred: dropDeferred
// removed its indexes, built again right after the last batch, before the
// reclassification reads packages) copies the batches into packages
// itself. Every row copied is packageArgs', of the Store's account.
func (s *Store) copyFirstVerdicts(ctx context.Context, conn *sqlx.Conn, tx *sqlx.Tx, deferred *pgDeferred) error {
	// Into the empty table a bulk load holds (no account's rows, its
	// indexes dropped, so locked until commit), the packages are copied
	// straight into packages: the file's packages are distinct and nothing
	// else can be there. Otherwise they are staged and merged by one
	// upsert.
	target := "packages"
	setup := []string{copyMergedCursor}
	if deferred == nil {
		target = "packages_stage"
		setup = []string{copyPackageStage, copyMergedCursor}
	}
	for _, q := range setup {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("stage packages: %w", err)
		}
	}
	delta := tallyDelta{}
	var reclass []string
	fetch := fmt.Sprintf("FETCH FORWARD %d FROM shipments_merged", shipmentBatch)
	pkgs := make([]vtr.Package, 0, shipmentBatch)
	var args []any
	staged := 0
	for {
		rows, err := tx.QueryxContext(ctx, fetch)
		if err != nil {
			return fmt.Errorf("merged packages: %w", err)
		}
		pkgs = pkgs[:0]
		for rows.Next() {
			var r packageRow
			var carrier string
			if err := rows.Scan(&r.OrderID, &r.TrackingNumber, &r.CarrierCode, &r.CarrierName, &r.ShipMethod, &r.ShipDate,
				&r.ConfirmedAt, &r.DeliveredAt, &r.FirstScanAt, &r.FirstConfirmed, &carrier); err != nil {
				rows.Close()
				return fmt.Errorf("merged packages: %w", err)
			}
			pkgs = append(pkgs, r.pkg())
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("merged packages: %w", err)
		}
		if len(pkgs) == 0 {
			break
		}
		args = s.packageArgs(args[:0], pkgs)
		more, err := s.firstVerdicts(ctx, tx, pkgs, args, delta, deferred != nil)
		if err != nil {
			return err
		}
		reclass = append(reclass, more...)
		table := make([][]any, len(pkgs))
		for i := range table {
			table[i] = args[i*packageNcol : (i+1)*packageNcol]
		}
		if err := copyRows(ctx, conn, target, packageColumnList, pgx.CopyFromRows(table)); err != nil {
			return fmt.Errorf("stage packages: %w", err)
		}
		staged += len(pkgs)
		if len(pkgs) < shipmentBatch {
			break
		}
	}
	if _, err := tx.ExecContext(ctx, "CLOSE shipments_merged"); err != nil {
		return fmt.Errorf("close cursor: %w", err)
	}
	if deferred == nil {
		if _, err := tx.ExecContext(ctx, copyStagedUpsert); err != nil {
			return fmt.Errorf("merge packages: %w", err)
		}
	}
	if err := deferred.build(ctx, tx); err != nil {
		return err
	}
	// After a big merge the planner's statistics of packages are stale
	// (nothing else analyses rows this transaction has not committed):
	// reclassify's lookups, packages of 500 orders at a time, were planned
	// as sequential scans of a million rows, about a second each.
	if staged >= analyzeRows {
		if _, err := tx.ExecContext(ctx, "ANALYZE packages"); err != nil {
			return fmt.Errorf("analyze packages: %w", err)
		}
	}
	if err := s.reclassify(ctx, tx, reclass); err != nil {
		return err
	}
	return s.applyTallies(ctx, tx, delta)
}

// packageColumnList is packageColumns as COPY names them (account first,
// as packageArgs writes it).
var packageColumnList = strings.Fields(strings.ReplaceAll(packageColumns, ",", " "))

// copyRows copies rows into table on the transaction's connection.
func copyRows(ctx context.Context, conn *sqlx.Conn, table string, cols []string, src pgx.CopyFromSource) error {
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs a pgx connection, have %T", dc)
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		return err
	})
}

// A first orders import on PostgreSQL (issue 18), as on SQLite
// (sqliteorders.go): into an empty orders table (no account has orders:
// ImportOrderRows) every order is new, so the file goes through COPY into
// a staging table, one row per item (an order without items: one row with
// a NULL idx), and one INSERT ... SELECT per table writes orders (each from
// its first row: DISTINCT ON) and items (numbered in file order), sorted by
// key. Batch by batch, each of thousands of 250-row statements took its
// round trip and its parse. The staging table lives in the transaction
// only and has no account column: the statements that move its rows write
// the Store's account ($1).
const (
	copyOrdersStage = `CREATE TEMP TABLE orders_stage ON COMMIT DROP AS
		SELECT 0::bigint AS seq, 0::integer AS idx, o.order_id, o.sales_channel, o.marketplace, o.status, o.fulfillment,
			o.purchase_date, o.purchased_at, o.promised_delivery, o.latest_ship_date, o.latest_ship_at, o.currency,
			o.ship_country, o.buyer_cancelled, i.sku, i.category, i.quantity, i.price, i.shipping, i.status AS item_status, i.name
		FROM orders o, order_items i WITH NO DATA`
	copyOrdersFromStage = `INSERT INTO orders (account, ` + orderColumns + `)
		SELECT DISTINCT ON (order_id) $1, ` + orderColumns + ` FROM orders_stage ORDER BY order_id, seq`
	copyItemsFromStage = `INSERT INTO order_items (account, ` + itemColumns + `)
		SELECT $1, order_id, row_number() OVER (PARTITION BY order_id ORDER BY seq, idx), sku, category, quantity, price,
			shipping, item_status, name
		FROM orders_stage WHERE idx IS NOT NULL ORDER BY order_id, seq, idx`
	copyStagedWithPackages = `SELECT order_id FROM orders WHERE account = $1
		AND order_id IN (SELECT order_id FROM packages WHERE account = $1) ORDER BY order_id`
)

var copyOrderColumns = []string{"seq", "idx", "order_id", "sales_channel", "marketplace", "status", "fulfillment",
	"purchase_date", "purchased_at", "promised_delivery", "latest_ship_date", "latest_ship_at", "currency",
	"ship_country", "buyer_cancelled", "sku", "category", "quantity", "price", "shipping", "item_status", "name"}

// importOrdersCopy is ImportOrderRows into an empty orders table on
// PostgreSQL, on the transaction tx of conn, writing the Store's account's
// rows. It returns the orders to reclassify (those with packages stored,
// of shipments imported first).
func (s *Store) importOrdersCopy(ctx context.Context, conn *sqlx.Conn, tx *sqlx.Tx, next func() (*vtr.Order, error), sum *ImportSummary) ([]string, error) {
	if _, err := tx.ExecContext(ctx, copyOrdersStage); err != nil {
		return nil, fmt.Errorf("stage orders: %w", err)
	}
	// srcErr keeps the reader's own error (FILE:LINE), as in
	// importShipmentsCopy.
	var srcErr error
	var cur *vtr.Order
	item := 0
	row := make([]any, len(copyOrderColumns))
	source := pgx.CopyFromFunc(func() ([]any, error) {
		for cur == nil || item >= max(len(cur.Items), 1) {
			o, err := next()
			if errors.Is(err, io.EOF) {
				return nil, nil
			} else if err != nil {
				srcErr = err
				return nil, err
			}
			sum.Rows++
			sum.Items += len(o.Items)
			cur, item = o, 0
		}
		row[0] = int64(sum.Rows)
		copy(row[2:], appendOrderArgs(row[2:2:2], cur))
		if len(cur.Items) == 0 {
			row[1] = nil
			for i := 15; i < len(row); i++ {
				row[i] = nil
			}
		} else {
			it := cur.Items[item]
			row[1], row[15], row[16], row[17], row[18], row[19], row[20], row[21] = int32(item), it.SKU, it.Category,
				int32(it.Quantity), int64(it.Price), int64(it.Shipping), it.Status, it.Name
		}
		item++
		return row, nil
	})
	err := copyRows(ctx, conn, "orders_stage", copyOrderColumns, source)
	if srcErr != nil {
		return nil, srcErr
	} else if err != nil {
		return nil, fmt.Errorf("copy orders: %w", err)
	}
	// A big file goes into the empty tables without their secondary
	// indexes and the items' foreign key, built once at the end
	// (pgbulk.go; dropDeferred makes sure no account has rows there).
	var deferred *pgDeferred
	if sum.Rows >= s.bulkMinRows {
		if deferred, err = dropDeferred(ctx, tx, "orders,order_items"); err != nil {
			return nil, err
		}
	}
	for _, q := range []string{copyOrdersFromStage, copyItemsFromStage} {
		if _, err := tx.ExecContext(ctx, q, s.account); err != nil {
			return nil, fmt.Errorf("write orders: %w", err)
		}
	}
	if err := deferred.build(ctx, tx); err != nil {
		return nil, err
	}
	var ids []string
	if err := tx.SelectContext(ctx, &ids, copyStagedWithPackages, s.account); err != nil {
		return nil, fmt.Errorf("orders with packages: %w", err)
	}
	return ids, nil
}
