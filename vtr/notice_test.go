package vtr

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

// roundTrip is what Canonical stands for: n written as JSON and read back.
func roundTrip(t *testing.T, n *Notice) (*Notice, error) {
	t.Helper()
	b, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	var v Notice
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func TestNotice_Canonical(t *testing.T) {
	target := 0.95
	nan := math.NaN()
	tests := []struct {
		name    string
		n       Notice
		wantErr bool
	}{
		{name: "zero"},
		{name: "date with an offset and nanoseconds", n: Notice{Kind: KindPerformanceWarning,
			Date: time.Date(2019, 11, 15, 23, 30, 1, 999, time.FixedZone("PST", -8*3600))}},
		{name: "lists", n: Notice{OrderIDs: []string{"112-5550001-0000001"}, TrackingNumbers: []string{},
			References: []string{}, InReplyTo: "<a@b>"}},
		{name: "references", n: Notice{References: []string{"<a@b>", "<c@d>"}}},
		{name: "claims keep the fields of their type", n: Notice{Claims: []Claim{
			{Type: ClaimOrderCount, Count: 3, Days: 365, Text: "stray"},
			{Type: ClaimIgnoreNotice, Count: 1, Days: 2, Text: "stray"},
			{Type: ClaimMetricValue, Count: 1, Days: 2, Text: "93%"},
			{Count: 1, Text: "no type"},
		}}},
		{name: "events on a carrier update", n: Notice{Kind: KindCarrierUpdate, Events: []Event{
			{TrackingNumber: "1Z999", Status: EventDelivered, At: time.Date(2024, 6, 3, 14, 5, 0, 500, time.FixedZone("EST", -5*3600))},
			{TrackingNumber: "1Z998", Status: EventInTransit, At: time.Date(2024, 6, 3, 14, 5, 0, 0, time.UTC)},
		}}},
		{name: "carrier update without events", n: Notice{Kind: KindCarrierUpdate, Events: []Event{}}},
		{name: "events on other mail are dropped", n: Notice{Kind: KindSupportReply, Events: []Event{{TrackingNumber: "1Z999"}}}},
		{name: "forward trust only with a forwarder", n: Notice{ForwardTrusted: true, ForwardWhy: "why"}},
		{name: "trusted forward", n: Notice{ForwardedBy: "owner@shop.example", ForwardTrusted: true}},
		{name: "invalid UTF-8", n: Notice{Subject: "a\xff\xfeb", From: "x\xc3", OrderIDs: []string{"1\x80"},
			Claims: []Claim{{Type: ClaimMetricValue, Text: "\xe2\x82"}}, AuthSummary: "ok\xff"}},
		{name: "target, metric, marketplace, period", n: Notice{Target: &target, Metric: MetricVTR, Marketplace: "US",
			Period: &Window{From: MustDate("2019-10-15"), To: MustDate("2019-11-14")}}},
		{name: "period with an unknown end", n: Notice{Period: &Window{From: MustDate("2019-10-15")}}},
		{name: "NaN target", n: Notice{Target: &nan}, wantErr: true},
		{name: "year 10000", n: Notice{Date: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, wantErr: true},
		{name: "month 13", n: Notice{Period: &Window{From: Date{2019, 13, 1}, To: MustDate("2019-11-14")}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.n.Canonical()
			want, werr := roundTrip(t, &tt.n)
			if (err != nil) != tt.wantErr || (werr != nil) != tt.wantErr {
				t.Fatalf("Canonical() error = %v, JSON round trip error = %v; want errors: %v", err, werr, tt.wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Canonical() = %#v\nwant the JSON round trip %#v", got, want)
			}
		})
	}
}
