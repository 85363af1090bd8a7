package flatfile_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// TestSeedFiles reads the files FuzzReader starts from: each is a valid
// file of its kind.
func TestSeedFiles(t *testing.T) {
	for _, name := range []string{"orders.tsv", "shipments.tsv", "vtr-report-old.csv", "vtr-report-new.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for kind, err := range readAll(b) {
			if err == nil {
				continue
			}
			wantOK := (kind == "orders" && name == "orders.tsv") || (kind == "shipments" && name == "shipments.tsv") ||
				(kind == "report" && (name == "vtr-report-old.csv" || name == "vtr-report-new.tsv"))
			if wantOK {
				t.Errorf("%s as %s: %v", name, kind, err)
			}
		}
	}
}

// errLine is the shape of every error a reader returns: FILE:LINE: what.
var errLine = regexp.MustCompile(`^fuzz:[1-9][0-9]*: .`)

// readAll reads b as each kind of file and returns the errors, checking
// that whatever is read marshals.
func readAll(b []byte) map[string]error {
	out := map[string]error{}
	read := func(kind string, fn func(r *flatfile.Reader) error, charset ...string) {
		var cs *flatfile.Charset
		if len(charset) > 0 {
			cs, _ = flatfile.LookupCharset(charset[0])
		}
		r, err := flatfile.NewReaderCharset("fuzz", bytes.NewReader(b), cs)
		if err == nil {
			err = fn(r)
		}
		out[kind] = err
	}
	read("orders", func(r *flatfile.Reader) error {
		return flatfile.ReadOrders(r, "US", func(o flatfile.OrderRow) error { return marshals(o) })
	})
	read("shipments", func(r *flatfile.Reader) error {
		return flatfile.ReadShipments(r, func(s flatfile.ShipmentRow) error { return marshals(s) })
	})
	read("report", func(r *flatfile.Reader) error {
		return flatfile.ReadVTRReport(r, func(rr flatfile.ReportRow) error { return marshals(rr) })
	})
	categories := func(r *flatfile.Reader) error {
		return flatfile.ReadCategories(r, func(_ int, sku, cat string) error {
			// What reaches the store is UTF-8 text without NUL bytes.
			if !utf8.ValidString(sku+cat) || strings.ContainsRune(sku+cat, 0) {
				return errNotText
			}
			return nil
		})
	}
	read("categories", categories)
	read("categories in shift_jis", categories, "shift_jis")
	read("categories in windows-1252", categories, "windows-1252")
	read("categories in utf-16le", categories, "utf-16le")
	return out
}

var (
	errMarshal = errors.New("a decoded row does not marshal")
	errNotText = errors.New("a decoded value is not UTF-8 text without NUL")
)

func marshals(v any) error {
	if _, err := json.Marshal(v); err != nil {
		return errMarshal
	}
	return nil
}

// FuzzReader feeds arbitrary bytes to the orders, shipments, report and
// categories readers: none may panic, and every error is a *flatfile.Error
// that prints as FILE:LINE: what is wrong.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"orders.tsv", "shipments.tsv", "vtr-report-old.csv", "vtr-report-new.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, name := range []string{"orders.tsv", "shipments.tsv", "categories.tsv"} {
		// The shared fixtures, read in place when they are beside the checkout.
		if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "traxtar", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("a,b\n\"x\ny\",z\n"))
	f.Add([]byte("sku,category\n\"a\"\"b\",\"c\" \nd,e\"f\n"))
	f.Add([]byte("sku\tcategory\nCD-1\tcaf\xE9\nCD-2\tM\x00\n"))
	f.Add([]byte("\xFF\xFEs\x00k\x00u\x00\t\x00c\x00a\x00t\x00e\x00g\x00o\x00r\x00y\x00\n\x00a\x00\t\x00b\x00"))
	f.Add([]byte("sku,category\nJP-1,\x93\xfa\x96\x7b\n"))
	f.Add([]byte("order-id\tship-date\tcarrier-code\ttracking-number\n\"\t\"\"\t\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for kind, err := range readAll(b) {
			if err == nil {
				continue
			}
			if errors.Is(err, errMarshal) || errors.Is(err, errNotText) {
				t.Fatalf("%s: %v", kind, err)
			}
			var fe *flatfile.Error
			if !errors.As(err, &fe) {
				t.Fatalf("%s: error %T %q is not a *flatfile.Error", kind, err, err)
			}
			if !errLine.MatchString(err.Error()) {
				t.Fatalf("%s: error %q does not read FILE:LINE: what", kind, err)
			}
		}
	})
}
