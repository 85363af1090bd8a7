package store

import (
	"context"
	"io/fs"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
)

// Hooks for the external tests of package store.

// ImportShipmentsBatch is the multi-row INSERT path, which SQLite always
// takes, so that tests can run it on PostgreSQL too.
var ImportShipmentsBatch = (*Store).importShipmentsBatch

// DB exposes the database handle for tests that compare whole tables.
func (s *Store) DB() *sqlx.DB { return s.db }

// SetOrdersPending sets how many orders ImportOrderRows holds before
// writing.
func (s *Store) SetOrdersPending(n int) { s.ordersPending = n }

// MigrateTo opens the database of dsn and migrates it up or down to
// version, for tests of an upgrade; the caller closes the handle.
func MigrateTo(ctx context.Context, dsn string, version int64) (*sqlx.DB, error) {
	d, target := ParseURL(dsn)
	open, dialect := openSQLite, goose.DialectSQLite3
	if d == Postgres {
		open, dialect = openPostgres, goose.DialectPostgres
	}
	db, err := open(ctx, target)
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(migrations, "migrations/"+string(d))
	if err == nil {
		var p *goose.Provider
		if p, err = goose.NewProvider(dialect, db.DB, sub); err == nil {
			var have int64
			switch have, err = p.GetDBVersion(ctx); {
			case err == nil && have > version:
				_, err = p.DownTo(ctx, version)
			case err == nil && have < version:
				_, err = p.UpTo(ctx, version)
			}
		}
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// LatestWarningQuery is the statement of LatestWarningCase and its
// arguments (for its query plan).
var LatestWarningQuery = latestWarningQuery

// SetBulkMinRows sets how many new rows make an import big (its secondary
// indexes dropped and built again on SQLite).
func (s *Store) SetBulkMinRows(n int) { s.bulkMinRows = n }

// MigrationLockID is the advisory lock a PostgreSQL schema's migration
// takes.
var MigrationLockID = migrationLockID

// LegacySchema and LegacyFile are where an account's data was kept before
// version 10 (legacy.go).
var (
	LegacySchema = legacySchema
	LegacyFile   = legacyFile
)

// AccountKey is what the column account holds for the store's account
// (accountKey: empty for default), for tests that query tables.
func (s *Store) AccountKey() string { return s.account }
