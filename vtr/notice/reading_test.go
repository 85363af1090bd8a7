package notice

import (
	"slices"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// testMail builds a small plain-text message from an Amazon address.
func testMail(from, subject, body string) []byte {
	return []byte("Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com\r\n" +
		"From: " + from + "\r\nSubject: " + subject + "\r\nDate: Fri, 15 Nov 2019 09:12:44 -0500\r\n" +
		"Message-ID: <t@amazon.com>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body)
}

func TestParse_kind(t *testing.T) {
	const amz = "seller-performance@amazon.com"
	tests := []struct {
		name   string
		from   string
		body   string
		kind   vtr.Kind
		metric vtr.Metric
	}{
		{"threat is no deactivation", amz, "Your Valid Tracking Rate is below the 95% requirement. Your account will be deactivated within 24 hours.", vtr.KindPerformanceWarning, vtr.MetricVTR},
		{"have been deactivated", amz, "Your selling privileges have been deactivated.", vtr.KindDeactivation, ""},
		{"at risk", amz, "Your account is at risk of deactivation.", vtr.KindPerformanceWarning, ""},
		{"cancel rate over 2.5", amz, "Your cancellation rate is higher than our target of less than 2.5%.", vtr.KindPerformanceWarning, vtr.MetricCancel},
		{"keep above is no warning", amz, "Keep your VTR above 95%.", vtr.KindOther, ""},
		{"LSR below target is fine", amz, "Make sure your late shipment rate is below 4%. Thanks for selling.", vtr.KindOther, ""},
		{"warning metric wins", amz, "We track your Order Defect Rate daily. Your Late Shipment Rate is higher than the goal of less than 4%.", vtr.KindPerformanceWarning, vtr.MetricLateShipment},
		{"conditional", amz, "If your Order Defect Rate is above 1%, we may deactivate your account.", vtr.KindOther, ""},
		{"seller support", "seller-support@amazon.com", "Hello from Amazon Seller Support,\n\nYour Late Shipment Rate is fine.", vtr.KindSupportReply, vtr.MetricLateShipment},
		{"mentioning support is no support voice", amz, "Dear seller, contact Seller Support if you have questions.\nYour VTR is below the 95% requirement.", vtr.KindPerformanceWarning, vtr.MetricVTR},
		{"carrier by display name", "\"USPS\" <tracking@usps-alerts.example>", "Tracking Number: 9400111899223408617511\nDelivered, In/At Mailbox", vtr.KindCarrierUpdate, ""},
		{"carrier without number", "auto-reply@usps.com", "Your package was delivered.", vtr.KindOther, ""},
		{"ja warning", "seller-performance@amazon.co.jp", "出荷遅延率が目標の4%を上回っています。", vtr.KindPerformanceWarning, vtr.MetricLateShipment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := ParseBytes(testMail(tt.from, "Notice", tt.body))
			if n.Kind != tt.kind || n.Metric != tt.metric {
				t.Errorf("kind, metric = %s, %q; want %s, %q", n.Kind, n.Metric, tt.kind, tt.metric)
			}
		})
	}
}

func TestParse_readings(t *testing.T) {
	const warn = "Your Valid Tracking Rate is below the 95% requirement.\n"
	tests := []struct {
		name   string
		from   string
		body   string
		check  func(n *vtr.Notice) bool
		detail func(n *vtr.Notice) any
	}{
		{"slash dates day first outside the US", "seller-performance@amazon.co.uk", warn + "Period: 01/03/2024 to 30/03/2024 on Amazon.co.uk.",
			func(n *vtr.Notice) bool { return n.Period != nil && n.Period.From == vtr.MustDate("2024-03-01") },
			func(n *vtr.Notice) any { return n.Period }},
		{"year from the end date", "seller-performance@amazon.com", warn + "For the period October 15 through November 14, 2019.",
			func(n *vtr.Notice) bool { return n.Period != nil && n.Period.From == vtr.MustDate("2019-10-15") },
			func(n *vtr.Notice) any { return n.Period }},
		{"single date is no period", "seller-performance@amazon.com", warn + "We wrote to you on 2019-10-15.",
			func(n *vtr.Notice) bool { return n.Period == nil }, func(n *vtr.Notice) any { return n.Period }},
		{"store in URL does not count", "seller-performance@amazonsellerservices.com", warn + "See https://sellercentral.amazon.de/x or write to help@amazon.fr.",
			func(n *vtr.Notice) bool { return n.Marketplace == "" }, func(n *vtr.Notice) any { return n.Marketplace }},
		{"tracking groups stop at the line end", "seller-performance@amazon.com", warn + "Tracking #: 1Z 999 AA1 01\n2345 6784",
			func(n *vtr.Notice) bool { return slices.Equal(n.TrackingNumbers, []string{"1Z999AA101"}) },
			func(n *vtr.Notice) any { return n.TrackingNumbers }},
		{"number on the line after the label", "seller-performance@amazon.com", warn + "Tracking Number:\n  1Z 999 AA1 01 2345 6784\nTracking ID\n9400111899223408617511",
			func(n *vtr.Notice) bool { return slices.Equal(n.TrackingNumbers, []string{"1Z999AA10123456784"}) },
			func(n *vtr.Notice) any { return n.TrackingNumbers }},
		{"bare number is no tracking number", "seller-performance@amazon.com", warn + "Your case 6578123451 is open.",
			func(n *vtr.Notice) bool { return len(n.TrackingNumbers) == 0 }, func(n *vtr.Notice) any { return n.TrackingNumbers }},
		{"tracking number is", "seller-performance@amazon.com", warn + "Your tracking number is 9400-1118-9922-3408-6175-11.",
			func(n *vtr.Notice) bool { return slices.Equal(n.TrackingNumbers, []string{"9400111899223408617511"}) },
			func(n *vtr.Notice) any { return n.TrackingNumbers }},
		{"order id next to tracking", "seller-performance@amazon.com", warn + "Tracking ID: 9400111899223408617511 112-1234567-1234567",
			func(n *vtr.Notice) bool {
				return slices.Equal(n.TrackingNumbers, []string{"9400111899223408617511"}) && slices.Equal(n.OrderIDs, []string{"112-1234567-1234567"})
			},
			func(n *vtr.Notice) any { return [][]string{n.TrackingNumbers, n.OrderIDs} }},
		{"quoted lines are not own text", "seller-performance@amazon.com", warn + "> Order 112-0000000-0000000\nOrder 112-1111111-1111111",
			func(n *vtr.Notice) bool { return slices.Equal(n.OrderIDs, []string{"112-1111111-1111111"}) },
			func(n *vtr.Notice) any { return n.OrderIDs }},
		{"statuses", "seller-support@amazon.com", "Hello from Amazon Seller Support,\nThe order is in Pending status. Cancelled orders: 2. Once you shipped it, the status of the order is Shipped.",
			func(n *vtr.Notice) bool {
				return slices.Equal(n.Claims, []vtr.Claim{{Type: vtr.ClaimOrderStatus, Text: "Pending"}, {Type: vtr.ClaimOrderStatus, Text: "Shipped"}})
			},
			func(n *vtr.Notice) any { return n.Claims }},
		{"counts that are not order counts", "seller-support@amazon.com", "Hello from Amazon Seller Support,\nYou had no orders in the last 30 days. There were 2 policy violations in the last 90 days. You confirmed 3 of 52 orders between 10/1/2019 and 10/30/2019.",
			func(n *vtr.Notice) bool { return len(n.Claims) == 0 }, func(n *vtr.Notice) any { return n.Claims }},
		{"order count in words", "seller-support@amazon.com", "Hello from Amazon Seller Support,\nWe see twelve orders over the last 30 days.",
			func(n *vtr.Notice) bool {
				return slices.Equal(n.Claims, []vtr.Claim{{Type: vtr.ClaimOrderCount, Count: 12, Days: 30}})
			},
			func(n *vtr.Notice) any { return n.Claims }},
		{"do not ignore", "seller-support@amazon.com", "Hello from Amazon Seller Support,\nPlease do not ignore this notification. Your VTR is 91.3%.",
			func(n *vtr.Notice) bool {
				return slices.Equal(n.Claims, []vtr.Claim{{Type: vtr.ClaimMetricValue, Text: "91.3%"}})
			},
			func(n *vtr.Notice) any { return n.Claims }},
		{"amazon address with passing results", "seller-performance@amazon.com", warn,
			func(n *vtr.Notice) bool { return n.Authentic }, func(n *vtr.Notice) any { return n.AuthSummary }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := ParseBytes(testMail(tt.from, "Notice", tt.body))
			if !tt.check(n) {
				t.Errorf("got %+v", tt.detail(n))
			}
		})
	}
}

func TestParse_authFailure(t *testing.T) {
	raw := []byte("Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=softfail smtp.mailfrom=amazon.com; dmarc=fail header.from=amazon.com\r\n" +
		"Authentication-Results: evil.example; dkim=pass; spf=pass; dmarc=pass\r\n" + string(testMail("seller-performance@amazon.com", "x", "hi"))[len("Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com\r\n"):])
	n := ParseBytes(raw)
	if n.Authentic {
		t.Errorf("Authentic = true with dmarc=fail on top (%s)", n.AuthSummary)
	}
}

func TestLooseDateTime(t *testing.T) {
	pdt := time.FixedZone("", -7*3600)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Mon, Apr 1, 2024 at 7:45 AM", time.Date(2024, 4, 1, 7, 45, 0, 0, pdt)},
		{"April 1, 2024 at 7:45:00 PM EDT", time.Date(2024, 4, 1, 23, 45, 0, 0, time.UTC)},
		{"Mo., 1. Apr. 2024 um 07:45", time.Date(2024, 4, 1, 7, 45, 0, 0, pdt)},
		{"Monday, April 1, 2024 12:05 AM", time.Date(2024, 4, 1, 0, 5, 0, 0, pdt)},
	}
	for _, tt := range tests {
		got, ok := looseDateTime(tt.in, pdt, true)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("looseDateTime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}

func TestFindDates(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"15 october 2019", "2019-10-15"},
		{"october 15, 2019", "2019-10-15"},
		{"10/15/2019", "2019-10-15"},
		{"2019-10-15", "2019-10-15"},
		{"15.10.2019", "2019-10-15"},
		{"1er mars 2024", "2024-03-01"},
		{"1 de marzo de 2024", "2024-03-01"},
		{"2019年10月15日", "2019-10-15"},
		{"31/02/2019", ""},
		{"1 oct 2019-10-15", "2019-10-01"}, // two readings share "2019": the first one stands
		{"1nd may 1 2000", "0000-05-01"},   // two month-name readings share "may"
	}
	for _, tt := range tests {
		hits := findDates(tt.in, true)
		got := ""
		if len(hits) > 0 {
			got = hits[0].date.String()
		}
		if got != tt.want {
			t.Errorf("findDates(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].start < hits[i-1].end {
				t.Errorf("findDates(%q): hits %v and %v overlap", tt.in, hits[i-1], hits[i])
			}
		}
	}
}

// Overlapping dates once sent findPeriod out of bounds (found by FuzzParse).
func TestFindPeriod_overlappingDates(t *testing.T) {
	for _, in := range []string{"1 oct 2019-10-15", "from 1 oct 2019-10-15 to 2019-10-20", "oct 1 2019/10/15/2019", "between may 1 1nd may 1 2000"} {
		_ = findPeriod(in, true)
		_ = findPeriod(in, false)
	}
}
