package vtr_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

func offenderIDs(m vtr.MetricResult) []string {
	ids := []string{}
	for _, o := range m.Offenders {
		ids = append(ids, o.OrderID)
	}
	return ids
}

// confirmed is a package first confirmed at ts (RFC 3339), shipped on its date.
func confirmed(ts string) vtr.Confirmation {
	t := at(ts)
	return vtr.Confirmation{ShipDate: vtr.DateOf(t), At: t}
}

// shippedOnly is a package whose rows gave no confirmation time.
func shippedOnly(date string) vtr.Confirmation { return vtr.Confirmation{ShipDate: vtr.MustDate(date)} }

// Late Shipment Rate, edge by edge (docs/rules.md "Sibling metrics"): each
// case is one merchant-fulfilled order due in the window.
func TestLateShipmentRate(t *testing.T) {
	w := vtr.Window{From: vtr.MustDate("2024-03-01"), To: vtr.MustDate("2024-03-31")}
	tests := []struct {
		name     string
		market   string
		shipBy   string // latest-ship-date: a date, or an RFC 3339 instant
		packages []vtr.Confirmation
		late     bool
		why      string
	}{
		// The marketplace's day: a ship-by date ends at 23:59:59 in its zone.
		{"US, PST: 23:30 on the ship-by date is on time", "US", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-09T07:30:00Z")}, false, ""},
		{"US, PST: 00:30 the day after is late", "US", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-09T08:30:00Z")}, true, "confirmed 2024-03-09T00:30:00-08:00, ship by 2024-03-08"},
		// 2024-03-10 is the day the US moves to PDT (UTC-7): it ends at 06:59:59Z.
		{"US, DST day: 23:30 PDT is on time", "US", "2024-03-10",
			[]vtr.Confirmation{confirmed("2024-03-11T06:30:00Z")}, false, ""},
		{"US, DST day: 07:30Z is 00:30 PDT the day after, late", "US", "2024-03-10",
			[]vtr.Confirmation{confirmed("2024-03-11T07:30:00Z")}, true, "confirmed 2024-03-11T00:30:00-07:00, ship by 2024-03-10"},
		{"DE, CET: 23:30 is on time", "DE", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-08T22:30:00Z")}, false, ""},
		{"DE, CET: 00:30 the day after is late, though still the ship-by date in UTC", "DE", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-08T23:30:00Z")}, true, "confirmed 2024-03-09T00:30:00+01:00, ship by 2024-03-08"},
		{"JP: 00:30 JST the day after is late, though 15:30 of the ship-by date in UTC", "JP", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-08T15:30:00Z")}, true, "confirmed 2024-03-09T00:30:00+09:00, ship by 2024-03-08"},
		{"an unknown marketplace's day is UTC's", "", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-09T00:00:00Z")}, true, "confirmed 2024-03-09T00:00:00Z, ship by 2024-03-08"},
		// A ship-by instant is compared to the second.
		{"before the ship-by instant", "US", "2024-03-08T23:59:59-08:00",
			[]vtr.Confirmation{confirmed("2024-03-09T07:59:59Z")}, false, ""},
		{"after the ship-by instant", "US", "2024-03-08T23:59:59-08:00",
			[]vtr.Confirmation{confirmed("2024-03-09T08:00:00Z")}, true, "confirmed 2024-03-09T00:00:00-08:00, ship by 2024-03-08T23:59:59-08:00"},
		// The first confirmation counts: per package (At is its first
		// confirmed-at, which a re-upload never moves) and per order.
		{"the earliest package's first confirmation is the order's", "US", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-12T18:00:00Z"), confirmed("2024-03-08T18:00:00Z")}, false, ""},
		{"every package confirmed late", "US", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-12T18:00:00Z"), confirmed("2024-03-10T18:00:00Z")}, true, "confirmed 2024-03-10T11:00:00-07:00, ship by 2024-03-08"},
		// A package with no confirmation time counts at the end of its ship
		// date, even when other packages of the order have times.
		{"shipped on the date without a time, the other package confirmed late", "US", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-12T18:00:00Z"), shippedOnly("2024-03-08")}, false, ""},
		{"shipped late without a time, the other package confirmed later", "US", "2024-03-08",
			[]vtr.Confirmation{confirmed("2024-03-12T18:00:00Z"), shippedOnly("2024-03-09")}, true, "shipped 2024-03-09 (no confirmation time), ship by 2024-03-08"},
		{"confirmed on time, the other package shipped late without a time", "US", "2024-03-08",
			[]vtr.Confirmation{shippedOnly("2024-03-09"), confirmed("2024-03-08T20:00:00Z")}, false, ""},
		{"no time at all, shipped on the date", "US", "2024-03-08", []vtr.Confirmation{shippedOnly("2024-03-08")}, false, ""},
		// Never confirmed: late once the ship-by date is before the
		// window's last day (as of it, whatever day this runs).
		{"never confirmed, due before the window's last day", "US", "2024-03-30", nil, true, "not confirmed, ship by 2024-03-30"},
		{"never confirmed, due on the window's last day", "US", "2024-03-31", nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := vtr.Order{ID: "111-0000001-0000001", Marketplace: tt.market, Status: "Shipped", FulfillmentChannel: "Merchant",
				LatestShipDate: vtr.MustDate(tt.shipBy)}
			if len(tt.shipBy) > 10 {
				o.LatestShipAt = at(tt.shipBy)
			}
			m := vtr.LateShipmentRate([]vtr.OrderFacts{{Order: o, Packages: tt.packages}}, w)
			want := 0
			if tt.late {
				want = 1
			}
			if m.Numerator != want || m.Denominator != 1 {
				t.Fatalf("LateShipmentRate = %d/%d, want %d/1", m.Numerator, m.Denominator, want)
			}
			if tt.late && m.Offenders[0].Why != tt.why {
				t.Errorf("why = %q, want %q", m.Offenders[0].Why, tt.why)
			}
		})
	}
}

// Which orders Late Shipment Rate counts at all.
func TestLateShipmentRate_counted(t *testing.T) {
	w := vtr.Window{From: vtr.MustDate("2019-11-01"), To: vtr.MustDate("2019-11-10")}
	o := func(id, status, ful, lsd string) vtr.OrderFacts {
		return vtr.OrderFacts{Order: vtr.Order{ID: id, Marketplace: "US", Status: status, FulfillmentChannel: ful, LatestShipDate: vtr.MustDate(lsd)},
			Packages: []vtr.Confirmation{shippedOnly("2019-11-20")}}
	}
	orders := []vtr.OrderFacts{
		o("A-late", "Shipped", "MFN", "2019-11-05"),
		o("B-before-window", "Shipped", "Merchant", "2019-10-31"),
		o("C-after-window", "Shipped", "Merchant", "2019-11-11"),
		o("D-fba", "Shipped", "Amazon", "2019-11-05"),
		o("E-cancelled", "Canceled", "Merchant", "2019-11-05"),
		o("F-late", "Shipped", "Merchant", "2019-11-10"),
	}
	m := vtr.LateShipmentRate(orders, w)
	if m.Numerator != 2 || m.Denominator != 2 {
		t.Errorf("LateShipmentRate = %d/%d, want 2/2", m.Numerator, m.Denominator)
	}
	if got, want := offenderIDs(m), []string{"A-late", "F-late"}; !reflect.DeepEqual(got, want) {
		t.Errorf("offenders = %v, want %v", got, want)
	}
	if m.Status() != vtr.StatusBelowTarget {
		t.Errorf("Status() = %s, want below_target (target under 4%%)", m.Status())
	}
}

func TestCancelRate(t *testing.T) {
	w := vtr.LastDays(vtr.MustDate("2019-11-07"), 7)
	o := func(id, status, ful, purchased string, buyer bool) vtr.OrderFacts {
		return vtr.OrderFacts{Order: vtr.Order{ID: id, Status: status, FulfillmentChannel: ful,
			PurchaseDate: vtr.MustDate(purchased), BuyerCancelled: buyer}}
	}
	orders := []vtr.OrderFacts{
		o("A", "Cancelled", "Merchant", "2019-11-01", false), // seller-cancelled
		o("B", "Canceled", "MFN", "2019-11-07", false),       // Amazon's auto-cancel counts too
		o("C", "Cancelled", "Merchant", "2019-11-03", true),  // the buyer asked: not counted
		o("D", "Shipped", "Merchant", "2019-11-02", false),
		o("E", "Shipped", "Merchant", "2019-11-05", false),
		o("F", "Cancelled", "Amazon", "2019-11-03", false),   // FBA: not counted at all
		o("G", "Cancelled", "Merchant", "2019-10-31", false), // before the window
	}
	m := vtr.CancelRate(orders, w)
	if m.Numerator != 2 || m.Denominator != 5 {
		t.Errorf("CancelRate = %d/%d, want 2/5", m.Numerator, m.Denominator)
	}
	if got, want := offenderIDs(m), []string{"A", "B"}; !reflect.DeepEqual(got, want) {
		t.Errorf("offenders = %v, want %v", got, want)
	}
	if m := vtr.CancelRate(orders[3:5], w); m.Status() != vtr.StatusOK || *m.Rate() != 0 {
		t.Errorf("no cancellations: %s, want ok at 0", m.Status())
	}
	if m := vtr.CancelRate(nil, w); m.Status() != vtr.StatusNA {
		t.Errorf("no orders: %s, want n/a", m.Status())
	}
}

// On-Time Delivery Rate, edge by edge (docs/rules.md "Sibling metrics"):
// each case is one package promised in the window.
func TestOnTimeDeliveryRate(t *testing.T) {
	w := vtr.LastDays(vtr.MustDate("2024-03-14"), 14)
	valid := func(market string) vtr.Verdict { return vtr.Verdict{Marketplace: market, Reason: vtr.Verified} }
	exempt := func(r vtr.Reason) vtr.Verdict {
		return vtr.Verdict{Marketplace: "US", Ineligible: vtr.Exempt, Exemption: "us_letter_flat_under_10", Reason: r}
	}
	const (
		excluded = iota
		onTime
		late
		notDelivered
	)
	tests := []struct {
		name      string
		promised  string
		delivered string // RFC 3339; "" none on record
		verdict   vtr.Verdict
		want      int
		why       string
	}{
		{"early", "2024-03-05", "2024-03-04T15:00:00Z", valid("US"), onTime, ""},
		// The marketplace's day, not the UTC date.
		{"US: 23:30 PST on the promised date is on time, though the 6th in UTC", "2024-03-05", "2024-03-06T07:30:00Z", valid("US"), onTime, ""},
		{"US: 00:30 PST the day after is late", "2024-03-05", "2024-03-06T08:30:00Z", valid("US"), late,
			"delivered 2024-03-06T00:30:00-08:00, promised 2024-03-05"},
		{"US, DST day: 23:30 PDT is on time", "2024-03-10", "2024-03-11T06:30:00Z", valid("US"), onTime, ""},
		{"US, DST day: 00:30 PDT the day after is late", "2024-03-10", "2024-03-11T07:30:00Z", valid("US"), late,
			"delivered 2024-03-11T00:30:00-07:00, promised 2024-03-10"},
		{"DE: 00:30 CET the day after is late, though the promised date in UTC", "2024-03-05", "2024-03-05T23:30:00Z", valid("DE"), late,
			"delivered 2024-03-06T00:30:00+01:00, promised 2024-03-05"},
		{"JP: 08:00 JST on the promised date is on time, though the day before in UTC", "2024-03-05", "2024-03-04T23:00:00Z", valid("JP"), onTime, ""},
		// Valid tracking, exemptions or not.
		{"unverified tracking is valid tracking", "2024-03-05", "2024-03-05T15:00:00Z", vtr.Verdict{Marketplace: "US", Reason: vtr.Unverified}, onTime, ""},
		{"an exempt letter with valid tracking counts", "2024-03-05", "2024-03-07T15:00:00Z", exempt(vtr.Verified), late,
			"delivered 2024-03-07T07:00:00-08:00, promised 2024-03-05"},
		{"an exempt letter without tracking does not", "2024-03-05", "2024-03-07T15:00:00Z", exempt(vtr.NoTracking), excluded, ""},
		{"invalid tracking does not", "2024-03-05", "2024-03-09T15:00:00Z", vtr.Verdict{Marketplace: "US", Reason: vtr.CarrierMismatch}, excluded, ""},
		{"FBA does not", "2024-03-05", "2024-03-09T15:00:00Z", vtr.Verdict{Marketplace: "US", Ineligible: vtr.NotMFN}, excluded, ""},
		// No delivery on record: left out, and counted.
		{"not delivered yet", "2024-03-12", "", valid("US"), notDelivered, ""},
		{"an exempt letter not delivered yet", "2024-03-12", "", exempt(vtr.Unverified), notDelivered, ""},
		// Keyed by the promised delivery date.
		{"promised before the window", "2024-02-29", "2024-02-28T15:00:00Z", valid("US"), excluded, ""},
		{"no promised delivery date", "", "2024-03-05T15:00:00Z", valid("US"), excluded, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := vtr.PackageFacts{OrderID: "111-0000001-0000001", TrackingNumber: "9400111899223535510723", Verdict: tt.verdict}
			if tt.promised != "" {
				p.PromisedDelivery = vtr.MustDate(tt.promised)
			}
			if tt.delivered != "" {
				p.DeliveredAt = at(tt.delivered)
			}
			m := vtr.OnTimeDeliveryRate([]vtr.PackageFacts{p}, w)
			var got int
			switch {
			case m.NotDelivered == 1 && m.Denominator == 0:
				got = notDelivered
			case m.NotDelivered == 0 && m.Denominator == 1 && m.Numerator == 1:
				got = onTime
			case m.NotDelivered == 0 && m.Denominator == 1 && m.Numerator == 0:
				got = late
			case m.NotDelivered == 0 && m.Denominator == 0:
				got = excluded
			default:
				t.Fatalf("OnTimeDeliveryRate = %d/%d, %d not delivered", m.Numerator, m.Denominator, m.NotDelivered)
			}
			name := []string{"left out", "on time", "late", "not delivered"}
			if got != tt.want {
				t.Fatalf("OnTimeDeliveryRate = %d/%d, %d not delivered: %s, want %s", m.Numerator, m.Denominator, m.NotDelivered, name[got], name[tt.want])
			}
			if tt.want == late && m.Offenders[0].Why != tt.why {
				t.Errorf("why = %q, want %q", m.Offenders[0].Why, tt.why)
			}
		})
	}
}

// The not-delivered count is in the note and in the JSON, On-Time Delivery
// Rate's alone.
func TestOnTimeDeliveryRate_notDelivered(t *testing.T) {
	w := vtr.LastDays(vtr.MustDate("2024-03-14"), 14)
	v := vtr.Verdict{Marketplace: "US", Reason: vtr.Verified}
	pkgs := []vtr.PackageFacts{
		{OrderID: "A", PromisedDelivery: vtr.MustDate("2024-03-05"), DeliveredAt: at("2024-03-04T15:00:00Z"), Verdict: v},
		{OrderID: "B", PromisedDelivery: vtr.MustDate("2024-03-12"), Verdict: v},
		{OrderID: "C", PromisedDelivery: vtr.MustDate("2024-03-13"), Verdict: v},
	}
	m := vtr.OnTimeDeliveryRate(pkgs, w)
	if m.Numerator != 1 || m.Denominator != 1 || m.NotDelivered != 2 {
		t.Fatalf("OnTimeDeliveryRate = %d/%d, %d not delivered; want 1/1, 2", m.Numerator, m.Denominator, m.NotDelivered)
	}
	if !strings.HasPrefix(m.Note, "2 packages ") {
		t.Errorf("Note = %q, want it to count the 2 packages left out", m.Note)
	}
	for _, tt := range []struct {
		m    vtr.MetricResult
		want string
	}{
		{m, `"not_delivered":2`},
		{vtr.OnTimeDeliveryRate(pkgs[:1], w), `"not_delivered":0`},
		{vtr.CancelRate(nil, w), ""},
	} {
		b, err := json.Marshal(tt.m)
		if err != nil {
			t.Fatal(err)
		}
		if has := strings.Contains(string(b), `"not_delivered"`); has != (tt.want != "") || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s JSON = %s, want %q", tt.m.Metric, b, tt.want)
		}
	}
}

// MarketplaceZone is the zone of the marketplace's civil dates.
func TestMarketplaceZone(t *testing.T) {
	for _, tt := range []struct{ code, want string }{
		{"US", "America/Los_Angeles"}, {"ca", "America/Los_Angeles"}, {"MX", "America/Los_Angeles"},
		{"BR", "America/Sao_Paulo"}, {"UK", "Europe/London"}, {"GB", "Europe/London"}, {"IE", "Europe/London"},
		{"DE", "Europe/Berlin"}, {"FR", "Europe/Berlin"}, {"IT", "Europe/Berlin"}, {"ES", "Europe/Berlin"},
		{"NL", "Europe/Berlin"}, {"SE", "Europe/Berlin"}, {"PL", "Europe/Berlin"}, {"BE", "Europe/Berlin"},
		{"TR", "Europe/Istanbul"}, {"AE", "Asia/Dubai"}, {"SA", "Asia/Riyadh"}, {"EG", "Africa/Cairo"},
		{"IN", "Asia/Kolkata"}, {"ZA", "Africa/Johannesburg"}, {"JP", "Asia/Tokyo"}, {"AU", "Australia/Sydney"},
		{"SG", "Asia/Singapore"}, {"", "UTC"}, {"XX", "UTC"},
	} {
		if got := vtr.MarketplaceZone(tt.code).String(); got != tt.want {
			t.Errorf("MarketplaceZone(%q) = %s, want %s", tt.code, got, tt.want)
		}
	}
	// Every marketplace vtrbot knows has its zone.
	for _, m := range vtr.Marketplaces() {
		if vtr.MarketplaceZone(m.Code) == time.UTC {
			t.Errorf("MarketplaceZone(%q) is UTC: missing from the table", m.Code)
		}
	}
	// A date ends at 23:59:59 in the zone, daylight saving time or not.
	for _, tt := range []struct{ code, date, want string }{
		{"US", "2024-03-09", "2024-03-10T07:59:59Z"},
		{"US", "2024-03-10", "2024-03-11T06:59:59Z"},
		{"UK", "2024-07-01", "2024-07-01T22:59:59Z"},
		{"AU", "2024-01-15", "2024-01-15T12:59:59Z"},
	} {
		if got := vtr.MustDate(tt.date).End(vtr.MarketplaceZone(tt.code)).UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("%s %s ends %s, want %s", tt.code, tt.date, got, tt.want)
		}
	}
}

func TestNoticeWindow(t *testing.T) {
	period := vtr.Window{From: vtr.MustDate("2019-09-01"), To: vtr.MustDate("2019-09-30")}
	tests := []struct {
		name   string
		notice vtr.Notice
		today  string
		want   string
	}{
		{"the month ending the day before the notice's date", vtr.Notice{Date: at("2019-11-15T09:12:00-08:00")}, "2019-12-04", "2019-10-15..2019-11-14"},
		{"a period named in the notice wins", vtr.Notice{Date: at("2019-11-15T09:12:00-08:00"), Period: &period}, "2019-12-04", "2019-09-01..2019-09-30"},
		{"an undated notice is read as of today", vtr.Notice{}, "2019-12-04", "2019-11-04..2019-12-03"},
		{"across a year end", vtr.Notice{Date: at("2020-01-10T12:00:00Z")}, "2020-01-10", "2019-12-10..2020-01-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vtr.NoticeWindow(&tt.notice, vtr.MustDate(tt.today)).String(); got != tt.want {
				t.Errorf("NoticeWindow = %s, want %s", got, tt.want)
			}
		})
	}
}
