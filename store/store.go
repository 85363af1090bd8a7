// Package store keeps vtrbot's data in SQLite (the default, pure Go) or
// PostgreSQL, behind one concrete *Store built on sqlx. Queries are written
// once with ? placeholders and rebound per driver; what must differ (the
// bulk paths of the imports, a clock expression, row locking, analyze,
// where an older vtrbot kept an account's data) is one small interface,
// dialect (dialect.go), that Open chooses: sqliteDialect in sqlite.go,
// sqlitebulk.go and sqliteorders.go, postgresDialect in postgres.go and
// copy.go. Once a Store is open no other file asks which database it runs
// on (reading a DATABASE_URL does: dsn.go, inspect.go).
//
// Every account's data is rows of the same tables, marked with the
// account (docs/accounts.md): a Store reads and writes one account's rows,
// and every statement says account = ? with its account. OpenAccount gives
// another account's Store on the same connections.
//
// The store also keeps every package's classification (vtr.Classify)
// current: whenever an order, a shipment, a category or a piece of scan
// evidence changes, the affected packages are classified again inside the
// same transaction, so window queries are plain index scans. It does not
// parse files or mail and knows nothing of IMAP or Slack.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

//go:embed migrations
var migrations embed.FS

// Dialect names a database kind.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is vtrbot's database.
type Store struct {
	db      *sqlx.DB
	account string  // whose rows it reads and writes, as the column holds it (accountKey): every query says account = s.account
	shared  bool    // an account's handle on the registry's pool: Close leaves db open
	dialect dialect // dialect.go
	rules   vtr.Rules
	cache   statusCache // statuscache.go
	analyze syncAnalyze // spapi.go

	dsn    string       // as given to Open (account.go derives accounts' URLs)
	target string       // what the driver got: a file for SQLite
	epoch  atomic.Int64 // lease.go: 0 = writes are not fenced

	// How imports hold and write rows (tests make them small):
	// ordersPending (order.go) and bulkMinRows (sqlitebulk.go).
	ordersPending, bulkMinRows int

	// Now is the clock used for timestamps the store writes.
	Now func() time.Time
}

// Options configure Open.
type Options struct {
	// Rules classify packages; zero means vtr.DefaultRules("US").
	Rules vtr.Rules
	// Existing refuses to create a database: a SQLite file that does not
	// exist is an ENOTFOUND error, not a new empty database (commands that
	// only read data).
	Existing bool
}

// Open connects to a DATABASE_URL (see CheckURL: a SQLite path, sqlite:PATH,
// a postgres:// URL or PostgreSQL keyword/value settings), applies pending
// migrations and reclassifies packages when the classification rules
// changed. A SQLite file is created unless opts.Existing. A database newer
// than this binary is refused (EINVALID); a DATABASE_URL CheckURL refuses is
// EINVALID too. No error it returns shows a password of dsn.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s, err := open(ctx, dsn, opts)
	return s, redactError(dsn, err)
}

func open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	d, target, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var db *sqlx.DB
	switch d {
	case Postgres:
		db, err = openPostgres(ctx, target)
	default:
		if opts.Existing {
			if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
				return nil, vtr.Errorf(vtr.ENOTFOUND, "no database at %s", target)
			}
		}
		db, err = openSQLite(ctx, target)
	}
	if err != nil {
		return nil, err
	}
	if opts.Rules.DefaultMarketplace == "" {
		opts.Rules = vtr.DefaultRules("US")
	}
	s := &Store{db: db, account: accountKey(DefaultAccount), rules: opts.Rules, Now: time.Now, dsn: dsn, target: target,
		ordersPending: ordersPending, bulkMinRows: bulkMinRows}
	if d == Postgres {
		s.dialect = postgresDialect{s}
	} else {
		s.dialect = sqliteDialect{s}
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.seed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.refreshRules(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// ParseURL tells which database a DATABASE_URL names and returns what the
// driver needs: a file path for SQLite, the string itself for PostgreSQL.
// A string CheckURL refuses is reported as SQLite with an empty path.
func ParseURL(dsn string) (Dialect, string) {
	d, target, err := parseDSN(dsn)
	if err != nil {
		return SQLite, ""
	}
	return d, target
}

// Rules returns the rules the store classifies packages with.
func (s *Store) Rules() vtr.Rules { return s.rules }

// Dialect returns which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect.kind() }

// Account names whose data the store reads and writes: DefaultAccount for
// the Store Open returns, the account's name for one OpenAccount returns.
func (s *Store) Account() string { return accountName(s.account) }

// OwnConnections makes Close of an account's Store (OpenAccount) close the
// connections it shares with the registry's Store, which must then no
// longer be used: a command that opened the registry to act on one
// account hands it over.
func (s *Store) OwnConnections() { s.shared = false }

// Close closes the database. An account's Store (OpenAccount) shares the
// registry's connections: closing it does nothing, closing the registry's
// Store closes them.
func (s *Store) Close() error {
	if s.shared {
		return nil
	}
	return s.db.Close()
}

// Ping checks that the database answers (GET /healthz).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *Store) migrate(ctx context.Context) error {
	p, err := newProvider(s.db.DB, s.dialect.kind())
	if err != nil {
		return err
	}
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	srcs := p.ListSources()
	latest := srcs[len(srcs)-1].Version
	switch {
	case have > latest:
		return vtr.Errorf(vtr.EINVALID, "the database has schema version %d, newer than this bot (%d): upgrade vtrbot", have, latest)
	case have == latest:
		// Up to date: no migration lock. Up would take it to find out,
		// and a replica opening many account stores at once queued on
		// it, 5 s a retry (ten accounts took 10-20 s to start).
		return nil
	}
	lock, err := s.dialect.migrationLock(ctx)
	if err != nil {
		return err
	}
	if p, err = newProvider(s.db.DB, s.dialect.kind(), lock...); err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func (s *Store) seed(ctx context.Context) error {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM marketplaces`); err != nil {
		return fmt.Errorf("count marketplaces: %w", err)
	}
	if n == len(vtr.Marketplaces()) {
		return nil // no write transaction on every start
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, m := range vtr.Marketplaces() {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO marketplaces (code, channel, domain, currency) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET channel = excluded.channel, domain = excluded.domain, currency = excluded.currency`),
				m.Code, m.Channel, m.Domain, m.Currency); err != nil {
				return fmt.Errorf("seed marketplaces: %w", err)
			}
		}
		return nil
	})
}

// q rebinds a query written with ? for the store's driver.
func (s *Store) q(query string) string { return s.db.Rebind(query) }

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// notFound maps sql.ErrNoRows to an ENOTFOUND error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return vtr.Errorf(vtr.ENOTFOUND, format, args...)
	}
	return err
}

// Time formats: instants are stored as UTC RFC 3339 text.
const instant = "2006-01-02T15:04:05Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(instant)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseDate(s string) vtr.Date {
	d, _ := vtr.ParseDate(s)
	return d
}
