package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
)

// Schema is what Inspect found.
type Schema struct {
	Dialect Dialect
	// Exists is false for a SQLite file that is not there yet (Open
	// creates it).
	Exists bool
	// Version is the newest migration applied (0: none), Latest the
	// newest this binary has. Open applies the difference; a Version
	// above Latest is refused.
	Version, Latest int64
}

// Inspect connects to the database dsn names and reads its schema version,
// for `bot doctor`: it applies no migration, and does not create a SQLite
// file that is missing (only its directory is checked).
func Inspect(ctx context.Context, dsn string) (Schema, error) {
	d, target := ParseURL(dsn)
	sc := Schema{Dialect: d}
	srcs, err := fs.Glob(migrations, "migrations/"+string(d)+"/*.sql")
	if err != nil || len(srcs) == 0 {
		return sc, fmt.Errorf("no embedded migrations for %s", d)
	}
	if d == SQLite {
		if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
			dir := filepath.Dir(target)
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return sc, fmt.Errorf("directory %s does not exist", dir)
			}
			sc.Latest = latestVersion(srcs)
			return sc, nil
		}
	}
	var db *sqlx.DB
	if d == Postgres {
		db, err = openPostgres(ctx, target)
	} else {
		db, err = openSQLite(ctx, target)
	}
	if err != nil {
		return sc, err
	}
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		return sc, fmt.Errorf("reach the database: %w", err)
	}
	sc.Exists = true
	p, err := newProvider(db.DB, d)
	if err != nil {
		return sc, err
	}
	if sc.Version, err = p.GetDBVersion(ctx); err != nil {
		return sc, fmt.Errorf("read schema version: %w", err)
	}
	all := p.ListSources()
	sc.Latest = all[len(all)-1].Version
	return sc, nil
}

// latestVersion is the version of the newest migration file (NNNNN_name.sql).
func latestVersion(paths []string) int64 {
	var v int64
	for _, p := range paths {
		var n int64
		if _, err := fmt.Sscanf(filepath.Base(p), "%d_", &n); err == nil {
			v = max(v, n)
		}
	}
	return v
}

// newProvider is goose over the dialect's embedded migrations; opts add
// the dialect's migration lock where migrations run (Store.migrate).
func newProvider(db *sql.DB, d Dialect, opts ...goose.ProviderOption) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(d))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if d == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}
