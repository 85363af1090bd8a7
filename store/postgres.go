package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// openPostgres connects through pgx's database/sql driver (sqlx rewrites ?
// to $n for the "pgx" driver name).
func openPostgres(ctx context.Context, dsn string) (*sqlx.DB, error) {
	db, err := sqlx.ConnectContext(ctx, "pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	// A small pool: the bot is one process with a few goroutines, and
	// PostgreSQL's default max_connections is 100 across all clients.
	// Every account's Store shares it (OpenAccount), so it keeps its
	// connections: with database/sql's default of 2 idle, a replica busy
	// with many accounts closed and opened a connection (a new backend)
	// for most statements (bench/replicas: mail-to-post p50 187 ms
	// against 95 ms with a pool per account). Idle ones close after a
	// minute.
	db.SetMaxOpenConns(pgPool)
	db.SetMaxIdleConns(pgPool)
	db.SetConnMaxIdleTime(time.Minute)
	return db, nil
}

// pgPool is how many connections one process opens at most.
const pgPool = 8

// postgresDialect is the dialect of a PostgreSQL database; its bulk paths
// are in copy.go.
type postgresDialect struct{ s *Store }

func (postgresDialect) kind() Dialect { return Postgres }

// A few hundred statements a second reach PostgreSQL over a round trip
// each: it gets big batches (pgOrderRows, order.go).
func (postgresDialect) orderRows() int { return pgOrderRows }

// analyze runs ANALYZE: rows a transaction wrote are not in PostgreSQL's
// statistics, and reclassify's lookups by order id were planned as
// sequential scans (0.2–0.5 s each on a million orders; a first sync of
// 20,000 orders took 160 s; docs/benchmarks.md).
func (postgresDialect) analyze(ctx context.Context, tx *sqlx.Tx, tables string) error {
	if _, err := tx.ExecContext(ctx, "ANALYZE "+tables); err != nil {
		return fmt.Errorf("analyze %s: %w", tables, err)
	}
	return nil
}

// now() is the transaction's start: each lease statement sees one instant.
func (postgresDialect) nowMS() string { return `(extract(epoch FROM now()) * 1000)::bigint` }

// instantSQL counts from the epoch as a timestamp without time zone (UTC,
// whatever the session's TimeZone) in whole milliseconds or seconds.
func (postgresDialect) instantSQL(ms string, fine bool) string {
	if fine {
		return `to_char(timestamp '1970-01-01' + (` + ms + `) * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
	}
	return `to_char(timestamp '1970-01-01' + ((` + ms + `) / 1000) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
}

// skipLocked locks the claimed rows, and concurrent claimers pass each
// other by.
func (postgresDialect) skipLocked() string { return ` FOR UPDATE OF o SKIP LOCKED` }

func (postgresDialect) bind(s *Store) dialect { return postgresDialect{s} }

// migrationLock is a session advisory lock of the schema being migrated
// (the one DATABASE_URL's search_path names), not goose's one lock ID for
// every schema: two processes never migrate one schema together, and the
// schema an account's data was kept in before version 10 has a lock of
// its own (legacy.go). The lock is retried every second for five minutes
// (goose: every 5 s).
func (d postgresDialect) migrationLock(ctx context.Context) ([]goose.ProviderOption, error) {
	var schema sql.NullString
	if err := d.s.db.GetContext(ctx, &schema, `SELECT current_schema()`); err != nil {
		return nil, fmt.Errorf("read the schema to migrate: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID(schema.String)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	return []goose.ProviderOption{goose.WithSessionLocker(locker)}, nil
}

// migrationLockID is the advisory lock ID of migrating schema.
func migrationLockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("vtrbot migrations " + schema))
	return int64(h.Sum64() >> 1)
}

// dropLegacy drops the schema an account's data was kept in before
// version 10, if it is still there.
func (postgresDialect) dropLegacy(ctx context.Context, tx *sqlx.Tx, name string) (string, error) {
	// The name was checked by CheckAccountName when it was added.
	if _, err := tx.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+legacySchema(name)+` CASCADE`); err != nil {
		return "", fmt.Errorf("drop the account's old schema: %w", err)
	}
	return "", nil
}
