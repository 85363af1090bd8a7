package store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// A first orders import on SQLite (issue 18). Into an empty orders table
// (no account has orders: ImportOrderRows) every order of the file is new,
// and nothing needs comparing: the rows go as they come into two unindexed
// temporary tables (appends only), then one INSERT ... SELECT per table
// writes them sorted by key, where each insert lands at the right edge of
// the primary key. Written batch by batch instead, a million orders seeked
// their primary keys and secondary indexes at random, 20,000 sorted ids at
// a time (docs/benchmarks.md).
// The SQL takes an order's fields from its first row (SQLite gives the
// bare columns of a min() aggregate the values of the row with the
// minimum) and numbers its items in file order, as ImportOrderRows does.
// Other imports (a table with orders, of any account) go batch by batch,
// comparing each order with the stored one. The staging tables live in the
// import's transaction only and have no account column: the statements
// that move their rows into orders and order_items write the store's
// account (their one parameter).

// The statements of the staged import; all the SQL of this path is here.
const (
	ordersStage = `CREATE TEMP TABLE orders_stage (seq INTEGER PRIMARY KEY, ` + orderColumns + `)`
	itemsStage  = `CREATE TEMP TABLE items_stage (seq INTEGER NOT NULL, idx INTEGER NOT NULL, order_id, sku, category,
		quantity, price, shipping, status, name)`
	ordersFromStage = `INSERT INTO orders (account, ` + orderColumns + `)
		SELECT ?, ` + orderColumns + ` FROM (SELECT min(seq), ` + orderColumns + ` FROM temp.orders_stage GROUP BY order_id)
		ORDER BY order_id`
	itemsFromStage = `INSERT INTO order_items (account, ` + itemColumns + `)
		SELECT ?, order_id, row_number() OVER (PARTITION BY order_id ORDER BY seq, idx), sku, category, quantity, price,
			shipping, status, name
		FROM temp.items_stage ORDER BY order_id, seq, idx`
	stagedWithPackages = `SELECT order_id FROM orders WHERE account = ?
		AND order_id IN (SELECT order_id FROM packages WHERE account = ?) ORDER BY order_id`
)

// stageRows is how many file rows one INSERT into the staging tables writes.
const stageRows = 64

// importOrdersStaged is ImportOrderRows into an empty orders table (no
// account's rows) on SQLite, in its transaction; bulk drops and rebuilds
// the secondary indexes of a big file. It returns the orders to reclassify
// (those with packages stored, of shipments imported before their orders).
func (s *Store) importOrdersStaged(ctx context.Context, tx *sqlx.Tx, bulk *sqliteBulk, next func() (*vtr.Order, error), sum *ImportSummary) ([]string, error) {
	for _, q := range []string{`DROP TABLE IF EXISTS temp.orders_stage`, `DROP TABLE IF EXISTS temp.items_stage`, ordersStage, itemsStage} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("stage orders: %w", err)
		}
	}
	stmts := batchStmts{tx: tx}
	defer stmts.close()
	// The driver watches a cancellable context with a goroutine per
	// statement (sqliteDialect.upsertPackages): ctx is checked per batch instead.
	wctx := context.WithoutCancel(ctx)
	var orders, items []any
	nOrders, nItems := 0, 0
	flushOrders := func() error {
		if nOrders == 0 {
			return nil
		}
		err := stmts.exec(wctx, "stage orders", nOrders == stageRows, func() string {
			return `INSERT INTO temp.orders_stage (seq, ` + orderColumns + `) VALUES ` + valueRows(nOrders, orderNcol+1)
		}, orders)
		orders, nOrders = orders[:0], 0
		if err != nil {
			return fmt.Errorf("stage orders: %w", err)
		}
		return ctx.Err()
	}
	flushItems := func() error {
		if nItems == 0 {
			return nil
		}
		err := stmts.exec(wctx, "stage items", nItems == stageRows, func() string {
			return `INSERT INTO temp.items_stage VALUES ` + valueRows(nItems, itemNcol+1)
		}, items)
		items, nItems = items[:0], 0
		if err != nil {
			return fmt.Errorf("stage items: %w", err)
		}
		return nil
	}
	for {
		o, err := next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		sum.Rows++
		sum.Items += len(o.Items)
		orders = append(orders, sum.Rows)
		orders = appendOrderArgs(orders, o)
		if nOrders++; nOrders == stageRows {
			if err := flushOrders(); err != nil {
				return nil, err
			}
		}
		for i, it := range o.Items {
			items = append(items, sum.Rows, i, o.ID, it.SKU, it.Category, it.Quantity, int64(it.Price), int64(it.Shipping), it.Status, it.Name)
			if nItems++; nItems == stageRows {
				if err := flushItems(); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := flushOrders(); err != nil {
		return nil, err
	}
	if err := flushItems(); err != nil {
		return nil, err
	}
	// Every row a new order, at most: the estimate expect needs.
	if err := bulk.expect(ctx, sum.Rows, 0); err != nil {
		return nil, err
	}
	if err := bulk.also(ctx, "order_items", sum.Rows); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(wctx, ordersFromStage, s.account); err != nil {
		return nil, fmt.Errorf("write orders: %w", err)
	}
	if _, err := tx.ExecContext(wctx, itemsFromStage, s.account); err != nil {
		return nil, fmt.Errorf("write items: %w", err)
	}
	for _, q := range []string{`DROP TABLE temp.orders_stage`, `DROP TABLE temp.items_stage`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("stage orders: %w", err)
		}
	}
	var ids []string
	if err := tx.SelectContext(ctx, &ids, stagedWithPackages, s.account, s.account); err != nil {
		return nil, fmt.Errorf("orders with packages: %w", err)
	}
	return ids, nil
}
