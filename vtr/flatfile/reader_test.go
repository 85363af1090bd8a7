package flatfile_test

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// readOrders reads an orders file given as a string.
func readOrders(t *testing.T, text string) ([]flatfile.OrderRow, error) {
	t.Helper()
	r, err := flatfile.NewReader("orders.tsv", strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	var rows []flatfile.OrderRow
	err = flatfile.ReadOrders(r, "US", func(o flatfile.OrderRow) error { rows = append(rows, o); return nil })
	return rows, err
}

func readShipments(t *testing.T, text string) ([]flatfile.ShipmentRow, error) {
	t.Helper()
	r, err := flatfile.NewReader("shipments.tsv", strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	var rows []flatfile.ShipmentRow
	err = flatfile.ReadShipments(r, func(s flatfile.ShipmentRow) error { rows = append(rows, s); return nil })
	return rows, err
}

const ordersHead = "amazon-order-id\torder-status\tfulfillment-channel\tsales-channel\tsku\tproduct-name\titem-price\tshipping-price\tpromised-delivery-date\n"

func TestReader_fileRules(t *testing.T) {
	plain := ordersHead +
		"111-1\tShipped\tMerchant\tAmazon.com\tLP-1\tRock 12\" Vinyl\t24.99\t3.99\t2019-10-30\n" +
		"111-2\tShipped\tMerchant\t\tCD-1\tJazz\t12.99\t\t2019-10-31T23:00:00-07:00\n"
	want := []struct {
		line              int
		id, market, name  string
		price, ship       vtr.Amount
		pdd               string
		sku, salesChannel string
	}{
		{2, "111-1", "US", `Rock 12" Vinyl`, 24_9900, 3_9900, "2019-10-30", "LP-1", "Amazon.com"},
		{3, "111-2", "US", "Jazz", 12_9900, 0, "2019-10-31", "CD-1", ""},
	}
	tests := []struct {
		name  string
		text  string
		lines []int // line numbers of the two rows, when they moved
	}{
		{"plain", plain, nil},
		{"UTF-8 BOM", "\uFEFF" + plain, nil},
		{"CRLF", strings.ReplaceAll(plain, "\n", "\r\n"), nil},
		{"columns in another order, upper case", "SKU\tItem-Price\tProduct-Name\tShipping-Price\tPromised-Delivery-Date\tSales-Channel\tFulfillment-Channel\tOrder-Status\tAmazon-Order-Id\n" +
			"LP-1\t24.99\tRock 12\" Vinyl\t3.99\t2019-10-30\tAmazon.com\tMerchant\tShipped\t111-1\n" +
			"CD-1\t12.99\tJazz\t\t2019-10-31T23:00:00-07:00\t\tMerchant\tShipped\t111-2\n", nil},
		{"extra columns", strings.Replace(strings.Replace(strings.Replace(plain,
			"\n", "\tasin\tgift-wrap-price\n", 1),
			"2019-10-30\n", "2019-10-30\tB000\t0.00\n", 1),
			"-07:00\n", "-07:00\tB001\t\n", 1), nil},
		{"blank lines skipped, line numbers still count them", ordersHead + "\n" +
			strings.SplitAfter(plain, "\n")[1] + "  \t \n\n" + strings.SplitAfter(plain, "\n")[2], []int{3, 6}},
		{"values trimmed", strings.ReplaceAll(strings.ReplaceAll(plain, "\t", " \t "), "\n", " \n"), nil},
		{"no final newline", strings.TrimSuffix(plain, "\n"), nil},
		{"whole fields in CSV quotes are unwrapped", ordersHead +
			"\"111-1\"\tShipped\tMerchant\tAmazon.com\tLP-1\t\"Rock 12\"\" Vinyl\"\t24.99\t3.99\t2019-10-30\n" +
			"111-2\tShipped\tMerchant\t\t\"CD-1\"\tJazz\t\"12.99\"\t\t2019-10-31T23:00:00-07:00\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readOrders(t, tt.text)
			if err != nil {
				t.Fatalf("ReadOrders: %v", err)
			}
			if len(rows) != len(want) {
				t.Fatalf("read %d rows, want %d", len(rows), len(want))
			}
			for i, w := range want {
				got := rows[i]
				line := w.line
				if tt.lines != nil {
					line = tt.lines[i]
				}
				if got.Line != line {
					t.Errorf("row %d: Line = %d, want %d", i, got.Line, line)
				}
				if got.Order.ID != w.id || got.Order.Marketplace != w.market || got.Order.SalesChannel != w.salesChannel {
					t.Errorf("row %d: order %q market %q channel %q, want %q %q %q", i, got.Order.ID, got.Order.Marketplace,
						got.Order.SalesChannel, w.id, w.market, w.salesChannel)
				}
				if got.Item.Name != w.name || got.Item.SKU != w.sku || got.Item.Price != w.price || got.Item.Shipping != w.ship {
					t.Errorf("row %d: item %+v, want name %q sku %q price %s shipping %s", i, got.Item, w.name, w.sku, w.price, w.ship)
				}
				if got.Order.PromisedDelivery.String() != w.pdd {
					t.Errorf("row %d: PromisedDelivery = %s, want %s (the timestamp's own date, no zone conversion)", i, got.Order.PromisedDelivery, w.pdd)
				}
			}
		})
	}
}

func TestReader_quotesAreOrdinaryInTSV(t *testing.T) {
	tests := []struct{ field, want string }{
		{`Classic Rock 12" Vinyl`, `Classic Rock 12" Vinyl`},
		{`"Quoted" at the start`, `"Quoted" at the start`},
		{`12" x 15" flat`, `12" x 15" flat`},
		{`"a lone " quote"`, `"a lone " quote"`},
		{`""`, ``},
		{`"with ""doubled"" quotes"`, `with "doubled" quotes`},
		{`"comma, inside"`, `comma, inside`},
	}
	for _, tt := range tests {
		rows, err := readOrders(t, ordersHead+"111-1\tShipped\tMerchant\tAmazon.com\tS\t"+tt.field+"\t1.00\t\t\n")
		if err != nil {
			t.Fatalf("%s: %v", tt.field, err)
		}
		if got := rows[0].Item.Name; got != tt.want {
			t.Errorf("product-name %s read as %q, want %q", tt.field, got, tt.want)
		}
	}
}

func TestReader_errors(t *testing.T) {
	const shipHead = "order-id\tship-date\tcarrier-code\ttracking-number\tconfirmed-at\tquantity\n"
	tests := []struct {
		name, kind, text, want string
	}{
		{"empty file", "orders", "", "orders.tsv:1: empty file: want a header row"},
		{"only blank lines", "orders", "\n\r\n  \n", "orders.tsv:1: empty file: want a header row"},
		{"missing column is line 1", "orders", "amazon-order-id\torder-status\tsku\titem-price\nX\tShipped\tS\t1\n",
			`orders.tsv:1: missing column "fulfillment-channel"`},
		{"bad amount", "orders", ordersHead + "111-1\tShipped\tMerchant\t\tS\tN\t$12.99\t\t\n",
			`orders.tsv:2: item-price "$12.99" is not an amount (want a plain decimal such as 12.99)`},
		{"thousands separator", "orders", ordersHead + "\n111-1\tShipped\tMerchant\t\tS\tN\t1,299.00\t\t\n",
			`orders.tsv:3: item-price "1,299.00" is not an amount`},
		{"bad promised date", "orders", ordersHead + "111-1\tShipped\tMerchant\t\tS\tN\t1.00\t\t10/30/2019\n",
			`orders.tsv:2: promised-delivery-date "10/30/2019" is not a date (want YYYY-MM-DD)`},
		{"empty order id", "orders", ordersHead + "111-1\tShipped\tMerchant\t\tS\tN\t1.00\t\t\n\tShipped\tMerchant\t\tS\tN\t1.00\t\t\n",
			`orders.tsv:3: amazon-order-id is empty`},
		{"bad ship date", "shipments", shipHead + "A\t2019-10-25\tUSPS\t1\t\t\nB\t2019-13-01\tUSPS\t2\t\t\n",
			`shipments.tsv:3: ship-date "2019-13-01" is not a date (want YYYY-MM-DD)`},
		{"empty ship date", "shipments", shipHead + "A\t\tUSPS\t1\t\t\n", `shipments.tsv:2: ship-date is empty`},
		{"timestamp without a zone", "shipments", shipHead + "A\t2019-10-25\tUSPS\t1\t2019-10-25T18:00:00\t\n",
			`shipments.tsv:2: confirmed-at "2019-10-25T18:00:00" is not a timestamp`},
		{"quantity zero", "shipments", shipHead + "A\t2019-10-25\tUSPS\t1\t\t0\n",
			`shipments.tsv:2: quantity "0" is not a whole number of at least 1`},
		{"quantity not whole", "shipments", shipHead + "A\t2019-10-25\tUSPS\t1\t\t1.5\n",
			`shipments.tsv:2: quantity "1.5" is not a whole number of at least 1`},
		{"CRLF keeps line numbers", "shipments", strings.ReplaceAll(shipHead+"A\t2019-10-25\tUSPS\t1\t\t\n\nB\t2019-10-32\tUSPS\t2\t\t\n", "\n", "\r\n"),
			`shipments.tsv:4: ship-date "2019-10-32" is not a date`},
		{"missing shipments column", "shipments", "order-id\tship-date\ttracking-number\n", `shipments.tsv:1: missing column "carrier-code"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.kind == "orders" {
				_, err = readOrders(t, tt.text)
			} else {
				_, err = readShipments(t, tt.text)
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			var fe *flatfile.Error
			if !errors.As(err, &fe) {
				t.Errorf("error %T %v, want a *flatfile.Error", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start %q", err, tt.want)
			}
		})
	}
}

func TestReadShipments(t *testing.T) {
	text := "\uFEFFtracking-number\tcarrier-name\tship-method\tcarrier-code\torder-id\tship-date\tconfirmed-at\tdelivered-at\tfirst-scan-at\r\n" +
		"9400 1118 9922 3408 6175 11\t\tFirst-Class Package\tusps\t111-1\t2019-10-25\t2019-10-25T18:00:00-05:00\t2019-10-28T11:00:00-05:00\t\r\n" +
		"\t\tMedia Mail\tUSPS\t111-2\t2019-10-26T10:00:00Z\t\t\t\r\n"
	rows, err := readShipments(t, text)
	if err != nil {
		t.Fatal(err)
	}
	want := []flatfile.ShipmentRow{
		{Line: 2, Package: vtr.Package{OrderID: "111-1", TrackingNumber: "9400111899223408617511", CarrierCode: "usps",
			ShipMethod: "First-Class Package", ShipDate: vtr.MustDate("2019-10-25"),
			ConfirmedAt: mustTime(t, "2019-10-25T18:00:00-05:00"), DeliveredAt: mustTime(t, "2019-10-28T11:00:00-05:00")}},
		{Line: 3, Package: vtr.Package{OrderID: "111-2", CarrierCode: "USPS", ShipMethod: "Media Mail", ShipDate: vtr.MustDate("2019-10-26")}},
	}
	if len(rows) != len(want) {
		t.Fatalf("read %d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		g, w := rows[i], want[i]
		if g.Line != w.Line || g.Package.OrderID != w.Package.OrderID || g.Package.TrackingNumber != w.Package.TrackingNumber ||
			g.Package.CarrierCode != w.Package.CarrierCode || g.Package.ShipMethod != w.Package.ShipMethod ||
			g.Package.ShipDate != w.Package.ShipDate || !g.Package.ConfirmedAt.Equal(w.Package.ConfirmedAt) ||
			!g.Package.DeliveredAt.Equal(w.Package.DeliveredAt) || !g.Package.FirstScanAt.Equal(w.Package.FirstScanAt) {
			t.Errorf("row %d:\n got  %+v\n want %+v", i, g, w)
		}
	}
}

// Packages streams the same packages as ReadShipments, then io.EOF; a
// missing column or a bad row is the reader's FILE:LINE error.
func TestPackages(t *testing.T) {
	const head = "order-id\tship-date\tcarrier-code\ttracking-number\n"
	tests := []struct {
		name, text string
		want       []string // order-id|ship-date per package
		wantErr    string
	}{
		{"two rows", head + "111-1\t2019-10-25\tUSPS\t9400\n111-2\t2019-10-26\tUPS\t1Z\n",
			[]string{"111-1|2019-10-25", "111-2|2019-10-26"}, ""},
		{"header only", head, nil, ""},
		{"missing column", "order-id\tship-date\n", nil, "s.tsv:1: "},
		{"bad date on line 3", head + "111-1\t2019-10-25\tUSPS\t9400\n111-2\t2019-13-01\tUSPS\t9401\n",
			[]string{"111-1|2019-10-25"}, "s.tsv:3: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := flatfile.NewReader("s.tsv", strings.NewReader(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			next, err := flatfile.Packages(r)
			for err == nil {
				var p *vtr.Package
				if p, err = next(); err == nil {
					got = append(got, p.OrderID+"|"+p.ShipDate.String())
				}
			}
			if tt.wantErr == "" && !errors.Is(err, io.EOF) || tt.wantErr != "" && !strings.HasPrefix(fmt.Sprint(err), tt.wantErr) {
				t.Errorf("error %v, want %q", err, cmp.Or(tt.wantErr, "io.EOF"))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("packages %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadCategories_tsvAndCSV(t *testing.T) {
	want := map[string]string{"CD-1": "Music", "DVD-1": "Movies & TV", "BK-1": "Books, Rare"}
	tests := []struct{ name, text string }{
		{"TSV", "sku\tcategory\nCD-1\tMusic\nDVD-1\tMovies & TV\nBK-1\tBooks, Rare\n"},
		{"CSV with quoting", "\uFEFFSKU,Category,notes\r\nCD-1,Music,\r\n\"DVD-1\",\"Movies & TV\",x\r\n\r\nBK-1,\"Books, Rare\",\"a \"\"rare\"\" one\"\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := flatfile.NewReader("categories", strings.NewReader(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			if err := flatfile.ReadCategories(r, func(_ int, sku, cat string) error { got[sku] = cat; return nil }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("categories = %v, want %v", got, want)
			}
		})
	}
	r, _ := flatfile.NewReader("c.csv", strings.NewReader("sku,category\nCD-1,Music\nCD-2,\n"))
	err := flatfile.ReadCategories(r, func(int, string, string) error { return nil })
	if err == nil || err.Error() != `c.csv:3: category is empty for sku "CD-2"` {
		t.Errorf("error = %v, want c.csv:3: category is empty for sku \"CD-2\"", err)
	}
}

func TestReadVTRReport_bothVerdictStyles(t *testing.T) {
	tests := []struct {
		name, text string
		want       []bool // Valid per row
	}{
		{"older: X in No Valid Tracking", "Order ID,Carrier Name,Tracking ID,Promised Delivery Date,Ship Method,Package Value,Product Category,No Valid Tracking\n" +
			"111-1,USPS,9400 1118 9922 3408 6175 11,10/30/2019,First-Class,18.49,Books,\n" +
			"111-2,USPS,,2019-10-31,Media Mail,18.49,Books,X\n", []bool{true, false}},
		{"newer: Yes/No in Has Valid Tracking Number, TSV, other header spelling", "order-id\ttracking_id\tpromised-delivery-date\thas-valid-tracking-number\textra\n" +
			"111-1\t9400111899223408617511\t2019-10-30\tYes\tz\n111-2\t\t\tno\t\n", []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := flatfile.NewReader("report", strings.NewReader(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			var rows []flatfile.ReportRow
			if err := flatfile.ReadVTRReport(r, func(rr flatfile.ReportRow) error { rows = append(rows, rr); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tt.want) {
				t.Fatalf("read %d rows, want %d", len(rows), len(tt.want))
			}
			for i, w := range tt.want {
				if rows[i].Valid != w {
					t.Errorf("row %d (line %d): Valid = %v, want %v", i, rows[i].Line, rows[i].Valid, w)
				}
			}
			if rows[0].TrackingNumber != "9400111899223408617511" || rows[0].PromisedDelivery.String() != "2019-10-30" {
				t.Errorf("row 0: tracking %q PDD %s, want the normalised number and 2019-10-30", rows[0].TrackingNumber, rows[0].PromisedDelivery)
			}
		})
	}
	bad := []struct{ text, want string }{
		{"Order ID,Tracking ID\n1,2\n", `report:1: missing column "Has Valid Tracking Number"`},
		{"Tracking ID,No Valid Tracking\n1,X\n", `report:1: missing column "Order ID"`},
		{"Order ID,Has Valid Tracking Number\n1,Yes\n2,Maybe\n", `report:3: Has Valid Tracking Number "Maybe": want Yes or No`},
		{"Order ID,Promised Delivery Date,No Valid Tracking\n1,13/45/2019,\n", `report:2: Promised Delivery Date "13/45/2019" is not a date`},
	}
	for _, b := range bad {
		r, err := flatfile.NewReader("report", strings.NewReader(b.text))
		if err == nil {
			err = flatfile.ReadVTRReport(r, func(flatfile.ReportRow) error { return nil })
		}
		if err == nil || !strings.HasPrefix(err.Error(), b.want) {
			t.Errorf("report %q: error %v, want %q", b.text, err, b.want)
		}
	}
}

// The shared traxtar files read without error, row for row.
func TestReader_traxtarFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "testdata", "traxtar")
	b, err := os.ReadFile(filepath.Join(dir, "orders.tsv"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared fixtures not beside the checkout: %v", err)
		}
		t.Skipf("shared fixtures not beside the checkout: %v (CI makes this fatal)", err)
	}
	rows, err := readOrders(t, string(b))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range rows {
		ids[r.Order.ID] = true
	}
	if len(ids) != 107 {
		t.Errorf("orders.tsv has %d distinct orders, want 107 (README)", len(ids))
	}
	b, err = os.ReadFile(filepath.Join(dir, "shipments.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readShipments(t, string(b)); err != nil {
		t.Fatal(err)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Orders groups a report's rows (one per item) into orders, in the order
// they first appear; an order's own fields come from its first row.
func TestOrders_groupsItems(t *testing.T) {
	text := "amazon-order-id\torder-status\tfulfillment-channel\tsales-channel\tsku\titem-price\n" +
		"111-2\tShipped\tMerchant\tAmazon.com\tCD-1\t9.99\n" +
		"111-1\tShipped\tMerchant\tAmazon.com\tBK-1\t12.00\n" +
		"111-2\tCancelled\tMerchant\tAmazon.com\tCD-2\t5.00\n"
	r, err := flatfile.NewReader("orders.tsv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	orders, err := flatfile.Orders(r, "US")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range orders {
		skus := make([]string, len(o.Items))
		for i, it := range o.Items {
			skus[i] = it.SKU
		}
		got = append(got, o.ID+" "+o.Status+" "+strings.Join(skus, ","))
	}
	want := []string{"111-2 Shipped CD-1,CD-2", "111-1 Shipped BK-1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("orders %q, want %q", got, want)
	}
}

// OrderRows streams the same report a row at a time: each row's order with
// that row's one item, the same order again for its next row, then io.EOF;
// a bad row is its FILE:LINE error.
func TestOrderRows_rowAtATime(t *testing.T) {
	text := "amazon-order-id\torder-status\tfulfillment-channel\tsales-channel\tsku\titem-price\n" +
		"111-2\tShipped\tMerchant\tAmazon.com\tCD-1\t9.99\n" +
		"111-1\tShipped\tMerchant\tAmazon.com\tBK-1\t12.00\n" +
		"111-2\tCancelled\tMerchant\tAmazon.com\tCD-2\t5.00\n" +
		"111-3\tShipped\tMerchant\tAmazon.com\tCD-3\tfree\n"
	r, err := flatfile.NewReader("orders.tsv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	next, err := flatfile.OrderRows(r, "US")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		o, err := next()
		if err != nil {
			got = append(got, err.Error())
			break
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %d items", o.ID, o.Marketplace, o.Status, o.Items[0].SKU, len(o.Items)))
	}
	want := []string{"111-2 US Shipped CD-1 1 items", "111-1 US Shipped BK-1 1 items", "111-2 US Cancelled CD-2 1 items",
		`orders.tsv:5: item-price "free" is not an amount (want a plain decimal such as 12.99)`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
	r, _ = flatfile.NewReader("empty.tsv", strings.NewReader(text[:strings.Index(text, "\n")+1]))
	next, _ = flatfile.OrderRows(r, "US")
	if _, err := next(); !errors.Is(err, io.EOF) {
		t.Errorf("next of a header-only file: %v, want io.EOF", err)
	}
}

// TestReadOrders_storeSpellings: the All Orders report of some stores names
// two columns otherwise (docs/files.md "Other Amazon reports"): the Spanish
// and Dutch quantity-purchased, the Australian fulfilment-channel. They are
// read as quantity and fulfillment-channel; a file with both spellings keeps
// the usual one.
func TestReadOrders_storeSpellings(t *testing.T) {
	for _, tt := range []struct {
		name, head, row string
		channel         string
		qty             int
	}{
		{"usual", "amazon-order-id\torder-status\tfulfillment-channel\tsku\titem-price\tquantity", "111-1\tShipped\tMerchant\tCD-1\t9.99\t3", "Merchant", 3},
		{"ES, NL: quantity-purchased", "amazon-order-id\torder-status\tfulfillment-channel\tsku\titem-price\tquantity-purchased", "111-1\tShipped\tMerchant\tCD-1\t9.99\t2", "Merchant", 2},
		{"AU: fulfilment-channel", "amazon-order-id\torder-status\tfulfilment-channel\tsku\titem-price", "111-1\tShipped\tMerchant\tCD-1\t9.99", "Merchant", 1},
		{"both spellings: the usual wins", "amazon-order-id\torder-status\tfulfillment-channel\tsku\titem-price\tquantity\tquantity-purchased", "111-1\tShipped\tMerchant\tCD-1\t9.99\t4\t7", "Merchant", 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readOrders(t, tt.head+"\n"+tt.row+"\n")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Order.FulfillmentChannel != tt.channel || rows[0].Item.Quantity != tt.qty {
				t.Errorf("rows %+v, want channel %q and quantity %d", rows, tt.channel, tt.qty)
			}
		})
	}
}
