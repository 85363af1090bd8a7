package vtr

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// FindingCode names what a finding is about, for programs (--json) and
// tests; people read its Text. The codes are listed in docs/interface.md
// ("bot explain FILE --json").
type FindingCode string

// Finding codes (docs/interface.md "bot explain", and more). FindAmazonGap
// is in amazon.go.
const (
	FindLocalRateMeetsTarget FindingCode = "LOCAL_RATE_MEETS_TARGET"
	FindLocalRateBelowTarget FindingCode = "LOCAL_RATE_BELOW_TARGET"
	FindCategoryBelowTarget  FindingCode = "CATEGORY_BELOW_TARGET"
	FindMetricNAExplained    FindingCode = "METRIC_NA_EXPLAINED"
	FindContradictsCount     FindingCode = "CONTRADICTS_ORDER_COUNT"
	FindContradictsStatus    FindingCode = "CONTRADICTS_ORDER_STATUS"
	FindIgnoreInstruction    FindingCode = "IGNORE_INSTRUCTION"
	FindExemptionClaim       FindingCode = "EXEMPTION_CLAIM"
	FindExemptPackages       FindingCode = "EXEMPT_PACKAGES"
	FindInvalidPackages      FindingCode = "INVALID_PACKAGES"
	FindUnverifiedPackages   FindingCode = "UNVERIFIED_PACKAGES"
	FindNoLocalData          FindingCode = "NO_LOCAL_DATA"
	FindNotAuthentic         FindingCode = "NOT_AUTHENTIC"
	FindNotANotice           FindingCode = "NOT_A_NOTICE"
	FindMetricMeetsTarget    FindingCode = "LOCAL_METRIC_MEETS_TARGET"
	FindMetricMissesTarget   FindingCode = "LOCAL_METRIC_MISSES_TARGET"
	FindMetricDataMissing    FindingCode = "METRIC_DATA_UNAVAILABLE"
	FindEvidenceRecorded     FindingCode = "CARRIER_EVIDENCE"
	FindUnknownTracking      FindingCode = "UNKNOWN_TRACKING_NUMBERS"
	FindNamedOrders          FindingCode = "NAMED_ORDERS"
	FindParseFailed          FindingCode = "PARSE_FAILED"
	// A claim the records cannot check (a column or a span is missing):
	// never reported as a contradiction (docs/rules.md "What the draft says").
	FindClaimNotChecked FindingCode = "CLAIM_NOT_CHECKED"
	// Packages placed in the window by ship date for want of a promised
	// delivery date, which Amazon keys VTR on.
	FindPlacedByShipDate FindingCode = "PLACED_BY_SHIP_DATE"
)

// FindingCodes lists every finding code Reconcile and AmazonFindings
// produce, in the order of docs/interface.md.
func FindingCodes() []FindingCode {
	return []FindingCode{FindLocalRateMeetsTarget, FindLocalRateBelowTarget, FindCategoryBelowTarget,
		FindMetricNAExplained, FindContradictsCount, FindContradictsStatus, FindClaimNotChecked,
		FindIgnoreInstruction, FindExemptionClaim, FindExemptPackages, FindInvalidPackages,
		FindUnverifiedPackages, FindPlacedByShipDate, FindNoLocalData, FindNotAuthentic, FindNotANotice,
		FindMetricMeetsTarget, FindMetricMissesTarget, FindMetricDataMissing,
		FindEvidenceRecorded, FindUnknownTracking, FindNamedOrders, FindParseFailed, FindAmazonGap}
}

// Severities of findings.
const (
	SevInfo     = "info"
	SevWarning  = "warning"
	SevCritical = "critical"
)

// Finding is one thing reconciliation found, with the numbers in its text.
type Finding struct {
	Code     FindingCode `json:"code"`
	Severity string      `json:"severity"`
	Text     string      `json:"text"`
}

// NoticeWindow is the window a notice is checked against: the period it
// names, else the calendar month ending the day before its date (a notice
// dated 2019-11-15 covers 2019-10-15..2019-11-14, docs/rules.md "Notices").
func NoticeWindow(n *Notice, today Date) Window {
	if n.Period != nil {
		return *n.Period
	}
	d := today
	if !n.Date.IsZero() {
		d = DateOf(n.Date.UTC())
	}
	end := d.AddDays(-1)
	from := DateOf(d.Time(time.UTC).AddDate(0, -1, 0))
	return Window{From: from, To: end}
}

// PackageRef is a package named in findings and reply drafts.
type PackageRef struct {
	OrderID          string
	Category         string
	Carrier          string
	TrackingNumber   string
	ShipDate         Date
	PromisedDelivery Date
	Reason           Reason
	// Exemption is the exemption's ID for an exempt package; for an
	// invalid one, MissedExemption's words or "".
	Exemption string
}

// ReconcileInput is everything Reconcile compares a notice with. The
// caller (commands) loads it from the store and fills it with
// GroupPackages, ClaimSpan and MatchTracking (packages.go); Reconcile does
// no I/O.
type ReconcileInput struct {
	Notice      *Notice
	Window      Window
	Market      string
	Local       Status       // VTR for Window and Market
	Invalid     []PackageRef // eligible packages that do not count
	Exempt      []PackageRef
	Unverified  int
	HasData     bool         // any order or package is stored at all
	OrderCounts *OrderTotals // orders over a claim's span, when a count or status is claimed
	Metrics     []MetricResult
	// NamedOrders describes, per order ID the notice names, what the
	// records say of it ("" when the order is unknown).
	NamedOrders map[string]string
	// Evidence for carrier updates: tracking number -> packages it matched.
	Matched   map[string][]PackageRef
	Unmatched []string
	// NoPromisedDate counts the eligible and exempt packages of Window
	// whose order has no promised delivery date: they are placed by ship
	// date.
	NoPromisedDate int
	// Gaps are what the sibling metric of the notice leaves out for want
	// of a column (MetricGaps).
	Gaps []DataGap
	// Reply says who signs the draft and what goes with it.
	Reply ReplyOptions
}

// OrderTotals are the seller's orders over a span, by status.
type OrderTotals struct {
	Window   Window
	Orders   int
	MFN      int
	ByStatus map[string]int
	// Undated counts the orders on record with no purchase date: they may
	// belong to Window or not, so Orders is then a lower bound.
	Undated int
	// Latest is the most recently purchased order of Window.
	Latest OrderBrief
}

// OrderBrief names one order: its ID, status as written and purchase date.
type OrderBrief struct {
	ID        string
	Status    string
	Purchased Date
}

// Explanation is the result of reconciling a notice: the local figures,
// findings, what to do, and a drafted reply to Seller Support.
type Explanation struct {
	Notice   *Notice        `json:"notice"`
	Window   Window         `json:"window"`
	Local    Status         `json:"local"`
	Findings []Finding      `json:"findings"`
	Actions  []string       `json:"actions"`
	Reply    string         `json:"reply"`
	Metrics  []MetricResult `json:"metrics,omitempty"`

	in ReconcileInput // what the reply was drafted from, for WithAttachment
}

// WithAttachment drafts the reply again for a caller that sends a list of
// the window's packages with it (bot explain --evidence): only then does
// the draft say a list is attached. name is the file's name. Findings and
// actions stay as they are; a notice with no draft keeps none.
func (e Explanation) WithAttachment(name string) Explanation {
	if e.Reply == "" || e.in.Notice == nil {
		return e
	}
	e.in.Reply.Attachment = name
	e.Reply = DraftReply(e, e.in)
	return e
}

// MarshalJSON writes the contract's shape: notice, local, findings, reply.
func (e Explanation) MarshalJSON() ([]byte, error) {
	type plain Explanation
	p := plain(e)
	if p.Findings == nil {
		p.Findings = []Finding{}
	}
	if p.Actions == nil {
		p.Actions = []string{}
	}
	return json.Marshal(p)
}

// Reconcile compares what a notice says with what the records say.
func Reconcile(in ReconcileInput) Explanation {
	n := in.Notice
	e := Explanation{Notice: n, Window: in.Window, Local: in.Local, Metrics: in.Metrics}
	add := func(code FindingCode, sev, format string, args ...any) {
		e.Findings = append(e.Findings, Finding{code, sev, fmt.Sprintf(format, args...)})
	}
	if n.Error != "" && n.Kind == KindOther {
		add(FindParseFailed, SevWarning, "vtrbot could not read this mail (%s); it is stored, nothing was dropped.", n.Error)
	}
	if !n.Authentic && n.Kind != KindOther && n.ForwardedBy != "" && !n.ForwardTrusted {
		// docs/notices.md "Forwarded notices": whoever forwarded it, it is not Amazon's word.
		add(FindNotAuthentic, SevCritical, "Forwarded by %s, whose forward vtrbot does not believe (%s): it is not taken as Amazon's or a carrier's word and proves nothing. Do not act on it or follow its links; open Seller Central yourself.", n.ForwardedBy, n.ForwardWhy)
		e.Actions = append(e.Actions, "If you forwarded it yourself, add that address to TRUSTED_FORWARDERS and forward from a mailbox that signs its mail (DKIM); otherwise treat it as phishing.")
		return e
	}
	if !n.Authentic && n.Kind != KindOther {
		add(FindNotAuthentic, SevCritical, "This mail is not from a verified Amazon (or carrier) address (%s). Do not act on it and do not follow its links; open Seller Central yourself.", orNone(n.AuthSummary, n.From))
		e.Actions = append(e.Actions, "Treat the mail as phishing: do not click its links or reply with account details; check Account Health in Seller Central directly.")
		return e
	}
	switch n.Kind {
	case KindOther:
		if n.Error == "" {
			add(FindNotANotice, SevInfo, "This mail is not a performance notice, a Support reply or a carrier update; nothing to reconcile.")
		}
		return e
	case KindCarrierUpdate:
		reconcileCarrier(&e, in, add)
		return e
	}
	if !in.HasData {
		add(FindNoLocalData, SevWarning, "vtrbot has no orders or shipments yet, so it cannot check this notice. Import the All Orders report (bot import orders FILE) and your shipping confirmations (bot import shipments FILE) covering %s to %s.", in.Window.From, in.Window.To)
		e.Actions = append(e.Actions, "Import your orders and shipping confirmations, then run explain again.")
		return e
	}
	// A Support reply is about its claims: check them first.
	if n.Kind == KindSupportReply {
		reconcileClaims(&e, in, add)
	}
	metric := n.Metric
	if metric == "" || metric == MetricVTR || metric == MetricAccountHealth {
		reconcileVTR(&e, in, add)
	} else {
		reconcileMetric(&e, in, add)
	}
	if n.Kind != KindSupportReply {
		reconcileClaims(&e, in, add)
	}
	if len(n.OrderIDs) > 0 {
		var parts []string
		for _, id := range n.OrderIDs {
			if d := in.NamedOrders[id]; d != "" {
				parts = append(parts, id+" ("+d+")")
			} else {
				parts = append(parts, id+" (not in your records: import the orders of that period)")
			}
		}
		add(FindNamedOrders, SevInfo, "The mail names %s: %s.", Plural(len(n.OrderIDs), "order"), strings.Join(parts, "; "))
	}
	e.in = in
	e.Reply = DraftReply(e, in)
	return e
}

func orNone(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

type addFunc func(code FindingCode, sev, format string, args ...any)

func reconcileVTR(e *Explanation, in ReconcileInput, add addFunc) {
	o := in.Local.Overall
	w := in.Window
	switch o.Status() {
	case StatusOK:
		add(FindLocalRateMeetsTarget, SevInfo, "Your records give a Valid Tracking Rate of %s for %s to %s (%d of %d eligible packages valid, %d verified by a carrier scan), which meets the 95%% target.",
			pct(o.Rate()), w.From, w.To, o.Valid, o.Eligible, o.Verified)
	case StatusBelowTarget:
		add(FindLocalRateBelowTarget, SevCritical, "Your records give a Valid Tracking Rate of %s for %s to %s (%d of %d eligible packages valid): below the 95%% target, as Amazon says.",
			pct(o.Rate()), w.From, w.To, o.Valid, o.Eligible)
	default:
		add(FindMetricNAExplained, SevWarning, "Your records have no eligible package for %s to %s, so the rate is N/A locally too: %s.", w.From, w.To, strings.Join(in.Local.NA, "; "))
	}
	for _, c := range in.Local.Categories {
		if c.Status() == StatusBelowTarget {
			add(FindCategoryBelowTarget, SevCritical, "%s is at %s (%d of %d eligible packages valid): below 95%%. This is what \"in select categories\" means; in a small category one bad package is enough.",
				c.Category, pct(c.Rate()), c.Valid, c.Eligible)
			e.Actions = append(e.Actions, fmt.Sprintf("Fix or explain the %s in %s before Amazon acts on the category.", Plural(c.Eligible-c.Valid, "invalid package"), c.Category))
		}
	}
	if len(in.Invalid) > 0 {
		var parts []string
		for _, p := range in.Invalid {
			parts = append(parts, fmt.Sprintf("%s (%s, %s)", p.OrderID, p.Category, p.Reason.Words()))
		}
		add(FindInvalidPackages, SevWarning, "%s not count as valid: %s.", Plural(len(in.Invalid), "package")+verb(len(in.Invalid), " does", " do"), strings.Join(parts, "; "))
		e.Actions = append(e.Actions, "List the invalid packages with `bot vtr untracked` (--csv for an appeal) and correct any that are not delivered yet; fixes after delivery never count.")
	}
	if len(in.Exempt) > 0 {
		add(FindExemptPackages, SevInfo, "%s neither way (%s).", Plural(len(in.Exempt), "package")+verb(len(in.Exempt), " is exempt and counts", " are exempt and count"), exemptionNames(in.Exempt))
	}
	if in.Unverified > 0 {
		add(FindUnverifiedPackages, SevInfo, "%s no scan evidence yet; carrier delivery mails or Amazon's Valid Tracking report would verify them.", Plural(in.Unverified, "valid-looking package")+verb(in.Unverified, " has", " have"))
	}
	if in.NoPromisedDate > 0 {
		add(FindPlacedByShipDate, SevInfo, "%s of %s to %s %s no promised delivery date in your orders file, so vtrbot placed them by ship date; Amazon places them by the promised date it holds, which may fall in another window. Import orders with promised-delivery-date filled in, or Amazon's Order Report after the All Orders report, to place them as Amazon does.",
			Plural(in.NoPromisedDate, "package"), w.From, w.To, verb(in.NoPromisedDate, "has", "have"))
	}
}

func exemptionNames(p []PackageRef) string {
	seen := map[string]int{}
	for _, x := range p {
		seen[x.Exemption]++
	}
	var parts []string
	for k, v := range seen {
		parts = append(parts, ExemptionCount(k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func reconcileMetric(e *Explanation, in ReconcileInput, add addFunc) {
	n := in.Notice
	if n.Metric == MetricOrderDefect {
		add(FindMetricDataMissing, SevWarning, "vtrbot cannot recompute the Order Defect Rate: it needs negative feedback, A-to-z claims and chargebacks, which are not in the All Orders report or the shipping confirmations. Check Account Health → Order Defect Rate in Seller Central.")
		e.Actions = append(e.Actions, "Open each order defect in Seller Central and respond to claims and feedback within their deadlines.")
		return
	}
	for _, m := range in.Metrics {
		if m.Metric != n.Metric {
			continue
		}
		cmp := "under"
		if !m.AtMost {
			cmp = "at least"
		}
		if gap := gapOf(in.Gaps, m.Metric); gap.Count > 0 {
			left := "leaves them out"
			if m.Denominator == 0 {
				left = "cannot be recomputed"
			}
			add(FindMetricDataMissing, SevWarning, "%d %s from %s to %s have no %s in your records, so the %s %s. Import the All Orders report with its %s column.",
				gap.Count, gap.Records, m.Window.From, m.Window.To, gap.Column, m.Name, left, gap.Column)
			if m.Denominator == 0 {
				continue
			}
		}
		switch m.Status() {
		case StatusOK:
			add(FindMetricMeetsTarget, SevInfo, "Your records give a %s of %s for %s to %s (%d of %d), which meets the target (%s %s).",
				m.Name, Percent(m.Rate(), m.Target), m.Window.From, m.Window.To, m.Numerator, m.Denominator, cmp, pctF(m.Target))
		case StatusBelowTarget:
			add(FindMetricMissesTarget, SevCritical, "Your records give a %s of %s for %s to %s (%d of %d): the target is %s %s.",
				m.Name, Percent(m.Rate(), m.Target), m.Window.From, m.Window.To, m.Numerator, m.Denominator, cmp, pctF(m.Target))
			var ids []string
			for _, o := range m.Offenders {
				ids = append(ids, o.OrderID+" ("+o.Why+")")
			}
			if len(ids) > 0 {
				e.Actions = append(e.Actions, "Look at: "+strings.Join(ids, "; ")+".")
			}
		default:
			add(FindMetricNAExplained, SevWarning, "Your records have no orders that count toward the %s for %s to %s: import the All Orders report and the shipping confirmations covering that span, unless there were none.", m.Name, m.Window.From, m.Window.To)
		}
		if m.Note != "" {
			add(FindMetricDataMissing, SevInfo, "%s.", m.Note)
		}
	}
}

func reconcileClaims(e *Explanation, in ReconcileInput, add addFunc) {
	// Claims the records cannot check: said once, after the others.
	var unchecked []string
	defer func() {
		if len(unchecked) == 0 {
			return
		}
		t := in.OrderCounts
		why := fmt.Sprintf("your records hold no order purchased from %s to %s. Import the All Orders report covering that span", t.Window.From, t.Window.To)
		if t.Undated > 0 {
			why = fmt.Sprintf("%d of your orders have no purchase date (the orders file had no purchase-date column, or left it empty), so they cannot be placed in %s to %s. Import the All Orders report with its purchase-date column",
				t.Undated, t.Window.From, t.Window.To)
		}
		add(FindClaimNotChecked, SevWarning, "vtrbot cannot check Amazon's %s: %s. Missing data is not a contradiction, so the drafted reply does not dispute it.", andList(unchecked), why)
	}()
	for _, c := range in.Notice.Claims {
		switch c.Type {
		case ClaimOrderCount:
			t := in.OrderCounts
			switch {
			case t == nil:
			case t.Orders == 0 || (t.Undated > 0 && t.Orders <= c.Count):
				// No dated order in the span, or too few to contradict while
				// undated ones may be in it.
				unchecked = append(unchecked, fmt.Sprintf("order count (%d in %d days)", c.Count, c.Days))
			case t.Orders != c.Count:
				add(FindContradictsCount, SevCritical, "Amazon says %s in the past %d days; your records have %s%d orders from %s to %s (%d merchant-fulfilled).",
					Plural(c.Count, "order"), c.Days, atLeast(t), t.Orders, t.Window.From, t.Window.To, t.MFN)
			}
		case ClaimOrderStatus:
			t := in.OrderCounts
			if t == nil {
				continue
			}
			same := sameStatus(t, c.Text)
			switch {
			case t.Orders == 0 || (same == t.Orders && t.Undated > 0):
				unchecked = append(unchecked, fmt.Sprintf("order status (%q)", c.Text))
				continue
			case same == t.Orders:
				continue
			}
			add(FindContradictsStatus, SevCritical, "Amazon says the order is %q; in your records %d of %d orders from %s to %s have that status (%s). A filter on %s orders would show exactly those.",
				c.Text, same, t.Orders, t.Window.From, t.Window.To, statusList(t.ByStatus), c.Text)
		case ClaimMetricValue:
			if !strings.EqualFold(strings.TrimSpace(c.Text), "N/A") {
				continue
			}
			explainNA(e, in, add)
		case ClaimIgnoreNotice:
			if overall, cats := belowTarget(in.Local); isVTR(in.Notice.Metric) && (overall || len(cats) > 0) {
				// The records agree with the warning: asking for it to be
				// withdrawn would claim what they do not support.
				add(FindIgnoreInstruction, SevWarning, "Support asks you to ignore the notice, but your records agree with it: they put %s below 95%%. A performance notice still counts until Amazon withdraws it in writing; keep the evidence.", belowWhat(overall, cats))
				e.Actions = append(e.Actions, fmt.Sprintf("Do not ignore the notice: your records put %s below 95%%. Ask Seller Support in writing whether the warning still applies, and fix what the records show.", belowWhat(overall, cats)))
			} else {
				add(FindIgnoreInstruction, SevWarning, "Support asks you to ignore the notice. A performance notice still counts until Amazon withdraws it in writing: ask for that, and keep the evidence.")
				e.Actions = append(e.Actions, "Ask Seller Support to confirm in writing that the notice is withdrawn and the metric corrected.")
			}
		case ClaimExemption:
			letters := letters(in.Exempt)
			// An invalid package with Exemption set went as a letter or
			// flat without tracking but is not covered: its order was not
			// under the limit (MissedExemption).
			missed := 0
			for _, p := range in.Invalid {
				if p.Exemption != "" {
					missed++
				}
			}
			switch {
			case len(in.Invalid) == 0:
				add(FindExemptionClaim, SevInfo, "Support says letters and flats under $10 need no tracking. In %s to %s that rule already exempts %s, and no package is invalid.",
					in.Window.From, in.Window.To, Plural(letters, "package"))
			case missed == 0:
				add(FindExemptionClaim, SevInfo, "Support says letters and flats under $10 need no tracking. In %s to %s that rule already exempts %s; none of the %s went as a letter or flat, so the rule covers none of them.",
					in.Window.From, in.Window.To, Plural(letters, "package"), Plural(len(in.Invalid), "invalid package"))
			default:
				what := fmt.Sprintf("%d went as letters or flats on orders of $10 or more", missed)
				if missed == 1 {
					what = "1 went as a letter or flat on an order of $10 or more"
				}
				others := ""
				if missed < len(in.Invalid) {
					others = ", and the others did not go as letters or flats"
				}
				add(FindExemptionClaim, SevInfo, "Support says letters and flats under $10 need no tracking. In %s to %s that rule already exempts %s; of the %s, %s, which the rule does not cover%s.",
					in.Window.From, in.Window.To, Plural(letters, "package"), Plural(len(in.Invalid), "invalid package"), what, others)
			}
		}
	}
}

// explainNA explains a metric Amazon shows as N/A.
func explainNA(e *Explanation, in ReconcileInput, add addFunc) {
	o := in.Local.Overall
	w := in.Window
	if o.Eligible == 0 {
		add(FindMetricNAExplained, SevInfo, "Amazon shows N/A, and your records agree for %s to %s: %s.", w.From, w.To, strings.Join(in.Local.NA, "; "))
		return
	}
	var causes []string
	byReason := map[Reason]int{}
	for _, p := range in.Invalid {
		byReason[p.Reason]++
	}
	if k := byReason[CarrierOtherIntegrated]; k > 0 {
		causes = append(causes, fmt.Sprintf("%s confirmed with carrier \"Other\" and an integrated carrier typed as its name", Plural(k, "package")))
	}
	if k := byReason[NoTracking]; k > 0 {
		causes = append(causes, fmt.Sprintf("%s confirmed without a tracking number", Plural(k, "package")))
	}
	causes = append(causes, "promised delivery dates Amazon holds outside the window it reports (VTR is keyed on the promised delivery date)",
		"shipments confirmed in your records but not in Amazon's (check Manage Orders for unconfirmed orders)",
		"a reporting fault on Amazon's side: the dashboard refreshes within 72 hours of an edit")
	add(FindMetricNAExplained, SevWarning, "Amazon shows N/A, but your records hold %s for %s to %s (%d valid, rate %s). N/A means Amazon counted none; likely causes: %s.",
		Plural(o.Eligible, "eligible package"), w.From, w.To, o.Valid, pct(o.Rate()), strings.Join(causes, "; "))
}

func normStatus(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "canceled" {
		return "cancelled"
	}
	return s
}

func statusList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func reconcileCarrier(e *Explanation, in ReconcileInput, add addFunc) {
	n := in.Notice
	var last EventStatus
	if len(n.Events) > 0 {
		last = n.Events[len(n.Events)-1].Status
	}
	for _, num := range n.TrackingNumbers {
		pk := in.Matched[num]
		if len(pk) == 0 {
			continue
		}
		var ids []string
		for _, p := range pk {
			ids = append(ids, p.OrderID)
		}
		add(FindEvidenceRecorded, SevInfo, "%s %s (latest status: %s) matches order %s; its scans are recorded as evidence, so the package counts as verified.",
			n.From, num, orNone(string(last), "unknown"), strings.Join(ids, ", "))
	}
	if len(in.Unmatched) > 0 {
		add(FindUnknownTracking, SevInfo, "No imported package has tracking number %s; the events are kept and apply when the shipment is imported.", strings.Join(in.Unmatched, ", "))
	}
}

// pct says a Valid Tracking Rate (RatePercent).
func pct(r *float64) string { return RatePercent(r) }

func pctF(f float64) string {
	s := fmt.Sprintf("%.1f", f*100)
	return strings.TrimSuffix(s, ".0") + "%"
}
