package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// A big load into empty tables on PostgreSQL (issue 18) writes its rows
// without the tables' secondary indexes and foreign keys, and builds them
// once at the end: one sort per index instead of a million random index
// insertions, and one join instead of a key look-up per item row. This is
// what SQLite's bulk path does (sqlitebulk.go); here the definitions come
// from the catalogs of the store's schema (pg_indexes, pg_constraint), so
// any index a later migration adds is handled too, and the transaction
// makes it all or nothing: a failed import rolls the DROPs back with the
// rows.
//
// The cost: DROP INDEX holds an ACCESS EXCLUSIVE lock on the table until
// the import commits, so a reader of the table (bot vtr status, a bot run
// on the same database) waits for the first import instead of seeing the
// empty table. The tables hold the rows of every account, and an index
// serves them all: only loads of bulkMinRows rows or more into tables no
// account has a row in take this path (dropDeferred checks), never an
// account's first import beside the others' data (docs/architecture.md,
// "Imports").

// pgBulkSettings are set for the import's transaction only: the staged
// merges sort and hash a file's rows (work_mem), and the index builds and
// the foreign key's validation sort a table (maintenance_work_mem). The
// server's defaults (4 MB, 64 MB) spill a million rows to disk.
var pgBulkSettings = []string{
	`SET LOCAL work_mem = '64MB'`,
	`SET LOCAL maintenance_work_mem = '256MB'`,
}

// pgDeferred is what dropDeferred removed: the statements that build it
// again, in order (indexes first, then foreign keys, which use the
// referenced table's key).
type pgDeferred struct {
	rebuild []string
}

// pgSecondaryIndexes lists the indexes of the tables in the current schema
// that back no constraint (a primary key or unique constraint stays: the
// upserts' ON CONFLICT needs it). Their definitions name the column
// account first, as the migrations wrote them.
const pgSecondaryIndexes = `SELECT i.indexname, i.indexdef FROM pg_indexes i
	WHERE i.schemaname = current_schema() AND i.tablename = ANY(string_to_array($1, ','))
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c
			WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
	ORDER BY i.indexname`

// pgForeignKeys lists the foreign keys of the tables in the current schema
// (order_items_order_fkey: (account, order_id) of orders).
const pgForeignKeys = `SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
	JOIN pg_class t ON t.oid = c.conrelid
	WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
		AND t.relname = ANY(string_to_array($1, ','))
	ORDER BY c.conname`

// dropDeferred sets the bulk settings and drops the secondary indexes and
// foreign keys of tables (comma-separated, no spaces) in tx, returning
// what builds them again (pgDeferred.build). It does neither, and returns
// nil, when any of the tables has a row of any account: the caller's
// account having none is not enough, the indexes are every account's.
func dropDeferred(ctx context.Context, tx *sqlx.Tx, tables string) (*pgDeferred, error) {
	var used []string
	for _, t := range strings.Split(tables, ",") {
		used = append(used, `EXISTS (SELECT 1 FROM `+t+`)`)
	}
	var inUse bool
	if err := tx.GetContext(ctx, &inUse, `SELECT `+strings.Join(used, ` OR `)); err != nil {
		return nil, fmt.Errorf("look for rows in %s: %w", tables, err)
	}
	if inUse {
		return nil, nil
	}
	for _, q := range pgBulkSettings {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("set up a bulk load: %w", err)
		}
	}
	var d pgDeferred
	var drop []string
	rows, err := tx.QueryContext(ctx, pgSecondaryIndexes, tables)
	if err != nil {
		return nil, fmt.Errorf("read the indexes of %s: %w", tables, err)
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the indexes of %s: %w", tables, err)
		}
		drop = append(drop, `DROP INDEX `+quoteIdent(name))
		d.rebuild = append(d.rebuild, def)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the indexes of %s: %w", tables, err)
	}
	rows, err = tx.QueryContext(ctx, pgForeignKeys, tables)
	if err != nil {
		return nil, fmt.Errorf("read the foreign keys of %s: %w", tables, err)
	}
	for rows.Next() {
		var table, name, def string
		if err := rows.Scan(&table, &name, &def); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the foreign keys of %s: %w", tables, err)
		}
		drop = append(drop, `ALTER TABLE `+table+` DROP CONSTRAINT `+quoteIdent(name))
		d.rebuild = append(d.rebuild, `ALTER TABLE `+table+` ADD CONSTRAINT `+quoteIdent(name)+` `+def)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the foreign keys of %s: %w", tables, err)
	}
	for _, q := range drop {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("drop for a bulk load: %w", err)
		}
	}
	return &d, nil
}

// build creates again what dropDeferred dropped.
func (d *pgDeferred) build(ctx context.Context, tx *sqlx.Tx) error {
	if d == nil {
		return nil
	}
	for _, q := range d.rebuild {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("build again after a bulk load (%s): %w", q, err)
		}
	}
	return nil
}

// quoteIdent quotes a name read from the catalogs for use in a statement.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
