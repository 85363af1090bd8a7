package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// rulesVersion changes whenever classification code changes in a way that
// stored verdicts must be recomputed; the stored rules fingerprint includes it.
const rulesVersion = "2026-11-25.1"

// refreshRules reclassifies every package of the account when the rules
// differ from the ones its stored verdicts were computed with.
func (s *Store) refreshRules(ctx context.Context) error {
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%+v", rulesVersion, s.rules))
	want := hex.EncodeToString(h[:8])
	var have string
	err := s.db.GetContext(ctx, &have, s.q(`SELECT value FROM meta WHERE account = ? AND key = ?`), s.account, "rules")
	if err == nil && have == want {
		return nil
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var ids []string
		if err := tx.SelectContext(ctx, &ids, s.q(`SELECT order_id FROM orders WHERE account = ? ORDER BY order_id`), s.account); err != nil {
			return fmt.Errorf("list orders: %w", err)
		}
		if err := s.reclassify(ctx, tx, ids); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO meta (account, key, value) VALUES (?, ?, ?)
			ON CONFLICT (account, key) DO UPDATE SET value = excluded.value`), s.account, "rules", want)
		if err != nil {
			return fmt.Errorf("record the rules: %w", err)
		}
		return nil
	})
}

type packageRow struct {
	OrderID        string `db:"order_id"`
	TrackingNumber string `db:"tracking_number"`
	CarrierCode    string `db:"carrier_code"`
	CarrierName    string `db:"carrier_name"`
	ShipMethod     string `db:"ship_method"`
	ShipDate       string `db:"ship_date"`
	ConfirmedAt    string `db:"confirmed_at"`
	DeliveredAt    string `db:"delivered_at"`
	FirstScanAt    string `db:"first_scan_at"`
	FirstConfirmed string `db:"first_confirmed_at"`
	Marketplace    string `db:"marketplace"`
	WindowDate     string `db:"window_date"`
	Category       string `db:"category"`
	Carrier        string `db:"carrier"`
	Ineligible     string `db:"ineligible"`
	Exemption      string `db:"exemption"`
	Reason         string `db:"reason"`
	Hint           string `db:"hint"`
}

// packageSelect reads packages; its callers add WHERE account = ? AND ...
const packageSelect = `SELECT order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date,
	confirmed_at, delivered_at, first_scan_at, first_confirmed_at, marketplace, window_date, category, carrier, ineligible,
	exemption, reason, hint FROM packages`

func (r *packageRow) pkg() vtr.Package {
	return vtr.Package{OrderID: r.OrderID, TrackingNumber: r.TrackingNumber, CarrierCode: r.CarrierCode,
		CarrierName: r.CarrierName, ShipMethod: r.ShipMethod, ShipDate: parseDate(r.ShipDate),
		ConfirmedAt: parseTime(r.ConfirmedAt), DeliveredAt: parseTime(r.DeliveredAt), FirstScanAt: parseTime(r.FirstScanAt),
		FirstConfirmedAt: parseTime(r.FirstConfirmed)}
}

func (r *packageRow) verdict() vtr.Verdict {
	return vtr.Verdict{Marketplace: r.Marketplace, WindowDate: parseDate(r.WindowDate), Category: r.Category,
		Carrier: r.Carrier, Ineligible: vtr.Ineligible(r.Ineligible), Exemption: r.Exemption,
		Reason: vtr.Reason(r.Reason), Hint: r.Hint}
}

// reclassify recomputes the verdict of every package of the given orders
// of the account, writes the ones that changed and updates package_tallies
// to match.
func (s *Store) reclassify(ctx context.Context, tx *sqlx.Tx, orderIDs []string) error {
	delta := tallyDelta{}
	w := verdictWriter{s: s, stmts: batchStmts{tx: tx}}
	defer w.stmts.close()
	for _, ids := range chunks(orderIDs, 500) {
		// Packages first: orders imported before their shipments (a
		// seller's first day) have none, and then their orders and items
		// need not be read at all (docs/benchmarks.md, issue 18).
		pkgs, err := s.packagesOf(ctx, tx, ids, nil)
		if err != nil {
			return err
		}
		if len(pkgs) == 0 {
			continue
		}
		orders, err := s.loadOrders(ctx, tx, ids)
		if err != nil {
			return err
		}
		if len(orders) == 0 {
			continue // packages of unknown orders keep the verdict written on insert
		}
		ev, err := s.loadEvidence(ctx, tx, ids, pkgs)
		if err != nil {
			return err
		}
		for i := range pkgs {
			r := &pkgs[i]
			p := r.pkg()
			v := vtr.Classify(orders[r.OrderID], &p, ev[pkgKey{r.OrderID, r.TrackingNumber}], s.rules)
			old := r.verdict()
			if v == old {
				continue
			}
			delta.move(old, v)
			if err := w.add(ctx, r.OrderID, r.TrackingNumber, v); err != nil {
				return err
			}
		}
		// Written before the next chunk reads packages: an id can come
		// twice (an order with skus in two chunks of ImportCategories), and
		// must then find its new verdict, or its move is counted twice.
		if err := w.flush(ctx); err != nil {
			return err
		}
	}
	return s.applyTallies(ctx, tx, delta)
}

// packagesOf appends to rows the stored packages of the account's orders
// ids (scanned by hand: see loadOrders).
func (s *Store) packagesOf(ctx context.Context, tx sqlx.QueryerContext, ids []string, rows []packageRow) ([]packageRow, error) {
	q, args, err := sqlx.In(packageSelect+` WHERE account = ? AND order_id IN (?)`, s.account, ids)
	if err != nil {
		return nil, err
	}
	rs, err := tx.QueryxContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("load packages: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var r packageRow
		if err := rs.Scan(&r.OrderID, &r.TrackingNumber, &r.CarrierCode, &r.CarrierName, &r.ShipMethod, &r.ShipDate,
			&r.ConfirmedAt, &r.DeliveredAt, &r.FirstScanAt, &r.FirstConfirmed, &r.Marketplace, &r.WindowDate, &r.Category,
			&r.Carrier, &r.Ineligible, &r.Exemption, &r.Reason, &r.Hint); err != nil {
			return nil, fmt.Errorf("load packages: %w", err)
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("load packages: %w", err)
	}
	return rows, nil
}

// verdictRows is how many verdicts one UPDATE writes. Every package of a
// shipments file whose orders are known gets its first verdict: written
// one statement each, PostgreSQL spent most of such an import on round
// trips (docs/benchmarks.md).
const verdictRows = 100

const verdictNcol = 10

// verdictWriter writes changed verdicts verdictRows at a time.
type verdictWriter struct {
	s     *Store
	stmts batchStmts
	args  []any
}

// verdictSQL updates the account's packages of n (order id, tracking
// number, verdict) rows, in one statement both databases read the same
// way. The account is its last argument, after the rows'.
func (s *Store) verdictSQL(n int) string {
	return s.q(`WITH v (order_id, tracking_number, marketplace, window_date, category, carrier, ineligible, exemption, reason, hint)
		AS (VALUES ` + valueRows(n, verdictNcol) + `)
		UPDATE packages SET marketplace = v.marketplace, window_date = v.window_date, category = v.category,
			carrier = v.carrier, ineligible = v.ineligible, exemption = v.exemption, reason = v.reason, hint = v.hint
		FROM v WHERE packages.account = ? AND packages.order_id = v.order_id AND packages.tracking_number = v.tracking_number`)
}

func (w *verdictWriter) add(ctx context.Context, orderID, tracking string, v vtr.Verdict) error {
	w.args = append(w.args, orderID, tracking, v.Marketplace, dateString(v.WindowDate), v.Category, v.Carrier,
		string(v.Ineligible), v.Exemption, string(v.Reason), v.Hint)
	if len(w.args) < verdictRows*verdictNcol {
		return nil
	}
	return w.flush(ctx)
}

func (w *verdictWriter) flush(ctx context.Context) error {
	n := len(w.args) / verdictNcol
	if n == 0 {
		return nil
	}
	w.args = append(w.args, w.s.account)
	err := w.stmts.exec(ctx, "verdicts", n == verdictRows, func() string { return w.s.verdictSQL(n) }, w.args)
	w.args = w.args[:0]
	if err != nil {
		return fmt.Errorf("update verdicts: %w", err)
	}
	return nil
}

type orderRow struct {
	OrderID          string `db:"order_id"`
	SalesChannel     string `db:"sales_channel"`
	Marketplace      string `db:"marketplace"`
	Status           string `db:"status"`
	Fulfillment      string `db:"fulfillment"`
	PurchaseDate     string `db:"purchase_date"`
	PurchasedAt      string `db:"purchased_at"`
	PromisedDelivery string `db:"promised_delivery"`
	LatestShipDate   string `db:"latest_ship_date"`
	LatestShipAt     string `db:"latest_ship_at"`
	Currency         string `db:"currency"`
	ShipCountry      string `db:"ship_country"`
	BuyerCancelled   bool   `db:"buyer_cancelled"`
}

// orderSelect reads orders; its callers add WHERE account = ? AND ...
const orderSelect = `SELECT order_id, sales_channel, marketplace, status, fulfillment, purchase_date, purchased_at,
	promised_delivery, latest_ship_date, latest_ship_at, currency, ship_country, buyer_cancelled FROM orders`

func (r *orderRow) order() *vtr.Order {
	return &vtr.Order{ID: r.OrderID, SalesChannel: r.SalesChannel, Marketplace: r.Marketplace, Status: r.Status,
		FulfillmentChannel: r.Fulfillment, PurchaseDate: parseDate(r.PurchaseDate), PurchasedAt: parseTime(r.PurchasedAt),
		PromisedDelivery: parseDate(r.PromisedDelivery), LatestShipDate: parseDate(r.LatestShipDate),
		LatestShipAt: parseTime(r.LatestShipAt), Currency: r.Currency, ShipCountry: r.ShipCountry, BuyerCancelled: r.BuyerCancelled}
}

type itemRow struct {
	OrderID  string `db:"order_id"`
	Line     int    `db:"line"`
	SKU      string `db:"sku"`
	Category string `db:"category"`
	Quantity int    `db:"quantity"`
	Price    int64  `db:"price"`
	Shipping int64  `db:"shipping"`
	Status   string `db:"status"`
	Name     string `db:"name"`
}

// loadOrders loads the account's orders with their items; an item's
// category is its own column when filled, else the account's categories
// import.
func (s *Store) loadOrders(ctx context.Context, q sqlx.QueryerContext, ids []string) (map[string]*vtr.Order, error) {
	out := map[string]*vtr.Order{}
	query, args, err := sqlx.In(orderSelect+` WHERE account = ? AND order_id IN (?)`, s.account, ids)
	if err != nil {
		return nil, err
	}
	// Scanned by hand: sqlx's reflection took most of a first day's
	// shipments import (a million orders and their items read).
	rs, err := q.QueryxContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("load orders: %w", err)
	}
	for rs.Next() {
		var r orderRow
		if err := rs.Scan(&r.OrderID, &r.SalesChannel, &r.Marketplace, &r.Status, &r.Fulfillment, &r.PurchaseDate,
			&r.PurchasedAt, &r.PromisedDelivery, &r.LatestShipDate, &r.LatestShipAt, &r.Currency, &r.ShipCountry,
			&r.BuyerCancelled); err != nil {
			rs.Close()
			return nil, fmt.Errorf("load orders: %w", err)
		}
		out[r.OrderID] = r.order()
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("load orders: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	query, args, err = sqlx.In(`SELECT i.order_id, i.line, i.sku,
		CASE WHEN i.category <> '' THEN i.category ELSE COALESCE(c.category, '') END AS category,
		i.quantity, i.price, i.shipping, i.status, i.name
		FROM order_items i LEFT JOIN sku_categories c ON c.account = i.account AND c.sku = i.sku
		WHERE i.account = ? AND i.order_id IN (?) ORDER BY i.order_id, i.line`, s.account, ids)
	if err != nil {
		return nil, err
	}
	if rs, err = q.QueryxContext(ctx, s.q(query), args...); err != nil {
		return nil, fmt.Errorf("load items: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var it itemRow
		if err := rs.Scan(&it.OrderID, &it.Line, &it.SKU, &it.Category, &it.Quantity, &it.Price, &it.Shipping,
			&it.Status, &it.Name); err != nil {
			return nil, fmt.Errorf("load items: %w", err)
		}
		if o := out[it.OrderID]; o != nil {
			o.Items = append(o.Items, vtr.Item{SKU: it.SKU, Category: it.Category, Quantity: it.Quantity,
				Price: vtr.Amount(it.Price), Shipping: vtr.Amount(it.Shipping), Status: it.Status, Name: it.Name})
		}
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("load items: %w", err)
	}
	return out, nil
}

// loadEvidence gathers the account's Amazon report rows and carrier events
// for packages.
func (s *Store) loadEvidence(ctx context.Context, q sqlx.QueryerContext, ids []string, pkgs []packageRow) (map[pkgKey]vtr.Evidence, error) {
	out := map[pkgKey]vtr.Evidence{}
	query, args, err := sqlx.In(`SELECT order_id, tracking_number, valid FROM vtr_report_rows WHERE account = ? AND order_id IN (?)`, s.account, ids)
	if err != nil {
		return nil, err
	}
	var rep []struct {
		OrderID        string `db:"order_id"`
		TrackingNumber string `db:"tracking_number"`
		Valid          bool   `db:"valid"`
	}
	if err := sqlx.SelectContext(ctx, q, &rep, s.q(query), args...); err != nil {
		return nil, fmt.Errorf("load report rows: %w", err)
	}
	for _, r := range rep {
		k := pkgKey{r.OrderID, r.TrackingNumber}
		e := out[k]
		if r.Valid {
			e.ScanSeen = true
		} else {
			e.NoScan = true
		}
		out[k] = e
	}
	var numbers []string
	byNumber := map[string][]pkgKey{}
	for _, p := range pkgs {
		if p.TrackingNumber == "" {
			continue
		}
		if _, ok := byNumber[p.TrackingNumber]; !ok {
			numbers = append(numbers, p.TrackingNumber)
		}
		byNumber[p.TrackingNumber] = append(byNumber[p.TrackingNumber], pkgKey{p.OrderID, p.TrackingNumber})
	}
	if len(numbers) == 0 {
		return out, nil
	}
	sort.Strings(numbers)
	query, args, err = sqlx.In(`SELECT tracking_number, status, at FROM carrier_events WHERE account = ? AND tracking_number IN (?)`, s.account, numbers)
	if err != nil {
		return nil, err
	}
	var evs []struct {
		TrackingNumber string `db:"tracking_number"`
		Status         string `db:"status"`
		At             string `db:"at"`
	}
	if err := sqlx.SelectContext(ctx, q, &evs, s.q(query), args...); err != nil {
		return nil, fmt.Errorf("load carrier events: %w", err)
	}
	for _, ev := range evs {
		st := vtr.EventStatus(ev.Status)
		for _, k := range byNumber[ev.TrackingNumber] {
			e := out[k]
			if st.IsScan() {
				e.ScanSeen = true
			}
			if at := parseTime(ev.At); st == vtr.EventDelivered && !at.IsZero() && (e.DeliveredAt.IsZero() || at.Before(e.DeliveredAt)) {
				e.DeliveredAt = at
			}
			out[k] = e
		}
	}
	return out, nil
}
