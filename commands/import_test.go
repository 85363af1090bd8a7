package commands_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// importFiles loads o.tsv, c.tsv and s.tsv of dir through the flat-file
// readers into s.
func importFiles(t testing.TB, s *store.Store, dir string) {
	t.Helper()
	ctx := context.Background()
	reader := func(name string) *flatfile.Reader {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		r, err := flatfile.NewReader(name, f)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	orders, err := flatfile.Orders(reader("o.tsv"), "US")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportOrders(ctx, orders); err != nil {
		t.Fatal(err)
	}
	cats := map[string]string{}
	if err := flatfile.ReadCategories(reader("c.tsv"), func(_ int, sku, c string) error { cats[sku] = c; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportCategories(ctx, cats); err != nil {
		t.Fatal(err)
	}
	sr := reader("s.tsv")
	if err := sr.Require("order-id", "ship-date", "carrier-code", "tracking-number"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportShipments(ctx, func() (*vtr.Package, error) {
		row, err := sr.Next()
		if err != nil {
			return nil, err
		}
		r, err := flatfile.DecodeShipment(row)
		return &r.Package, err
	}); err != nil && err != io.EOF {
		t.Fatal(err)
	}
}
