package store_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// tableDump is every row of s's account in the tables an import writes,
// in key order, every column but account (so that two accounts' rows
// compare).
func tableDump(t *testing.T, s *store.Store) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT * FROM orders WHERE account = ? ORDER BY order_id`,
		`SELECT * FROM order_items WHERE account = ? ORDER BY order_id, line`,
		`SELECT * FROM packages WHERE account = ? ORDER BY order_id, tracking_number`,
		`SELECT marketplace, window_date, category, ineligible, reason, n FROM package_tallies WHERE account = ?
			ORDER BY marketplace, window_date, category, ineligible, reason`,
	} {
		out = append(out, dumpRows(t, s, "account", q, s.AccountKey())...)
		out = append(out, "--")
	}
	return out
}

// A seller's first day: the orders, then their shipments, in a fresh
// database. New packages of known orders get their verdicts before they
// are written (firstverdict.go) and big orders imports build their
// indexes again (sqlitebulk.go); the tables must be what the reference
// order of imports gives (shipments of unknown orders, then the orders,
// which reclassifies every package), package_tallies must match the
// packages, and importing both files again must change nothing. The
// orders come in two imports, the staged one (an empty table) and the
// batched one, a few orders a batch with a low bulk threshold, so that
// the index drop and rebuild runs.
func TestFirstDay_ordersThenShipments(t *testing.T) {
	sl := messySeller(t, 18, 600)
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			open := func() *store.Store {
				s, err := store.Open(t.Context(), storetest.URL(t, db), store.Options{Rules: vtr.DefaultRules("US")})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			ref := open()
			if _, err := ref.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments)); err != nil {
				t.Fatal(err)
			}
			if _, err := ref.ImportOrders(t.Context(), sl.orders); err != nil {
				t.Fatal(err)
			}
			want := tableDump(t, ref)

			s := open()
			s.SetOrdersPending(37)
			s.SetBulkMinRows(100)
			// A few orders first (staged: the table is empty), then all of
			// them (batch by batch: 37 at a time, the few compared with the
			// stored ones and left alone, the indexes dropped on SQLite).
			if _, err := s.ImportOrders(t.Context(), sl.orders[:20]); err != nil {
				t.Fatal(err)
			}
			if sum, err := s.ImportOrders(t.Context(), sl.orders); err != nil {
				t.Fatal(err)
			} else if sum.New != len(sl.orders)-20 {
				t.Fatalf("second orders import: %d new orders, want %d", sum.New, len(sl.orders)-20)
			}
			sum, err := s.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments))
			if err != nil {
				t.Fatal(err)
			}
			if sum.New == 0 {
				t.Fatal("no packages imported")
			}
			got := tableDump(t, s)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("orders then shipments:\n%v\nwant (shipments, then orders)\n%v", got, want)
			}
			if tallies, grouped := tallyDump(t, s, false), tallyDump(t, s, true); !reflect.DeepEqual(tallies, grouped) {
				t.Fatalf("package_tallies\n%v\nwant (GROUP BY packages)\n%v", tallies, grouped)
			}
			if db == "sqlite" {
				idx := dumpQuery(t, s, `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
					AND tbl_name IN ('orders', 'order_items', 'packages') ORDER BY name`)
				refIdx := dumpQuery(t, ref, `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
					AND tbl_name IN ('orders', 'order_items', 'packages') ORDER BY name`)
				if !reflect.DeepEqual(idx, refIdx) || len(idx) < 7 {
					t.Fatalf("indexes after the bulk imports %v, want %v", idx, refIdx)
				}
			}

			if _, err := s.ImportOrders(t.Context(), sl.orders); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments)); err != nil {
				t.Fatal(err)
			}
			if again := tableDump(t, s); !reflect.DeepEqual(again, want) {
				t.Fatalf("importing both files again changed the tables:\n%v\nwant\n%v", again, want)
			}
		})
	}
}

// pgCatalog is the definition of every index and foreign key of the
// tables an import writes, in the store's schema on PostgreSQL.
func pgCatalog(t *testing.T, s *store.Store) []string {
	t.Helper()
	return dumpQuery(t, s, `SELECT indexdef FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename IN ('orders', 'order_items', 'packages')
		UNION ALL
		SELECT c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
			WHERE r.relnamespace = current_schema()::regnamespace AND r.relname IN ('orders', 'order_items', 'packages')
		ORDER BY 1`)
}

// On PostgreSQL a big first import into empty tables drops their
// secondary indexes and the items' foreign key and builds them once at the
// end (pgbulk.go): the tables must hold what the indexed path writes, and
// every index and constraint must be back, defined as the migrations
// define them.
func TestFirstDay_postgresBuildsIndexesAfter(t *testing.T) {
	sl := messySeller(t, 19, 400)
	open := func() *store.Store {
		s, err := store.Open(t.Context(), storetest.URL(t, "postgres"), store.Options{Rules: vtr.DefaultRules("US")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	ref := open()
	if _, err := ref.ImportOrders(t.Context(), sl.orders); err != nil {
		t.Fatal(err)
	}
	if _, err := ref.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments)); err != nil {
		t.Fatal(err)
	}

	s := open()
	catalog := pgCatalog(t, s)
	if len(catalog) < 9 {
		t.Fatalf("catalog of a fresh database: %d entries, want the migrations' indexes and keys:\n%v", len(catalog), catalog)
	}
	fresh := pgIndexRelations(t, s)
	s.SetBulkMinRows(10)
	if _, err := s.ImportOrders(t.Context(), sl.orders); err != nil {
		t.Fatal(err)
	}
	if got := pgCatalog(t, s); !reflect.DeepEqual(got, catalog) {
		t.Fatalf("indexes and keys after a bulk orders import:\n%v\nwant\n%v", got, catalog)
	}
	if _, err := s.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments)); err != nil {
		t.Fatal(err)
	}
	if got := pgCatalog(t, s); !reflect.DeepEqual(got, catalog) {
		t.Fatalf("indexes and keys after a bulk shipments import:\n%v\nwant\n%v", got, catalog)
	}
	if got, want := tableDump(t, s), tableDump(t, ref); !reflect.DeepEqual(got, want) {
		t.Fatalf("tables after bulk imports:\n%v\nwant (indexed imports)\n%v", got, want)
	}
	// The foreign key is enforced again: an item of no order is refused,
	// and so is an item of another account's order.
	for _, item := range [][2]string{{s.AccountKey(), "no-such-order"}, {storetest.TwinAccount, sl.orders[0].ID}} {
		if _, err := s.DB().ExecContext(t.Context(), `INSERT INTO order_items
			(account, order_id, line, sku, category, quantity, price, shipping, status, name)
			VALUES ($1, $2, 1000, 'sku', '', 1, 0, 0, '', '')`, item[0], item[1]); err == nil || !strings.Contains(err.Error(), "foreign key") {
			t.Fatalf("an item of no order (account %s, order %s): error %v, want the foreign key's refusal", item[0], item[1], err)
		}
	}

	// The tables are every account's: another account's first imports,
	// however big, keep their indexes (the same ones: an index dropped and
	// built again is a new relation, as the bulk imports above made them)
	// and write the same rows.
	relations := pgIndexRelations(t, s)
	if reflect.DeepEqual(relations, fresh) {
		t.Fatalf("the bulk imports into empty tables kept the indexes %v: they were not dropped and built again", fresh)
	}
	twin := storetest.Twin(t, s)
	twin.SetBulkMinRows(10)
	if _, err := twin.ImportOrders(t.Context(), sl.orders); err != nil {
		t.Fatal(err)
	}
	if _, err := twin.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments)); err != nil {
		t.Fatal(err)
	}
	if got := pgIndexRelations(t, s); !reflect.DeepEqual(got, relations) {
		t.Fatalf("indexes after another account's bulk imports:\n%v\nwant them kept\n%v", got, relations)
	}
	if got := pgCatalog(t, s); !reflect.DeepEqual(got, catalog) {
		t.Fatalf("indexes and keys after another account's bulk imports:\n%v\nwant\n%v", got, catalog)
	}
	if got, want := tableDump(t, twin), tableDump(t, ref); !reflect.DeepEqual(got, want) {
		t.Fatalf("tables of account %s:\n%v\nwant (indexed imports)\n%v", twin.Account(), got, want)
	}
	if got, want := tableDump(t, s), tableDump(t, ref); !reflect.DeepEqual(got, want) {
		t.Fatalf("tables of account default after account %s's imports:\n%v\nwant\n%v", twin.Account(), got, want)
	}
}

// pgIndexRelations names each index of the tables an import writes with
// its relation's OID, which DROP INDEX and CREATE INDEX change.
func pgIndexRelations(t *testing.T, s *store.Store) []string {
	t.Helper()
	return dumpQuery(t, s, `SELECT indexname, (quote_ident(schemaname) || '.' || quote_ident(indexname))::regclass::oid
		FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('orders', 'order_items', 'packages')
		ORDER BY indexname`)
}
