package store_test

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// A NUL byte or a byte that is not UTF-8 gives the same answer on SQLite
// and PostgreSQL: one EINVALID error naming the record and the field, and
// nothing of that import kept. (SQLite stored such bytes as they were;
// PostgreSQL failed the whole file naming no row.)
func TestImport_textIsUTF8WithoutNUL(t *testing.T) {
	order := func(id, name string) *vtr.Order {
		return &vtr.Order{ID: id, SalesChannel: "Amazon.com", Marketplace: "US", Status: "Shipped", FulfillmentChannel: "Merchant",
			PurchaseDate: vtr.MustDate("2019-10-10"), Items: []vtr.Item{{SKU: "CD-1", Quantity: 1, Price: 1299, Name: name}}}
	}
	pkg := func(order, carrier string) *vtr.Package {
		return &vtr.Package{OrderID: order, ShipDate: vtr.MustDate("2019-10-11"), CarrierCode: carrier, TrackingNumber: "9400111899223408617511"}
	}
	imports := []struct {
		name string
		run  func(t *testing.T, s *store.Store, bad string) error
		want string // the error for bad = "caf\xe9"
	}{
		{"orders", func(t *testing.T, s *store.Store, bad string) error {
			_, err := s.ImportOrders(t.Context(), []*vtr.Order{order("111-1", "Jazz"), order("111-2", bad)})
			return err
		}, `order "111-2": product-name "caf\xe9" is not UTF-8 text`},
		{"shipments", func(t *testing.T, s *store.Store, bad string) error {
			list := []*vtr.Package{pkg("111-1", "USPS"), pkg("111-2", bad)}
			_, err := s.ImportShipments(t.Context(), func() (*vtr.Package, error) {
				if len(list) == 0 {
					return nil, io.EOF
				}
				p := list[0]
				list = list[1:]
				return p, nil
			})
			return err
		}, `package of order "111-2": carrier-code "caf\xe9" is not UTF-8 text`},
		{"categories", func(t *testing.T, s *store.Store, bad string) error {
			_, err := s.ImportCategories(t.Context(), map[string]string{"CD-1": "Music", "CD-2": bad})
			return err
		}, `sku "CD-2": category "caf\xe9" is not UTF-8 text`},
		{"vtr-report", func(t *testing.T, s *store.Store, bad string) error {
			_, err := s.ImportVTRReport(t.Context(), "r.csv", []flatfile.ReportRow{{OrderID: "111-1", Valid: true}, {OrderID: "111-2", Category: bad}})
			return err
		}, `report row of order "111-2": Product Category "caf\xe9" is not UTF-8 text`},
	}
	answers := map[string][]string{} // per database, the errors in order
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, im := range imports {
			for _, bad := range []string{"caf\xe9", "Mu\x00sic"} {
				err := im.run(t, s, bad)
				if vtr.ErrorCode(err) != vtr.EINVALID {
					t.Errorf("%s with %q: error %v (%s), want EINVALID", im.name, bad, err, vtr.ErrorCode(err))
				}
				if bad == "caf\xe9" && (err == nil || err.Error() != im.want) {
					t.Errorf("%s: error %v, want %s", im.name, err, im.want)
				}
				if bad != "caf\xe9" && (err == nil || !strings.HasSuffix(err.Error(), `"Mu\x00sic" holds a NUL byte`)) {
					t.Errorf("%s: error %v, want it to end %q", im.name, err, `"Mu\x00sic" holds a NUL byte`)
				}
				answers[string(s.Dialect())] = append(answers[string(s.Dialect())], vtr.ErrorMessage(err))
			}
		}
		counts, err := s.Counts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"orders", "order_items", "packages", "sku_categories", "vtr_report_rows"} {
			if counts[table] != 0 {
				t.Errorf("%d rows in %s after failed imports, want 0", counts[table], table)
			}
		}
	})
	if a, b := answers["sqlite"], answers["postgres"]; a != nil && b != nil && !reflect.DeepEqual(a, b) {
		t.Errorf("SQLite and PostgreSQL answer differently:\n%q\n%q", a, b)
	}
}
