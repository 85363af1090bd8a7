package store_test

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// bulkRows yields n packages of n/2 orders (two rows per package for
// every tenth one, so that rows merge across batches), then fail (nil: EOF).
func bulkRows(n int, fail error) func() (*vtr.Package, error) {
	i := 0
	day := vtr.MustDate("2025-01-01")
	return func() (*vtr.Package, error) {
		if i == n {
			if fail != nil {
				return nil, fail
			}
			return nil, io.EOF
		}
		k := i
		if i%10 == 9 {
			k = i - 9 // a second row of an earlier package, much later in the file
		}
		i++
		return &vtr.Package{OrderID: fmt.Sprintf("111-%07d-0000000", k/2), TrackingNumber: fmt.Sprintf("1Z%016d", k),
			CarrierCode: "UPS", ShipMethod: "Ground", ShipDate: day.AddDays(k % 300)}, nil
	}
}

func sqliteStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), storetest.URL(t, "sqlite"), store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func indexes(t *testing.T, s *store.Store) []string {
	t.Helper()
	var out []string
	if err := s.DB().SelectContext(t.Context(), &out, `SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'packages' ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	return out
}

func cacheSize(t *testing.T, s *store.Store) []int {
	t.Helper()
	// Every pooled connection: the bulk load must hand its connection back
	// with SQLite's default cache.
	var sizes []int
	for range 3 {
		var n int
		if err := s.DB().GetContext(t.Context(), &n, `PRAGMA cache_size`); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// A big file on SQLite is loaded with the secondary indexes dropped and
// built again: afterwards they are exactly the migration's, and the window
// queries still read only the covering index.
func TestImportShipments_bulkLoadKeepsIndexes(t *testing.T) {
	s := sqliteStore(t)
	want, wantCache := indexes(t, s), cacheSize(t, s)
	if len(want) < 3 {
		t.Fatalf("packages has indexes %q, want the primary key, packages_window and packages_tracking", want)
	}
	sum, err := s.ImportShipments(t.Context(), bulkRows(60_000, nil))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 60_000 || sum.New != 54_000 {
		t.Errorf("summary: %d rows, %d new, want 60000 rows, 54000 new packages", sum.Rows, sum.New)
	}
	if got := indexes(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("indexes after a bulk load:\n got  %q\n want %q", got, want)
	}
	if got := cacheSize(t, s); !reflect.DeepEqual(got, wantCache) {
		t.Errorf("cache_size after a bulk load = %v, want %v", got, wantCache)
	}
	// Rows of one package far apart in the file still merge.
	var dates []string
	if err := s.DB().SelectContext(t.Context(), &dates, `SELECT ship_date FROM packages WHERE account = ? AND tracking_number = ?`,
		s.AccountKey(), fmt.Sprintf("1Z%016d", 40_000)); err != nil || len(dates) != 1 {
		t.Fatalf("package 40000: %v, %v", dates, err)
	}
	for _, q := range []string{
		// store.Tallies and store.DayTallies
		`SELECT category, ineligible, reason, count(*) AS n FROM packages
			WHERE account = ? AND marketplace = ? AND window_date >= ? AND window_date <= ? GROUP BY category, ineligible, reason`,
		`SELECT window_date, category, ineligible, reason, count(*) AS n FROM packages
			WHERE account = ? AND marketplace = ? AND window_date >= ? AND window_date <= ? GROUP BY window_date, category, ineligible, reason`,
	} {
		plan := queryPlan(t, s, q, s.AccountKey(), "US", "2025-01-01", "2025-01-30")
		if !strings.Contains(plan, "USING COVERING INDEX packages_window") {
			t.Errorf("query plan of\n%s\nis %q, want a scan of the covering index packages_window", q, plan)
		}
	}
}

func queryPlan(t *testing.T, s *store.Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.DB().QueryxContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

// A bad row after the indexes were dropped rolls everything back: the
// packages, and the indexes.
func TestImportShipments_bulkLoadRollsBack(t *testing.T) {
	s := sqliteStore(t)
	if _, err := s.ImportShipments(t.Context(), bulkRows(1_000, nil)); err != nil {
		t.Fatal(err)
	}
	want, wantRows := indexes(t, s), dump(t, s)
	bad := &flatfile.Error{File: "big.tsv", Line: 60_002, Msg: `ship-date "2025-13-01" is not a date (want YYYY-MM-DD)`}
	_, err := s.ImportShipments(t.Context(), bulkRows(60_000, bad))
	if err != bad {
		t.Fatalf("error = %v, want %v", err, bad)
	}
	if got := indexes(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("indexes after a failed bulk load:\n got  %q\n want %q", got, want)
	}
	if got := dump(t, s); !reflect.DeepEqual(got, wantRows) {
		t.Errorf("a failed bulk load changed packages: %d rows before, %d after", len(wantRows), len(got))
	}
}

// BenchmarkImportShipments imports 100,000 rows into a fresh SQLite
// database per iteration; profile with
// go test -run '^$' -bench ImportShipments -cpuprofile cpu.prof ./store
func BenchmarkImportShipments(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, err := store.Open(b.Context(), storetest.URL(b, "sqlite"), store.Options{Rules: vtr.DefaultRules("US")})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.ImportShipments(b.Context(), bulkRows(100_000, nil)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// A file big enough for the bulk measures (SQLite: indexes dropped and
// rebuilt; PostgreSQL: packages analysed inside the transaction) imports
// the same on both databases.
func TestImportShipments_bigFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sum, err := s.ImportShipments(t.Context(), bulkRows(60_000, nil))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows != 60_000 || sum.New != 54_000 {
			t.Errorf("summary: %d rows, %d new, want 60000 rows, 54000 new packages", sum.Rows, sum.New)
		}
		// Again: every row now conflicts with a stored package.
		if sum, err = s.ImportShipments(t.Context(), bulkRows(60_000, nil)); err != nil || sum.New != 0 {
			t.Errorf("second import: %+v, %v; want no new packages", sum, err)
		}
	})
}

// Rows of one package thousands of rows apart (more than one batch) merge
// before the package is written: with no order known, its window date is
// the earliest ship date and its carrier the last row's, on both databases
// (the SQLite path used to keep the first batch's window date and carrier).
func TestImportShipments_farRowsMergeVerdict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		day := vtr.MustDate("2025-01-10")
		i := 0
		next := func() (*vtr.Package, error) {
			i++
			switch {
			case i == 1:
				return &vtr.Package{OrderID: "X", TrackingNumber: "1Z999", CarrierCode: "UPS", ShipDate: day}, nil
			case i == 5000:
				return &vtr.Package{OrderID: "X", TrackingNumber: "1Z999", CarrierCode: "USPS", ShipDate: day.AddDays(-5)}, nil
			case i > 5000:
				return nil, io.EOF
			}
			return &vtr.Package{OrderID: fmt.Sprint("O-", i), TrackingNumber: "T", CarrierCode: "UPS", ShipDate: day}, nil
		}
		if _, err := s.ImportShipments(t.Context(), next); err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := s.DB().SelectContext(t.Context(), &got, s.DB().Rebind(`SELECT ship_date || '|' || window_date || '|' || carrier_code || '|' || carrier
			FROM packages WHERE account = ? AND order_id = ?`), s.AccountKey(), "X"); err != nil {
			t.Fatal(err)
		}
		if want := []string{"2025-01-05|2025-01-05|USPS|USPS"}; !reflect.DeepEqual(got, want) {
			t.Errorf("package X: %q, want %q", got, want)
		}
	})
}
