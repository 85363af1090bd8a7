package flatfile_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// BenchmarkOrderRows reads a 100,000-row All Orders report (UTF-8 with a
// few non-ASCII product names), as bot import orders streams it: the cost
// of line reading, byte checks and decoding per row.
func BenchmarkOrderRows(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsales-channel\tsku\tproduct-name\titem-price\tshipping-price\tpromised-delivery-date\tcategory\n")
	for i := range 100_000 {
		fmt.Fprintf(&buf, "111-%07d-%07d\t2019-10-%02dT10:00:00-07:00\tShipped\tMerchant\tAmazon.com\tSKU-%d\tCafé Jazz Vol. %d – 12\" Vinyl\t%d.99\t3.99\t2019-11-%02d\tMusic\n",
			i, i*7, 1+i%28, i%500, i, 5+i%40, 1+i%28)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := flatfile.NewReader("orders.tsv", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		next, err := flatfile.OrderRows(r, "US")
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
