package vtr

import (
	"fmt"
	"strings"
)

// DraftReply writes a reply to Seller Support: plain and polite, stating the
// local figures, listing the evidence and asking for the specific
// correction. It is a draft for the seller to read, edit and send.
func DraftReply(e Explanation, in ReconcileInput) string {
	n := in.Notice
	var b strings.Builder
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
		fmt.Fprintf(&b, "This is about case %s and the message%s (\"%s\").\n\n", n.CaseID, when, subject)
	} else {
		fmt.Fprintf(&b, "This is about your message%s (\"%s\").\n\n", when, subject)
	}
	w := in.Window
	o := in.Local.Overall
	if n.Metric == "" || n.Metric == MetricVTR || n.Metric == MetricAccountHealth {
		fmt.Fprintf(&b, "Our records for %s to %s (%s store, keyed on promised delivery date) show %d eligible merchant-fulfilled packages, %d of them with valid tracking (%s), %d already confirmed delivered or scanned by the carrier, and %d exempt.\n",
			w.From, w.To, in.Market, o.Eligible, o.Valid, pct(o.Rate()), o.Verified, o.Exempt)
		for _, c := range in.Local.Categories {
			fmt.Fprintf(&b, "- %s: %d of %d valid (%s)\n", c.Category, c.Valid, c.Eligible, pct(c.Rate()))
		}
		b.WriteString("\n")
	}
	for _, m := range in.Metrics {
		if m.Metric == n.Metric {
			fmt.Fprintf(&b, "Our records give a %s of %s for %s to %s (%d of %d orders).\n\n", m.Name, pct(m.Rate()), m.Window.From, m.Window.To, m.Numerator, m.Denominator)
		}
	}
	var asks []string
	for _, f := range e.Findings {
		switch f.Code {
		case FindContradictsCount:
			t := in.OrderCounts
			fmt.Fprintf(&b, "Your reply says there was %s in the past %d days. Our order reports list %d orders from %s to %s (%d merchant-fulfilled).\n",
				countPhrase(n, ClaimOrderCount), claimDays(n), t.Orders, t.Window.From, t.Window.To, t.MFN)
			asks = append(asks, "check the account again: the order count you quoted does not match the orders on record")
		case FindContradictsStatus:
			t := in.OrderCounts
			fmt.Fprintf(&b, "Your reply says the order is %s. In our records the orders of that period are: %s. Only the most recent order is still unshipped, which may be the one you saw.\n",
				claimText(n, ClaimOrderStatus), statusList(t.ByStatus))
		case FindMetricNAExplained:
			if o.Eligible > 0 {
				fmt.Fprintf(&b, "The dashboard shows N/A for the Valid Tracking Rate, although %d packages were due in %s to %s and %d of them carry valid tracking numbers.\n", o.Eligible, w.From, w.To, o.Valid)
				asks = append(asks, "restore the Valid Tracking Rate on the dashboard from N/A to the real figure")
			}
		case FindIgnoreInstruction:
			asks = append(asks, "confirm in writing that the warning is withdrawn, so that it does not count against the account")
		case FindCategoryBelowTarget, FindLocalRateBelowTarget:
			asks = append(asks, "tell us which packages Amazon counts as untracked, so that we can correct any error")
		case FindLocalRateMeetsTarget:
			asks = append(asks, "review the warning, since our records meet the 95% requirement, and correct the metric")
		case FindMetricMeetsTarget:
			asks = append(asks, "review the warning, since our records meet the target, and correct the metric")
		}
	}
	if len(in.Invalid) > 0 {
		b.WriteString("\nThe packages that do not count in our own check are:\n")
		for _, p := range in.Invalid {
			tn := p.TrackingNumber
			if tn == "" {
				tn = "no tracking number"
			}
			fmt.Fprintf(&b, "- %s (%s): %s %s, shipped %s: %s\n", p.OrderID, p.Category, p.Carrier, tn, p.ShipDate, p.Reason)
		}
	}
	b.WriteString("\nWe can send the carrier's tracking and delivery records for every package on request; a list of the packages with their tracking numbers is attached.\n")
	if len(asks) > 0 {
		b.WriteString("\nCould you please:\n")
		for _, a := range dedupe(asks) {
			fmt.Fprintf(&b, "- %s;\n", a)
		}
	}
	b.WriteString("\nThank you for your help.\n\nKind regards,\n")
	return b.String()
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

func claimText(n *Notice, t ClaimType) string {
	for _, c := range n.Claims {
		if c.Type == t {
			return "\"" + c.Text + "\""
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
