// Package sample generates deterministic sample sellers as Amazon flat
// files (All Orders report, shipping confirmations, categories), for `bot
// demo`, tests that compare SQLite with PostgreSQL, and benchmarks. The same
// seed always gives the same bytes. It writes only to the io.Writers it is
// given.
package sample

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

// Options shape a generated seller.
type Options struct {
	Seed   uint64
	Orders int      // number of orders
	End    vtr.Date // last purchase date
	Days   int      // purchases spread over the Days ending at End
	// Messy adds what real files hold: split shipments, FBA rows,
	// cancellations, "Other" carriers, typos in numbers, missing promised
	// delivery dates, late uploads, duplicate rows, non-Amazon channels.
	Messy bool
}

// Files are where Generate writes.
type Files struct {
	Orders, Shipments, Categories io.Writer
}

var catalog = []struct {
	sku, category, name string
	price               string
}{
	{"SMP-CD-01", "Music", "Jazz Standards Vol. 1 (CD)", "12.99"},
	{"SMP-CD-02", "Music", "Blues at Midnight (CD)", "11.49"},
	{"SMP-CD-03", "Music", "Promo Single (CD)", "3.99"},
	{"SMP-LP-04", "Music", `Classic Rock 12" Vinyl`, "24.99"},
	{"SMP-DVD-01", "Movies & TV", "Western Double Feature (DVD)", "13.99"},
	{"SMP-DVD-02", "Movies & TV", "Silent Film Classics (DVD)", "15.99"},
	{"SMP-BK-01", "Books", "Field Guide to Ohio Birds", "14.50"},
	{"SMP-BK-02", "Books", "A History of Radio", "18.00"},
	{"SMP-LC-01", "", "Lobby Card Reprint", "9.50"},
}

const ordersHeader = "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\torder-channel\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-price\tshipping-tax\tship-country\tpromised-delivery-date\tlatest-ship-date\n"

const shipmentsHeader = "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\tconfirmed-at\tdelivered-at\tfirst-scan-at\n"

// Generate writes a seller's files.
func Generate(opt Options, f Files) error {
	if opt.Days < 1 {
		opt.Days = 60
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	ow, sw := bufio.NewWriterSize(f.Orders, 1<<16), bufio.NewWriterSize(f.Shipments, 1<<16)
	ow.WriteString(ordersHeader)
	sw.WriteString(shipmentsHeader)
	start := opt.End.AddDays(-(opt.Days - 1))
	for i := 0; i < opt.Orders; i++ {
		g := newOrder(r, opt, start, i)
		g.write(ow, sw)
	}
	if f.Categories != nil {
		cw := bufio.NewWriter(f.Categories)
		cw.WriteString("sku\tcategory\n")
		for _, c := range catalog {
			if c.category != "" {
				fmt.Fprintf(cw, "%s\t%s\n", c.sku, c.category)
			}
		}
		if err := cw.Flush(); err != nil {
			return err
		}
	}
	if err := ow.Flush(); err != nil {
		return err
	}
	return sw.Flush()
}

type genOrder struct {
	id, status, channel, fulfil, country string
	purchased, pdd, lsd                  vtr.Date
	items                                []int // catalog indexes
	ships                                []genShip
	shipping                             string
}

type genShip struct {
	date                            vtr.Date
	code, name, number, method      string
	confirmed, delivered, firstScan string
}

func newOrder(r *rand.Rand, opt Options, start vtr.Date, i int) *genOrder {
	g := &genOrder{
		id:      fmt.Sprintf("%03d-%07d-%07d", 111+r.IntN(3), r.IntN(1e7), r.IntN(1e7)),
		status:  "Shipped",
		channel: "Amazon.com",
		fulfil:  "Merchant",
		country: "US",
	}
	g.purchased = start.AddDays(r.IntN(opt.Days))
	g.lsd = g.purchased.AddDays(2)
	g.pdd = g.purchased.AddDays(5 + r.IntN(3))
	g.items = []int{r.IntN(len(catalog))}
	if r.IntN(12) == 0 {
		g.items = append(g.items, r.IntN(len(catalog)))
	}
	g.shipping = "3.99"
	ship := g.purchased.AddDays(r.IntN(2) + 1)
	s := genShip{date: ship, code: "USPS", method: "First-Class Package Service"}
	switch {
	case catalog[g.items[0]].sku == "SMP-CD-03" && len(g.items) == 1:
		s.method = "First-Class Mail Large Envelope" // a letter under $10: exempt
	case r.IntN(5) == 0:
		s.code, s.method = "UPS", "UPS Ground"
	}
	if s.method != "First-Class Mail Large Envelope" {
		s.number = number(r, s.code)
	}
	confirmed := ship.Time(central).Add(18 * hour)
	s.confirmed = confirmed.Format(rfc3339)
	delivered := g.pdd.AddDays(-r.IntN(3)).Time(central).Add(time11)
	if r.IntN(10) > 0 {
		s.delivered = delivered.Format(rfc3339)
	}
	g.ships = []genShip{s}
	if opt.Messy {
		g.mess(r)
	}
	return g
}

func (g *genOrder) write(ow, sw *bufio.Writer) {
	pdd := g.pdd.String()
	for n, it := range g.items {
		c := catalog[it]
		ship := g.shipping
		if n > 0 {
			ship = "0.00"
		}
		fmt.Fprintf(ow, "%s\t\t%sT17:40:00+00:00\t%sT17:40:00+00:00\t%s\t%s\t%s\t\tStandard\t%s\t%s\tB00%07d\t%s\t1\tUSD\t%s\t0.00\t%s\t0.00\t%s\t%s\t%s\n",
			g.id, g.purchased, g.lsd, g.status, g.fulfil, g.channel, c.name, c.sku, it, g.status, c.price, ship, g.country, pdd, g.lsd)
	}
	if g.status == "Cancelled" || g.status == "Unshipped" || strings.EqualFold(g.fulfil, "Amazon") {
		return
	}
	for k, s := range g.ships {
		fmt.Fprintf(sw, "%s\t%d\t1\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			g.id, 40000000000000+k, s.date, s.code, s.name, s.number, s.method, s.confirmed, s.delivered, s.firstScan)
	}
}
