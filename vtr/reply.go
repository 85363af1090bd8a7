package vtr

import (
	"fmt"
	"strings"
)

// ReplyOptions are what a draft needs besides the records.
type ReplyOptions struct {
	// SellerName signs the draft ("Kind regards, NAME"); empty leaves the
	// draft unsigned for the seller to sign, never a dangling "Kind regards,".
	SellerName string
	// Attachment is the name of the file listing the window's packages that
	// goes with the reply (bot explain --evidence); empty when none was
	// written, and then the draft offers the list instead of attaching it.
	Attachment string
}

// maxListed caps the packages and orders a draft names one by one.
const maxListed = 20

// DraftReply writes a reply to Seller Support: plain and polite, stating
// only what the records support (docs/rules.md "What the draft says"). It
// acknowledges what the records agree with (a category below target, with
// its packages and what the seller does about them), disputes only what
// they contradict, says nothing of what they cannot check, and asks only
// about what is in dispute. It is a draft for the seller to read, edit and
// send.
func DraftReply(e Explanation, in ReconcileInput) string {
	n := in.Notice
	d := &draft{e: e, in: in, has: map[FindingCode]bool{}}
	for _, f := range e.Findings {
		d.has[f.Code] = true
	}
	b := &d.b
	b.WriteString("Hello Seller Support,\n\n")
	subject := n.Subject
	if subject == "" {
		subject = "your notice"
	}
	when := ""
	if !n.Date.IsZero() {
		when = " of " + DateOf(n.Date.UTC()).String()
	}
	if n.CaseID != "" {
		fmt.Fprintf(b, "This is about case %s and the message%s (\"%s\").\n", n.CaseID, when, subject)
	} else {
		fmt.Fprintf(b, "This is about your message%s (\"%s\").\n", when, subject)
	}
	if isVTR(n.Metric) {
		d.vtr()
	} else {
		d.metric()
	}
	d.claims()
	d.evidence()
	if asks := dedupe(append(d.asks, d.checks...)); len(asks) > 0 {
		b.WriteString("\nCould you please:\n")
		for i, a := range asks {
			end := ";"
			if i == len(asks)-1 {
				end = "."
			}
			fmt.Fprintf(b, "- %s%s\n", a, end)
		}
	}
	b.WriteString("\nThank you for your help.\n")
	if name := strings.TrimSpace(in.Reply.SellerName); name != "" {
		fmt.Fprintf(b, "\nKind regards,\n%s\n", name)
	}
	return b.String()
}

// draft is a reply being written: the text and the requests it ends with,
// those about what is in dispute first, then the requests to check.
type draft struct {
	e      Explanation
	in     ReconcileInput
	has    map[FindingCode]bool // finding codes present
	b      strings.Builder
	asks   []string
	checks []string
}

func isVTR(m Metric) bool { return m == "" || m == MetricVTR || m == MetricAccountHealth }

// warning reports whether the notice is Amazon's own warning (not a
// Support reply): only a warning can be asked to be reviewed.
func (d *draft) warning() bool {
	k := d.in.Notice.Kind
	return k == KindPerformanceWarning || k == KindDeactivation
}

// vtr states the local Valid Tracking Rate, acknowledges what is below
// target and names the packages that do not count.
func (d *draft) vtr() {
	b, in := &d.b, d.in
	w, o := in.Window, in.Local.Overall
	if o.Eligible == 0 {
		fmt.Fprintf(b, "\nWe have not yet been able to check this against our own records: they hold no eligible merchant-fulfilled package of the %s store for %s to %s.\n", in.Market, w.From, w.To)
		if d.warning() && len(d.in.Notice.OrderIDs) == 0 {
			d.checks = append(d.checks, "tell us which packages Amazon counts as untracked, so that we can check them against our records")
		}
		return
	}
	fmt.Fprintf(b, "\nOur records for %s to %s (%s store, keyed on promised delivery date) show %d eligible merchant-fulfilled packages, %d of them with valid tracking (%s), %d already confirmed delivered or scanned by the carrier, and %d exempt.",
		w.From, w.To, in.Market, o.Eligible, o.Valid, pct(o.Rate()), o.Verified, o.Exempt)
	if in.NoPromisedDate > 0 {
		fmt.Fprintf(b, " %s no promised delivery date in our order records and %s placed by %s ship date.", Plural(in.NoPromisedDate, "package")+verb(in.NoPromisedDate, " has", " have"),
			verb(in.NoPromisedDate, "is", "are"), verb(in.NoPromisedDate, "its", "their"))
	}
	b.WriteString("\n")
	for _, c := range in.Local.Categories {
		fmt.Fprintf(b, "- %s: %d of %d valid (%s)\n", c.Category, c.Valid, c.Eligible, pct(c.Rate()))
	}
	overall, cats := belowTarget(in.Local)
	switch {
	case overall:
		fmt.Fprintf(b, "\nOur own check agrees that the rate is below 95%%")
		if len(cats) > 0 {
			fmt.Fprintf(b, ", in %s in particular", andList(cats))
		}
		b.WriteString(".\n")
	case len(cats) > 0:
		verb := "is"
		if len(cats) > 1 {
			verb = "are"
		}
		fmt.Fprintf(b, "\nOur own check agrees that %s %s below 95%%, although the account as a whole is at %s.\n", andList(cats), verb, pct(o.Rate()))
	}
	d.packages()
	switch {
	case overall || len(cats) > 0:
		if len(in.Invalid) > 0 {
			d.checks = append(d.checks, "tell us if Amazon counts packages other than those listed above as untracked, so that we can check them")
		}
	case d.warning() && in.Notice.Metric != MetricAccountHealth:
		// Every category meets the target while Amazon warns: that is in
		// dispute. An account-health notice is about more than VTR.
		d.asks = append(d.asks, "review the warning, since our records meet the 95% requirement overall and in every category, and correct the metric",
			"tell us which packages Amazon counts as untracked, so that we can correct any error")
	}
}

// packages lists the packages that do not count, and what the seller does
// about each kind.
func (d *draft) packages() {
	b, inv := &d.b, d.in.Invalid
	if len(inv) == 0 {
		return
	}
	b.WriteString("\nThe packages that do not count in our own check are:\n")
	var reasons []PackageRef
	seen := map[Reason]bool{}
	for i, p := range inv {
		if !seen[p.Reason] {
			seen[p.Reason] = true
			reasons = append(reasons, p)
		}
		if i >= maxListed {
			continue
		}
		tn := p.TrackingNumber
		if tn == "" {
			tn = "no tracking number"
		}
		fmt.Fprintf(b, "- %s (%s), %s, %s, shipped %s: %s\n", p.OrderID, p.Category, orNone(p.Carrier, "no carrier"), tn, p.ShipDate, reasonWords(p.Reason))
	}
	if len(inv) > maxListed {
		where := ""
		if d.attached() {
			where = " (in the attached list)"
		}
		fmt.Fprintf(b, "- and %d more%s\n", len(inv)-maxListed, where)
	}
	b.WriteString("What we are doing about them:\n")
	for _, p := range reasons {
		fmt.Fprintf(b, "- %s\n", remedy(p))
	}
}

// reasonWords says a reason code in words for Seller Support.
func reasonWords(r Reason) string {
	switch r {
	case NoTracking:
		return "confirmed without a tracking number"
	case CarrierOtherIntegrated:
		return "confirmed with carrier \"Other\" and the carrier's name typed in"
	case CarrierNotIntegrated:
		return "the carrier is not one Amazon integrates"
	case CarrierMismatch:
		return "the number belongs to another carrier than the one confirmed"
	case BadFormat:
		return "the number does not fit the carrier's format"
	case UploadedAfterDelivery:
		return "the tracking number was uploaded after delivery"
	case NoScan:
		return "the carrier never scanned it"
	}
	return string(r)
}

// remedy says what the seller does about packages with p's reason: the
// fix from then on, since a correction after delivery never counts.
func remedy(p PackageRef) string {
	switch p.Reason {
	case NoTracking:
		return "we now ship every order that is not exempt with tracked postage"
	case CarrierOtherIntegrated:
		// CARRIER_OTHER_INTEGRATED is tested before any format check: the
		// records do not say the number itself is good.
		return fmt.Sprintf("we now pick the carrier (%s) from Amazon's list instead of typing its name under \"Other\"", orNone(p.Carrier, "the carrier"))
	case CarrierNotIntegrated:
		return "we now ship with carriers Amazon integrates"
	case CarrierMismatch:
		return "we now check that carrier and tracking number belong together before confirming"
	case BadFormat:
		return "we now copy tracking numbers from the label instead of typing them"
	case UploadedAfterDelivery:
		return "we now confirm each shipment with its tracking number on the day it ships"
	case NoScan:
		return "we now hand packages to the carrier with an acceptance scan"
	}
	return "we are reviewing how these packages were confirmed"
}

// metric states a sibling metric, when the records can.
func (d *draft) metric() {
	b, n := &d.b, d.in.Notice
	for _, m := range d.in.Metrics {
		if m.Metric != n.Metric {
			continue
		}
		if m.Denominator == 0 || gapOf(d.in.Gaps, m.Metric).Count > 0 {
			// A rate over part of the orders, or over none, is no figure to
			// put to Amazon.
			fmt.Fprintf(b, "\nWe have not yet been able to check the %s against our own records for %s to %s.\n", m.Name, m.Window.From, m.Window.To)
			if d.warning() && len(n.OrderIDs) == 0 {
				d.checks = append(d.checks, fmt.Sprintf("tell us which orders count against the %s, so that we can check them against our records", m.Name))
			}
			continue
		}
		fmt.Fprintf(b, "\nOur records give a %s of %s for %s to %s (%d of %d orders).\n", m.Name, Percent(m.Rate(), m.Target), m.Window.From, m.Window.To, m.Numerator, m.Denominator)
		switch m.Status() {
		case StatusOK:
			if d.warning() {
				d.asks = append(d.asks, "review the warning, since our records meet the target, and correct the metric")
			}
		case StatusBelowTarget:
			b.WriteString("Our own check agrees that it misses the target. The orders that count against it are:\n")
			for i, o := range m.Offenders {
				if i == maxListed {
					fmt.Fprintf(b, "- and %d more\n", len(m.Offenders)-i)
					break
				}
				fmt.Fprintf(b, "- %s: %s\n", o.OrderID, o.Why)
			}
		}
	}
}

// claims answers Support's claims: what the records contradict, with the
// numbers, and nothing of what they cannot check.
func (d *draft) claims() {
	b, in, n := &d.b, d.in, d.in.Notice
	o, w := in.Local.Overall, in.Window
	first := true
	para := func() {
		if first {
			b.WriteString("\n")
			first = false
		}
	}
	for _, f := range d.e.Findings {
		switch f.Code {
		case FindContradictsCount:
			t := in.OrderCounts
			para()
			fmt.Fprintf(b, "Your reply says there was %s in the past %d days. Our order reports list %s%d orders purchased from %s to %s (%d merchant-fulfilled).\n",
				countPhrase(n, ClaimOrderCount), claimDays(n), atLeast(t), t.Orders, t.Window.From, t.Window.To, t.MFN)
			d.asks = append(d.asks, "check the account again: the order count you quoted does not match the orders on record")
		case FindContradictsStatus:
			t := in.OrderCounts
			text := claimValue(n, ClaimOrderStatus)
			para()
			fmt.Fprintf(b, "Your reply says the order is \"%s\". In our records the %d orders purchased from %s to %s are: %s.", text, t.Orders, t.Window.From, t.Window.To, statusList(t.ByStatus))
			if same := sameStatus(t, text); same == 1 && t.Latest.ID != "" && normStatus(t.Latest.Status) == normStatus(text) {
				fmt.Fprintf(b, " The only %s one is the most recent order, %s, placed %s, which may be the one you saw.", text, t.Latest.ID, t.Latest.Purchased)
			}
			b.WriteString("\n")
		case FindMetricNAExplained:
			if o.Eligible > 0 && claimValue(n, ClaimMetricValue) != "" {
				para()
				fmt.Fprintf(b, "The dashboard shows N/A for the Valid Tracking Rate, although %d packages were due in %s to %s and %d of them carry valid tracking numbers.\n", o.Eligible, w.From, w.To, o.Valid)
				d.asks = append(d.asks, "restore the Valid Tracking Rate on the dashboard from N/A to the real figure")
			}
		case FindExemptionClaim:
			if k := letters(in.Exempt); k > 0 {
				para()
				fmt.Fprintf(b, "You wrote that letters and flats under $10 need no tracking: our records already leave %s of %s to %s out of the rate.\n", Plural(k, "such package"), w.From, w.To)
			}
		case FindIgnoreInstruction:
			if overall, cats := belowTarget(in.Local); isVTR(n.Metric) && (overall || len(cats) > 0) {
				d.asks = append(d.asks, fmt.Sprintf("tell us in writing whether the warning still applies: you advised us to ignore it, while our own records put %s below 95%%", belowWhat(overall, cats)))
			} else {
				d.asks = append(d.asks, "confirm in writing that the warning is withdrawn, so that it does not count against the account")
			}
		}
	}
}

// evidence offers the carrier records of the window's packages, and says a
// list is attached only when one goes with the reply.
func (d *draft) evidence() {
	if !d.hasPackages() {
		return
	}
	if d.attached() {
		fmt.Fprintf(&d.b, "\nA list of the packages of %s to %s with their tracking numbers is attached (%s); we can send the carrier's tracking and delivery records for any of them on request.\n",
			d.in.Window.From, d.in.Window.To, d.in.Reply.Attachment)
		return
	}
	d.b.WriteString("\nWe can send the carrier's tracking and delivery records for every package on request.\n")
}

// hasPackages reports whether the records hold packages of the window.
func (d *draft) hasPackages() bool {
	o := d.in.Local.Overall
	return o.Eligible+o.Exempt > 0 || len(d.in.Invalid) > 0
}

func (d *draft) attached() bool { return d.in.Reply.Attachment != "" && d.hasPackages() }

// letters counts the packages the letter/flat exemption leaves out.
func letters(exempt []PackageRef) int {
	k := 0
	for _, p := range exempt {
		if strings.Contains(p.Exemption, "letter") {
			k++
		}
	}
	return k
}

func countPhrase(n *Notice, t ClaimType) string {
	for _, c := range n.Claims {
		if c.Type == t {
			if c.Count == 1 {
				return "only 1 order"
			}
			return fmt.Sprintf("%d orders", c.Count)
		}
	}
	return ""
}

func claimDays(n *Notice) int {
	for _, c := range n.Claims {
		if c.Type == ClaimOrderCount {
			return c.Days
		}
	}
	return 0
}

// claimValue returns the text of the notice's first claim of type t.
func claimValue(n *Notice, t ClaimType) string {
	for _, c := range n.Claims {
		if c.Type == t {
			return c.Text
		}
	}
	return ""
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
