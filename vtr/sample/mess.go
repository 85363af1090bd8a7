package sample

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

const (
	hour    = time.Hour
	time11  = 11 * time.Hour
	rfc3339 = time.RFC3339
)

// central is the seller's zone in generated timestamps (UTC-5, like Ohio in winter).
var central = time.FixedZone("EST", -5*3600)

// mess turns a clean order into one of the shapes real files hold.
func (g *genOrder) mess(r *rand.Rand) {
	s := &g.ships[0]
	switch r.IntN(24) {
	case 0: // split shipment: a second package with its own number
		t := *s
		t.number = number(r, t.code)
		t.date = t.date.AddDays(1)
		g.ships = append(g.ships, t)
	case 1:
		g.fulfil = "Amazon" // FBA: never counted
	case 2:
		g.status = "Cancelled"
	case 3: // carrier typed under Other
		s.name, s.code = []string{"USPS", "U.S.P.S.", "usps ", "United States Postal Service"}[r.IntN(4)], "Other"
	case 4: // typo: one digit changed
		b := []byte(s.number)
		if len(b) > 5 {
			b[len(b)-3] = '0' + (b[len(b)-3]-'0'+1)%10
		}
		s.number = string(b)
	case 5:
		g.pdd = vtr.Date{} // no promised delivery date: the ship date counts
	case 6: // confirmed after delivery
		if s.delivered != "" {
			d, _ := time.Parse(rfc3339, s.delivered)
			s.confirmed = d.Add(20 * hour).Format(rfc3339)
		}
	case 7: // the same row uploaded twice, with spaces in the number
		t := *s
		t.number = spaced(t.number)
		g.ships = append(g.ships, t)
	case 8:
		s.number = ""
	case 9: // wrong carrier for the number
		if s.code == "USPS" {
			s.code = "UPS"
		} else {
			s.code = "FedEx"
		}
	case 10:
		g.channel = "Non-Amazon"
	case 11:
		s.code, s.number = "China Post", number(r, "USPS") // wrong leg
	case 12: // late confirmation: shipped after the latest ship date
		s.date = g.lsd.AddDays(2)
		s.confirmed = s.date.Time(central).Add(18 * hour).Format(rfc3339)
	case 13:
		g.status = "Unshipped"
	case 14:
		s.code, s.name = "Other", "Bob's Courier"
	}
}

func spaced(n string) string {
	var b strings.Builder
	for i, c := range n {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// number makes a tracking number of the carrier with a correct check digit.
func number(r *rand.Rand, carrier string) string {
	switch carrier {
	case "UPS":
		b := []byte("1Z")
		for range 15 {
			if len(b) >= 4 && len(b) < 8 && r.IntN(2) == 0 {
				b = append(b, 'A'+byte(r.IntN(26)))
			} else {
				b = append(b, '0'+byte(r.IntN(10)))
			}
		}
		return string(append(b, '0'+upsCheck(b[2:])))
	default: // USPS IMpb, 22 digits starting 9400 1118 99
		b := []byte("9400111899")
		for range 11 {
			b = append(b, '0'+byte(r.IntN(10)))
		}
		return string(append(b, '0'+mod10(b, 3, 1)))
	}
}

// mod10 computes the check digit over digits with weights w1 (rightmost data
// digit), w2, w1, ... from the right (USPS IMpb: 3, 1).
func mod10(digits []byte, w1, w2 int) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		w := w1
		if (len(digits)-1-i)%2 == 1 {
			w = w2
		}
		sum += int(digits[i]-'0') * w
	}
	return byte((10 - sum%10) % 10)
}

// upsCheck is UPS's check digit over the 15 characters after 1Z: letters
// count as (ASCII - 3) mod 10, weights 1, 2 from the left.
func upsCheck(s []byte) byte {
	sum := 0
	for i, c := range s {
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = (int(c) - 3) % 10
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return byte((10 - sum%10) % 10)
}
