package commands_test

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// metricsShip is one row of a shipments file: the package's number (n > 0
// a valid USPS number, DHL's for DE; 0 none), ship date and times.
type metricsShip struct {
	n                               int
	date, confirmed, delivered, how string
}

type metricsEdge struct {
	name     string
	market   string // US or DE
	shipBy   string // latest-ship-date
	promised string
	letter   bool          // a $3.99 letter: exempt from VTR
	first    []metricsShip // rows of the first shipments file
	again    []metricsShip // rows of the re-upload
	late     bool          // Late Shipment Rate counts the order late
	otdr     string        // On-Time Delivery Rate: "on time", "late", "not delivered" or "" (not counted)
}

// A seller's edges of Late Shipment Rate and On-Time Delivery Rate
// (docs/rules.md "Sibling metrics"), through two shipments imports (the
// second a re-upload) into each database, then `/vtr metrics` for March
// 2024. The cases of one metric are due outside the other's window.
var metricsEdges = []metricsEdge{
	// A re-upload never moves the first confirmation.
	{name: "re-uploaded after the ship-by date", market: "US", shipBy: "2024-03-05", promised: "2024-04-15",
		first: []metricsShip{{n: 1, date: "2024-03-05", confirmed: "2024-03-05T20:00:00Z"}},
		again: []metricsShip{{n: 1, date: "2024-03-05", confirmed: "2024-03-07T20:00:00Z"}}},
	{name: "re-upload and original in one file", market: "US", shipBy: "2024-03-05", promised: "2024-04-15",
		first: []metricsShip{{n: 2, date: "2024-03-05", confirmed: "2024-03-07T20:00:00Z"}, {n: 2, date: "2024-03-05", confirmed: "2024-03-05T20:00:00Z"}}},
	{name: "first confirmed late, re-uploaded later still", market: "US", shipBy: "2024-03-05", promised: "2024-04-15", late: true,
		first: []metricsShip{{n: 3, date: "2024-03-06", confirmed: "2024-03-06T20:00:00Z"}},
		again: []metricsShip{{n: 3, date: "2024-03-06", confirmed: "2024-03-08T20:00:00Z"}}},
	{name: "the order's first package on time, its second late", market: "US", shipBy: "2024-03-05", promised: "2024-04-15",
		first: []metricsShip{{n: 4, date: "2024-03-05", confirmed: "2024-03-05T20:00:00Z"}, {n: 5, date: "2024-03-09", confirmed: "2024-03-09T20:00:00Z"}}},
	// A package with no confirmation time counts at the end of its ship date.
	{name: "no time, shipped on the date; the other package confirmed late", market: "US", shipBy: "2024-03-05", promised: "2024-04-15",
		first: []metricsShip{{n: 6, date: "2024-03-05"}, {n: 7, date: "2024-03-07", confirmed: "2024-03-07T20:00:00Z"}}},
	{name: "no time, shipped late; the other package confirmed later", market: "US", shipBy: "2024-03-05", promised: "2024-04-15", late: true,
		first: []metricsShip{{n: 8, date: "2024-03-06"}, {n: 9, date: "2024-03-07", confirmed: "2024-03-07T20:00:00Z"}}},
	// The marketplace's day: US Pacific (PST, then PDT from 2024-03-10), Berlin.
	{name: "US: 23:30 PST on the ship-by date", market: "US", shipBy: "2024-03-08", promised: "2024-04-15",
		first: []metricsShip{{n: 10, date: "2024-03-08", confirmed: "2024-03-09T07:30:00Z"}}},
	{name: "US: 00:30 PST the day after", market: "US", shipBy: "2024-03-08", promised: "2024-04-15", late: true,
		first: []metricsShip{{n: 11, date: "2024-03-08", confirmed: "2024-03-09T08:30:00Z"}}},
	{name: "US, DST day: 23:30 PDT", market: "US", shipBy: "2024-03-10", promised: "2024-04-15",
		first: []metricsShip{{n: 12, date: "2024-03-10", confirmed: "2024-03-11T06:30:00Z"}}},
	{name: "US, DST day: 00:30 PDT the day after", market: "US", shipBy: "2024-03-10", promised: "2024-04-15", late: true,
		first: []metricsShip{{n: 13, date: "2024-03-10", confirmed: "2024-03-11T07:30:00Z"}}},
	{name: "DE: 23:30 CET on the ship-by date", market: "DE", shipBy: "2024-03-08", promised: "2024-04-15",
		first: []metricsShip{{n: 14, date: "2024-03-08", confirmed: "2024-03-08T22:30:00Z"}}},
	{name: "DE: 00:30 CET the day after", market: "DE", shipBy: "2024-03-08", promised: "2024-04-15", late: true,
		first: []metricsShip{{n: 15, date: "2024-03-08", confirmed: "2024-03-08T23:30:00Z"}}},
	// As of the window's last day, whatever day it is asked.
	{name: "never confirmed, due the day before the window ends", market: "US", shipBy: "2024-03-30", promised: "2024-04-15", late: true},
	{name: "never confirmed, due the day the window ends", market: "US", shipBy: "2024-03-31", promised: "2024-04-15"},

	// On-Time Delivery Rate: delivered by the promised date, in the marketplace's day.
	{name: "US: delivered 23:30 PDT on the promised date", market: "US", shipBy: "2024-02-20", promised: "2024-03-12", otdr: "on time",
		first: []metricsShip{{n: 20, date: "2024-02-20", confirmed: "2024-02-20T20:00:00Z", delivered: "2024-03-13T06:30:00Z"}}},
	{name: "US: delivered 00:30 PDT the day after", market: "US", shipBy: "2024-02-20", promised: "2024-03-12", otdr: "late",
		first: []metricsShip{{n: 21, date: "2024-02-20", confirmed: "2024-02-20T20:00:00Z", delivered: "2024-03-13T07:30:00Z"}}},
	{name: "DE: delivered 23:30 CET on the promised date", market: "DE", shipBy: "2024-02-20", promised: "2024-03-12", otdr: "on time",
		first: []metricsShip{{n: 22, date: "2024-02-20", confirmed: "2024-02-20T12:00:00Z", delivered: "2024-03-12T22:30:00Z"}}},
	{name: "DE: delivered 00:30 CET the day after", market: "DE", shipBy: "2024-02-20", promised: "2024-03-12", otdr: "late",
		first: []metricsShip{{n: 23, date: "2024-02-20", confirmed: "2024-02-20T12:00:00Z", delivered: "2024-03-12T23:30:00Z"}}},
	// VTR's exemptions do not apply: an exempt letter with valid tracking counts.
	{name: "exempt letter with tracking, delivered late", market: "US", shipBy: "2024-02-20", promised: "2024-03-12", letter: true, otdr: "late",
		first: []metricsShip{{n: 24, date: "2024-02-20", confirmed: "2024-02-20T20:00:00Z", delivered: "2024-03-14T18:00:00Z"}}},
	{name: "exempt letter with tracking, not delivered yet", market: "US", shipBy: "2024-02-20", promised: "2024-03-12", letter: true, otdr: "not delivered",
		first: []metricsShip{{n: 25, date: "2024-02-20", confirmed: "2024-02-20T20:00:00Z"}}},
	{name: "exempt letter without tracking", market: "US", shipBy: "2024-02-20", promised: "2024-03-12", letter: true,
		first: []metricsShip{{n: 0, date: "2024-02-20", confirmed: "2024-02-20T20:00:00Z", delivered: "2024-03-14T18:00:00Z"}}},
	{name: "tracked, not delivered yet", market: "US", shipBy: "2024-02-20", promised: "2024-03-12", otdr: "not delivered",
		first: []metricsShip{{n: 26, date: "2024-02-20", confirmed: "2024-02-20T20:00:00Z"}}},
}

// metricsOrderID is the order id of case i.
func metricsOrderID(i int) string { return fmt.Sprintf("111-%07d-0000000", i+1) }

// uspsNumber is a valid 22-digit USPS number (IMpb, mod 10 with weights 3, 1
// from the right).
func uspsNumber(n int) string {
	d := fmt.Sprintf("940011189922%09d", n)
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		w := 3
		if (len(d)-1-i)%2 == 1 {
			w = 1
		}
		sum += int(d[i]-'0') * w
	}
	return d + string(rune('0'+(10-sum%10)%10))
}

// metricsFiles writes the cases as an All Orders report and two shipments files.
func metricsFiles() (orders, first, again string) {
	var o, s1, s2 strings.Builder
	o.WriteString("amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsales-channel\tsku\titem-price\tshipping-price\tcurrency\tship-country\tpromised-delivery-date\tlatest-ship-date\n")
	head := "order-id\tship-date\tcarrier-code\ttracking-number\tship-method\tconfirmed-at\tdelivered-at\n"
	s1.WriteString(head)
	s2.WriteString(head)
	for i, c := range metricsEdges {
		channel, currency, price, carrier := "Amazon.com", "USD", "14.99", "USPS"
		if c.market == "DE" {
			channel, currency, carrier = "Amazon.de", "EUR", "DHL"
		}
		method := "First-Class Package Service"
		if c.letter {
			price, method = "3.99", "First-Class Mail Letter"
		}
		purchased := vtr.MustDate(c.shipBy).AddDays(-2)
		fmt.Fprintf(&o, "%s\t%sT17:40:00+00:00\tShipped\tMerchant\t%s\tSKU-%d\t%s\t0.00\t%s\t%s\t%s\t%s\n",
			metricsOrderID(i), purchased, channel, i, price, currency, c.market, c.promised, c.shipBy)
		for k, rows := range [][]metricsShip{c.first, c.again} {
			w := &s1
			if k == 1 {
				w = &s2
			}
			for _, r := range rows {
				number := ""
				switch {
				case r.n > 0 && c.market == "DE":
					number = fmt.Sprintf("003404341610940%05d", r.n)
				case r.n > 0:
					number = uspsNumber(r.n)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", metricsOrderID(i), r.date, carrier, number, method, r.confirmed, r.delivered)
			}
		}
	}
	return o.String(), s1.String(), s2.String()
}

// importTSV imports an All Orders report and shipments files, in order.
func importTSV(t *testing.T, s *store.Store, orders string, shipments ...string) {
	t.Helper()
	ctx := t.Context()
	r, err := flatfile.NewReader("orders.tsv", strings.NewReader(orders))
	if err != nil {
		t.Fatal(err)
	}
	list, err := flatfile.Orders(r, "US")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportOrders(ctx, list); err != nil {
		t.Fatal(err)
	}
	for i, file := range shipments {
		r, err := flatfile.NewReader(fmt.Sprintf("shipments-%d.tsv", i+1), strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		next, err := flatfile.Packages(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportShipments(ctx, next); err != nil && err != io.EOF {
			t.Fatal(err)
		}
	}
}

func TestMetrics_edges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		orders, first, again := metricsFiles()
		importTSV(t, s, orders, first, again)
		w := vtr.Window{From: vtr.MustDate("2024-03-01"), To: vtr.MustDate("2024-03-31")}
		c := commands.New(commands.Deps{Store: s, Marketplace: "US", Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
		for _, market := range []string{"US", "DE"} {
			ms, err := c.Metrics(t.Context(), market, w.To, &w)
			if err != nil {
				t.Fatal(err)
			}
			got := map[vtr.Metric]vtr.MetricResult{}
			for _, m := range ms {
				got[m.Metric] = m
			}
			lsr, otdr := got[vtr.MetricLateShipment], got[vtr.MetricOnTime]
			offenders := func(m vtr.MetricResult) map[string]string {
				out := map[string]string{}
				for _, o := range m.Offenders {
					out[o.OrderID] = o.Why
				}
				return out
			}
			lateOrders, lateParcels := offenders(lsr), offenders(otdr)
			var lsrDen, lsrNum, otdrDen, otdrNum, notDelivered int
			for i, tc := range metricsEdges {
				if tc.market != market {
					continue
				}
				id := metricsOrderID(i)
				if vtr.MustDate(tc.shipBy).Compare(w.From) >= 0 {
					lsrDen++
					if tc.late {
						lsrNum++
					}
					if why, late := lateOrders[id]; late != tc.late {
						t.Errorf("%s: %s: Late Shipment Rate counts it late: %v (%s), want %v", market, tc.name, late, why, tc.late)
					}
				}
				why, late := lateParcels[id]
				switch tc.otdr {
				case "on time":
					otdrDen++
					otdrNum++
				case "late":
					otdrDen++
				case "not delivered":
					notDelivered++
				}
				if late != (tc.otdr == "late") {
					t.Errorf("%s: %s: On-Time Delivery Rate counts it late: %v (%s), want %q", market, tc.name, late, why, tc.otdr)
				}
			}
			if lsr.Numerator != lsrNum || lsr.Denominator != lsrDen {
				t.Errorf("%s: Late Shipment Rate = %d/%d, want %d/%d", market, lsr.Numerator, lsr.Denominator, lsrNum, lsrDen)
			}
			if otdr.Numerator != otdrNum || otdr.Denominator != otdrDen || otdr.NotDelivered != notDelivered {
				t.Errorf("%s: On-Time Delivery Rate = %d/%d, %d not delivered; want %d/%d, %d not delivered",
					market, otdr.Numerator, otdr.Denominator, otdr.NotDelivered, otdrNum, otdrDen, notDelivered)
			}
		}
	})
}

// A past window's metrics are the same whatever day they are asked.
func TestMetrics_pastAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		orders, first, again := metricsFiles()
		importTSV(t, s, orders, first, again)
		asOf := vtr.MustDate("2024-03-31")
		due := slices.IndexFunc(metricsEdges, func(e metricsEdge) bool { return e.name == "never confirmed, due the day the window ends" })
		var answers [][]vtr.MetricResult
		for _, today := range []string{"2024-03-31", "2024-04-01", "2026-01-15"} {
			now := vtr.MustDate(today).Time(time.UTC).Add(15 * time.Hour)
			c := commands.New(commands.Deps{Store: s, Marketplace: "US", Now: func() time.Time { return now }})
			ms, err := c.Metrics(context.WithoutCancel(t.Context()), "US", asOf, nil)
			if err != nil {
				t.Fatal(err)
			}
			answers = append(answers, ms)
			for _, m := range ms {
				if m.Metric == vtr.MetricLateShipment && slices.ContainsFunc(m.Offenders, func(o vtr.Offender) bool { return o.OrderID == metricsOrderID(due) }) {
					t.Errorf("asked on %s: %s (%s) counts order %s, due %s and never confirmed, late",
						today, m.Name, m.Window, metricsOrderID(due), metricsEdges[due].shipBy)
				}
			}
		}
		summary := func(ms []vtr.MetricResult) string {
			var b strings.Builder
			for _, m := range ms {
				fmt.Fprintf(&b, "\n  %s %s: %d/%d, %d offenders", m.Metric, m.Window, m.Numerator, m.Denominator, len(m.Offenders))
			}
			return b.String()
		}
		for i := 1; i < len(answers); i++ {
			if !reflect.DeepEqual(answers[i], answers[0]) {
				t.Errorf("metrics as of %s differ with the day they are asked:%s\nwant%s", asOf, summary(answers[i]), summary(answers[0]))
			}
		}
	})
}

// Explaining a Late Shipment or On-Time Delivery notice reads the same
// metric, edges included, as `/vtr metrics` for the notice's period, and
// as of the period's last day whatever day the notice is explained.
func TestExplain_metricEdges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		orders, first, again := metricsFiles()
		importTSV(t, s, orders, first, again)
		period := vtr.Window{From: vtr.MustDate("2024-03-01"), To: vtr.MustDate("2024-03-31")}
		c := commands.New(commands.Deps{Store: s, Marketplace: "US", Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
		want, err := c.Metrics(t.Context(), "US", period.To, &period)
		if err != nil {
			t.Fatal(err)
		}
		for _, metric := range []vtr.Metric{vtr.MetricLateShipment, vtr.MetricOnTime} {
			n := &vtr.Notice{Kind: vtr.KindPerformanceWarning, Metric: metric, Marketplace: "US", Period: &period,
				Date: time.Date(2024, 4, 2, 9, 0, 0, 0, time.UTC), Authentic: true}
			e, err := c.Explain(t.Context(), n, nil)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(want, func(m vtr.MetricResult) bool { return m.Metric == metric })
			if len(e.Metrics) != 1 || !reflect.DeepEqual(e.Metrics[0], want[i]) {
				t.Errorf("explain %s: metrics %+v, want %+v", metric, e.Metrics, want[i])
			}
		}
		// A notice naming the re-uploaded order: its description gives the
		// first confirmation, the one the rate counts, not the re-upload's.
		n := &vtr.Notice{Kind: vtr.KindPerformanceWarning, Metric: vtr.MetricLateShipment, Marketplace: "US", Period: &period,
			Date: time.Date(2024, 4, 2, 9, 0, 0, 0, time.UTC), Authentic: true, OrderIDs: []string{metricsOrderID(0)}}
		e, err := c.Explain(t.Context(), n, nil)
		if err != nil {
			t.Fatal(err)
		}
		var named string
		for _, f := range e.Findings {
			if f.Code == vtr.FindNamedOrders {
				named = f.Text
			}
		}
		if !strings.Contains(named, "confirmed 2024-03-05 20:00Z") || strings.Contains(named, "2024-03-07") {
			t.Errorf("named order: %q, want its first confirmation 2024-03-05 20:00Z", named)
		}
	})
}
