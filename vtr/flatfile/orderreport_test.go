package flatfile

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestKindOfOrders: the header tells the report (docs/files.md "Other
// Amazon reports with the same dates").
func TestKindOfOrders(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         OrdersKind
		refused      string // part of the refusal, "" when read
	}{
		{"all orders", "amazon-order-id\torder-status\tfulfillment-channel\tsku\titem-price", AllOrders, ""},
		{"all orders with dates", "amazon-order-id\tpromised-delivery-date\tlatest-ship-date", AllOrders, ""},
		{"order report", "order-id\torder-item-id\tpurchase-date\tlatest-ship-date\tlatest-delivery-date", OrderReport, ""},
		{"order report, ship date only", "order-id\tlatest-ship-date", OrderReport, ""},
		{"order report, CSV and capitals", "Order-ID,Latest-Delivery-Date", OrderReport, ""},
		{"unshipped orders", "order-id\torder-item-id\tpromise-date\tdays-past-promise", 0, "f.txt:1: this looks like the Unshipped Orders report (column promise-date)"},
		{"days-past-promise alone", "order-id\tdays-past-promise\tlatest-ship-date", 0, "(column days-past-promise)"},
		{"order report without dates", "order-id\torder-item-id\tsku", 0, "f.txt:1: an Order Report (order-id) without latest-ship-date or latest-delivery-date"},
		{"neither", "sku\tcategory", AllOrders, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader("f.txt", strings.NewReader(tc.header+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := KindOfOrders(r)
			var ref *Refused
			switch {
			case tc.refused == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.refused != "" && !errors.As(err, &ref):
				t.Fatalf("got %v, %v; want a refusal", got, err)
			case tc.refused != "" && !strings.Contains(err.Error(), tc.refused):
				t.Errorf("refusal %q does not hold %q", err, tc.refused)
			case tc.refused == "" && got != tc.want:
				t.Errorf("kind %d, want %d", got, tc.want)
			}
		})
	}
}

// TestReadOrderDates: one entry per order, its dates from the first row
// that has them; a row without order-id continues the order before it;
// a timestamp with a zone is the date in the marketplace's zone.
func TestReadOrderDates(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles") // vtr embeds time/tzdata
	if err != nil {
		t.Fatal(err)
	}
	file := "order-id\torder-item-id\tlatest-ship-date\tlatest-delivery-date\n" +
		"111-0000001-0000001\t1\t2019-10-12\t2019-10-15\n" +
		"\t\t\t\n" +
		"111-0000001-0000001\t2\t2019-10-13\t2019-10-16\n" + // a second item: the first row's dates stand
		"111-0000002-0000002\t3\t\t\n" +
		"111-0000002-0000002\t4\t2019-10-14T06:59:59Z\t2019-10-18T06:59:59Z\n" + // 23:59 the day before in LA
		"111-0000003-0000003\t5\t2019-10-14 10:00:00\t\n"
	r, err := NewReader("f.txt", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadOrderDates(r, la)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range got {
		at := ""
		if !d.LatestShipAt.IsZero() {
			at = d.LatestShipAt.UTC().Format(time.RFC3339)
		}
		b.WriteString(strings.Join([]string{d.OrderID, d.LatestShipDate.String(), at, d.PromisedDelivery.String()}, " ") + "\n")
	}
	want := "111-0000001-0000001 2019-10-12  2019-10-15\n" +
		"111-0000002-0000002 2019-10-13 2019-10-14T06:59:59Z 2019-10-17\n" +
		"111-0000003-0000003 2019-10-14  \n"
	if b.String() != want {
		t.Errorf("got\n%swant\n%s", b.String(), want)
	}
	r, _ = NewReader("f.txt", strings.NewReader("order-id\tlatest-ship-date\n111-0000001-0000001\tsoon\n"))
	if _, err := ReadOrderDates(r, la); err == nil || !strings.HasPrefix(err.Error(), `f.txt:2: latest-ship-date "soon" is not a date`) {
		t.Errorf("bad date: %v", err)
	}
}
