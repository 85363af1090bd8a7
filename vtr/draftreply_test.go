package vtr

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Records for the draft's variants beside those of reply_test.go.
var (
	twoLow = Status{Marketplace: "US", Window: traxWindow, Overall: Counts{Eligible: 100, Valid: 96, Verified: 90},
		Categories: []CategoryRate{{"Books", Counts{Eligible: 10, Valid: 8}}, {"Music", Counts{Eligible: 10, Valid: 9}}, {"Toys", Counts{Eligible: 80, Valid: 79}}}}
	overallOnly = Status{Marketplace: "US", Window: traxWindow, Overall: Counts{Eligible: 20, Valid: 18}}
	exemptOnly  = Status{Marketplace: "US", Window: traxWindow, Overall: Counts{Exempt: 2}, NA: []string{"2 packages in the window are exempt"}}
)

// invalidMany is n invalid packages, all without tracking number.
func invalidMany(n int) []PackageRef {
	var out []PackageRef
	for i := 0; i < n; i++ {
		out = append(out, PackageRef{OrderID: fmt.Sprintf("111-%07d", i), Category: "Music", Carrier: "USPS", ShipDate: MustDate("2019-10-20"), Reason: NoTracking})
	}
	return out
}

func offenders(n int) []Offender {
	var out []Offender
	for i := 0; i < n; i++ {
		out = append(out, Offender{OrderID: fmt.Sprintf("112-%07d", i), Why: "shipped late"})
	}
	return out
}

func kind(n *Notice, k Kind) *Notice { n.Kind = k; return n }

// TestDraftReply is docs/rules.md "What the draft says", variant by
// variant: what the draft states, acknowledges, disputes and asks, and
// that it never says what the records do not show.
func TestDraftReply(t *testing.T) {
	tests := []struct {
		name    string
		in      ReconcileInput // HasData is set, Window and Market default to traxWindow and US
		drop    []FindingCode  // findings taken out before drafting
		want    []string       // in the draft
		once    []string       // in the draft exactly once
		notWant []string       // never in the draft
	}{
		// Who and what it answers.
		{name: "a case: named with the message's date and subject",
			in:   ReconcileInput{Notice: supportReply(), Local: allMeet},
			want: []string{"Hello Seller Support,\n\nThis is about case 6578123451 and the message of 2019-12-04 (\"RE: [CASE 6578123451] Valid Tracking Rate notification received in error\").\n"}},
		{name: "no case: the message's date and subject",
			in:   ReconcileInput{Notice: warning(MetricVTR), Local: allMeet},
			want: []string{"This is about your message of 2019-11-15 (\"Your Valid Tracking Rate is Below 95%\").\n"}},
		{name: "an undated notice without subject",
			in:   ReconcileInput{Notice: func() *Notice { n := warning(MetricVTR); n.Date, n.Subject = time.Time{}, ""; return n }(), Local: allMeet},
			want: []string{"This is about your message (\"your notice\").\n"}},

		// The rate, and what is and is not in dispute.
		{name: "every category meets the target on Amazon's warning: review asked",
			in: ReconcileInput{Notice: warning(MetricVTR), Local: allMeet},
			want: []string{"Our records for 2019-10-15 to 2019-11-14 (US store, keyed on promised delivery date) show 40 eligible merchant-fulfilled packages, 40 of them with valid tracking (100.0%), 39 already confirmed delivered or scanned by the carrier, and 0 exempt.\n- Books: 20 of 20 valid (100.0%)\n- Music: 20 of 20 valid (100.0%)\n",
				"\nCould you please:\n- review the warning, since our records meet the 95% requirement overall and in every category, and correct the metric;\n- tell us which packages Amazon counts as untracked, so that we can correct any error.\n"},
			notWant: []string{"agrees", "below 95%", "do not count"}},
		{name: "a deactivation is Amazon's warning too",
			in:   ReconcileInput{Notice: kind(warning(MetricVTR), KindDeactivation), Local: allMeet},
			once: []string{"review the warning"}},
		{name: "an account-health notice is about more than VTR: no review asked",
			in:      ReconcileInput{Notice: warning(MetricAccountHealth), Local: allMeet},
			want:    []string{"40 of them with valid tracking (100.0%)"},
			notWant: []string{"review the warning", "correct the metric", "Could you please"}},
		{name: "a Support reply is no warning to review",
			in:      ReconcileInput{Notice: supportReply(), Local: allMeet},
			notWant: []string{"review the warning", "correct the metric", "Could you please"}},
		{name: "packages placed by ship date, one",
			in:   ReconcileInput{Notice: warning(MetricVTR), Local: allMeet, NoPromisedDate: 1},
			want: []string{" 1 package has no promised delivery date in our order records and is placed by its ship date.\n"}},
		{name: "two categories below while the account meets the target",
			in:      ReconcileInput{Notice: warning(MetricVTR), Local: twoLow, Invalid: invalidMany(3)},
			want:    []string{"Our own check agrees that Books (80.0%, 8 of 10 valid) and Music (90.0%, 9 of 10 valid) are below 95%, although the account as a whole is at 96.0%.\n"},
			once:    []string{"tell us if Amazon counts packages other than those listed above as untracked, so that we can check them"},
			notWant: []string{"review the warning", "correct the metric"}},
		{name: "the account below target with no category named",
			in:      ReconcileInput{Notice: warning(MetricVTR), Local: overallOnly},
			want:    []string{"\nOur own check agrees that the rate is below 95%.\n"},
			notWant: []string{"in particular", "The packages that do not count", "tell us if Amazon counts packages other", "Could you please", "review the warning"}},
		{name: "no eligible package on a Support reply: not checked, nothing asked",
			in:      ReconcileInput{Notice: supportReply(), Local: nothing, Market: "DE"},
			want:    []string{"We have not yet been able to check this against our own records: they hold no eligible merchant-fulfilled package of the DE store for 2019-10-15 to 2019-11-14.\n"},
			notWant: []string{"Could you please", "0 eligible", "N/A", "We can send"}},
		{name: "no eligible package on a warning that names its orders: nothing asked about which",
			in:      ReconcileInput{Notice: withOrders(warning(MetricVTR), "111-1"), Local: nothing, Market: "DE"},
			want:    []string{"We have not yet been able to check this"},
			notWant: []string{"tell us which packages", "Could you please"}},
		{name: "only exempt packages: not checked, but their records are offered",
			in:      ReconcileInput{Notice: supportReply(), Local: exemptOnly},
			want:    []string{"We have not yet been able to check this", "We can send the carrier's tracking and delivery records for every package on request."},
			notWant: []string{"0 eligible", "valid tracking ("}},

		// The packages that do not count, and what is done about them.
		{name: "every invalid reason in words, with what the seller does about it",
			in: ReconcileInput{Notice: warning(MetricVTR), Local: allLow, Invalid: []PackageRef{
				{OrderID: "1", Category: "Music", Reason: NoTracking, ShipDate: MustDate("2019-10-20")},
				{OrderID: "2", Category: "Music", Reason: CarrierOtherIntegrated, TrackingNumber: "T2", ShipDate: MustDate("2019-10-21")},
				{OrderID: "3", Category: "Music", Carrier: "Hermes", Reason: CarrierNotIntegrated, TrackingNumber: "T3", ShipDate: MustDate("2019-10-22")},
				{OrderID: "4", Category: "Music", Carrier: "UPS", Reason: CarrierMismatch, TrackingNumber: "T4", ShipDate: MustDate("2019-10-23")},
				{OrderID: "5", Category: "Music", Carrier: "UPS", Reason: BadFormat, TrackingNumber: "T5", ShipDate: MustDate("2019-10-24")},
				{OrderID: "6", Category: "Music", Carrier: "UPS", Reason: UploadedAfterDelivery, TrackingNumber: "T6", ShipDate: MustDate("2019-10-25")},
				{OrderID: "7", Category: "Music", Carrier: "USPS", Reason: NoScan, TrackingNumber: "T7", ShipDate: MustDate("2019-10-26")},
			}},
			want: []string{"\nThe packages that do not count in our own check are:\n" +
				"- 1 (Music), no carrier, no tracking number, shipped 2019-10-20: confirmed without a tracking number\n" +
				"- 2 (Music), no carrier, T2, shipped 2019-10-21: confirmed with carrier \"Other\" and the carrier's name typed in\n" +
				"- 3 (Music), Hermes, T3, shipped 2019-10-22: the carrier is not one Amazon integrates\n" +
				"- 4 (Music), UPS, T4, shipped 2019-10-23: the number belongs to another carrier than the one confirmed\n" +
				"- 5 (Music), UPS, T5, shipped 2019-10-24: the number does not fit the carrier's format\n" +
				"- 6 (Music), UPS, T6, shipped 2019-10-25: the tracking number was uploaded after delivery\n" +
				"- 7 (Music), USPS, T7, shipped 2019-10-26: the carrier never scanned it\n" +
				"What we are doing about them:\n" +
				"- we now ship every order that is not exempt with tracked postage\n" +
				"- we now pick the carrier (the carrier) from Amazon's list instead of typing its name under \"Other\"\n" +
				"- we now ship with carriers Amazon integrates\n" +
				"- we now check that carrier and tracking number belong together before confirming\n" +
				"- we now copy tracking numbers from the label instead of typing them\n" +
				"- we now confirm each shipment with its tracking number on the day it ships\n" +
				"- we now hand packages to the carrier with an acceptance scan\n"},
			notWant: []string{"NO_TRACKING", "BAD_FORMAT", "valid USPS number"}},
		{name: "at most 20 packages are listed; one remedy per reason",
			in:      ReconcileInput{Notice: warning(MetricVTR), Local: allLow, Invalid: invalidMany(21)},
			want:    []string{"- 111-0000019 (Music)", "- and 1 more\nWhat we are doing about them:\n- we now ship every order that is not exempt with tracked postage\n\n"},
			notWant: []string{"111-0000020", "attached"}},
		{name: "more than 20 packages with the list attached: the rest are in it",
			in:   ReconcileInput{Notice: warning(MetricVTR), Local: allLow, Invalid: invalidMany(22), Reply: ReplyOptions{Attachment: "evidence.csv"}},
			want: []string{"- and 2 more (in the attached list)\n", "A list of the packages of 2019-10-15 to 2019-11-14 with their tracking numbers is attached (evidence.csv); we can send the carrier's tracking and delivery records for any of them on request.\n"}},

		// Sibling metrics.
		{name: "a sibling metric that meets its target on Amazon's warning: review asked",
			in:   ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{lsr(0, 10)}},
			want: []string{"\nOur records give a Late Shipment Rate of 0.0% for 2019-10-15 to 2019-11-14 (0 of 10 orders).\n", "- review the warning, since our records meet the target, and correct the metric.\n"}},
		{name: "a sibling metric that meets its target on a Support reply: nothing asked",
			in:      ReconcileInput{Notice: func() *Notice { n := supportReply(); n.Metric = MetricLateShipment; return n }(), Local: allMeet, Metrics: []MetricResult{lsr(0, 10)}},
			want:    []string{"Late Shipment Rate of 0.0%"},
			notWant: []string{"review the warning", "Could you please"}},
		{name: "a sibling metric that misses its target: acknowledged with at most 20 orders",
			in:      ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{lsr(21, 100, offenders(21)...)}},
			want:    []string{"(21 of 100 orders).\nOur own check agrees that it misses the target. The orders that count against it are:\n- 112-0000000: shipped late\n", "- 112-0000019: shipped late\n- and 1 more\n"},
			notWant: []string{"112-0000020", "review the warning", "correct the metric"}},
		{name: "a sibling metric missing a column: no figure, and which orders are asked",
			in: ReconcileInput{Notice: warning(MetricCancel), Local: allMeet,
				Metrics: []MetricResult{{Metric: MetricCancel, Name: "Cancellation Rate", Window: traxWindow, Target: 0.025, AtMost: true, Denominator: 10}},
				Gaps:    []DataGap{{Metric: MetricCancel, Column: "purchase-date", Records: "orders", Count: 1}}},
			want:    []string{"\nWe have not yet been able to check the Cancellation Rate against our own records for 2019-10-15 to 2019-11-14.\n", "- tell us which orders count against the Cancellation Rate, so that we can check them against our records.\n"},
			notWant: []string{"0.0%", "0 of 10", "review the warning"}},
		{name: "a sibling metric with nothing to count, on a warning naming its orders: nothing asked",
			in:      ReconcileInput{Notice: withOrders(warning(MetricLateShipment), "111-1"), Local: allMeet, Metrics: []MetricResult{lsr(0, 0)}},
			want:    []string{"We have not yet been able to check the Late Shipment Rate"},
			notWant: []string{"tell us which orders", "N/A", "0 of 0"}},
		{name: "the Order Defect Rate: no figure at all",
			in:      ReconcileInput{Notice: warning(MetricOrderDefect), Local: allMeet},
			notWant: []string{"Order Defect Rate of", "Our records give", "review the warning", "Could you please"}},

		// Support's claims.
		{name: "a status claim where the latest order is not the only one with it",
			in: ReconcileInput{Notice: supportReply(unshipped), Local: allMeet,
				OrderCounts: &OrderTotals{Window: supportWin, Orders: 10, MFN: 10, ByStatus: map[string]int{"Shipped": 8, "Unshipped": 2},
					Latest: OrderBrief{ID: "114-1", Status: "Unshipped", Purchased: MustDate("2019-12-02")}}},
			want:    []string{"Your reply says the order is \"Unshipped\". In our records the 10 orders purchased from 2018-12-05 to 2019-12-04 are: 8 Shipped, 2 Unshipped.\n"},
			notWant: []string{"The only", "114-1", "check the account again"}},
		{name: "Support says N/A while packages were due: the real figure is asked for",
			in:   ReconcileInput{Notice: supportReply(Claim{Type: ClaimMetricValue, Text: "N/A"}), Local: booksLow, Invalid: booksInvalid},
			want: []string{"The dashboard shows N/A for the Valid Tracking Rate, although 84 packages were due in 2019-10-15 to 2019-11-14 and 82 of them carry valid tracking numbers.\n", "- restore the Valid Tracking Rate on the dashboard from N/A to the real figure;\n"}},
		{name: "Support says N/A and the records hold nothing: not disputed",
			in:      ReconcileInput{Notice: supportReply(Claim{Type: ClaimMetricValue, Text: "N/A"}), Local: nothing},
			notWant: []string{"The dashboard shows N/A", "restore"}},
		{name: "no N/A finding, no N/A dispute: the draft follows the findings",
			in:      ReconcileInput{Notice: supportReply(Claim{Type: ClaimMetricValue, Text: "N/A"}), Local: booksLow, Invalid: booksInvalid},
			drop:    []FindingCode{FindMetricNAExplained},
			notWant: []string{"The dashboard shows N/A", "restore"}},
		{name: "no contradiction finding, no contradiction stated",
			in:      ReconcileInput{Notice: supportReply(oneOrder), Local: allMeet, OrderCounts: traxOrders},
			drop:    []FindingCode{FindContradictsCount},
			notWant: []string{"Your reply says", "check the account again", "Could you please"}},
		{name: "Support's letter exemption with letters exempt: their count",
			in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimExemption}), Local: allMeet,
				Exempt: []PackageRef{{Exemption: USLetterFlatUnder10}, {Exemption: USLetterFlatUnder10}, {Exemption: "jp_under_1000"}}},
			want: []string{"You wrote that letters and flats under $10 need no tracking: our records already leave 2 such packages of 2019-10-15 to 2019-11-14 out of the rate.\n"}},
		{name: "Support's letter exemption with no letter exempt: nothing said of it",
			in:      ReconcileInput{Notice: supportReply(Claim{Type: ClaimExemption}), Local: allMeet, Exempt: []PackageRef{{Exemption: "jp_under_1000"}}},
			notWant: []string{"You wrote", "letters and flats"}},
		{name: "a claim the records cannot check is not mentioned",
			in:      ReconcileInput{Notice: supportReply(oneOrder, unshipped), Local: allMeet, OrderCounts: &OrderTotals{Window: supportWin, ByStatus: map[string]int{}}},
			notWant: []string{"Your reply says", "0 orders", "purchase date", "check the account again", "Could you please"}},
		{name: "the same request is made once",
			in:   ReconcileInput{Notice: supportReply(ignoreIt, ignoreIt), Local: allMeet},
			once: []string{"- confirm in writing that the warning is withdrawn, so that it does not count against the account.\n"}},
		{name: "requests about what is in dispute come before requests to check",
			in:   ReconcileInput{Notice: supportReply(oneOrder, ignoreIt), Local: booksLow, Invalid: booksInvalid, OrderCounts: traxOrders},
			want: []string{"Could you please:\n- check the account again: the order count you quoted does not match the orders on record;\n- tell us in writing whether the warning still applies: you advised us to ignore it, while our own records put Books (66.7%, 4 of 6 valid) below 95%;\n- tell us if Amazon counts packages other than those listed above as untracked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := traxInput(tt.in)
			e := Reconcile(in)
			if got := DraftReply(e, in); got != e.Reply {
				t.Fatalf("Reconcile's draft differs from DraftReply's:\n%s\n---\n%s", e.Reply, got)
			}
			if len(tt.drop) > 0 {
				var kept []Finding
				for _, f := range e.Findings {
					if !containsCode(tt.drop, f.Code) {
						kept = append(kept, f)
					}
				}
				e.Findings = kept
			}
			r := DraftReply(e, in)
			if !strings.HasPrefix(r, "Hello Seller Support,\n\n") || !strings.HasSuffix(r, "\nThank you for your help.\n") {
				t.Errorf("draft does not open and close as a letter:\n%s", r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r, w) {
					t.Errorf("draft lacks %q:\n%s", w, r)
				}
			}
			for _, w := range tt.once {
				if k := strings.Count(r, w); k != 1 {
					t.Errorf("draft says %q %d times, want once:\n%s", w, k, r)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(r, w) {
					t.Errorf("draft says %q, which the records do not support:\n%s", w, r)
				}
			}
		})
	}
}

func containsCode(list []FindingCode, c FindingCode) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}
