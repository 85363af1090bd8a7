package store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// copyStage is the staging table of importShipmentsCopy: one row per
// shipment row of the file, numbered in file order. It lives in the
// transaction only (ON COMMIT DROP), so concurrent imports never see each
// other's rows and a failed import leaves nothing behind.
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

// copyMerge folds the staged rows into packages in one statement, by the
// rule of ImportShipments (mergePackage): per (order, tracking number) the
// earliest ship date, the latest confirmed-at, the earliest delivered-at,
// first-scan-at and first confirmation (empty means unknown), and the
// carrier and ship method of the last row of the file. The verdict columns describe a package with no
// known order, as upsertPackages writes them; packageConflict merges with
// rows already stored and leaves their verdicts to reclassify.
const copyMerge = `INSERT INTO packages (` + packageColumns + `)
	SELECT g.order_id, g.tracking_number, l.carrier_code, l.carrier_name, l.ship_method, g.ship_date,
		g.confirmed_at, g.delivered_at, g.first_scan_at, g.first_confirmed_at, g.ship_date, l.carrier, '` + string(vtr.NoOrder) + `'
	FROM (SELECT order_id, tracking_number, max(line) AS last_line, min(ship_date) AS ship_date,
			max(confirmed_at) AS confirmed_at,
			COALESCE(min(NULLIF(delivered_at, '')), '') AS delivered_at,
			COALESCE(min(NULLIF(first_scan_at, '')), '') AS first_scan_at,
			COALESCE(min(NULLIF(first_confirmed_at, '')), '') AS first_confirmed_at
		FROM shipments_stage GROUP BY order_id, tracking_number) g
	JOIN shipments_stage l ON l.line = g.last_line` + packageConflict

// copyKnownOrders lists the orders of the file that are in the orders
// table: only their packages need reclassifying. A cursor streams them, so
// the ids of a million-row file are never all in memory.
const copyKnownOrders = `DECLARE shipments_known NO SCROLL CURSOR FOR
	SELECT DISTINCT s.order_id FROM shipments_stage s JOIN orders o ON o.order_id = s.order_id`

// analyzeRows is the size of a file after which packages is analysed
// before reclassifying (ANALYZE samples 30,000 rows: a fraction of a second).
const analyzeRows = 10_000

// copyFetch is how many order ids each FETCH returns (and reclassify
// handles in chunks of 500).
const copyFetch = 5000

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

	before, err := count(ctx, tx, "packages")
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

	if _, err := tx.ExecContext(ctx, copyMerge); err != nil {
		return sum, fmt.Errorf("merge packages: %w", err)
	}
	// After a big merge the planner's statistics of packages are stale
	// (nothing else analyses rows this transaction has not committed): the
	// reclassify queries below, packages of 500 orders at a time, were
	// planned as sequential scans of a million rows, about a second each.
	if line >= analyzeRows {
		if _, err := tx.ExecContext(ctx, "ANALYZE packages"); err != nil {
			return sum, fmt.Errorf("analyze packages: %w", err)
		}
	}
	if err := s.reclassifyStaged(ctx, tx); err != nil {
		return sum, err
	}
	after, err := count(ctx, tx, "packages")
	if err != nil {
		return sum, err
	}
	sum.New = after - before
	if err := tx.Commit(); err != nil {
		return sum, fmt.Errorf("commit: %w", err)
	}
	return sum, nil
}

// reclassifyStaged reclassifies the packages of the staged file's known
// orders, fetching their ids from a cursor a few thousand at a time.
func (s *Store) reclassifyStaged(ctx context.Context, tx *sqlx.Tx) error {
	if _, err := tx.ExecContext(ctx, copyKnownOrders); err != nil {
		return fmt.Errorf("known orders: %w", err)
	}
	fetch := fmt.Sprintf("FETCH FORWARD %d FROM shipments_known", copyFetch)
	for {
		var ids []string
		if err := tx.SelectContext(ctx, &ids, fetch); err != nil {
			return fmt.Errorf("known orders: %w", err)
		}
		if err := s.reclassify(ctx, tx, ids); err != nil {
			return err
		}
		if len(ids) < copyFetch {
			break
		}
	}
	_, err := tx.ExecContext(ctx, "CLOSE shipments_known")
	return err
}
