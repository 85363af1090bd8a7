package commands

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// Button action IDs of triage messages.
const (
	ActShowUntracked = "show_untracked"
	ActDraftReply    = "draft_reply"
	ActAssign        = "assign"
	ActSnooze        = "snooze"
	ActHandled       = "handled"
)

var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// mention renders a Slack user ID as a mention, or as plain text when it is
// not an ID (so nothing but an ID Slack gave us can ever ping anyone).
func mention(id string) string {
	if slackUserID.MatchString(id) {
		return "<@" + id + ">"
	}
	return Escape(id)
}

// TriageReply renders an explanation as the triage message of a notice:
// what Amazon says, what the records say, the findings, what to do, and the
// buttons. t, when set, adds the triage state (assignee, snooze, handled).
func TriageReply(e vtr.Explanation, noticeID string, t *store.Triage) Reply {
	n := e.Notice
	r := Reply{Text: Escape(fmt.Sprintf("%s: %s", kindTitle(n), n.Subject))}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: trunc(kindTitle(n)+": "+n.Subject, 150)})
	if untrustedForward(n) {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "↪️ *Forwarded by " + Escape(n.ForwardedBy) + ", not believed:* " +
			Escape(n.ForwardWhy) + ". Whatever the mail inside says, vtrbot does not take it as Amazon's or a carrier's word, and its scans are no evidence."})
	}
	says := "*What Amazon says:* "
	if !n.Authentic && n.Kind != vtr.KindOther {
		says = "*What the mail claims (not verified):* "
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: says + amazonSays(n, e.Window)})
	if n.Kind != vtr.KindCarrierUpdate && n.Kind != vtr.KindOther && n.Authentic {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*What your records say:* " + recordsSay(e)})
		if a := e.Local.Amazon; a != nil {
			r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*Amazon's own figure:* " + AmazonSays(a)})
		}
	}
	if len(e.Findings) > 0 {
		var b strings.Builder
		for _, f := range e.Findings {
			fmt.Fprintf(&b, "%s %s\n", sevIcon(f.Severity), Escape(f.Text)) // the code is for --json
		}
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*Findings:*\n" + b.String()})
	}
	if len(e.Actions) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*What to do:*\n• " + Escape(strings.Join(e.Actions, "\n• "))})
	}
	ctx := fmt.Sprintf("From %s · %s · notice `%s`", Escape(n.From), Escape(authLine(n)), Escape(noticeID))
	switch {
	case n.ForwardedBy != "" && n.ForwardTrusted:
		ctx += " · forwarded by " + Escape(n.ForwardedBy) + " (trusted: " + Escape(n.ForwardWhy) + ")"
	case untrustedForward(n):
		ctx += " · forwarded by " + Escape(n.ForwardedBy) + " (not trusted)"
	case n.ForwardedBy != "": // read before forwards were judged
		ctx += " · forwarded by " + Escape(n.ForwardedBy)
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockContext, Text: ctx})
	if t != nil {
		if s := triageState(*t); s != "" {
			r.Blocks = append(r.Blocks, Block{Kind: BlockContext, Text: s})
		}
	}
	if n.Authentic && (n.Kind == vtr.KindPerformanceWarning || n.Kind == vtr.KindDeactivation || n.Kind == vtr.KindSupportReply) {
		win := e.Window.From.String() + ".." + e.Window.To.String()
		r.Blocks = append(r.Blocks, Block{Kind: BlockActions, ID: "triage:" + noticeID, Buttons: []Button{
			{ActionID: ActShowUntracked, Text: "Show untracked packages", Value: win, Style: "primary"},
			{ActionID: ActDraftReply, Text: "Draft reply", Value: noticeID},
			{ActionID: ActAssign, Text: "Assign to me", Value: noticeID},
			{ActionID: ActSnooze, Text: "Snooze 1 day", Value: noticeID},
			{ActionID: ActHandled, Text: "Mark handled", Value: noticeID, Style: "danger"},
		}})
	}
	return r
}

// untrustedForward reports whether n is a forward that is not believed
// (docs/notices.md "Forwarded notices"). A notice stored before forwards
// were judged has no verdict and keeps its authenticity.
func untrustedForward(n *vtr.Notice) bool {
	return n.ForwardedBy != "" && !n.ForwardTrusted && !n.Authentic
}

func triageState(t store.Triage) string {
	var parts []string
	if t.Assignee != "" {
		parts = append(parts, "assigned to "+mention(t.Assignee))
	}
	if t.SnoozedUntil != "" && t.HandledAt == "" {
		parts = append(parts, "snoozed until "+Escape(t.SnoozedUntil))
	}
	if t.HandledAt != "" {
		parts = append(parts, "✅ handled by "+mention(t.HandledBy)+" at "+Escape(t.HandledAt))
	}
	return strings.Join(parts, " · ")
}

func kindTitle(n *vtr.Notice) string {
	switch {
	case untrustedForward(n) && n.Kind != vtr.KindOther:
		return "🚩 Untrusted forward"
	case !n.Authentic && n.Kind != vtr.KindOther:
		return "🚩 Suspicious mail"
	case n.Kind == vtr.KindPerformanceWarning:
		return "⚠️ Amazon warning"
	case n.Kind == vtr.KindDeactivation:
		return "⛔ Amazon deactivation"
	case n.Kind == vtr.KindSupportReply:
		return "💬 Seller Support replied"
	case n.Kind == vtr.KindCarrierUpdate:
		return "📦 Carrier update"
	}
	return "✉️ Mail"
}

func metricName(m vtr.Metric) string {
	switch m {
	case vtr.MetricVTR:
		return "Valid Tracking Rate"
	case vtr.MetricLateShipment:
		return "Late Shipment Rate"
	case vtr.MetricCancel:
		return "Pre-fulfillment Cancel Rate"
	case vtr.MetricOrderDefect:
		return "Order Defect Rate"
	case vtr.MetricOnTime:
		return "On-Time Delivery Rate"
	case vtr.MetricAccountHealth:
		return "Account Health Rating"
	}
	return "no metric named"
}

// amazonSays summarises the notice's own statements.
func amazonSays(n *vtr.Notice, w vtr.Window) string {
	var parts []string
	switch n.Kind {
	case vtr.KindCarrierUpdate:
		for _, ev := range n.Events {
			parts = append(parts, fmt.Sprintf("%s %s at %s", Escape(ev.TrackingNumber), ev.Status, ev.At.UTC().Format("2006-01-02 15:04Z")))
		}
		if len(parts) == 0 {
			return "tracking numbers " + Escape(strings.Join(n.TrackingNumbers, ", "))
		}
		return strings.Join(parts, "; ")
	case vtr.KindOther:
		return "not a performance notice."
	}
	s := metricName(n.Metric)
	if n.Target != nil {
		if n.Metric == vtr.MetricAccountHealth {
			s += fmt.Sprintf(", target %.0f points", *n.Target)
		} else {
			s += ", target " + strings.TrimSuffix(fmt.Sprintf("%.1f", *n.Target*100), ".0") + "%"
		}
	}
	if n.Marketplace != "" {
		s += ", " + n.Marketplace
	}
	if n.Period != nil {
		s += fmt.Sprintf(", period %s to %s", n.Period.From, n.Period.To)
	} else if n.Kind != vtr.KindSupportReply {
		s += fmt.Sprintf(", no period named (checked against %s to %s)", w.From, w.To)
	}
	parts = append(parts, s+".")
	for _, c := range n.Claims {
		switch c.Type {
		case vtr.ClaimOrderCount:
			parts = append(parts, fmt.Sprintf("Claims %s in %s.", vtr.Plural(c.Count, "order"), vtr.Plural(c.Days, "day")))
		case vtr.ClaimOrderStatus:
			parts = append(parts, "Claims the order status is "+Escape(c.Text)+".")
		case vtr.ClaimMetricValue:
			parts = append(parts, "Claims the metric shows "+Escape(c.Text)+".")
		case vtr.ClaimIgnoreNotice:
			parts = append(parts, "Says to ignore the notice.")
		case vtr.ClaimExemption:
			parts = append(parts, "Claims an exemption ("+Escape(c.Text)+").")
		}
	}
	if len(n.OrderIDs) > 0 {
		parts = append(parts, "Names orders "+Escape(strings.Join(n.OrderIDs, ", "))+".")
	}
	return strings.Join(parts, " ")
}

func recordsSay(e vtr.Explanation) string {
	o := e.Local.Overall
	s := fmt.Sprintf("VTR %s for %s to %s (%d of %d eligible valid, %d verified, %d exempt)", Rate(o.Rate()),
		e.Window.From, e.Window.To, o.Valid, o.Eligible, o.Verified, o.Exempt)
	var cats []string
	for _, c := range e.Local.Categories {
		cats = append(cats, fmt.Sprintf("%s %s %s", statusIcon(c.Status()), Escape(c.Category), Rate(c.Rate())))
	}
	if len(cats) > 0 {
		s += ": " + strings.Join(cats, " · ")
	}
	for _, m := range e.Metrics {
		s += fmt.Sprintf("; %s %s (%d of %d)", m.Name, Rate(m.Rate()), m.Numerator, m.Denominator)
	}
	return s + "."
}

func authLine(n *vtr.Notice) string {
	if n.AuthSummary != "" {
		if n.Authentic {
			return "judged authentic: " + n.AuthSummary
		}
		return "NOT authentic: " + n.AuthSummary
	}
	if n.Authentic {
		return "judged authentic"
	}
	return "NOT authentic"
}

func sevIcon(s string) string {
	switch s {
	case vtr.SevCritical:
		return "🔴"
	case vtr.SevWarning:
		return "🟠"
	}
	return "🔵"
}
