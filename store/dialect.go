package store

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/vtrbot/vtrbot/vtr"
)

// dialect is everything that differs between SQLite and PostgreSQL once a
// database is open: the bulk paths of the imports, and the few statements
// whose SQL cannot be written once (docs/architecture.md, "Dialects"). Open
// chooses one (sqliteDialect in sqlite.go, sqlitebulk.go, sqliteorders.go;
// postgresDialect in postgres.go, copy.go); the rest of the package writes
// its SQL once, with ? placeholders (Store.q), and never asks which
// database it runs on.
type dialect interface {
	// kind names the database (Store.Dialect).
	kind() Dialect

	// importShipments is ImportShipments after the rows' text is checked:
	// sorted batches on SQLite (importShipmentsBatch), COPY on PostgreSQL.
	importShipments(ctx context.Context, next func() (*vtr.Package, error)) (ImportSummary, error)
	// importTx runs one import into table (orders or packages) in a
	// transaction, committing when load returns nil; load gets the
	// dialect's part of that transaction.
	importTx(ctx context.Context, table string, load func(tx *sqlx.Tx, b bulkLoad) error) error
	// upsertPackages writes n packages of distinct keys, in key order,
	// from their packageArgs (the statement is packageUpsert's).
	upsertPackages(ctx context.Context, args []any, n int, up *batchStmts) error
	// orderRows is how many orders (or items) one statement of
	// orderWriter writes.
	orderRows() int
	// analyze refreshes the planner's statistics of tables after many
	// rows were written in tx (PostgreSQL; SQLite plans without them).
	analyze(ctx context.Context, tx *sqlx.Tx, tables string) error

	// nowMS is the SQL of the database's clock in milliseconds since 1970
	// (the leases' clock, lease.go).
	nowMS() string
	// instantSQL is the SQL writing ms, an expression of milliseconds
	// since 1970 on the database's clock (nowMS() + ?), as the store's
	// text of a time: whole seconds (instant, truncated) or, fine,
	// microseconds (fineInstant), so that it compares as text with the
	// times stored in that format (the outbox's next attempts and claims,
	// outbox.go).
	instantSQL(ms string, fine bool) string
	// skipLocked ends a SELECT that claims rows (ClaimOutbox): claimers
	// pass each other's locked rows by where the database can.
	skipLocked() string

	// bind returns the dialect of another Store on the same database (an
	// account's, OpenAccount).
	bind(s *Store) dialect
	// migrationLock is what keeps two processes from migrating the same
	// schema at once (Store.migrate, only when a migration is due).
	migrationLock(ctx context.Context) ([]goose.ProviderOption, error)
	// dropLegacy deletes, in tx, the place an older vtrbot kept an
	// account's data in (legacy.go): PostgreSQL's schema; SQLite returns
	// the file, which the caller deletes once the transaction committed.
	dropLegacy(ctx context.Context, tx *sqlx.Tx, name string) (file string, err error)
}

// bulkLoad is the dialect's part of one import transaction (importTx):
// SQLite drops and builds again the secondary indexes of a big load and
// reads verdicts on a second connection; PostgreSQL stages a first orders
// import through COPY and analyses what it wrote.
type bulkLoad interface {
	// firstOrders writes a whole orders file into the empty orders table
	// and returns the orders to reclassify (those with packages stored,
	// of shipments imported first).
	firstOrders(ctx context.Context, next func() (*vtr.Order, error), sum *ImportSummary) ([]string, error)
	// newOrders is told, as an orders import goes, how many new orders it
	// has found so far and how many the table held before it.
	newOrders(ctx context.Context, fresh, before int) error
	// newPackages is told, before any package is written, the rows of a
	// shipments file, a sample of its keys and the packages stored before.
	newPackages(ctx context.Context, rows int, sample []pkgKey, before int) error
	// verdictReader is where the verdicts of new packages are read
	// (firstVerdicts) while the batches are written, and whether it may
	// read beside the writes (another connection) or only between them.
	// close releases it.
	verdictReader(ctx context.Context) (r sqlx.QueryerContext, beside bool, close func(), err error)
	// finish ends the load once its rows, written of them, are in tables
	// and before they are reclassified.
	finish(ctx context.Context, written int, tables string) error
}
