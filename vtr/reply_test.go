package vtr

import (
	"strings"
	"testing"
	"time"
)

// The traxtar story in numbers (docs/rules.md "What the draft says"): 15 Oct to
// 14 Nov 2019, 82 of 84 valid overall, Books 4 of 6.
var (
	traxWindow = Window{From: MustDate("2019-10-15"), To: MustDate("2019-11-14")}
	booksLow   = Status{Marketplace: "US", Window: traxWindow, Overall: Counts{Eligible: 84, Valid: 82, Verified: 78, Exempt: 3},
		Categories: []CategoryRate{
			{"Books", Counts{Eligible: 6, Valid: 4, Verified: 3}},
			{"Movies & TV", Counts{Eligible: 21, Valid: 21, Verified: 20}},
			{"Music", Counts{Eligible: 57, Valid: 57, Verified: 55, Exempt: 3}},
		}}
	allMeet = Status{Marketplace: "US", Window: traxWindow, Overall: Counts{Eligible: 40, Valid: 40, Verified: 39},
		Categories: []CategoryRate{{"Books", Counts{Eligible: 20, Valid: 20}}, {"Music", Counts{Eligible: 20, Valid: 20}}}}
	allLow = Status{Marketplace: "US", Window: traxWindow, Overall: Counts{Eligible: 10, Valid: 8},
		Categories: []CategoryRate{{"Music", Counts{Eligible: 10, Valid: 8}}}}
	nothing = Status{Marketplace: "DE", Window: traxWindow, NA: []string{"no DE orders and no shipments in the window"}}

	booksInvalid = []PackageRef{
		{OrderID: "112-1386165-8237630", Category: "Books", Carrier: "USPS", ShipDate: MustDate("2019-11-01"), Reason: NoTracking},
		{OrderID: "113-5230057-8103661", Category: "Books", Carrier: "USPS", TrackingNumber: "9400111899223614058511", ShipDate: MustDate("2019-10-20"), Reason: CarrierOtherIntegrated},
	}
	musicInvalid = []PackageRef{
		{OrderID: "111-0000001-0000001", Category: "Music", Carrier: "UPS", TrackingNumber: "1Z999", ShipDate: MustDate("2019-10-20"), Reason: BadFormat},
		{OrderID: "111-0000002-0000002", Category: "Music", Carrier: "UPS", TrackingNumber: "1Z998", ShipDate: MustDate("2019-10-21"), Reason: BadFormat},
	}
)

func warning(m Metric, claims ...Claim) *Notice {
	return &Notice{Kind: KindPerformanceWarning, Authentic: true, From: "seller-performance@amazon.com", Metric: m,
		Subject: "Your Valid Tracking Rate is Below 95%", Date: time.Date(2019, 11, 15, 8, 0, 0, 0, time.UTC), Claims: claims}
}

func supportReply(claims ...Claim) *Notice {
	return &Notice{Kind: KindSupportReply, Authentic: true, From: "seller-support@amazon.com", Metric: MetricVTR, CaseID: "6578123451",
		Subject: "RE: [CASE 6578123451] Valid Tracking Rate notification received in error", Date: time.Date(2019, 12, 4, 9, 0, 0, 0, time.UTC), Claims: claims}
}

var (
	oneOrder   = Claim{Type: ClaimOrderCount, Count: 1, Days: 365}
	unshipped  = Claim{Type: ClaimOrderStatus, Text: "Unshipped"}
	ignoreIt   = Claim{Type: ClaimIgnoreNotice}
	supportWin = Window{From: MustDate("2018-12-05"), To: MustDate("2019-12-04")}
	// 107 dated orders, as traxtar's.
	traxOrders = &OrderTotals{Window: supportWin, Orders: 107, MFN: 105, ByStatus: map[string]int{"Shipped": 105, "Cancelled": 1, "Unshipped": 1},
		Latest: OrderBrief{ID: "114-4779523-9129777", Status: "Unshipped", Purchased: MustDate("2019-12-02")}}
)

func codes(e Explanation) map[FindingCode]bool {
	m := map[FindingCode]bool{}
	for _, f := range e.Findings {
		m[f.Code] = true
	}
	return m
}

func findingText(e Explanation, code FindingCode) string {
	for _, f := range e.Findings {
		if f.Code == code {
			return f.Text
		}
	}
	return ""
}

// TestReconcile_draft is the rule of docs/rules.md "What the draft says":
// the draft asserts only what the records support.
func TestReconcile_draft(t *testing.T) {
	tests := []struct {
		name     string
		in       ReconcileInput
		codes    []FindingCode // findings that must be there
		notCodes []FindingCode // findings that must not
		want     []string      // in the draft
		notWant  []string      // never in the draft
		findings []string      // in some finding's text
	}{
		{
			name:    "every category meets the target: the warning is disputed",
			in:      ReconcileInput{Notice: warning(MetricVTR), Local: allMeet},
			codes:   []FindingCode{FindLocalRateMeetsTarget},
			want:    []string{"40 eligible merchant-fulfilled packages, 40 of them with valid tracking (100.0%)", "review the warning, since our records meet the 95% requirement overall and in every category, and correct the metric", "tell us which packages Amazon counts as untracked"},
			notWant: []string{"agrees", "below 95%"},
		},
		{
			name:  "a category below target while overall meets it: acknowledged, not disputed",
			in:    ReconcileInput{Notice: warning(MetricVTR), Local: booksLow, Invalid: booksInvalid},
			codes: []FindingCode{FindLocalRateMeetsTarget, FindCategoryBelowTarget, FindInvalidPackages},
			want: []string{
				"Our own check agrees that Books (66.7%, 4 of 6 valid) is below 95%, although the account as a whole is at 97.6%.",
				"- 112-1386165-8237630 (Books), USPS, no tracking number, shipped 2019-11-01: confirmed without a tracking number",
				"- 113-5230057-8103661 (Books), USPS, 9400111899223614058511, shipped 2019-10-20",
				"What we are doing about them:\n- we now ship every order that is not exempt with tracked postage\n- we now pick the carrier (USPS) from Amazon's list",
				"Could you please:\n- tell us if Amazon counts packages other than those listed above as untracked, so that we can check them.\n\nThank",
			},
			notWant: []string{"meet the 95% requirement", "correct the metric", "correct any error", "valid USPS number"},
		},
		{
			name:    "Support's wrong count is the only thing disputed beside a low category",
			in:      ReconcileInput{Notice: supportReply(oneOrder, unshipped, ignoreIt), Local: booksLow, Invalid: booksInvalid[:1], OrderCounts: traxOrders},
			codes:   []FindingCode{FindContradictsCount, FindContradictsStatus, FindIgnoreInstruction, FindCategoryBelowTarget},
			want:    []string{"Our order reports list 107 orders purchased from 2018-12-05 to 2019-12-04 (105 merchant-fulfilled).", "- check the account again: the order count you quoted does not match the orders on record;", "In our records the 107 orders purchased from 2018-12-05 to 2019-12-04 are: 105 Shipped, 1 Cancelled, 1 Unshipped. The only Unshipped one is the most recent order, 114-4779523-9129777, placed 2019-12-02", "tell us in writing whether the warning still applies: you advised us to ignore it, while our own records put Books (66.7%, 4 of 6 valid) below 95%", "112-1386165-8237630 (Books)"},
			notWant: []string{"meet the 95% requirement", "correct the metric", "withdrawn"},
		},
		{
			name:     "Support says ignore it and every category meets the target: ask for withdrawal",
			in:       ReconcileInput{Notice: supportReply(ignoreIt), Local: allMeet},
			want:     []string{"confirm in writing that the warning is withdrawn"},
			notWant:  []string{"still applies", "correct the metric"}, // a Support reply is no warning to review
			findings: []string{"ask for that"},
		},
		{
			name:    "the whole account below target",
			in:      ReconcileInput{Notice: warning(MetricVTR), Local: allLow, Invalid: musicInvalid},
			codes:   []FindingCode{FindLocalRateBelowTarget},
			want:    []string{"Our own check agrees that the rate is below 95%, in Music (80.0%, 8 of 10 valid) in particular.", "we now copy tracking numbers from the label"},
			notWant: []string{"meet the", "correct the metric", "BAD_FORMAT"},
		},
		{
			name:    "no eligible package locally: nothing stated as a figure",
			in:      ReconcileInput{Notice: warning(MetricVTR), Local: nothing, Market: "DE"},
			codes:   []FindingCode{FindMetricNAExplained},
			want:    []string{"We have not yet been able to check this against our own records: they hold no eligible merchant-fulfilled package of the DE store", "tell us which packages Amazon counts as untracked, so that we can check them against our records"},
			notWant: []string{"0 eligible", "(N/A)", "meet the", "We can send", "attached"},
		},
		{
			name:     "orders without purchase-date: the count and status are not checked",
			in:       ReconcileInput{Notice: supportReply(oneOrder, unshipped), Local: allMeet, OrderCounts: &OrderTotals{Window: supportWin, ByStatus: map[string]int{}, Undated: 107}},
			codes:    []FindingCode{FindClaimNotChecked},
			notCodes: []FindingCode{FindContradictsCount, FindContradictsStatus},
			findings: []string{"vtrbot cannot check Amazon's order count (1 in 365 days) and order status (\"Unshipped\"): 107 of your orders have no purchase date", "purchase-date column"},
			notWant:  []string{"0 orders", "Our order reports list", "are: .", "orders of that period", "check the account again", "Your reply says"},
		},
		{
			name:     "an empty window: the count and status are not checked",
			in:       ReconcileInput{Notice: supportReply(oneOrder, unshipped), Local: allMeet, OrderCounts: &OrderTotals{Window: supportWin, ByStatus: map[string]int{}}},
			codes:    []FindingCode{FindClaimNotChecked},
			notCodes: []FindingCode{FindContradictsCount, FindContradictsStatus},
			findings: []string{"your records hold no order purchased from 2018-12-05 to 2019-12-04. Import the All Orders report covering that span"},
			notWant:  []string{"0 orders", "Our order reports list", "are: .", "check the account again"},
		},
		{
			name: "some orders undated, more dated than claimed: still a contradiction, as a lower bound",
			in: ReconcileInput{Notice: supportReply(oneOrder), Local: allMeet,
				OrderCounts: &OrderTotals{Window: supportWin, Orders: 40, MFN: 40, ByStatus: map[string]int{"Shipped": 40}, Undated: 67}},
			codes:    []FindingCode{FindContradictsCount},
			findings: []string{"your records have at least 40 orders"},
			want:     []string{"Our order reports list at least 40 orders"},
		},
		{
			name: "some orders undated, no more dated than claimed: not checked",
			in: ReconcileInput{Notice: supportReply(oneOrder), Local: allMeet,
				OrderCounts: &OrderTotals{Window: supportWin, Orders: 1, MFN: 1, ByStatus: map[string]int{"Unshipped": 1}, Undated: 106}},
			codes:    []FindingCode{FindClaimNotChecked},
			notCodes: []FindingCode{FindContradictsCount},
			notWant:  []string{"Our order reports list"},
		},
		{
			name: "every dated order has the claimed status but some are undated: not checked",
			in: ReconcileInput{Notice: supportReply(unshipped), Local: allMeet,
				OrderCounts: &OrderTotals{Window: supportWin, Orders: 1, MFN: 1, ByStatus: map[string]int{"Unshipped": 1}, Undated: 3}},
			codes:    []FindingCode{FindClaimNotChecked},
			notCodes: []FindingCode{FindContradictsStatus},
		},
		{
			name:     "packages without promised delivery date are said to be placed by ship date",
			in:       ReconcileInput{Notice: warning(MetricVTR), Local: allMeet, NoPromisedDate: 4},
			codes:    []FindingCode{FindPlacedByShipDate},
			want:     []string{"4 packages have no promised delivery date in our order records and are placed by their ship date."},
			findings: []string{"4 packages of 2019-10-15 to 2019-11-14 have no promised delivery date"},
		},
		{
			name: "late shipment rate with no latest-ship-date: not recomputed, not N/A",
			in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet,
				Metrics: []MetricResult{{Metric: MetricLateShipment, Name: "Late Shipment Rate", Window: traxWindow, Target: 0.04, AtMost: true}},
				Gaps:    []DataGap{{Metric: MetricLateShipment, Column: "latest-ship-date", Records: "merchant-fulfilled order(s) purchased", Count: 5}}},
			codes:    []FindingCode{FindMetricDataMissing},
			notCodes: []FindingCode{FindMetricNAExplained, FindMetricMeetsTarget},
			findings: []string{"5 merchant-fulfilled order(s) purchased from 2019-10-15 to 2019-11-14 have no latest-ship-date in your records, so the Late Shipment Rate cannot be recomputed"},
			want:     []string{"We have not yet been able to check the Late Shipment Rate against our own records", "tell us which orders count against the Late Shipment Rate"},
			notWant:  []string{"N/A", "0 of 0", "correct the metric"},
		},
		{
			name: "late shipment rate over part of the orders: no figure, no dispute",
			in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet,
				Metrics: []MetricResult{{Metric: MetricLateShipment, Name: "Late Shipment Rate", Window: traxWindow, Target: 0.04, AtMost: true, Denominator: 10}},
				Gaps:    []DataGap{{Metric: MetricLateShipment, Column: "latest-ship-date", Records: "merchant-fulfilled order(s) purchased", Count: 3}}},
			codes:    []FindingCode{FindMetricDataMissing, FindMetricMeetsTarget},
			findings: []string{"so the Late Shipment Rate leaves them out"},
			notWant:  []string{"0.0%", "correct the metric"},
		},
		{
			name: "late shipment rate on complete data that meets the target: disputed",
			in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet,
				Metrics: []MetricResult{{Metric: MetricLateShipment, Name: "Late Shipment Rate", Window: traxWindow, Target: 0.04, AtMost: true, Denominator: 10}}},
			codes: []FindingCode{FindMetricMeetsTarget},
			want:  []string{"Our records give a Late Shipment Rate of 0.0% for 2019-10-15 to 2019-11-14 (0 of 10 orders).", "review the warning, since our records meet the target, and correct the metric"},
		},
		{
			name: "late shipment rate that misses the target: acknowledged with its orders",
			in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet,
				Metrics: []MetricResult{{Metric: MetricLateShipment, Name: "Late Shipment Rate", Window: traxWindow, Target: 0.04, AtMost: true, Numerator: 1, Denominator: 10,
					Offenders: []Offender{{OrderID: "111-0000001-0000001", Why: "shipped 2019-10-21, ship by 2019-10-20"}}}}},
			codes:   []FindingCode{FindMetricMissesTarget},
			want:    []string{"Our own check agrees that it misses the target.", "- 111-0000001-0000001: shipped 2019-10-21, ship by 2019-10-20"},
			notWant: []string{"correct the metric"},
		},
		{
			name:    "the letter exemption Support names is stated with its count",
			in:      ReconcileInput{Notice: supportReply(Claim{Type: ClaimExemption, Text: "letter_flat_under_10"}), Local: allMeet, Exempt: []PackageRef{{OrderID: "1", Exemption: "us_letter_flat_under_10"}}},
			codes:   []FindingCode{FindExemptionClaim},
			want:    []string{"our records already leave 1 such package of 2019-10-15 to 2019-11-14 out of the rate"},
			notWant: []string{"Could you please", "correct the metric"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := traxInput(tt.in)
			e := Reconcile(in)
			got := codes(e)
			for _, c := range tt.codes {
				if !got[c] {
					t.Errorf("no %s finding; findings: %v", c, e.Findings)
				}
			}
			for _, c := range tt.notCodes {
				if got[c] {
					t.Errorf("%s finding: %q", c, findingText(e, c))
				}
			}
			var all strings.Builder
			for _, f := range e.Findings {
				all.WriteString(f.Text + "\n")
			}
			for _, w := range tt.findings {
				if !strings.Contains(all.String(), w) {
					t.Errorf("findings lack %q:\n%s", w, all.String())
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Reply, w) {
					t.Errorf("draft lacks %q:\n%s", w, e.Reply)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(e.Reply, w) {
					t.Errorf("draft says %q, which the records do not support:\n%s", w, e.Reply)
				}
			}
			if strings.Contains(e.Reply, "Kind regards") {
				t.Errorf("no SELLER_NAME, yet the draft closes with \"Kind regards\":\n%s", e.Reply)
			}
		})
	}
}

// "A list is attached" only when one is: the caller says so, after the
// file is written.
func TestExplanation_WithAttachment(t *testing.T) {
	in := ReconcileInput{Notice: warning(MetricVTR), Window: traxWindow, Market: "US", HasData: true, Local: booksLow, Invalid: booksInvalid}
	e := Reconcile(in)
	if strings.Contains(e.Reply, "attached") {
		t.Errorf("no evidence file, yet the draft says one is attached:\n%s", e.Reply)
	}
	if !strings.Contains(e.Reply, "We can send the carrier's tracking and delivery records for every package on request.") {
		t.Errorf("draft does not offer the records:\n%s", e.Reply)
	}
	a := e.WithAttachment("evidence.csv")
	if !strings.Contains(a.Reply, "A list of the packages of 2019-10-15 to 2019-11-14 with their tracking numbers is attached (evidence.csv)") {
		t.Errorf("evidence written, yet the draft does not say it is attached:\n%s", a.Reply)
	}
	if len(a.Findings) != len(e.Findings) || a.Findings[0] != e.Findings[0] {
		t.Errorf("WithAttachment changed the findings: %v -> %v", e.Findings, a.Findings)
	}
	if strings.Contains(e.Reply, "attached") {
		t.Errorf("WithAttachment changed the original explanation")
	}
	// Nothing to attach to: a window without packages, a mail with no draft.
	empty := Reconcile(ReconcileInput{Notice: warning(MetricVTR), Window: traxWindow, Market: "DE", HasData: true, Local: nothing}).WithAttachment("evidence.csv")
	if strings.Contains(empty.Reply, "attached") {
		t.Errorf("a window without packages, yet a list is attached:\n%s", empty.Reply)
	}
	carrier := Reconcile(ReconcileInput{Notice: &Notice{Kind: KindCarrierUpdate, Authentic: true}, HasData: true}).WithAttachment("evidence.csv")
	if carrier.Reply != "" {
		t.Errorf("a carrier mail got a draft: %q", carrier.Reply)
	}
}

// The draft is signed with SELLER_NAME when one is set, and otherwise ends
// without a dangling "Kind regards,".
func TestDraftReply_signature(t *testing.T) {
	tests := []struct {
		name, seller string
		wantEnd      string
	}{
		{"no name", "", "\nThank you for your help.\n"},
		{"blank name", "   ", "\nThank you for your help.\n"},
		{"name", "Traxtar Media", "\nThank you for your help.\n\nKind regards,\nTraxtar Media\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ReconcileInput{Notice: warning(MetricVTR), Window: traxWindow, Market: "US", HasData: true, Local: booksLow, Invalid: booksInvalid,
				Reply: ReplyOptions{SellerName: tt.seller}}
			r := Reconcile(in).Reply
			if !strings.HasSuffix(r, tt.wantEnd) {
				t.Errorf("draft ends %q, want %q", r[max(0, len(r)-80):], tt.wantEnd)
			}
			if tt.seller == "" && strings.Contains(r, "Kind regards") {
				t.Errorf("unsigned draft says Kind regards:\n%s", r)
			}
		})
	}
}

func TestMetricGaps(t *testing.T) {
	w := traxWindow
	in, out := MustDate("2019-10-20"), MustDate("2019-12-20")
	mfn := func(purchased, shipBy Date, status string) OrderFacts {
		return OrderFacts{Order: Order{ID: "x", FulfillmentChannel: "Merchant", Status: status, PurchaseDate: purchased, LatestShipDate: shipBy}}
	}
	fba := mfn(in, Date{}, "Shipped")
	fba.Order.FulfillmentChannel = "Amazon"
	orders := []OrderFacts{
		mfn(in, Date{}, "Shipped"),        // LSR gap
		mfn(in, Date{}, "Unshipped"),      // LSR gap
		mfn(in, Date{}, "Cancelled"),      // not in the LSR anyway
		mfn(out, Date{}, "Shipped"),       // purchased outside
		mfn(in, in, "Shipped"),            // complete
		mfn(Date{}, in, "Shipped"),        // cancel-rate gap
		fba,                               // FBA: no metric of ours
		mfn(Date{}, out, "Cancelled"),     // due outside
		mfn(Date{}, Date{}, "Shipped"),    // neither: placed nowhere
		mfn(Date{}, in, "Canceled"),       // cancel-rate gap
		mfn(in, Date{}, "Pending"),        // LSR gap
		mfn(in, in.AddDays(2), "Shipped"), // complete
	}
	valid := Verdict{Reason: Verified, WindowDate: in}
	pkgs := []PackageFacts{
		{OrderID: "a", Verdict: valid},                                       // OTDR gap
		{OrderID: "b", Verdict: valid, PromisedDelivery: in},                 // complete
		{OrderID: "c", Verdict: Verdict{Reason: NoTracking, WindowDate: in}}, // not tracked: not in OTDR
		{OrderID: "d", Verdict: Verdict{Ineligible: NotMFN, Reason: Verified, WindowDate: in}},
		{OrderID: "e", Verdict: Verdict{Reason: Unverified, WindowDate: in}}, // OTDR gap
	}
	tests := []struct {
		metric Metric
		column string
		want   int
	}{
		{MetricLateShipment, "latest-ship-date", 3},
		{MetricCancel, "purchase-date", 2},
		{MetricOnTime, "promised-delivery-date", 2},
		{MetricOrderDefect, "", 0},
	}
	for _, tt := range tests {
		g := MetricGaps(tt.metric, orders, pkgs, w)
		if g.Count != tt.want || g.Column != tt.column || g.Metric != tt.metric {
			t.Errorf("MetricGaps(%s) = %+v, want %d without %q", tt.metric, g, tt.want, tt.column)
		}
	}
}

// traxInput is in with the defaults of these tables: data on record, the
// seed seller's window (traxWindow) and the US marketplace, where in does
// not set them.
func traxInput(in ReconcileInput) ReconcileInput {
	in.HasData = true
	if in.Window.From.IsZero() {
		in.Window = traxWindow
	}
	if in.Market == "" {
		in.Market = "US"
	}
	return in
}
