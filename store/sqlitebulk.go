package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// SQLite bulk loads. A million-row shipments file inserts rows in random
// key order into the packages table and its three b-trees (primary key,
// packages_window, packages_tracking). With SQLite's default page cache
// (2 MB) nearly every insert missed the cache, and the import took four
// minutes where the sqlite3 shell's .import of the same file into a plain
// table takes five seconds (docs/benchmarks.md). sqliteBulkTx runs the
// import's transaction on one connection set up for it, invisibly in the
// result:
//   - a bigger page cache while rows go in, put back when the transaction
//     ends so that a long-running bot does not keep it;
//   - once a file proves big next to the table, the table's secondary
//     indexes are dropped and built again at the end (CREATE INDEX sorts
//     once, several times faster than a million random index inserts). The
//     statements come from sqlite_master, so the indexes come back exactly
//     as the migrations made them; a failed import rolls the DROP back too.
// (upsertPackages also writes one row per statement on SQLite: see there.)

// bulkCacheKiB is the page cache while rows are inserted, and
// indexCacheKiB while the dropped indexes are built again. Measured on a
// million-row file (docs/benchmarks.md): 2 MB (SQLite's default) 30 s,
// 24 MB 24 s, 40 MB 20 s, 64 MB 23 s with a 345 MB peak when the index
// sorts used it too; 40 MB then 4 MB peaks at 110 MB.
const (
	bulkCacheKiB  = 40 << 10
	indexCacheKiB = 4 << 10
)

// bulkMinRows is when a file counts as big: this many rows, and at least a
// quarter of the table's rows before the import.
const bulkMinRows = 50_000

type sqliteBulk struct {
	tx      *sqlx.Tx
	table   string
	indexes []string // CREATE INDEX statements of the dropped indexes
	dropped bool
}

// sqliteBulkTx runs fn in a transaction on a connection prepared for a
// bulk load into table, committing when fn returns nil.
func (s *Store) sqliteBulkTx(ctx context.Context, table string, fn func(tx *sqlx.Tx, b *sqliteBulk) error) error {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	var cache int
	if err := conn.GetContext(ctx, &cache, `PRAGMA cache_size`); err != nil {
		return fmt.Errorf("read cache size: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, bulkCacheKiB)); err != nil {
		return fmt.Errorf("set cache size: %w", err)
	}
	// Put the connection back as it was, whatever happens (the pool keeps it).
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))

	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx, &sqliteBulk{tx: tx, table: table}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// grew is called as rows are read: when the file turns out big next to the
// table (before rows), the table's secondary indexes are dropped.
func (b *sqliteBulk) grew(ctx context.Context, rows, before int) error {
	if b.dropped || rows < bulkMinRows || rows*4 < before {
		return nil
	}
	b.dropped = true
	var idx []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	// sql IS NULL for the automatic index of the primary key, which stays.
	if err := b.tx.SelectContext(ctx, &idx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, b.table); err != nil {
		return fmt.Errorf("list indexes: %w", err)
	}
	for _, ix := range idx {
		if _, err := b.tx.ExecContext(ctx, `DROP INDEX "`+ix.Name+`"`); err != nil {
			return fmt.Errorf("drop index %s: %w", ix.Name, err)
		}
		b.indexes = append(b.indexes, ix.SQL)
	}
	return nil
}

// finish builds the dropped indexes again.
func (b *sqliteBulk) finish(ctx context.Context) error {
	if len(b.indexes) > 0 {
		// CREATE INDEX sorts in memory up to the cache size, then merges
		// sorted runs from temporary files: a small cache keeps the peak
		// memory low at no measurable cost.
		if _, err := b.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, indexCacheKiB)); err != nil {
			return fmt.Errorf("set cache size: %w", err)
		}
	}
	for _, q := range b.indexes {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create index: %w", err)
		}
	}
	b.indexes = nil
	return nil
}
