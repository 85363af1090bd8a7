package vtr_test

import (
	"reflect"
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

func TestLateShipmentRate(t *testing.T) {
	w := vtr.Window{From: vtr.MustDate("2019-11-01"), To: vtr.MustDate("2019-11-10")}
	asOf := vtr.MustDate("2019-11-12")
	mfn := func(id, lsd string) vtr.Order {
		return vtr.Order{ID: id, Status: "Shipped", FulfillmentChannel: "Merchant", LatestShipDate: vtr.MustDate(lsd)}
	}
	withAt := func(o vtr.Order, lsa string) vtr.Order { o.LatestShipAt = at(lsa); return o }
	orders := []vtr.OrderFacts{
		// The confirmation time counts, to the second when the ship-by time is known.
		{Order: withAt(mfn("A-late-by-time", "2019-11-02"), "2019-11-02T23:59:59-08:00"), FirstConfirmed: at("2019-11-03T08:00:00Z")},
		{Order: withAt(mfn("B-on-time-by-time", "2019-11-02"), "2019-11-02T23:59:59-08:00"), FirstConfirmed: at("2019-11-03T07:59:59Z")},
		// Without a ship-by time, the ship-by date lasts until it ends
		// everywhere on earth: 23:59:59 at UTC-12, 11:59:59 UTC the next day.
		{Order: mfn("C-late-by-date", "2019-11-03"), FirstConfirmed: at("2019-11-04T12:00:00Z"), FirstShipDate: vtr.MustDate("2019-11-03")},
		{Order: mfn("D-same-day-somewhere", "2019-11-04"), FirstConfirmed: at("2019-11-05T11:59:59Z")},
		// Without a confirmation time, the typed ship date.
		{Order: mfn("E-shipped-late", "2019-11-05"), FirstShipDate: vtr.MustDate("2019-11-06")},
		{Order: mfn("F-shipped-on-time", "2019-11-05"), FirstShipDate: vtr.MustDate("2019-11-05")},
		// Never confirmed: late once the ship-by date is past.
		{Order: mfn("G-unconfirmed-past", "2019-11-10")},
		// Outside the count.
		{Order: mfn("H-outside-window", "2019-11-11"), FirstShipDate: vtr.MustDate("2019-11-20")},
		{Order: vtr.Order{ID: "I-fba", Status: "Shipped", FulfillmentChannel: "Amazon", LatestShipDate: vtr.MustDate("2019-11-05")}},
		{Order: vtr.Order{ID: "J-cancelled", Status: "Canceled", FulfillmentChannel: "Merchant", LatestShipDate: vtr.MustDate("2019-11-05")}},
	}
	m := vtr.LateShipmentRate(orders, w, asOf)
	if m.Numerator != 4 || m.Denominator != 7 {
		t.Errorf("LateShipmentRate = %d/%d, want 4/7", m.Numerator, m.Denominator)
	}
	if got, want := offenderIDs(m), []string{"A-late-by-time", "C-late-by-date", "E-shipped-late", "G-unconfirmed-past"}; !reflect.DeepEqual(got, want) {
		t.Errorf("offenders = %v, want %v", got, want)
	}
	if m.Status() != vtr.StatusBelowTarget {
		t.Errorf("Status() = %s at %v, want below_target (target under 4%%)", m.Status(), *m.Rate())
	}
	// The day it is due is not late yet.
	if m := vtr.LateShipmentRate(orders[6:7], w, vtr.MustDate("2019-11-10")); m.Numerator != 0 || m.Denominator != 1 {
		t.Errorf("unconfirmed, due today: %d/%d, want 0/1", m.Numerator, m.Denominator)
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

func TestOnTimeDeliveryRate(t *testing.T) {
	w := vtr.LastDays(vtr.MustDate("2019-11-14"), 14)
	valid := vtr.Verdict{Reason: vtr.Verified}
	p := func(id, pdd string, delivered time.Time, v vtr.Verdict) vtr.PackageFacts {
		var d vtr.Date
		if pdd != "" {
			d = vtr.MustDate(pdd)
		}
		return vtr.PackageFacts{OrderID: id, TrackingNumber: "T" + id, PromisedDelivery: d, DeliveredAt: delivered, Verdict: v}
	}
	pkgs := []vtr.PackageFacts{
		p("A", "2019-11-05", at("2019-11-04T15:00:00Z"), valid),                               // early
		p("B", "2019-11-05", at("2019-11-05T15:00:00Z"), valid),                               // on the day
		p("C", "2019-11-05", at("2019-11-06T15:00:00Z"), valid),                               // late
		p("D", "2019-11-06", time.Time{}, valid),                                              // delivery unknown: left out, noted
		p("E", "2019-11-06", at("2019-11-09T15:00:00Z"), vtr.Verdict{Reason: vtr.NoTracking}), // not valid tracking
		p("F", "2019-11-06", at("2019-11-09T15:00:00Z"), vtr.Verdict{Ineligible: vtr.Exempt}), // exempt
		p("G", "2019-10-30", at("2019-11-09T15:00:00Z"), valid),                               // promised before the window
		p("H", "", at("2019-11-09T15:00:00Z"), valid),                                         // no promise to keep
		p("I", "2019-11-10", at("2019-11-09T15:00:00Z"), vtr.Verdict{Reason: vtr.Unverified}), // unverified is valid
	}
	m := vtr.OnTimeDeliveryRate(pkgs, w)
	if m.Numerator != 3 || m.Denominator != 4 {
		t.Errorf("OnTimeDeliveryRate = %d/%d, want 3/4", m.Numerator, m.Denominator)
	}
	if got, want := offenderIDs(m), []string{"C"}; !reflect.DeepEqual(got, want) {
		t.Errorf("offenders = %v, want %v", got, want)
	}
	if m.Note == "" {
		t.Errorf("Note is empty, want it to count the package with no delivery date")
	}
	if m.Status() != vtr.StatusBelowTarget {
		t.Errorf("Status() = %s at 75%%, want below_target (97%% recommended)", m.Status())
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
