package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Versions 6 to 9 kept each account's data (other than default's) in a
// place of its own: on PostgreSQL the schema vtrbot_account_NAME of the
// same database, on SQLite the file vtrbot.account-NAME.db beside the
// registry's. Version 10 keeps every account's data as rows of the same
// tables (migration 00010). OpenAccount moves an account still kept the
// old way into rows, once, in one transaction: the old place is migrated
// to version 9 first (it may be older), its rows are copied under the
// account's name, and the old schema is dropped in that transaction, or
// the old file renamed NAME.db.moved once it committed (kept as a
// backup). docs/accounts.md, "Where an account's data lives".

// legacyVersion is the schema version of a place the old way: the last
// before rows.
const legacyVersion = 9

// legacySchema is the PostgreSQL schema of an account before version 10.
func legacySchema(name string) string { return "vtrbot_account_" + name }

// legacyFile is the SQLite file of an account before version 10.
func legacyFile(registry, name string) string {
	ext := filepath.Ext(registry)
	return strings.TrimSuffix(registry, ext) + ".account-" + name + ext
}

// moveLegacy moves an account's data kept the old way into rows; it does
// nothing when there is none.
func (s *Store) moveLegacy(ctx context.Context, name string) error {
	if s.Dialect() == Postgres {
		return s.movePostgresLegacy(ctx, name)
	}
	return s.moveSQLiteLegacy(ctx, name)
}

func (s *Store) movePostgresLegacy(ctx context.Context, name string) error {
	schema := legacySchema(name)
	exists := func(q sqlx.QueryerContext) (bool, error) {
		var ok bool
		err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema)
		if err != nil {
			return false, fmt.Errorf("look for schema %s: %w", schema, err)
		}
		return ok, nil
	}
	if ok, err := exists(s.db); err != nil || !ok {
		return err
	}
	u, err := url.Parse(s.dsn)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	old, err := openPostgres(ctx, u.String())
	if err != nil {
		return err
	}
	defer old.Close()
	// The old schema's own migration lock (migrationLock's): two replicas
	// opening the account at once do not migrate it together.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID(schema)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	if err := migrateLegacy(ctx, old.DB, Postgres, goose.WithSessionLocker(locker)); err != nil {
		if ok, _ := exists(s.db); !ok {
			return nil // another process moved it meanwhile
		}
		return err
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		// Two replicas opening the account at once: the second waits,
		// then finds the schema gone.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockID(schema)); err != nil {
			return fmt.Errorf("lock schema %s: %w", schema, err)
		}
		if ok, err := exists(tx); err != nil || !ok {
			return err
		}
		if err := s.copyLegacy(ctx, tx, name, schema+"."); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	})
}

func (s *Store) moveSQLiteLegacy(ctx context.Context, name string) error {
	file := legacyFile(s.target, name)
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	old, err := openSQLite(ctx, file)
	if err != nil {
		return err
	}
	old.SetMaxOpenConns(1)
	err = migrateLegacy(ctx, old.DB, SQLite)
	if err == nil {
		// Out of WAL mode, the file is whole by itself (its -wal and -shm
		// gone): attached read-only below, it makes none, and the renamed
		// backup is the whole old store.
		if _, err = old.ExecContext(ctx, `PRAGMA journal_mode=DELETE`); err != nil {
			err = fmt.Errorf("%s: %w", file, err)
		}
	}
	if cerr := old.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", file, cerr)
	}
	if err != nil {
		return err
	}
	// ATTACH cannot run inside a transaction: one connection attaches,
	// copies in a transaction and detaches.
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS legacy`, "file:"+uriPath.Replace(file)+"?mode=ro"); err != nil {
		return fmt.Errorf("attach %s: %w", file, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE legacy`)
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := s.copyLegacy(ctx, tx, name, "legacy."); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `DETACH DATABASE legacy`); err != nil {
		return fmt.Errorf("detach %s: %w", file, err)
	}
	if err := os.Rename(file, file+".moved"); err != nil {
		return fmt.Errorf("the rows are moved, but %s stays: %w", file, err)
	}
	return nil
}

// migrateLegacy brings an old place to legacyVersion (the last before
// rows), whatever version it was left at.
func migrateLegacy(ctx context.Context, db *sql.DB, d Dialect, opts ...goose.ProviderOption) error {
	p, err := newProvider(db, d, opts...)
	if err != nil {
		return err
	}
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read the old schema's version: %w", err)
	}
	if have > legacyVersion {
		return fmt.Errorf("the old schema has version %d, want at most %d", have, legacyVersion)
	}
	if have < legacyVersion {
		if _, err := p.UpTo(ctx, legacyVersion); err != nil {
			return fmt.Errorf("migrate the old schema to version %d: %w", legacyVersion, err)
		}
	}
	return nil
}

// copyLegacy copies every table of an old place (prefix: "schema." or
// "legacy.") into rows of account name, parents before children. The
// columns are the new table's but account; the old tables called
// imap_account account, and the old fence had the single row id 1.
func (s *Store) copyLegacy(ctx context.Context, tx *sqlx.Tx, name, prefix string) error {
	for i := len(sellerTables) - 1; i >= 0; i-- {
		t := sellerTables[i]
		cols, err := s.columns(ctx, tx, t)
		if err != nil {
			return err
		}
		var into, from []string
		for _, c := range cols {
			if c == "account" || (t == "fence" && c == "id") {
				continue
			}
			into = append(into, c)
			if c == "imap_account" {
				c = "account"
			}
			from = append(from, c)
		}
		if t == "meta" {
			// The old place's rules fingerprint and tally generation are
			// its own: OpenAccount computes the account's again.
			continue
		}
		q := `INSERT INTO ` + t + ` (account, ` + strings.Join(into, ", ") + `) SELECT ?, ` +
			strings.Join(from, ", ") + ` FROM ` + prefix + t
		if _, err := tx.ExecContext(ctx, s.q(q), accountKey(name)); err != nil {
			return fmt.Errorf("copy %s: %w", t, err)
		}
	}
	return nil
}

// columns lists the columns of one of the store's tables.
func (s *Store) columns(ctx context.Context, tx *sqlx.Tx, table string) ([]string, error) {
	rows, err := tx.QueryxContext(ctx, `SELECT * FROM `+table+` WHERE 1 = 0`)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	return rows.Columns()
}
