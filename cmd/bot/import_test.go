package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

func counts(t *testing.T, db string) map[string]int {
	t.Helper()
	s, err := store.Open(context.Background(), db, store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestImport_twiceChangesNothing(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			importTraxtar(t, db)
			first := counts(t, db)
			if first["orders"] != 107 || first["packages"] == 0 {
				t.Fatalf("after the first import: %v", first)
			}
			importTraxtar(t, db)
			if again := counts(t, db); !reflect.DeepEqual(first, again) {
				t.Errorf("second import changed row counts:\n first %v\n again %v", first, again)
			}
		})
	}
}

func TestImport_summary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	dir := sharedPath(t, "testdata/traxtar")
	out := runOK(t, db, "import", "orders", filepath.Join(dir, "orders.tsv"))
	if !strings.Contains(out, "imported 107 orders") {
		t.Errorf("summary = %q, want it to say 107 orders", out)
	}
}

// badShipments writes the traxtar shipments with line 37's ship-date broken.
func badShipments(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedPath(t, "testdata/traxtar"), "shipments.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	f := strings.Split(lines[36], "\t")
	f[3] = "2019-13-01" // ship-date
	lines[36] = strings.Join(f, "\t")
	p := filepath.Join(t.TempDir(), "shipments.tsv")
	os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
	return p
}

func TestImport_badRowKeepsNothing(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			bad := badShipments(t)
			env, _, errb := testEnv(t, db)
			code := run(context.Background(), []string{"import", "shipments", bad}, env)
			if code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			want := fmt.Sprintf("%s:37: ship-date \"2019-13-01\" is not a date (want YYYY-MM-DD)\n", bad)
			if errb.String() != want {
				t.Errorf("stderr = %q, want %q", errb.String(), want)
			}
			if c := counts(t, db); c["packages"] != 0 {
				t.Errorf("packages = %d after a failed import, want 0", c["packages"])
			}
		})
	}
}

func TestImport_fileRules(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	// BOM, CRLF, other column order, extra columns, a quoted field, a blank line.
	orders := "\uFEFFsku\titem-price\textra\tfulfillment-channel\torder-status\tamazon-order-id\tsales-channel\tpromised-delivery-date\r\n" +
		"\"A-1\"\t12.00\tx\tMerchant\tShipped\t111-0000000-0000001\tAmazon.com\t2024-05-10\r\n" +
		"\r\n" +
		"B-2\t3.00\ty\tMerchant\tShipped\t111-0000000-0000001\tAmazon.com\t2024-05-10\r\n"
	os.WriteFile(filepath.Join(dir, "o.tsv"), []byte(orders), 0o644)
	ships := "order-id\tcarrier-code\tship-date\ttracking-number\tship-method\n" +
		"111-0000000-0000001\tUSPS\t2024-05-07\t9400 1118 9922 3408 6175 11\tPriority\n"
	os.WriteFile(filepath.Join(dir, "s.tsv"), []byte(ships), 0o644)
	if out := runOK(t, db, "import", "orders", filepath.Join(dir, "o.tsv")); !strings.Contains(out, "imported 1 orders, 2 items") {
		t.Errorf("orders summary %q", out)
	}
	runOK(t, db, "import", "shipments", filepath.Join(dir, "s.tsv"))
	got := runOK(t, db, "vtr", "status", "--from", "2024-05-01", "--to", "2024-05-31", "--json")
	if !strings.Contains(got, `"eligible":1`) {
		t.Errorf("status = %s, want one eligible package", got)
	}
}

func TestImport_missingColumn(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.tsv")
	os.WriteFile(p, []byte("order-id\tship-date\n1\t2019-01-01\n"), 0o644)
	env, _, errb := testEnv(t, filepath.Join(dir, "v.db"))
	if code := run(context.Background(), []string{"import", "shipments", p}, env); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.HasPrefix(errb.String(), p+`:1: missing column "carrier-code"`) {
		t.Errorf("stderr = %q", errb.String())
	}
}
