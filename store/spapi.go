package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// SyncState is where the order sync of one marketplace stands
// (docs/amazon.md "Sync").
type SyncState struct {
	Marketplace string
	// Watermark: orders last updated before it are synced. Zero before the
	// first complete pass.
	Watermark time.Time
	// A pass in progress (zero RunBefore: none): its lastUpdatedAfter and
	// lastUpdatedBefore, the token of its next page ("" = the first page)
	// and when that token was issued, and what it has written so far.
	RunAfter, RunBefore time.Time
	NextToken           string
	TokenAt             time.Time
	Pages, Orders       int
}

// InProgress reports whether a pass was started and not finished.
func (st SyncState) InProgress() bool { return !st.RunBefore.IsZero() }

type syncRow struct {
	Marketplace string `db:"marketplace"`
	Watermark   string `db:"watermark"`
	RunAfter    string `db:"run_after"`
	RunBefore   string `db:"run_before"`
	NextToken   string `db:"next_token"`
	TokenAt     string `db:"token_at"`
	Pages       int    `db:"pages"`
	Orders      int    `db:"orders"`
}

// SyncState returns the sync state of a marketplace (zero when it was never
// synced).
func (s *Store) SyncState(ctx context.Context, market string) (SyncState, error) {
	var r syncRow
	err := s.db.GetContext(ctx, &r, s.q(`SELECT marketplace, watermark, run_after, run_before, next_token, token_at, pages, orders
		FROM spapi_sync WHERE account = ? AND marketplace = ?`), s.account, market)
	if errors.Is(err, sql.ErrNoRows) {
		return SyncState{Marketplace: market}, nil
	} else if err != nil {
		return SyncState{}, fmt.Errorf("sync state: %w", err)
	}
	return SyncState{Marketplace: market, Watermark: parseTime(r.Watermark), RunAfter: parseTime(r.RunAfter),
		RunBefore: parseTime(r.RunBefore), NextToken: r.NextToken, TokenAt: parseTime(r.TokenAt), Pages: r.Pages, Orders: r.Orders}, nil
}

// StartSync records the start of a pass over orders updated in
// [after, before) from its first page; a pass in progress is replaced.
func (s *Store) StartSync(ctx context.Context, market string, after, before time.Time) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.checkFence(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO spapi_sync (account, marketplace, run_after, run_before, next_token, token_at, pages, orders, updated_at)
			VALUES (?, ?, ?, ?, '', '', 0, 0, ?)
			ON CONFLICT (account, marketplace) DO UPDATE SET run_after = excluded.run_after, run_before = excluded.run_before,
			next_token = '', token_at = '', pages = 0, orders = 0, updated_at = excluded.updated_at`),
			s.account, market, fmtTime(after), fmtTime(before), fmtTime(s.Now()))
		if err != nil {
			return fmt.Errorf("start a sync of %s: %w", market, err)
		}
		return nil
	})
}

// SyncPage is one page of a pass: its orders and their packages (mapped to
// the values the flat files carry), and the token of the next page ("" on
// the last page, which ends the pass).
type SyncPage struct {
	Marketplace string
	Orders      []*vtr.Order
	Packages    []vtr.Package
	NextToken   string
	TokenAt     time.Time // when NextToken was issued
}

// SyncSummary says what a page (or a pass) changed.
type SyncSummary struct {
	Orders, NewOrders, ChangedOrders       int
	Packages, NewPackages, ChangedPackages int
}

// Add adds another summary's counts.
func (a *SyncSummary) Add(b SyncSummary) {
	a.Orders += b.Orders
	a.NewOrders += b.NewOrders
	a.ChangedOrders += b.ChangedOrders
	a.Packages += b.Packages
	a.NewPackages += b.NewPackages
	a.ChangedPackages += b.ChangedPackages
}

// WriteSyncPage writes one page in one transaction: the orders and packages
// that are new or differ from what is stored (through the same writers and
// the same merge as the flat-file imports, so an order that came both ways
// is one order), the packages of those orders reclassified, and the pass's
// progress — so a pass stopped after any page resumes with the next one,
// losing and repeating nothing. The last page (NextToken "") moves the
// watermark to the pass's lastUpdatedBefore and ends the pass.
//
// Values the API does not carry are kept as stored: the ship country, a
// buyer's cancellation, and an item's category and status (matched by sku).
func (s *Store) WriteSyncPage(ctx context.Context, p SyncPage) (SyncSummary, error) {
	sum := SyncSummary{Orders: len(p.Orders)}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		byID := map[string]*vtr.Order{}
		for _, o := range p.Orders {
			byID[o.ID] = o
		}
		ids := slices.Sorted(maps.Keys(byID))
		stored, err := s.rawOrders(ctx, tx, ids)
		if err != nil {
			return err
		}
		var write []*vtr.Order
		touched := map[string]bool{}
		for _, id := range ids {
			o := byID[id]
			old := stored[id]
			if old != nil {
				keepStored(o, old)
				if sameOrder(o, old) {
					continue
				}
				sum.ChangedOrders++
			} else {
				sum.NewOrders++
			}
			write = append(write, o)
			touched[id] = true
		}
		w := orderWriter{s: s, stmts: batchStmts{tx: tx}}
		defer w.stmts.close()
		for chunk := range slices.Chunk(write, w.batch()) {
			if err := w.write(ctx, chunk); err != nil {
				return err
			}
		}
		pkgs, err := s.changedPackages(ctx, tx, p.Packages, &sum)
		if err != nil {
			return err
		}
		if len(pkgs) > 0 {
			up := &batchStmts{tx: tx}
			defer up.close()
			for chunk := range slices.Chunk(pkgs, shipmentBatch) {
				if err := s.upsertPackages(ctx, s.packageArgs(nil, chunk), len(chunk), up); err != nil {
					return err
				}
			}
			for _, pk := range pkgs {
				touched[pk.OrderID] = true
			}
		}
		if s.analyze.due(len(write) + len(pkgs)) {
			// As after a big import (ImportOrderRows): a first sync grows
			// the tables from nothing, and with the statistics of nearly
			// empty tables PostgreSQL planned the lookups by order id as
			// sequential scans, each page slower than the last (20,000
			// orders: 160 s; docs/benchmarks.md).
			if err := s.dialect.analyze(ctx, tx, "orders, order_items, packages"); err != nil {
				return err
			}
		}
		if err := s.reclassify(ctx, tx, slices.Sorted(maps.Keys(touched))); err != nil {
			return err
		}
		return s.advanceSync(ctx, tx, p)
	})
	return sum, err
}

// advanceSync records a written page: the next token, or the end of the pass.
func (s *Store) advanceSync(ctx context.Context, tx *sqlx.Tx, p SyncPage) error {
	if err := s.checkFence(ctx, tx); err != nil {
		return err
	}
	var q string
	args := []any{}
	if p.NextToken != "" {
		q = `UPDATE spapi_sync SET next_token = ?, token_at = ?, pages = pages + 1, orders = orders + ?, updated_at = ?
			WHERE account = ? AND marketplace = ?`
		args = append(args, p.NextToken, fmtTime(p.TokenAt), len(p.Orders), fmtTime(s.Now()), s.account, p.Marketplace)
	} else {
		q = `UPDATE spapi_sync SET watermark = run_before, run_after = '', run_before = '', next_token = '', token_at = '',
			pages = pages + 1, orders = orders + ?, updated_at = ? WHERE account = ? AND marketplace = ? AND run_before <> ''`
		args = append(args, len(p.Orders), fmtTime(s.Now()), s.account, p.Marketplace)
	}
	res, err := tx.ExecContext(ctx, s.q(q), args...)
	if err != nil {
		return fmt.Errorf("sync progress: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return vtr.Errorf(vtr.ECONFLICT, "no sync pass of %s is in progress", p.Marketplace)
	}
	return nil
}

// rawOrders loads orders with their items as stored (an item's own
// category column, not the categories import).
func (s *Store) rawOrders(ctx context.Context, tx *sqlx.Tx, ids []string) (map[string]*vtr.Order, error) {
	out := map[string]*vtr.Order{}
	for _, chunk := range chunks(ids, 500) {
		q, args, err := sqlx.In(orderSelect+` WHERE account = ? AND order_id IN (?)`, s.account, chunk)
		if err != nil {
			return nil, err
		}
		var rows []orderRow
		if err := tx.SelectContext(ctx, &rows, s.q(q), args...); err != nil {
			return nil, fmt.Errorf("load orders: %w", err)
		}
		for i := range rows {
			out[rows[i].OrderID] = rows[i].order()
		}
		q, args, err = sqlx.In(`SELECT order_id, line, sku, category, quantity, price, shipping, status, name
			FROM order_items WHERE account = ? AND order_id IN (?) ORDER BY order_id, line`, s.account, chunk)
		if err != nil {
			return nil, err
		}
		var items []itemRow
		if err := tx.SelectContext(ctx, &items, s.q(q), args...); err != nil {
			return nil, fmt.Errorf("load items: %w", err)
		}
		for _, it := range items {
			if o := out[it.OrderID]; o != nil {
				o.Items = append(o.Items, vtr.Item{SKU: it.SKU, Category: it.Category, Quantity: it.Quantity,
					Price: vtr.Amount(it.Price), Shipping: vtr.Amount(it.Shipping), Status: it.Status, Name: it.Name})
			}
		}
	}
	return out, nil
}

// keepStored copies into o what the API does not carry from the stored old.
func keepStored(o, old *vtr.Order) {
	if o.ShipCountry == "" {
		o.ShipCountry = old.ShipCountry
	}
	o.BuyerCancelled = o.BuyerCancelled || old.BuyerCancelled
	used := make([]bool, len(old.Items))
	for i := range o.Items {
		it := &o.Items[i]
		for j, prev := range old.Items {
			if used[j] || prev.SKU != it.SKU {
				continue
			}
			used[j] = true
			if it.Category == "" {
				it.Category = prev.Category
			}
			if it.Status == "" {
				it.Status = prev.Status
			}
			if it.Name == "" {
				it.Name = prev.Name
			}
			break
		}
	}
}

// sameOrder reports whether writing o over old would change nothing, as
// the columns store them.
func sameOrder(o, old *vtr.Order) bool {
	a, b := *o, *old
	a.Items, b.Items = nil, nil
	if fmtTime(a.PurchasedAt) != fmtTime(b.PurchasedAt) || fmtTime(a.LatestShipAt) != fmtTime(b.LatestShipAt) {
		return false
	}
	a.PurchasedAt, b.PurchasedAt, a.LatestShipAt, b.LatestShipAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b) && slices.Equal(o.Items, old.Items)
}

// changedPackages merges the page's packages by (order, tracking number)
// as a shipments file's rows are merged, drops those the stored package
// already holds (the upsert would not change them), sorts the rest by key
// and counts them into sum.
func (s *Store) changedPackages(ctx context.Context, tx *sqlx.Tx, pkgs []vtr.Package, sum *SyncSummary) ([]vtr.Package, error) {
	merged := map[pkgKey]*vtr.Package{}
	var keys []pkgKey
	for i := range pkgs {
		p := pkgs[i]
		k := pkgKey{p.OrderID, p.TrackingNumber}
		if q := merged[k]; q != nil {
			mergePackage(q, &p)
			continue
		}
		merged[k] = &p
		keys = append(keys, k)
	}
	sum.Packages = len(keys)
	if len(keys) == 0 {
		return nil, nil
	}
	slices.SortFunc(keys, func(a, b pkgKey) int {
		if c := strings.Compare(a.order, b.order); c != 0 {
			return c
		}
		return strings.Compare(a.tracking, b.tracking)
	})
	var orders []string
	for _, k := range keys {
		if len(orders) == 0 || orders[len(orders)-1] != k.order {
			orders = append(orders, k.order)
		}
	}
	stored := map[pkgKey]vtr.Package{}
	for _, chunk := range chunks(orders, 500) {
		q, args, err := sqlx.In(packageSelect+` WHERE account = ? AND order_id IN (?)`, s.account, chunk)
		if err != nil {
			return nil, err
		}
		var rows []packageRow
		if err := tx.SelectContext(ctx, &rows, s.q(q), args...); err != nil {
			return nil, fmt.Errorf("load packages: %w", err)
		}
		for i := range rows {
			stored[pkgKey{rows[i].OrderID, rows[i].TrackingNumber}] = rows[i].pkg()
		}
	}
	var out []vtr.Package
	for _, k := range keys {
		p := merged[k]
		old, ok := stored[k]
		if !ok {
			sum.NewPackages++
			out = append(out, *p)
			continue
		}
		after := old
		mergePackage(&after, p)
		if samePackage(after, old) {
			continue
		}
		sum.ChangedPackages++
		out = append(out, *p)
	}
	return out, nil
}

func samePackage(a, b vtr.Package) bool {
	return a.CarrierCode == b.CarrierCode && a.CarrierName == b.CarrierName && a.ShipMethod == b.ShipMethod &&
		a.ShipDate == b.ShipDate && fmtTime(a.ConfirmedAt) == fmtTime(b.ConfirmedAt) &&
		fmtTime(a.DeliveredAt) == fmtTime(b.DeliveredAt) && fmtTime(a.FirstScanAt) == fmtTime(b.FirstScanAt)
}

// syncAnalyze says when the rows synced by this process since the last
// ANALYZE are as many as the tables held then: the statistics are then
// off by half or more.
type syncAnalyze struct {
	mu             sync.Mutex
	since, atStart int
}

func (a *syncAnalyze) due(written int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.since += written
	if a.since < max(2000, a.atStart) {
		return false
	}
	a.atStart += a.since
	a.since = 0
	return true
}
