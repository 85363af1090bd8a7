package store_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// tallyDump is s's account's package_tallies, or the same counts grouped
// from its packages, one "marketplace|day|category|ineligible|reason|n"
// line per row in key order.
func tallyDump(t *testing.T, s *store.Store, fromPackages bool) []string {
	t.Helper()
	q := `SELECT marketplace, window_date, category, ineligible, reason, n FROM package_tallies WHERE account = ?
		ORDER BY marketplace, window_date, category, ineligible, reason`
	if fromPackages {
		q = `SELECT marketplace, window_date, category, ineligible, reason, count(*) AS n FROM packages
			WHERE account = ? AND marketplace <> '' GROUP BY marketplace, window_date, category, ineligible, reason
			ORDER BY marketplace, window_date, category, ineligible, reason`
	}
	return dumpQuery(t, s, q, s.AccountKey())
}

// dumpQuery returns the rows of q (written with ?, of arguments args),
// each as its values joined by "|". The tables hold every account's rows:
// a query of a test run by storetest.Each names s.Account().
func dumpQuery(t *testing.T, s *store.Store, q string, args ...any) []string {
	t.Helper()
	return dumpRows(t, s, "", q, args...)
}

// dumpRows is dumpQuery leaving out the column named skip (when not "").
func dumpRows(t *testing.T, s *store.Store, skip, q string, args ...any) []string {
	t.Helper()
	rs, err := s.DB().QueryxContext(t.Context(), s.DB().Rebind(q), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rs.Next() {
		vals, err := rs.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		var line []string
		for i, v := range vals {
			if cols[i] == skip {
				continue
			}
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			line = append(line, fmt.Sprint(v))
		}
		out = append(out, strings.Join(line, "|"))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// package_tallies equals a GROUP BY of packages after every kind of write
// that can change a verdict: shipments before and after their orders,
// categories, a re-upload, an Amazon report, carrier mails, and a change of
// the classification rules (which reclassifies everything on open).
func TestPackageTallies_matchPackages(t *testing.T) {
	sl := messySeller(t, 11, 400)
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			url := storetest.URL(t, db)
			s, err := store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if s != nil {
					s.Close()
				}
			}()
			// reader stands for a long-running bot beside the importing
			// CLI: its status cache must see every change (statuscache.go).
			reader, err := store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")})
			if err != nil {
				t.Fatal(err)
			}
			defer reader.Close()
			windows := []vtr.Window{
				{From: vtr.MustDate("2025-03-01"), To: vtr.MustDate("2025-03-30")},
				{From: vtr.MustDate("2024-10-01"), To: vtr.MustDate("2025-06-30")},
			}
			check := func(step string) {
				t.Helper()
				got, want := tallyDump(t, s, false), tallyDump(t, s, true)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("after %s: package_tallies\n%v\nwant (GROUP BY packages)\n%v", step, got, want)
				}
				fresh, err := store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")})
				if err != nil {
					t.Fatal(err)
				}
				defer fresh.Close()
				for _, w := range windows {
					for _, cat := range []string{"", "Books"} {
						want, err := fresh.Status(t.Context(), "US", w, cat)
						if err != nil {
							t.Fatal(err)
						}
						got, err := reader.Status(t.Context(), "US", w, cat)
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("after %s: the reader's status of %s %q\n%+v\nwant (a fresh store)\n%+v", step, w, cat, got, want)
						}
					}
				}
				if step != "shipments of unknown orders" && len(want) == 0 {
					t.Fatalf("after %s: no tallies at all: the test data classifies nothing", step)
				}
			}
			half := len(sl.orders) / 2
			if _, err := s.ImportShipments(t.Context(), rows(t, "shipments.tsv", sl.shipments)); err != nil {
				t.Fatal(err)
			}
			check("shipments of unknown orders")
			if _, err := s.ImportOrders(t.Context(), sl.orders[:half]); err != nil {
				t.Fatal(err)
			}
			check("half of the orders")
			if _, err := s.ImportCategories(t.Context(), sl.categories); err != nil {
				t.Fatal(err)
			}
			check("categories")
			if _, err := s.ImportOrders(t.Context(), sl.orders[half:]); err != nil {
				t.Fatal(err)
			}
			check("the other orders")
			if _, err := s.ImportShipments(t.Context(), rows(t, "again.tsv", reupload(sl.shipments))); err != nil {
				t.Fatal(err)
			}
			check("a re-upload")

			// Amazon's report and carrier mails about some invalid packages.
			invalid := dumpQuery(t, s, `SELECT order_id, tracking_number FROM packages
				WHERE ineligible = '' AND reason <> 'VERIFIED' AND tracking_number <> '' ORDER BY order_id LIMIT 20`)
			if len(invalid) < 4 {
				t.Fatalf("only %d invalid packages with a tracking number: %v", len(invalid), invalid)
			}
			var report []flatfile.ReportRow
			var events []vtr.Event
			for i, kv := range invalid {
				order, number, _ := strings.Cut(kv, "|")
				if i%2 == 0 {
					report = append(report, flatfile.ReportRow{Line: i + 2, OrderID: order, TrackingNumber: number, Valid: i%4 == 0})
				} else {
					events = append(events, vtr.Event{TrackingNumber: number, Status: vtr.EventDelivered,
						At: time.Date(2025, 3, 1, 15, 0, 0, 0, time.UTC)})
				}
			}
			if _, err := s.ImportVTRReport(t.Context(), "report.csv", report); err != nil {
				t.Fatal(err)
			}
			check("an Amazon VTR report")
			if _, err := s.AddCarrierEvents(t.Context(), "", events); err != nil {
				t.Fatal(err)
			}
			check("carrier events")

			// Other rules (no exemptions): opening the store reclassifies all.
			s.Close()
			rules := vtr.DefaultRules("US")
			rules.Exemptions = nil
			if s, err = store.Open(t.Context(), url, store.Options{Rules: rules}); err != nil {
				t.Fatal(err)
			}
			check("a change of rules")

			// A database made before package_tallies existed: migration 2
			// fills it from packages.
			old, err := store.MigrateTo(t.Context(), url, 2) // the later ones undone
			if err != nil {
				t.Fatal(err)
			}
			old.Close()
			for _, q := range []string{`DROP TABLE package_tallies`, `DROP INDEX packages_ship`, `DROP INDEX orders_promised`,
				`DROP INDEX orders_market_purchase`, `DELETE FROM goose_db_version WHERE version_id = 2`} {
				if _, err := s.DB().ExecContext(t.Context(), q); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			if s, err = store.Open(t.Context(), url, store.Options{Rules: rules}); err != nil {
				t.Fatal(err)
			}
			check("migration 2 on an older database")
		})
	}
}
