package store_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

// importOrdersTSV imports an All Orders report given as text.
func importOrdersTSV(t *testing.T, s *store.Store, file string) {
	t.Helper()
	r, err := flatfile.NewReader("orders.tsv", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	orders, err := flatfile.Orders(r, "US")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportOrders(t.Context(), orders); err != nil {
		t.Fatal(err)
	}
}

const metricsOrdersHead = "amazon-order-id\torder-status\tfulfillment-channel\tsales-channel\tsku\titem-price\tshipping-price\tcurrency\tpurchase-date\tpromised-delivery-date\tlatest-ship-date\n"
const metricsShipHead = "order-id\tship-date\tcarrier-code\ttracking-number\tship-method\tconfirmed-at\tdelivered-at\n"

// OrderFacts gives each package's first confirmation, which re-uploads
// never move, while the package keeps its latest confirmation for VTR
// (UPLOADED_AFTER_DELIVERY compares that one with the delivery).
func TestOrderFacts_firstConfirmation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		importOrdersTSV(t, s, metricsOrdersHead+
			"X\tShipped\tMerchant\tAmazon.com\tA\t14.99\t3.99\tUSD\t2024-03-03\t2024-03-09\t2024-03-05\n"+
			"Y\tShipped\tMerchant\tAmazon.com\tA\t14.99\t3.99\tUSD\t2024-03-03\t2024-03-09\t2024-03-05\n"+
			"Z\tUnshipped\tMerchant\tAmazon.com\tA\t14.99\t3.99\tUSD\t2024-03-03\t2024-03-09\t2024-03-05\n")
		const p1, p2, p3 = "9400111899223535510723", "9400111899223063677127", "9400111899223408617511"
		original := metricsShipHead +
			"X\t2024-03-05\tUSPS\t" + p1 + "\tFirst-Class\t2024-03-05T20:00:00Z\t2024-03-06T18:00:00Z\n" +
			"Y\t2024-03-05\tUSPS\t" + p2 + "\tFirst-Class\t\t\n" +
			"Y\t2024-03-07\tUSPS\t" + p3 + "\tFirst-Class\t2024-03-07T20:00:00Z\t\n"
		// The seller uploads X's tracking again after delivery, then the
		// original file once more.
		reupload := metricsShipHead + "X\t2024-03-05\tUSPS\t" + p1 + "\tPriority\t2024-03-07T20:00:00Z\t\n"
		for _, f := range []string{original, reupload, original} {
			if _, err := s.ImportShipments(ctx, rows(t, "shipments.tsv", []byte(f))); err != nil {
				t.Fatal(err)
			}
		}
		facts, err := s.OrderFacts(ctx, "US", vtr.Window{From: vtr.MustDate("2024-03-01"), To: vtr.MustDate("2024-03-31")})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]vtr.Confirmation{}
		for _, f := range facts {
			got[f.Order.ID] = f.Packages
		}
		confirmed := func(date, ts string) vtr.Confirmation {
			c := vtr.Confirmation{ShipDate: vtr.MustDate(date)}
			if ts != "" {
				c.At, _ = time.Parse(time.RFC3339, ts)
			}
			return c
		}
		want := map[string][]vtr.Confirmation{
			"X": {confirmed("2024-03-05", "2024-03-05T20:00:00Z")},
			"Y": {confirmed("2024-03-05", ""), confirmed("2024-03-07", "2024-03-07T20:00:00Z")}, // sorted by tracking number
			"Z": nil,
		}
		if len(facts) != 3 || !reflect.DeepEqual(got, want) {
			t.Errorf("OrderFacts:\n got  %+v\n want %+v", got, want)
		}
		pk, err := s.OrderPackages(ctx, "X")
		if err != nil || len(pk) != 1 {
			t.Fatalf("OrderPackages(X) = %d packages, %v", len(pk), err)
		}
		if c := pk[0].ConfirmedAt.UTC().Format(time.RFC3339); c != "2024-03-07T20:00:00Z" || pk[0].Reason != vtr.UploadedAfterDelivery {
			t.Errorf("X: confirmed-at %s, %s; want the latest, 2024-03-07T20:00:00Z, and UPLOADED_AFTER_DELIVERY", c, pk[0].Reason)
		}
		if f := pk[0].FirstConfirmed().UTC().Format(time.RFC3339); f != "2024-03-05T20:00:00Z" {
			t.Errorf("X: first confirmed %s, want 2024-03-05T20:00:00Z", f)
		}
		// An upload with an earlier confirmation than any on record
		// moves the first one back: it is the earliest known.
		earlier := metricsShipHead + "X\t2024-03-05\tUSPS\t" + p1 + "\tPriority\t2024-03-05T08:00:00Z\t\n"
		if _, err := s.ImportShipments(ctx, rows(t, "earlier.tsv", []byte(earlier))); err != nil {
			t.Fatal(err)
		}
		got2 := dumpQuery(t, s, `SELECT order_id, confirmed_at, first_confirmed_at FROM packages WHERE account = '`+s.AccountKey()+`' AND order_id = 'X'`)
		if want := []string{"X|2024-03-07T20:00:00Z|2024-03-05T08:00:00Z"}; !reflect.DeepEqual(got2, want) {
			t.Errorf("after an earlier confirmation: %q, want %q", got2, want)
		}
	})
}

// PackageFacts judges an exempt package's tracking as if it counted: VTR's
// exemptions do not reach On-Time Delivery Rate. The stored VTR verdicts do
// not change.
func TestPackageFacts_exemptTracking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		letter := "\tShipped\tMerchant\tAmazon.com\tCD\t3.99\t0.00\tUSD\t2024-03-01\t2024-03-08\t2024-03-02\n"
		importOrdersTSV(t, s, metricsOrdersHead+"L1"+letter+"L2"+letter+"L3"+letter+"L4"+letter+"L5"+letter)
		const method = "\tFirst-Class Mail Letter\t2024-03-02T20:00:00Z\t"
		ships := metricsShipHead +
			"L1\t2024-03-02\tUSPS\t9400111899223535510723" + method + "2024-03-07T18:00:00Z\n" + // delivered
			"L2\t2024-03-02\tUSPS\t9400111899223063677127" + method + "\n" + // not delivered
			"L3\t2024-03-02\tUSPS\t" + method + "2024-03-07T18:00:00Z\n" + // no tracking number
			"L4\t2024-03-02\tUSPS\t9400111899223408617511" + method + "\n" + // delivered, says a carrier mail
			"L5\t2024-03-02\tUSPS\t9400111899223408617512" + method + "2024-03-07T18:00:00Z\n" // a number USPS's check refuses
		if _, err := s.ImportShipments(ctx, rows(t, "shipments.tsv", []byte(ships))); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddCarrierEvents(ctx, "", []vtr.Event{{TrackingNumber: "9400111899223408617511", Status: vtr.EventDelivered,
			At: time.Date(2024, 3, 9, 9, 0, 0, 0, time.UTC)}}); err != nil { // 01:00 PST the day after
			t.Fatal(err)
		}
		w := vtr.Window{From: vtr.MustDate("2024-03-01"), To: vtr.MustDate("2024-03-14")}
		facts, err := s.PackageFacts(ctx, "US", w)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range facts {
			d := ""
			if !f.DeliveredAt.IsZero() {
				d = f.DeliveredAt.UTC().Format(time.RFC3339)
			}
			got = append(got, f.OrderID+"|"+string(f.Verdict.Ineligible)+"|"+string(f.Verdict.Reason)+"|"+d)
		}
		want := []string{
			"L1|EXEMPT|VERIFIED|2024-03-07T18:00:00Z",
			"L2|EXEMPT|UNVERIFIED|",
			"L3|EXEMPT|NO_TRACKING|2024-03-07T18:00:00Z",
			"L4|EXEMPT|VERIFIED|2024-03-09T09:00:00Z",
			"L5|EXEMPT|BAD_FORMAT|2024-03-07T18:00:00Z",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PackageFacts:\n got  %q\n want %q", got, want)
		}
		m := vtr.OnTimeDeliveryRate(facts, w)
		if m.Numerator != 1 || m.Denominator != 2 || m.NotDelivered != 1 {
			t.Errorf("OnTimeDeliveryRate = %d/%d, %d not delivered; want 1/2 (L4 late), 1 (L2)", m.Numerator, m.Denominator, m.NotDelivered)
		}
		stored := dumpQuery(t, s, `SELECT order_id, ineligible, exemption, reason FROM packages WHERE account = '`+s.AccountKey()+`' ORDER BY order_id`)
		for _, r := range stored {
			if !strings.HasSuffix(r, "|EXEMPT|us_letter_flat_under_10|") {
				t.Errorf("stored verdict %s, want EXEMPT by us_letter_flat_under_10 with no reason", r)
			}
		}
	})
}

// Migration 4 on a database that kept only the latest confirmation: that
// one is the first known, and re-importing the original file restores the
// earliest.
func TestMigration4_firstConfirmed(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			url := storetest.URL(t, kind)
			s, err := store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { s.Close() }()
			original := metricsShipHead + "X\t2024-03-05\tUSPS\t9400111899223535510723\tFirst-Class\t2024-03-05T20:00:00Z\t\n" +
				"Y\t2024-03-05\tUSPS\t\tFirst-Class\t\t\n"
			reupload := metricsShipHead + "X\t2024-03-05\tUSPS\t9400111899223535510723\tFirst-Class\t2024-03-07T20:00:00Z\t\n"
			for _, f := range []string{original, reupload} {
				if _, err := s.ImportShipments(t.Context(), rows(t, "shipments.tsv", []byte(f))); err != nil {
					t.Fatal(err)
				}
			}
			// Back to version 3: the column did not exist.
			s.Close()
			old, err := store.MigrateTo(t.Context(), url, 3)
			if err != nil {
				t.Fatal(err)
			}
			old.Close()
			if s, err = store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")}); err != nil {
				t.Fatal(err)
			}
			q := `SELECT order_id, confirmed_at, first_confirmed_at FROM packages ORDER BY order_id`
			if got, want := dumpQuery(t, s, q), []string{"X|2024-03-07T20:00:00Z|2024-03-07T20:00:00Z", "Y||"}; !reflect.DeepEqual(got, want) {
				t.Errorf("after migration 4: %q, want %q", got, want)
			}
			if _, err := s.ImportShipments(t.Context(), rows(t, "shipments.tsv", []byte(original))); err != nil {
				t.Fatal(err)
			}
			if got, want := dumpQuery(t, s, q), []string{"X|2024-03-07T20:00:00Z|2024-03-05T20:00:00Z", "Y||"}; !reflect.DeepEqual(got, want) {
				t.Errorf("after importing the original again: %q, want %q", got, want)
			}
		})
	}
}
