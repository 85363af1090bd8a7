package vtr

import (
	"encoding/json"
	"strings"
	"testing"
)

// A finding Reconcile must report: its code, severity and a piece of its
// text.
type wantFinding struct {
	code FindingCode
	sev  string
	text string
}

type reconcileCase struct {
	name     string
	in       ReconcileInput // HasData is set, Window and Market default to traxWindow and US
	noData   bool           // leave HasData false
	findings []wantFinding  // exactly these, in this order
	actions  []string       // exactly this many actions, each containing its piece
	draft    bool           // a reply is drafted
}

func lsr(num, den int, off ...Offender) MetricResult {
	return MetricResult{Metric: MetricLateShipment, Name: "Late Shipment Rate", Window: traxWindow, Target: 0.04, AtMost: true,
		Numerator: num, Denominator: den, Offenders: off}
}

func withOrders(n *Notice, ids ...string) *Notice { n.OrderIDs = ids; return n }

func unauthentic(n *Notice, forwardedBy, why string, trusted bool) *Notice {
	n.Authentic, n.ForwardedBy, n.ForwardWhy, n.ForwardTrusted = false, forwardedBy, why, trusted
	return n
}

// reconcileCases are every branch of Reconcile (docs/rules.md "Notices",
// "What the draft says"), one or more per finding code.
var reconcileCases = []reconcileCase{
	// Mail that is no notice, or not Amazon's word.
	{name: "an unreadable mail: stored, nothing reconciled",
		in:       ReconcileInput{Notice: &Notice{Kind: KindOther, Error: "no text part"}, Local: booksLow},
		findings: []wantFinding{{FindParseFailed, SevWarning, "vtrbot could not read this mail (no text part); it is stored, nothing was dropped."}}},
	{name: "other mail: nothing to reconcile",
		in:       ReconcileInput{Notice: &Notice{Kind: KindOther, Authentic: true}, Local: booksLow},
		findings: []wantFinding{{FindNotANotice, SevInfo, "not a performance notice, a Support reply or a carrier update"}}},
	{name: "other mail from an unverified address is still just other mail",
		in:       ReconcileInput{Notice: &Notice{Kind: KindOther, From: "x@example.com"}},
		findings: []wantFinding{{FindNotANotice, SevInfo, "nothing to reconcile"}}},
	{name: "a warning from an unverified address: phishing, the records are not compared",
		in:       ReconcileInput{Notice: unauthentic(warning(MetricVTR), "", "", false), Local: booksLow, Invalid: booksInvalid},
		findings: []wantFinding{{FindNotAuthentic, SevCritical, "This mail is not from a verified Amazon (or carrier) address (seller-performance@amazon.com)."}},
		actions:  []string{"Treat the mail as phishing"}},
	{name: "the authentication summary is named when there is one",
		in: ReconcileInput{Notice: func() *Notice {
			n := unauthentic(warning(MetricVTR), "", "", false)
			n.AuthSummary = "dmarc=fail"
			return n
		}()},
		findings: []wantFinding{{FindNotAuthentic, SevCritical, "address (dmarc=fail). Do not act on it"}},
		actions:  []string{"do not click its links"}},
	{name: "an untrusted forward proves nothing, whatever it contains",
		in:       ReconcileInput{Notice: unauthentic(warning(MetricVTR), "boss@example.com", "no DKIM signature", false), Local: allMeet},
		findings: []wantFinding{{FindNotAuthentic, SevCritical, "Forwarded by boss@example.com, whose forward vtrbot does not believe (no DKIM signature)"}},
		actions:  []string{"add that address to TRUSTED_FORWARDERS"}},
	{name: "a trusted forward of an unverified notice is still unverified",
		in:       ReconcileInput{Notice: unauthentic(warning(MetricVTR), "me@example.com", "signed by example.com", true), Local: allMeet},
		findings: []wantFinding{{FindNotAuthentic, SevCritical, "is not from a verified Amazon (or carrier) address"}},
		actions:  []string{"Treat the mail as phishing"}},

	// Carrier mail: evidence, even before any order is imported.
	{name: "a carrier update: matched numbers are evidence, the others are kept",
		noData: true,
		in: ReconcileInput{Notice: &Notice{Kind: KindCarrierUpdate, Authentic: true, From: "UPS", TrackingNumbers: []string{"1ZA", "1ZB", "1ZC"},
			Events: []Event{{Status: EventInTransit}, {Status: EventDelivered}}},
			Matched: map[string][]PackageRef{"1ZA": {{OrderID: "111-1"}, {OrderID: "111-2"}}}, Unmatched: []string{"1ZB", "1ZC"}},
		findings: []wantFinding{
			{FindEvidenceRecorded, SevInfo, "UPS 1ZA (latest status: delivered) matches order 111-1, 111-2; its scans are recorded as evidence"},
			{FindUnknownTracking, SevInfo, "No imported package has tracking number 1ZB, 1ZC; the events are kept"},
		}},
	{name: "a carrier update without events: the status is unknown",
		in: ReconcileInput{Notice: &Notice{Kind: KindCarrierUpdate, Authentic: true, From: "USPS", TrackingNumbers: []string{"94001"}},
			Matched: map[string][]PackageRef{"94001": {{OrderID: "111-1"}}}},
		findings: []wantFinding{{FindEvidenceRecorded, SevInfo, "USPS 94001 (latest status: unknown) matches order 111-1"}}},

	// No records at all.
	{name: "no orders or shipments stored: import before anything is checked",
		noData:   true,
		in:       ReconcileInput{Notice: warning(MetricVTR, oneOrder), OrderCounts: traxOrders},
		findings: []wantFinding{{FindNoLocalData, SevWarning, "Import the All Orders report (bot import orders FILE) and your shipping confirmations (bot import shipments FILE) covering 2019-10-15 to 2019-11-14."}},
		actions:  []string{"Import your orders and shipping confirmations, then run explain again."}},

	// Valid Tracking Rate.
	{name: "the records meet the target",
		in:       ReconcileInput{Notice: warning(MetricVTR), Local: allMeet},
		findings: []wantFinding{{FindLocalRateMeetsTarget, SevInfo, "Valid Tracking Rate of 100.0% for 2019-10-15 to 2019-11-14 (40 of 40 eligible packages valid, 39 verified by a carrier scan), which meets the 95% target."}},
		draft:    true},
	{name: "an account-health notice is checked as VTR",
		in:       ReconcileInput{Notice: warning(MetricAccountHealth), Local: allMeet},
		findings: []wantFinding{{FindLocalRateMeetsTarget, SevInfo, "which meets the 95% target"}},
		draft:    true},
	{name: "the whole account below target, with the category and the packages",
		in: ReconcileInput{Notice: warning(MetricVTR), Local: allLow, Invalid: musicInvalid},
		findings: []wantFinding{
			{FindLocalRateBelowTarget, SevCritical, "Valid Tracking Rate of 80.0% for 2019-10-15 to 2019-11-14 (8 of 10 eligible packages valid): below the 95% target, as Amazon says."},
			{FindCategoryBelowTarget, SevCritical, "Music is at 80.0% (8 of 10 eligible packages valid): below 95%."},
			{FindInvalidPackages, SevWarning, "2 packages do not count as valid: 111-0000001-0000001 (Music, mistyped tracking number); 111-0000002-0000002 (Music, mistyped tracking number)."},
		},
		actions: []string{"Fix or explain the 2 invalid packages in Music before Amazon acts on the category.", "bot vtr untracked"},
		draft:   true},
	{name: "a category below target while the account meets it; exempt, unverified and undated packages are counted",
		in: ReconcileInput{Notice: warning(MetricVTR), Local: booksLow, Invalid: booksInvalid[:1], Unverified: 1, NoPromisedDate: 1,
			Exempt: []PackageRef{{Exemption: USLetterFlatUnder10}, {Exemption: USLetterFlatUnder10}, {Exemption: "jp_under_1000"}}},
		findings: []wantFinding{
			{FindLocalRateMeetsTarget, SevInfo, "97.6%"},
			{FindCategoryBelowTarget, SevCritical, "Books is at 66.7% (4 of 6 eligible packages valid): below 95%. This is what \"in select categories\" means"},
			{FindInvalidPackages, SevWarning, "1 package does not count as valid: 112-1386165-8237630 (Books, no tracking number)."},
			{FindExemptPackages, SevInfo, "3 packages are exempt and count neither way (1 package under ¥1,000, 2 USPS letters under $10)."},
			{FindUnverifiedPackages, SevInfo, "1 valid-looking package has no scan evidence yet"},
			{FindPlacedByShipDate, SevInfo, "1 package of 2019-10-15 to 2019-11-14 has no promised delivery date in your orders file"},
		},
		actions: []string{"Fix or explain the 2 invalid packages in Books", "bot vtr untracked"},
		draft:   true},
	{name: "plural forms of exempt, unverified and undated packages",
		in: ReconcileInput{Notice: warning(MetricVTR), Local: allMeet, Unverified: 3, NoPromisedDate: 2,
			Exempt: []PackageRef{{Exemption: USLetterFlatUnder10}}},
		findings: []wantFinding{
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
			{FindExemptPackages, SevInfo, "1 package is exempt and counts neither way (1 USPS letter under $10)."},
			{FindUnverifiedPackages, SevInfo, "3 valid-looking packages have no scan evidence yet"},
			{FindPlacedByShipDate, SevInfo, "2 packages of 2019-10-15 to 2019-11-14 have no promised delivery date"},
		},
		draft: true},
	{name: "no eligible package locally: N/A here too, with why",
		in:       ReconcileInput{Notice: warning(MetricVTR), Local: nothing, Market: "DE"},
		findings: []wantFinding{{FindMetricNAExplained, SevWarning, "no eligible package for 2019-10-15 to 2019-11-14, so the rate is N/A locally too: no DE orders and no shipments in the window."}},
		draft:    true},

	// Sibling metrics.
	{name: "Order Defect Rate: not recomputable from these files",
		in:       ReconcileInput{Notice: warning(MetricOrderDefect), Local: allMeet},
		findings: []wantFinding{{FindMetricDataMissing, SevWarning, "vtrbot cannot recompute the Order Defect Rate"}},
		actions:  []string{"Open each order defect in Seller Central"},
		draft:    true},
	{name: "a sibling metric that meets its target (under)",
		in:       ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{lsr(0, 10)}},
		findings: []wantFinding{{FindMetricMeetsTarget, SevInfo, "Late Shipment Rate of 0.0% for 2019-10-15 to 2019-11-14 (0 of 10), which meets the target (under 4%)."}},
		draft:    true},
	{name: "a sibling metric that meets its target (at least)",
		in: ReconcileInput{Notice: warning(MetricOnTime), Local: allMeet, Metrics: []MetricResult{
			{Metric: MetricOnTime, Name: "On-Time Delivery Rate", Window: traxWindow, Target: 0.9, Numerator: 19, Denominator: 20}}},
		findings: []wantFinding{{FindMetricMeetsTarget, SevInfo, "On-Time Delivery Rate of 95.0% for 2019-10-15 to 2019-11-14 (19 of 20), which meets the target (at least 90%)."}},
		draft:    true},
	{name: "a sibling metric that misses its target: the orders to look at",
		in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{
			lsr(1, 10, Offender{OrderID: "111-1", Why: "shipped 2019-10-21, ship by 2019-10-20"})}},
		findings: []wantFinding{{FindMetricMissesTarget, SevCritical, "Late Shipment Rate of 10.0% for 2019-10-15 to 2019-11-14 (1 of 10): the target is under 4%."}},
		actions:  []string{"Look at: 111-1 (shipped 2019-10-21, ship by 2019-10-20)."},
		draft:    true},
	{name: "a sibling metric that misses its target with no offender named: no action",
		in:       ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{lsr(1, 10)}},
		findings: []wantFinding{{FindMetricMissesTarget, SevCritical, "(1 of 10)"}},
		draft:    true},
	{name: "a sibling metric with nothing to count: N/A, import the reports",
		in:       ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{lsr(0, 0)}},
		findings: []wantFinding{{FindMetricNAExplained, SevWarning, "no orders that count toward the Late Shipment Rate for 2019-10-15 to 2019-11-14"}},
		draft:    true},
	{name: "a sibling metric missing a column everywhere: not recomputed, no N/A",
		in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{lsr(0, 0)},
			Gaps: []DataGap{{Metric: MetricLateShipment, Column: "latest-ship-date", Records: "orders", Count: 5}}},
		findings: []wantFinding{{FindMetricDataMissing, SevWarning, "5 orders from 2019-10-15 to 2019-11-14 have no latest-ship-date in your records, so the Late Shipment Rate cannot be recomputed. Import the All Orders report with its latest-ship-date column."}},
		draft:    true},
	{name: "a sibling metric missing a column for some orders: said, then the partial figure",
		in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{lsr(0, 10)},
			Gaps: []DataGap{{Metric: MetricLateShipment, Column: "latest-ship-date", Records: "orders", Count: 2}}},
		findings: []wantFinding{
			{FindMetricDataMissing, SevWarning, "so the Late Shipment Rate leaves them out"},
			{FindMetricMeetsTarget, SevInfo, "(0 of 10)"},
		},
		draft: true},
	{name: "a metric's note is passed on",
		in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{
			func() MetricResult { m := lsr(0, 10); m.Note = "3 orders have no confirmation time"; return m }()}},
		findings: []wantFinding{{FindMetricMeetsTarget, SevInfo, "(0 of 10)"}, {FindMetricDataMissing, SevInfo, "3 orders have no confirmation time."}},
		draft:    true},
	{name: "only the notice's metric is reported",
		in: ReconcileInput{Notice: warning(MetricLateShipment), Local: allMeet, Metrics: []MetricResult{
			{Metric: MetricCancel, Name: "Cancellation Rate", Window: traxWindow, Target: 0.025, AtMost: true, Numerator: 5, Denominator: 10}}},
		draft: true},

	// Claims: a Support reply's first, a warning's after the rate.
	{name: "Support's order count and status contradicted by the records, before the rate",
		in: ReconcileInput{Notice: supportReply(oneOrder, unshipped), Local: allMeet, OrderCounts: traxOrders},
		findings: []wantFinding{
			{FindContradictsCount, SevCritical, "Amazon says 1 order in the past 365 days; your records have 107 orders from 2018-12-05 to 2019-12-04 (105 merchant-fulfilled)."},
			{FindContradictsStatus, SevCritical, "Amazon says the order is \"Unshipped\"; in your records 1 of 107 orders from 2018-12-05 to 2019-12-04 have that status (105 Shipped, 1 Cancelled, 1 Unshipped)."},
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
		},
		draft: true},
	{name: "a warning's claims come after the rate",
		in: ReconcileInput{Notice: warning(MetricVTR, oneOrder), Local: allMeet, OrderCounts: traxOrders},
		findings: []wantFinding{
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
			{FindContradictsCount, SevCritical, "Amazon says 1 order"},
		},
		draft: true},
	{name: "claims the records agree with are no finding (status in any case and spelling)",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimOrderCount, Count: 107, Days: 365}, Claim{Type: ClaimOrderStatus, Text: "canceled"}),
			Local: allMeet, OrderCounts: &OrderTotals{Window: supportWin, Orders: 107, MFN: 107, ByStatus: map[string]int{"Cancelled": 100, "CANCELED": 7}}},
		findings: []wantFinding{{FindLocalRateMeetsTarget, SevInfo, "100.0%"}},
		draft:    true},
	{name: "order claims without order totals are not checked at all",
		in:       ReconcileInput{Notice: supportReply(oneOrder, unshipped), Local: allMeet},
		findings: []wantFinding{{FindLocalRateMeetsTarget, SevInfo, "100.0%"}},
		draft:    true},
	{name: "order claims over a span with no dated order: not checked, said once after the others",
		in: ReconcileInput{Notice: supportReply(oneOrder, unshipped, ignoreIt), Local: allMeet, OrderCounts: &OrderTotals{Window: supportWin, ByStatus: map[string]int{}}},
		findings: []wantFinding{
			{FindIgnoreInstruction, SevWarning, "Support asks you to ignore the notice. A performance notice still counts until Amazon withdraws it in writing: ask for that"},
			{FindClaimNotChecked, SevWarning, "vtrbot cannot check Amazon's order count (1 in 365 days) and order status (\"Unshipped\"): your records hold no order purchased from 2018-12-05 to 2019-12-04."},
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
		},
		actions: []string{"Ask Seller Support to confirm in writing that the notice is withdrawn"},
		draft:   true},
	{name: "every dated order has the claimed status while some are undated: not checked",
		in: ReconcileInput{Notice: supportReply(unshipped), Local: allMeet,
			OrderCounts: &OrderTotals{Window: supportWin, Orders: 1, MFN: 1, ByStatus: map[string]int{"Unshipped": 1}, Undated: 3}},
		findings: []wantFinding{
			{FindClaimNotChecked, SevWarning, "vtrbot cannot check Amazon's order status (\"Unshipped\"): 3 of your orders have no purchase date"},
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
		},
		draft: true},
	{name: "more dated orders than claimed while some are undated: a contradiction, as a lower bound",
		in: ReconcileInput{Notice: supportReply(oneOrder), Local: allMeet,
			OrderCounts: &OrderTotals{Window: supportWin, Orders: 40, MFN: 38, ByStatus: map[string]int{"Shipped": 40}, Undated: 67}},
		findings: []wantFinding{
			{FindContradictsCount, SevCritical, "your records have at least 40 orders from 2018-12-05 to 2019-12-04 (38 merchant-fulfilled)"},
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
		},
		draft: true},
	{name: "no more dated orders than claimed while some are undated: not checked",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimOrderCount, Count: 2, Days: 30}), Local: allMeet,
			OrderCounts: &OrderTotals{Window: supportWin, Orders: 2, MFN: 2, ByStatus: map[string]int{"Shipped": 2}, Undated: 5}},
		findings: []wantFinding{
			{FindClaimNotChecked, SevWarning, "order count (2 in 30 days): 5 of your orders have no purchase date"},
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
		},
		draft: true},
	{name: "Support says ignore it while the records agree with the warning",
		in: ReconcileInput{Notice: supportReply(ignoreIt), Local: booksLow},
		findings: []wantFinding{
			{FindIgnoreInstruction, SevWarning, "Support asks you to ignore the notice, but your records agree with it: they put Books (66.7%, 4 of 6 valid) below 95%."},
			{FindLocalRateMeetsTarget, SevInfo, "97.6%"},
			{FindCategoryBelowTarget, SevCritical, "Books is at 66.7%"},
		},
		actions: []string{"Do not ignore the notice: your records put Books (66.7%, 4 of 6 valid) below 95%.", "Fix or explain the 2 invalid packages in Books"},
		draft:   true},
	{name: "Support says ignore it while the whole account is below target",
		in: ReconcileInput{Notice: supportReply(ignoreIt), Local: allLow},
		findings: []wantFinding{
			{FindIgnoreInstruction, SevWarning, "they put the account as a whole below 95%"},
			{FindLocalRateBelowTarget, SevCritical, "80.0%"},
			{FindCategoryBelowTarget, SevCritical, "Music"},
		},
		actions: []string{"Do not ignore the notice: your records put the account as a whole below 95%", "Fix or explain"},
		draft:   true},
	{name: "Support says N/A and the records hold nothing either",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimMetricValue, Text: " n/a "}), Local: nothing, Market: "DE"},
		findings: []wantFinding{
			{FindMetricNAExplained, SevInfo, "Amazon shows N/A, and your records agree for 2019-10-15 to 2019-11-14: no DE orders and no shipments in the window."},
			{FindMetricNAExplained, SevWarning, "so the rate is N/A locally too"},
		},
		draft: true},
	{name: "Support says N/A while the records hold eligible packages: the likely causes",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimMetricValue, Text: "N/A"}), Local: booksLow, Invalid: booksInvalid},
		findings: []wantFinding{
			{FindMetricNAExplained, SevWarning, "Amazon shows N/A, but your records hold 84 eligible packages for 2019-10-15 to 2019-11-14 (82 valid, rate 97.6%). N/A means Amazon counted none; likely causes: 1 package confirmed with carrier \"Other\" and an integrated carrier typed as its name; 1 package confirmed without a tracking number; promised delivery dates"},
			{FindLocalRateMeetsTarget, SevInfo, "97.6%"},
			{FindCategoryBelowTarget, SevCritical, "Books"},
			{FindInvalidPackages, SevWarning, "2 packages do not count"},
		},
		actions: []string{"Fix or explain", "bot vtr untracked"},
		draft:   true},
	{name: "a metric value other than N/A is not a claim to check",
		in:       ReconcileInput{Notice: supportReply(Claim{Type: ClaimMetricValue, Text: "93%"}), Local: allMeet},
		findings: []wantFinding{{FindLocalRateMeetsTarget, SevInfo, "100.0%"}},
		draft:    true},
	{name: "Support's letter exemption with no invalid package",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimExemption}), Local: allMeet,
			Exempt: []PackageRef{{Exemption: USLetterFlatUnder10}, {Exemption: USLetterFlatUnder10}, {Exemption: "jp_under_1000"}}},
		findings: []wantFinding{
			{FindExemptionClaim, SevInfo, "In 2019-10-15 to 2019-11-14 that rule already exempts 2 packages, and no package is invalid."},
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
			{FindExemptPackages, SevInfo, "3 packages are exempt"},
		},
		draft: true},
	{name: "Support's letter exemption and invalid packages: how many are letters it does not cover",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimExemption}), Local: booksLow,
			Invalid: []PackageRef{{OrderID: "1", Category: "Books", Reason: NoTracking, Exemption: MissedExemptionWords(USLetterFlatUnder10)}, booksInvalid[1]}},
		findings: []wantFinding{
			{FindExemptionClaim, SevInfo, "that rule already exempts 0 packages; of the 2 invalid packages, 1 went as a letter or flat on an order of $10 or more, which the rule does not cover, and the others did not go as letters or flats."},
			{FindLocalRateMeetsTarget, SevInfo, "97.6%"},
			{FindCategoryBelowTarget, SevCritical, "Books"},
			{FindInvalidPackages, SevWarning, "1 (Books, no tracking number)"},
		},
		actions: []string{"Fix or explain", "bot vtr untracked"},
		draft:   true},
	{name: "Support's letter exemption and invalid packages none of which went as a letter",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimExemption}), Local: booksLow, Invalid: booksInvalid},
		findings: []wantFinding{
			{FindExemptionClaim, SevInfo, "that rule already exempts 0 packages; none of the 2 invalid packages went as a letter or flat, so the rule covers none of them."},
			{FindLocalRateMeetsTarget, SevInfo, "97.6%"},
			{FindCategoryBelowTarget, SevCritical, "Books"},
			{FindInvalidPackages, SevWarning, "112-1386165-8237630 (Books, no tracking number); 113-5230057-8103661 (Books, carrier typed under \"Other\")"},
		},
		actions: []string{"Fix or explain", "bot vtr untracked"},
		draft:   true},
	{name: "Support's letter exemption and invalid packages that all went as letters over $10",
		in: ReconcileInput{Notice: supportReply(Claim{Type: ClaimExemption}), Local: booksLow,
			Invalid: []PackageRef{
				{OrderID: "1", Category: "Books", Reason: NoTracking, Exemption: MissedExemptionWords(USLetterFlatUnder10)},
				{OrderID: "2", Category: "Books", Reason: NoTracking, Exemption: MissedExemptionWords(USLetterFlatUnder10)}}},
		findings: []wantFinding{
			{FindExemptionClaim, SevInfo, "that rule already exempts 0 packages; of the 2 invalid packages, 2 went as letters or flats on orders of $10 or more, which the rule does not cover."},
			{FindLocalRateMeetsTarget, SevInfo, "97.6%"},
			{FindCategoryBelowTarget, SevCritical, "Books"},
			{FindInvalidPackages, SevWarning, "2 packages do not count as valid: 1 (Books, no tracking number); 2 (Books, no tracking number)"},
		},
		actions: []string{"Fix or explain", "bot vtr untracked"},
		draft:   true},

	// Orders the mail names.
	{name: "the orders a notice names, known or not",
		in: ReconcileInput{Notice: withOrders(warning(MetricVTR), "111-1", "999-9"), Local: allMeet,
			NamedOrders: map[string]string{"111-1": "Shipped, ship by 2019-10-20"}},
		findings: []wantFinding{
			{FindLocalRateMeetsTarget, SevInfo, "100.0%"},
			{FindNamedOrders, SevInfo, "The mail names 2 orders: 111-1 (Shipped, ship by 2019-10-20); 999-9 (not in your records: import the orders of that period)."},
		},
		draft: true},
}

func (tc reconcileCase) input() ReconcileInput {
	in := tc.in
	in.HasData = !tc.noData
	if in.Window.From.IsZero() {
		in.Window = traxWindow
	}
	if in.Market == "" {
		in.Market = "US"
	}
	return in
}

// Reconcile reports what each kind of mail and each set of records calls
// for, in order, with the numbers in the text.
func TestReconcile_findings(t *testing.T) {
	for _, tc := range reconcileCases {
		t.Run(tc.name, func(t *testing.T) {
			e := Reconcile(tc.input())
			if len(e.Findings) != len(tc.findings) {
				t.Errorf("%d findings, want %d:", len(e.Findings), len(tc.findings))
			}
			for i, f := range e.Findings {
				if i >= len(tc.findings) {
					t.Errorf("  extra %s %s: %s", f.Code, f.Severity, f.Text)
					continue
				}
				w := tc.findings[i]
				if f.Code != w.code || f.Severity != w.sev || !strings.Contains(f.Text, w.text) {
					t.Errorf("finding %d = %s %s: %s\n  want %s %s containing %q", i, f.Code, f.Severity, f.Text, w.code, w.sev, w.text)
				}
			}
			for i := len(e.Findings); i < len(tc.findings); i++ {
				t.Errorf("  missing %s %s: %q", tc.findings[i].code, tc.findings[i].sev, tc.findings[i].text)
			}
			if len(e.Actions) != len(tc.actions) {
				t.Errorf("actions = %q, want %d", e.Actions, len(tc.actions))
			} else {
				for i, a := range e.Actions {
					if !strings.Contains(a, tc.actions[i]) {
						t.Errorf("action %d = %q, want it to contain %q", i, a, tc.actions[i])
					}
				}
			}
			if (e.Reply != "") != tc.draft {
				t.Errorf("drafted a reply: %v, want %v\n%s", e.Reply != "", tc.draft, e.Reply)
			}
		})
	}
}

// Every finding code is produced by some case above (or, for
// AMAZON_RATE_DIFFERS, by AmazonFindings), so a code nothing tests is
// noticed.
func TestReconcile_everyFindingCodeIsTested(t *testing.T) {
	seen := map[FindingCode]bool{}
	for _, tc := range reconcileCases {
		for _, f := range Reconcile(tc.input()).Findings {
			seen[f.Code] = true
		}
	}
	for _, f := range AmazonFindings(AmazonGapFacts{Amazon: AmazonVTR{Valid: 1, Eligible: 1}}) {
		seen[f.Code] = true
	}
	for _, c := range FindingCodes() {
		if !seen[c] {
			t.Errorf("no test produces %s", c)
		}
		delete(seen, c)
	}
	for c := range seen {
		t.Errorf("%s is produced but not in FindingCodes()", c)
	}
}

// Finding codes are a type of their own; JSON still writes them as plain
// strings (docs/interface.md "bot explain FILE --json").
func TestFinding_JSON(t *testing.T) {
	b, err := json.Marshal(Finding{Code: FindNamedOrders, Severity: SevInfo, Text: "x"})
	if err != nil || string(b) != `{"code":"NAMED_ORDERS","severity":"info","text":"x"}` {
		t.Errorf("Finding JSON = %s, %v", b, err)
	}
	b, _ = json.Marshal(Explanation{})
	if !strings.Contains(string(b), `"findings":[],"actions":[]`) {
		t.Errorf("an explanation without findings writes %s, want empty lists", b)
	}
}
