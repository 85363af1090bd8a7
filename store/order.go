package store

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// ImportSummary says what one import did.
type ImportSummary struct {
	Rows     int // data rows read
	Orders   int // distinct orders in the file
	Items    int
	Packages int // distinct packages in the file (shipments)
	New      int // rows that did not exist before
}

// ImportOrders imports orders held in memory: ImportOrderRows over the
// slice.
func (s *Store) ImportOrders(ctx context.Context, orders []*vtr.Order) (ImportSummary, error) {
	i := 0
	return s.ImportOrderRows(ctx, func() (*vtr.Order, error) {
		if i == len(orders) {
			return nil, io.EOF
		}
		i++
		return orders[i-1], nil
	})
}

// ordersPending is how many distinct orders ImportOrderRows holds before
// writing them (a Store's own, which tests change) (sorted by id), so that a big report is never all in memory:
// a 100,000-order file held whole took 168 MB, and 70 MB with 20,000
// pending, as fast (smaller batches of ids spread the writes over more
// b-tree pages: 5,000 pending was 10–20% slower on SQLite).
const ordersPending = 20000

// ImportOrderRows upserts whole orders in one transaction and reclassifies
// their packages; an error, a bad row of the file included, leaves the
// database as it was. next returns orders until io.EOF, as the rows of an
// All Orders report come (flatfile.OrderRows): an id may come again, and
// its items then add to the ones before while the order's own fields stay
// those of its first row. The items of an order replace the stored ones.
func (s *Store) ImportOrderRows(ctx context.Context, next func() (*vtr.Order, error)) (ImportSummary, error) {
	var sum ImportSummary
	next = checked(next, orderText) // text.go
	err := s.dialect.importTx(ctx, "orders", func(tx *sqlx.Tx, bulk bulkLoad) error {
		// The table's rows, every account's: the staged first import and
		// the bulk paths write without the table's secondary indexes,
		// which hold every account's rows, and build them again. So a
		// first import is staged only when no account has orders, and a
		// file is big next to all of them (newOrders).
		all, err := count(ctx, tx, "orders")
		if err != nil {
			return err
		}
		// touched holds the orders this import wrote: a stored order the
		// file repeats as it is (items included) is neither written nor
		// reclassified, so re-importing a file writes nothing.
		if all == 0 {
			// A first import into the empty table: staged
			// (sqliteorders.go, copy.go).
			ids, err := bulk.firstOrders(ctx, next, &sum)
			if err != nil {
				return err
			}
			if sum.New, err = s.countAccount(ctx, tx, "orders"); err != nil {
				return err
			}
			sum.Orders = sum.New
			if err := bulk.finish(ctx, sum.New, "orders, order_items"); err != nil {
				return err
			}
			return s.reclassify(ctx, tx, ids)
		}
		// The account's own orders before the import (maybe none, in a
		// table of other accounts' orders).
		before, err := s.countAccount(ctx, tx, "orders")
		if err != nil {
			return err
		}
		var touched []string // sorted and compacted at the end
		// Orders imported before any shipment (a first day) have no
		// package to reclassify: their ids are not even kept.
		var anyPackages bool
		if err := tx.GetContext(ctx, &anyPackages, s.q(`SELECT EXISTS (SELECT 1 FROM packages WHERE account = ?)`), s.account); err != nil {
			return fmt.Errorf("look for packages: %w", err)
		}
		fresh := 0 // new orders written so far
		w := orderWriter{s: s, stmts: batchStmts{tx: tx}}
		defer w.stmts.close()
		// written holds the items written so far of each order of this
		// import, by a 128-bit hash of its id: a million ids as strings
		// took about 60 MB, and twice that before the GC (issue 18's
		// 250 MB). Two ids of one file share a hash with a probability
		// of about 1e-27.
		written := idCounts{seed: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, n: map[[2]uint64]int32{}}
		pending := map[string]*vtr.Order{}
		flush := func() error {
			// Key order lets neighbouring rows share b-tree pages, and a
			// multi-row upsert must not name one key twice.
			list := slices.SortedFunc(maps.Values(pending), func(a, b *vtr.Order) int { return strings.Compare(a.ID, b.ID) })
			clear(pending)
			var first, more []*vtr.Order
			for _, o := range list {
				if _, ok := written.get(o.ID); ok {
					more = append(more, o)
				} else {
					first = append(first, o)
				}
			}
			// Into an account without orders (a first day) every order is
			// new: an id that comes again is in written.
			stored := map[string]*vtr.Order{}
			if before > 0 {
				var err error
				if stored, err = s.rawOrders(ctx, tx, orderIDList(first)); err != nil {
					return err
				}
			}
			var changed, added []*vtr.Order
			for _, o := range first {
				if old := stored[o.ID]; old == nil {
					added = append(added, o)
				} else if keepDates(o, old); !sameOrder(o, old) {
					changed = append(changed, o)
				}
			}
			fresh += len(added)
			// A big import next to the table (every account's rows): on
			// SQLite its indexes are built again at the end
			// (sqlitebulk.go).
			if err := bulk.newOrders(ctx, fresh, all); err != nil {
				return err
			}
			for chunk := range slices.Chunk(changed, w.batch()) {
				if err := w.write(ctx, chunk); err != nil {
					return err
				}
			}
			w.added = true // no items to delete
			for chunk := range slices.Chunk(added, w.batch()) {
				if err := w.write(ctx, chunk); err != nil {
					return err
				}
			}
			w.added = false
			if err := w.insertItems(ctx, more, written.items); err != nil {
				return err
			}
			wrote := make(map[string]bool, len(changed)+len(added))
			for _, o := range slices.Concat(changed, added) {
				wrote[o.ID] = true
			}
			for _, o := range more {
				if len(o.Items) > 0 {
					wrote[o.ID] = true // more items of an order written before
				}
			}
			for _, o := range list {
				written.add(o.ID, len(o.Items))
				if wrote[o.ID] && anyPackages {
					touched = append(touched, strings.Clone(o.ID))
				}
			}
			return nil
		}
		for {
			o, err := next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return err
			}
			sum.Rows++
			sum.Items += len(o.Items)
			if p := pending[o.ID]; p != nil {
				p.Items = append(p.Items, o.Items...)
				continue
			}
			if len(pending) == s.ordersPending {
				if err := flush(); err != nil {
					return err
				}
			}
			c := *o
			c.Items = slices.Clone(o.Items)
			pending[c.ID] = &c
		}
		if err := flush(); err != nil {
			return err
		}
		sum.Orders = len(written.n)
		after, err := s.countAccount(ctx, tx, "orders")
		if err != nil {
			return err
		}
		sum.New = after - before
		// Rebuilt indexes (SQLite) or fresh statistics (PostgreSQL)
		// before reclassify looks packages up by order id.
		if err := bulk.finish(ctx, len(written.n), "orders, order_items"); err != nil {
			return err
		}
		clear(written.n)
		slices.Sort(touched)
		touched = slices.Compact(touched)
		return s.reclassify(ctx, tx, touched)
	})
	return sum, err
}

// idCounts counts per order id, keyed by a 128-bit hash of the id.
type idCounts struct {
	seed [2]maphash.Seed
	n    map[[2]uint64]int32
}

func (c *idCounts) key(id string) [2]uint64 {
	return [2]uint64{maphash.String(c.seed[0], id), maphash.String(c.seed[1], id)}
}

func (c *idCounts) get(id string) (int, bool) {
	n, ok := c.n[c.key(id)]
	return int(n), ok
}

func (c *idCounts) add(id string, n int) { c.n[c.key(id)] += int32(n) }

// items is how many items of the order id were written.
func (c *idCounts) items(id string) int {
	n, _ := c.get(id)
	return n
}

func orderIDList(orders []*vtr.Order) []string {
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	return ids
}

const (
	orderColumns = `order_id, sales_channel, marketplace, status, fulfillment, purchase_date, purchased_at,
		promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled`
	orderNcol     = 13
	orderConflict = ` ON CONFLICT (account, order_id) DO UPDATE SET sales_channel = excluded.sales_channel,
		marketplace = excluded.marketplace, status = excluded.status, fulfillment = excluded.fulfillment,
		purchase_date = excluded.purchase_date, purchased_at = excluded.purchased_at,
		promised_delivery = excluded.promised_delivery, latest_ship_date = excluded.latest_ship_date,
		latest_ship_at = excluded.latest_ship_at, currency = excluded.currency, ship_country = excluded.ship_country,
		buyer_cancelled = excluded.buyer_cancelled`
	itemColumns = `order_id, line, sku, category, quantity, price, shipping, status, name`
	itemNcol    = 9
)

// Orders a statement: a few hundred statements a second reach PostgreSQL
// over a round trip each, so it gets big batches (13 × 250 parameters);
// SQLite has no round trip but copies each page a statement changes to a
// statement journal, so it gets the small batches that suit shipments
// (sqliteUpsertRows).
const (
	pgOrderRows     = 250
	sqliteOrderRows = 32
)

// orderWriter upserts orders a batch at a time: one statement for the
// orders, one deleting their items, one (or a few) inserting the new items.
// Every row is the store's account's: its first column (account) ahead of
// orderColumns and itemColumns.
type orderWriter struct {
	s     *Store
	stmts batchStmts
	args  []any
	added bool // the orders are new: they have no items to delete
}

func (w *orderWriter) batch() int { return w.s.dialect.orderRows() }

// write upserts orders (distinct ids) and replaces their items.
func (w *orderWriter) write(ctx context.Context, orders []*vtr.Order) error {
	full := len(orders) == w.batch()
	args := w.args[:0]
	for _, o := range orders {
		args = appendOrderArgs(append(args, w.s.account), o)
	}
	if err := w.stmts.exec(ctx, "orders", full, func() string {
		return w.s.q(`INSERT INTO orders (account, ` + orderColumns + `) VALUES ` + valueRows(len(orders), orderNcol+1) + orderConflict)
	}, args); err != nil {
		return fmt.Errorf("%s: %w", orderSpan(orders), err)
	}
	w.args = args
	if w.added {
		return w.insertItems(ctx, orders, nil)
	}
	args = append(args[:0], w.s.account)
	for _, o := range orders {
		args = append(args, o.ID)
	}
	if err := w.stmts.exec(ctx, "delete items", full, func() string {
		return w.s.q(`DELETE FROM order_items WHERE account = ? AND order_id IN (` + placeholders(len(orders)) + `)`)
	}, args); err != nil {
		return fmt.Errorf("%s: delete items: %w", orderSpan(orders), err)
	}
	w.args = args
	return w.insertItems(ctx, orders, nil)
}

// insertItems inserts the items of orders, up to a batch's worth of rows a
// statement, numbering an order's lines after the after(id) it already has
// (none when after is nil).
func (w *orderWriter) insertItems(ctx context.Context, orders []*vtr.Order, after func(id string) int) error {
	args, n := w.args[:0], 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		err := w.stmts.exec(ctx, "items", n == w.batch(), func() string {
			return w.s.q(`INSERT INTO order_items (account, ` + itemColumns + `) VALUES ` + valueRows(n, itemNcol+1))
		}, args)
		args, n = args[:0], 0
		if err != nil {
			return fmt.Errorf("%s: insert items: %w", orderSpan(orders), err)
		}
		return nil
	}
	for _, o := range orders {
		first := 1
		if after != nil {
			first += after(o.ID)
		}
		for i, it := range o.Items {
			args = append(args, w.s.account, o.ID, first+i, it.SKU, it.Category, it.Quantity, int64(it.Price), int64(it.Shipping), it.Status, it.Name)
			if n++; n == w.batch() {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	w.args = args
	return nil
}

// appendOrderArgs appends the orderColumns of o.
func appendOrderArgs(args []any, o *vtr.Order) []any {
	return append(args, o.ID, o.SalesChannel, o.Marketplace, o.Status, o.FulfillmentChannel, dateString(o.PurchaseDate),
		fmtTime(o.PurchasedAt), dateString(o.PromisedDelivery), dateString(o.LatestShipDate), fmtTime(o.LatestShipAt),
		o.Currency, o.ShipCountry, o.BuyerCancelled)
}

// orderSpan names orders (sorted by id) in an error.
func orderSpan(orders []*vtr.Order) string {
	if len(orders) == 1 {
		return "order " + orders[0].ID
	}
	return fmt.Sprintf("orders %s to %s", orders[0].ID, orders[len(orders)-1].ID)
}

// ImportCategories upserts sku → category and reclassifies the packages of
// orders with those skus.
func (s *Store) ImportCategories(ctx context.Context, cats map[string]string) (ImportSummary, error) {
	sum := ImportSummary{Rows: len(cats)}
	for sku, cat := range cats {
		if err := textError(fmt.Sprintf("sku %q", sku), "sku", sku, "category", cat); err != nil {
			return sum, err
		}
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		before, err := s.countAccount(ctx, tx, "sku_categories")
		if err != nil {
			return err
		}
		skus := make([]string, 0, len(cats))
		for sku, cat := range cats {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO sku_categories (account, sku, category) VALUES (?, ?, ?)
				ON CONFLICT (account, sku) DO UPDATE SET category = excluded.category`), s.account, sku, cat); err != nil {
				return fmt.Errorf("save the category of sku %s: %w", sku, err)
			}
			skus = append(skus, sku)
		}
		after, err := s.countAccount(ctx, tx, "sku_categories")
		if err != nil {
			return err
		}
		sum.New = after - before
		sort.Strings(skus)
		var ids []string
		for _, chunk := range chunks(skus, 500) {
			q, args, err := sqlx.In(`SELECT DISTINCT order_id FROM order_items WHERE account = ? AND sku IN (?)`, s.account, chunk)
			if err != nil {
				return err
			}
			var got []string
			if err := tx.SelectContext(ctx, &got, s.q(q), args...); err != nil {
				return fmt.Errorf("orders of skus: %w", err)
			}
			ids = append(ids, got...)
		}
		return s.reclassify(ctx, tx, ids)
	})
	return sum, err
}

// OrderCounts are the orders placed in a span of days, by status as written.
type OrderCounts struct {
	Window   vtr.Window
	Orders   int
	MFN      int
	ByStatus map[string]int
	// Undated counts the orders stored without a purchase date (a file
	// without the purchase-date column): they may belong to any span.
	Undated int
	// Latest is the most recently purchased order of the span (zero when
	// there is none).
	Latest vtr.OrderBrief
}

// OrderCounts counts distinct orders whose purchase date falls in w, the
// orders with no purchase date at all, and names the latest of w.
func (s *Store) OrderCounts(ctx context.Context, w vtr.Window) (OrderCounts, error) {
	oc := OrderCounts{Window: w, ByStatus: map[string]int{}}
	if err := s.db.GetContext(ctx, &oc.Undated, s.q(`SELECT count(*) FROM orders WHERE account = ? AND purchase_date = ''`), s.account); err != nil {
		return oc, fmt.Errorf("order counts: %w", err)
	}
	var latest []struct {
		ID     string `db:"order_id"`
		Status string `db:"status"`
		Date   string `db:"purchase_date"`
	}
	if err := s.db.SelectContext(ctx, &latest, s.q(`SELECT order_id, status, purchase_date FROM orders
		WHERE account = ? AND purchase_date >= ? AND purchase_date <= ? ORDER BY purchase_date DESC, purchased_at DESC, order_id DESC LIMIT 1`),
		s.account, w.From.String(), w.To.String()); err != nil {
		return oc, fmt.Errorf("order counts: %w", err)
	}
	for _, l := range latest {
		oc.Latest = vtr.OrderBrief{ID: l.ID, Status: l.Status, Purchased: parseDate(l.Date)}
	}
	rows, err := s.db.QueryxContext(ctx, s.q(`SELECT status, fulfillment, count(*) FROM orders
		WHERE account = ? AND purchase_date >= ? AND purchase_date <= ? GROUP BY status, fulfillment`), s.account, w.From.String(), w.To.String())
	if err != nil {
		return oc, fmt.Errorf("order counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st, ful string
		var n int
		if err := rows.Scan(&st, &ful, &n); err != nil {
			return oc, fmt.Errorf("order counts: %w", err)
		}
		oc.Orders += n
		oc.ByStatus[st] += n
		if o := (vtr.Order{FulfillmentChannel: ful}); o.IsMFN() {
			oc.MFN += n
		}
	}
	if err := rows.Err(); err != nil {
		return oc, fmt.Errorf("order counts: %w", err)
	}
	return oc, nil
}

// Counts returns the number of the account's rows of each table, for tests.
func (s *Store) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"orders", "order_items", "packages", "sku_categories", "vtr_report_rows",
		"carrier_events", "notices", "mailbox_checkpoints", "outbox", "triage"} {
		var n int
		if err := s.db.GetContext(ctx, &n, s.q("SELECT count(*) FROM "+t+" WHERE account = ?"), s.account); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// countAccount counts the store's account's rows of table (an import's
// New: the rows after it less the rows before).
func (s *Store) countAccount(ctx context.Context, tx *sqlx.Tx, table string) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, s.q("SELECT count(*) FROM "+table+" WHERE account = ?"), s.account)
	if err != nil {
		return n, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// count counts the rows of table, every account's: whether the table is
// empty, and how big, for the bulk paths that drop and build again its
// indexes (sqlitebulk.go, pgbulk.go), which hold every account's rows.
// What one account has is countAccount's.
func count(ctx context.Context, tx *sqlx.Tx, table string) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, "SELECT count(*) FROM "+table)
	if err != nil {
		return n, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

func chunks(s []string, n int) [][]string {
	var out [][]string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
