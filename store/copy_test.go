package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

// seller is a generated messy seller, decoded as the CLI decodes it.
type seller struct {
	orders     []*vtr.Order
	categories map[string]string
	shipments  []byte // the shipments file
	ordersFile []byte // the All Orders report
}

func messySeller(t *testing.T, seed uint64, n int) seller {
	t.Helper()
	var o, s, c bytes.Buffer
	opt := sample.Options{Seed: seed, Orders: n, End: vtr.MustDate("2025-03-31"), Days: 120, Messy: true}
	if err := sample.Generate(opt, sample.Files{Orders: &o, Shipments: &s, Categories: &c}); err != nil {
		t.Fatal(err)
	}
	sl := seller{categories: map[string]string{}, shipments: s.Bytes(), ordersFile: bytes.Clone(o.Bytes())}
	r, err := flatfile.NewReader("orders.tsv", &o)
	if err != nil {
		t.Fatal(err)
	}
	if sl.orders, err = flatfile.Orders(r, "US"); err != nil {
		t.Fatal(err)
	}
	r, err = flatfile.NewReader("categories.tsv", &c)
	if err != nil {
		t.Fatal(err)
	}
	if err := flatfile.ReadCategories(r, func(_ int, sku, cat string) error { sl.categories[sku] = cat; return nil }); err != nil {
		t.Fatal(err)
	}
	return sl
}

// rows returns a next function over a shipments file, as the CLI streams it.
func rows(t *testing.T, name string, file []byte) func() (*vtr.Package, error) {
	t.Helper()
	r, err := flatfile.NewReader(name, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	next, err := flatfile.Packages(r)
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// reupload rewrites a shipments file the way a seller's second upload
// differs from the first: every third row re-typed under another carrier
// and ship method, shipped a day earlier, confirmed a day later and
// delivered an hour earlier; rows in reverse order.
func reupload(file []byte) []byte {
	lines := strings.Split(strings.TrimRight(string(file), "\n"), "\n")
	col := map[string]int{}
	for i, h := range strings.Split(lines[0], "\t") {
		col[h] = i
	}
	out := []string{lines[0]}
	for i := len(lines) - 1; i >= 1; i-- {
		f := strings.Split(lines[i], "\t")
		if i%3 == 0 {
			f[col["carrier-code"]], f[col["carrier-name"]], f[col["ship-method"]] = "Other", "U.S.P.S.", "Priority Mail"
			f[col["ship-date"]] = vtr.MustDate(f[col["ship-date"]]).AddDays(-1).String()
			for _, c := range []string{"confirmed-at", "delivered-at", "first-scan-at"} {
				if v := f[col[c]]; v != "" {
					d := 24
					if c != "confirmed-at" {
						d = -1
					}
					f[col[c]] = shiftHours(v, d)
				}
			}
			if i%2 == 0 {
				f[col["first-scan-at"]] = "2025-01-01T08:00:00Z"
			}
		}
		out = append(out, strings.Join(f, "\t"))
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

func shiftHours(ts string, h int) string {
	p := vtr.MustDate(ts[:10])
	if h == 24 {
		return p.AddDays(1).String() + ts[10:]
	}
	// An hour earlier: the generator writes whole hours after 11:00 local.
	hh := int(ts[11]-'0')*10 + int(ts[12]-'0')
	return fmt.Sprintf("%s%02d%s", ts[:11], hh-1, ts[13:])
}

// Columns of packages: what the files say, and the stored verdict.
const (
	dataColumns    = "order_id, tracking_number, carrier_code, carrier_name, ship_method, ship_date, confirmed_at, delivered_at, first_scan_at, first_confirmed_at"
	verdictColumns = "marketplace, window_date, category, carrier, ineligible, exemption, reason, hint"
)

// dump returns every package row of s's account, every column, in key
// order.
func dump(t *testing.T, s *store.Store) []string {
	return dumpColumns(t, s, dataColumns+", "+verdictColumns)
}

func dumpColumns(t *testing.T, s *store.Store, cols string) []string {
	t.Helper()
	return dumpQuery(t, s, "SELECT "+cols+" FROM packages WHERE account = ? ORDER BY order_id, tracking_number", s.AccountKey())
}

// shipFunc imports a shipments file by one of the two paths.
type shipFunc func(ctx context.Context, s *store.Store, next func() (*vtr.Package, error)) (store.ImportSummary, error)

type importStep func(t *testing.T, s *store.Store, ship shipFunc) store.ImportSummary

var (
	batchPath shipFunc = func(ctx context.Context, s *store.Store, next func() (*vtr.Package, error)) (store.ImportSummary, error) {
		return store.ImportShipmentsBatch(s, ctx, next)
	}
	copyPath shipFunc = func(ctx context.Context, s *store.Store, next func() (*vtr.Package, error)) (store.ImportSummary, error) {
		if s.Dialect() != store.Postgres {
			panic("the COPY path is PostgreSQL's")
		}
		return s.ImportShipments(ctx, next)
	}
)

// The COPY path (PostgreSQL) and the batch path (SQLite's, also run on
// PostgreSQL here) leave identical packages tables and summaries for the
// same messy files, imported in several sequences.
func TestImportShipments_copyMatchesBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a messy seller 15 times")
	}
	sl := messySeller(t, 99, 5000)
	orders := func(t *testing.T, s *store.Store, _ shipFunc) store.ImportSummary {
		if _, err := s.ImportOrders(t.Context(), sl.orders); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportCategories(t.Context(), sl.categories); err != nil {
			t.Fatal(err)
		}
		return store.ImportSummary{}
	}
	shipments := func(file []byte) importStep {
		return func(t *testing.T, s *store.Store, ship shipFunc) store.ImportSummary {
			sum, err := ship(t.Context(), s, rows(t, "shipments.tsv", file))
			if err != nil {
				t.Fatal(err)
			}
			return sum
		}
	}
	tests := []struct {
		name  string
		steps []importStep
	}{
		{"orders, then shipments", []importStep{orders, shipments(sl.shipments)}},
		{"shipments of unknown orders, then the orders", []importStep{shipments(sl.shipments), orders}},
		{"shipments of unknown orders only", []importStep{shipments(sl.shipments)}},
		{"the same file twice", []importStep{orders, shipments(sl.shipments), shipments(sl.shipments)}},
		{"a re-upload that changes carriers and dates", []importStep{orders, shipments(sl.shipments), shipments(reupload(sl.shipments))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func(kind string, ship shipFunc) ([]string, []store.ImportSummary) {
				s, err := store.Open(t.Context(), storetest.URL(t, kind), store.Options{Rules: vtr.DefaultRules("US")})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				var sums []store.ImportSummary
				for _, step := range tt.steps {
					sums = append(sums, step(t, s, ship))
				}
				return dump(t, s), sums
			}
			wantRows, wantSums := run("sqlite", batchPath)
			if len(wantRows) < 2*2000 { // more than one batch of the batch path
				t.Fatalf("only %d packages: the comparison needs the messy file", len(wantRows))
			}
			for _, c := range []struct {
				name string
				ship shipFunc
			}{{"postgres, batch", batchPath}, {"postgres, COPY", copyPath}} {
				gotRows, gotSums := run("postgres", c.ship)
				if !reflect.DeepEqual(gotSums, wantSums) {
					t.Errorf("%s: summaries %+v, want %+v (sqlite)", c.name, gotSums, wantSums)
				}
				if len(gotRows) != len(wantRows) {
					t.Errorf("%s: %d packages, want %d (sqlite)", c.name, len(gotRows), len(wantRows))
					continue
				}
				for i := range wantRows {
					if gotRows[i] != wantRows[i] {
						t.Errorf("%s: package %d\n got  %s\n want %s (sqlite)", c.name, i, gotRows[i], wantRows[i])
						break
					}
				}
			}
		})
	}
}

// The merge rule of one package's rows (testdata/traxtar README,
// "Package"), on both databases and so through both import paths.
func TestImportShipments_mergeRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const head = "order-id\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\tconfirmed-at\tdelivered-at\tfirst-scan-at\n"
		first := head +
			"A\t2019-10-12\tUSPS\t\t9400 1118 9922 3408 6175 11\tFirst-Class\t2019-10-12T18:00:00-05:00\t\t2019-10-12T20:00:00-05:00\n" +
			"B\t2019-10-13\tUSPS\t\t\tMedia Mail\t2019-10-13T18:00:00Z\t\t\n" +
			"A\t2019-10-11\tOther\tU.S.P.S.\t9400111899223408617511\tPriority\t2019-10-11T09:00:00Z\t2019-10-15T11:00:00-05:00\t\n" +
			"B\t2019-10-14\tUPS\t\t\tGround\t2019-10-12T18:00:00Z\t2019-10-16T10:00:00Z\t\n"
		if _, err := s.ImportShipments(t.Context(), rows(t, "first.tsv", []byte(first))); err != nil {
			t.Fatal(err)
		}
		// A later upload: a later confirmation (the first stays too), an
		// earlier delivery, a later ship date (the earliest stays), and a new
		// carrier (the last row wins).
		second := head +
			"A\t2019-10-13\tFedEx\t\t9400111899223408617511\tGround\t2019-10-16T09:00:00Z\t2019-10-14T11:00:00Z\t\n"
		sum, err := s.ImportShipments(t.Context(), rows(t, "second.tsv", []byte(second)))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows != 1 || sum.New != 0 {
			t.Errorf("second import: %d rows, %d new, want 1 row, 0 new", sum.Rows, sum.New)
		}
		want := []string{
			"A|9400111899223408617511|FedEx||Ground|2019-10-11|2019-10-16T09:00:00Z|2019-10-14T11:00:00Z|2019-10-13T01:00:00Z|2019-10-11T09:00:00Z",
			"B||UPS||Ground|2019-10-13|2019-10-13T18:00:00Z|2019-10-16T10:00:00Z||2019-10-12T18:00:00Z",
		}
		if got := dumpColumns(t, s, dataColumns); !reflect.DeepEqual(got, want) {
			t.Errorf("packages:\n got  %q\n want %q", got, want)
		}
	})
}

// A bad row stops the import with the reader's FILE:LINE error and keeps
// nothing of that file, on both databases (COPY on PostgreSQL).
func TestImportShipments_badRowKeepsNothing(t *testing.T) {
	sl := messySeller(t, 5, 5000)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.ImportOrders(t.Context(), sl.orders); err != nil {
			t.Fatal(err)
		}
		half := bytes.SplitAfter(sl.shipments, []byte("\n"))
		if _, err := s.ImportShipments(t.Context(), rows(t, "half.tsv", bytes.Join(half[:2500], nil))); err != nil {
			t.Fatal(err)
		}
		before := dump(t, s)
		// The whole file, with a bad date on line 4201: 4200 rows (more
		// than two batches) are read before it.
		bad := bytes.Join(half, nil)
		lines := bytes.Split(bad, []byte("\n"))
		f := bytes.Split(lines[4200], []byte("\t"))
		f[3] = []byte("2025-13-01") // ship-date
		lines[4200] = bytes.Join(f, []byte("\t"))
		bad = bytes.Join(lines, []byte("\n"))
		_, err := s.ImportShipments(t.Context(), rows(t, "bad.tsv", bad))
		var fe *flatfile.Error
		if !errors.As(err, &fe) || fe.Line != 4201 || !strings.HasPrefix(err.Error(), "bad.tsv:4201: ") {
			t.Fatalf("error = %v, want bad.tsv:4201: ...", err)
		}
		if after := dump(t, s); !reflect.DeepEqual(after, before) {
			t.Errorf("the failed import changed packages: %d rows before, %d after", len(before), len(after))
		}
		// The connection and the staging table are clean: the good file imports.
		sum, err := s.ImportShipments(t.Context(), rows(t, "good.tsv", sl.shipments))
		if err != nil {
			t.Fatalf("import after a failed one: %v", err)
		}
		if sum.Rows != len(half)-2 {
			t.Errorf("imported %d rows, want %d", sum.Rows, len(half)-2)
		}
	})
}

// An error from the database side (not the file) rolls back too.
func TestImportShipments_sourceErrorIsReturned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		boom := errors.New("disk on fire")
		n := 0
		_, err := s.ImportShipments(t.Context(), func() (*vtr.Package, error) {
			n++
			if n > 900 {
				return nil, boom
			}
			return &vtr.Package{OrderID: fmt.Sprint("O-", n), ShipDate: vtr.MustDate("2025-01-01")}, nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("error = %v, want the source's error", err)
		}
		if got := dump(t, s); len(got) != 0 {
			t.Errorf("%d packages kept after a failed import, want 0", len(got))
		}
		_, err = s.ImportShipments(t.Context(), func() (*vtr.Package, error) { return nil, io.EOF })
		if err != nil {
			t.Errorf("empty import after a failed one: %v", err)
		}
	})
}
