package sample

import (
	"bufio"
	"fmt"
	"math/rand/v2"

	"github.com/vtrbot/vtrbot/vtr"
)

// Story is the demo seller, modelled on the seller in shared/seed: a small
// US shop of CDs, DVDs and books, everything by USPS (a few UPS), about 90
// merchant-fulfilled orders over the two months ending at End. Planted in
// it, as in the seed story: promo CD singles sent as letters under $10
// (exempt), one book confirmed as "Other" + "USPS" and one book with no
// tracking number (Books falls below 95% while the account is fine), a few
// late confirmations, a split shipment, two FBA orders, a cancellation, and
// a few packages with no delivery scan yet.
type Story struct {
	End vtr.Date
	// Verify is the tracking number of a package left unverified, which the
	// demo's carrier mail then verifies.
	Verify string
	// VerifyOrder is that package's order.
	VerifyOrder string
	// Today is End + 1: the demo's notices are dated today.
	Today vtr.Date
}

// WriteStory writes the demo seller's files and describes what it planted.
func WriteStory(end vtr.Date, f Files) (Story, error) {
	st := Story{End: end, Today: end.AddDays(1)}
	r := rand.New(rand.NewPCG(2019, 1115))
	ow, sw := bufio.NewWriter(f.Orders), bufio.NewWriter(f.Shipments)
	ow.WriteString(ordersHeader)
	sw.WriteString(shipmentsHeader)
	start := end.AddDays(-59)
	opt := Options{End: end, Days: 60}
	for i := 0; i < 92; i++ {
		g := newOrder(r, opt, start, i)
		// Spread purchases evenly so every window of the demo holds orders.
		g.purchased = start.AddDays(i * 60 / 92)
		g.lsd = g.purchased.AddDays(2)
		g.pdd = g.purchased.AddDays(5)
		s := &g.ships[0]
		s.date = g.purchased.AddDays(1)
		s.confirmed = s.date.Time(central).Add(18 * hour).Format(rfc3339)
		s.delivered, s.firstScan = g.pdd.AddDays(-1).Time(central).Add(time11).Format(rfc3339), ""
		g.items = []int{storyItem(i)}
		s.code, s.name, s.method = "USPS", "", "First-Class Package Service"
		if i%6 == 5 {
			s.code, s.method = "UPS", "UPS Ground"
		}
		s.number = number(r, s.code)
		switch i {
		case 7, 31, 58, 75: // promo CD single as a large envelope under $10: exempt
			g.items = []int{2}
			s.code, s.method, s.number = "USPS", "First-Class Mail Large Envelope", ""
		case 60: // a book confirmed with "Other" + "USPS": Amazon marks it invalid
			s.code, s.name, s.method = "Other", "USPS", "USPS Media Mail"
			s.number = number(r, "USPS")
		case 70: // a book confirmed without a tracking number
			s.method, s.number = "USPS Media Mail", ""
		case 12, 39, 66: // confirmed two days after the latest ship date (and delivered late)
			s.date = g.lsd.AddDays(2)
			s.confirmed = s.date.Time(central).Add(9 * hour).Format(rfc3339)
			s.delivered = s.date.AddDays(2).Time(central).Add(time11).Format(rfc3339)
		case 50: // two CDs in two envelopes: two packages
			g.items = []int{0, 1}
			t := *s
			t.number = number(r, "USPS")
			g.ships = append(g.ships, t)
		case 25, 71:
			g.fulfil = "Amazon"
		case 35:
			g.status = "Cancelled"
		}
		if i >= 84 && i%2 == 0 || i == 80 { // recent: no delivery scan recorded yet
			s.delivered = ""
			if i == 80 {
				st.Verify, st.VerifyOrder = s.number, g.id
			}
		}
		if i >= 89 { // not shipped yet
			g.status, g.ships = "Unshipped", nil
		}
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
			return st, err
		}
	}
	if err := ow.Flush(); err != nil {
		return st, err
	}
	return st, sw.Flush()
}

// storyItem picks the catalogue item of the i-th order: mostly music, a
// quarter movies, six books, one lobby card.
func storyItem(i int) int {
	switch {
	case i == 9 || i == 53 || i == 60 || i == 62 || i == 70 || i == 77:
		return 6 + i%2 // books
	case i == 15:
		return 8 // no category
	case i%4 == 1:
		return 4 + i%2 // movies
	case i%9 == 3:
		return 3 // vinyl
	}
	return i % 2 // CDs
}
