package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
)

// uriPath escapes the characters that end or change a path in a SQLite URI
// filename (https://sqlite.org/uri.html: "?" starts the query, "#" the
// fragment, "%" an escape), so a file named "a#b.db" is that file and not
// "a".
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// openSQLite opens a SQLite file with WAL, a busy timeout and foreign keys on
// every pooled connection (the pragmas are in the DSN so each new connection
// gets them). _txlock=immediate makes every transaction take the write lock
// at BEGIN: a deferred read→write upgrade fails with SQLITE_BUSY whatever the
// busy timeout (measured: 699 of 800 concurrent read-then-write
// transactions failed with deferred locking, none with immediate).
func openSQLite(ctx context.Context, path string) (*sqlx.DB, error) {
	if path == "" {
		return nil, errors.New("empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
	}
	// sqlx's placeholder table knows "sqlite3", not modernc's "sqlite".
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sqlx.ConnectContext(ctx, "sqlite", "file:"+uriPath.Replace(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// sqliteDialect is the dialect of a SQLite file; its bulk paths are in
// sqlitebulk.go and sqliteorders.go.
type sqliteDialect struct{ s *Store }

func (sqliteDialect) kind() Dialect { return SQLite }

// The statement of several rows inside a transaction first copies every
// page it changes that existed before it to a statement journal: SQLite
// gets small batches (sqliteUpsertRows, sqlitebulk.go).
func (sqliteDialect) orderRows() int { return sqliteOrderRows }

// analyze does nothing: SQLite plans without statistics unless ANALYZE was
// run once, and the migrations never run it.
func (sqliteDialect) analyze(context.Context, *sqlx.Tx, string) error { return nil }

// 'now' is fixed for the statement: each lease statement sees one instant.
func (sqliteDialect) nowMS() string {
	return `CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)`
}

// instantSQL: strftime's %f is seconds with milliseconds; fineInstant has
// microseconds, whose last three digits are then zeros.
func (sqliteDialect) instantSQL(ms string, fine bool) string {
	if fine {
		return `strftime('%Y-%m-%dT%H:%M:%f', (` + ms + `) / 1000.0, 'unixepoch') || '000Z'`
	}
	return `strftime('%Y-%m-%dT%H:%M:%SZ', (` + ms + `) / 1000, 'unixepoch')`
}

// skipLocked is empty: the claim's transaction holds the database's write
// lock from its start (_txlock=immediate), so claims are one at a time.
func (sqliteDialect) skipLocked() string { return "" }

func (sqliteDialect) bind(s *Store) dialect { return sqliteDialect{s} }

// migrationLock is none: a migration's transaction holds the file's write
// lock.
func (sqliteDialect) migrationLock(context.Context) ([]goose.ProviderOption, error) { return nil, nil }

// dropLegacy returns the file an account's data was kept in before
// version 10, if it is still there.
func (d sqliteDialect) dropLegacy(_ context.Context, _ *sqlx.Tx, name string) (string, error) {
	f := legacyFile(d.s.target, name)
	if _, err := os.Stat(f); err != nil {
		return "", nil
	}
	return f, nil
}
