package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

func (c *Commands) market(a *Args) string {
	if a.Marketplace != "" {
		return a.Marketplace
	}
	return c.Marketplace
}

// Rate formats a rate for people: "97.6%" or "N/A".
func Rate(r *float64) string {
	return vtr.RatePercent(r)
}

func statusIcon(s string) string {
	switch s {
	case vtr.StatusOK:
		return "✅"
	case vtr.StatusBelowTarget:
		return "🔴"
	}
	return "⚪"
}

func runStatus(ctx context.Context, c *Commands, _ Request, a *Args) (Reply, error) {
	st, err := c.Store.Status(ctx, c.market(a), a.Window, a.Category)
	if err != nil {
		return Reply{}, err
	}
	return StatusReply(st), nil
}

// StatusReply renders a VTR status.
func StatusReply(st vtr.Status) Reply {
	title := fmt.Sprintf("Valid Tracking Rate · %s · %s to %s", st.Marketplace, st.Window.From, st.Window.To)
	o := st.Overall
	summary := fmt.Sprintf("%s *%s* overall: %d of %s valid (%d verified by a scan), %d exempt. Target %.0f%%.",
		statusIcon(o.Status()), Rate(o.Rate()), o.Valid, vtr.Plural(o.Eligible, "eligible package"), o.Verified, o.Exempt, vtr.Target*100)
	if st.Category != "" {
		summary = fmt.Sprintf("%s *%s* in %s: %d of %s valid (%d verified), %d exempt.",
			statusIcon(o.Status()), Rate(o.Rate()), Escape(st.Category), o.Valid, vtr.Plural(o.Eligible, "eligible package"), o.Verified, o.Exempt)
	}
	r := Reply{Text: fmt.Sprintf("VTR %s %s..%s: %s (%d/%d)", st.Marketplace, st.Window.From, st.Window.To, Rate(o.Rate()), o.Valid, o.Eligible)}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: title}, Block{Kind: BlockSection, Text: summary})
	if len(st.Categories) > 0 {
		var fields []string
		for _, cr := range st.Categories {
			fields = append(fields, fmt.Sprintf("%s *%s*\n%s · %d/%d valid", statusIcon(cr.Status()), Escape(cr.Category), Rate(cr.Rate()), cr.Valid, cr.Eligible))
		}
		for len(fields) > 0 {
			n := min(len(fields), 10) // Block Kit: at most 10 fields per section
			r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Fields: fields[:n]})
			fields = fields[n:]
		}
	}
	var below []string
	for _, cr := range st.Categories {
		if cr.Status() == vtr.StatusBelowTarget {
			below = append(below, fmt.Sprintf("%s (%s: %d of %s not valid)", Escape(cr.Category), Rate(cr.Rate()), cr.Eligible-cr.Valid, vtr.Plural(cr.Eligible, "package")))
		}
	}
	if len(below) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*Below 95%:* " + strings.Join(below, "; ") +
			". Amazon can remove merchant-fulfilled selling in a category below target: `/vtr untracked` lists the packages."})
	}
	if len(st.NA) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*Why N/A:*\n• " + Escape(strings.Join(st.NA, "\n• "))})
	}
	if st.Amazon != nil {
		r.Blocks = append(r.Blocks, Block{Kind: BlockContext, Text: AmazonSays(st.Amazon)})
	}
	return r
}

// AmazonSays is Amazon's own figure in one line: its rate and window next
// to the recomputed one.
func AmazonSays(a *vtr.AmazonVTR) string {
	return fmt.Sprintf("🅰️ Amazon says *%s* (%d of %d valid) for %s to %s, status %s · from its seller-performance report of %s",
		Rate(a.Rate), a.Valid, a.Eligible, a.From, a.To, Escape(orDash(a.Status)), a.FetchedAt.UTC().Format("2006-01-02"))
}

func runUntracked(ctx context.Context, c *Commands, _ Request, a *Args) (Reply, error) {
	list, err := c.Store.Untracked(ctx, c.market(a), a.Window, a.Category)
	if err != nil {
		return Reply{}, err
	}
	return UntrackedReply(c.market(a), a.Window, list), nil
}

// UntrackedReply renders the packages that do not count.
func UntrackedReply(market string, w vtr.Window, list []store.PackageInfo) Reply {
	r := Reply{Text: fmt.Sprintf("%s without valid tracking, %s %s..%s", vtr.Plural(len(list), "package"), market, w.From, w.To)}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: fmt.Sprintf("Packages that do not count · %s · %s to %s", market, w.From, w.To)})
	if len(list) == 0 {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "✅ Every eligible package in this window has valid tracking."})
		return r
	}
	var b strings.Builder
	for i, p := range list {
		if i == 40 {
			fmt.Fprintf(&b, "… and %d more (`bot vtr untracked --csv` has them all)\n", len(list)-i)
			break
		}
		fmt.Fprintf(&b, "• `%s` %s · %s · shipped %s, due %s · *%s*: %s\n", Escape(p.OrderID), Escape(p.Category),
			carrierTracking(p.Carrier, p.TrackingNumber), p.ShipDate, orDash(p.PromisedDelivery.String()), p.Reason.Words(), Escape(p.Reason.Fix()))
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: b.String()})
	return r
}

func runOrder(ctx context.Context, c *Commands, _ Request, a *Args) (Reply, error) {
	if len(a.Rest) != 1 {
		return Reply{}, vtr.Errorf(vtr.EINVALID, "which order? Usage: /vtr order 123-1234567-1234567")
	}
	id := a.Rest[0]
	o, err := c.Store.Order(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	pkgs, err := c.Store.OrderPackages(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	return OrderReply(o, pkgs), nil
}

// OrderReply renders one order and how each of its packages counts.
func OrderReply(o *vtr.Order, pkgs []store.PackageInfo) Reply {
	r := Reply{Text: "Order " + Escape(o.ID)}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: "Order " + o.ID})
	fields := []string{
		"*Status*\n" + Escape(o.Status),
		"*Fulfilment*\n" + Escape(o.FulfillmentChannel),
		"*Store*\n" + Escape(orDash(o.SalesChannel)),
		"*Purchased*\n" + orDash(o.PurchaseDate.String()),
		"*Ship by*\n" + orDash(o.LatestShipDate.String()),
		"*Promised delivery*\n" + orDash(o.PromisedDelivery.String()),
		"*Category*\n" + Escape(o.Category()),
		"*Value*\n" + o.Value().String() + " " + Escape(o.Currency),
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Fields: fields})
	if len(pkgs) == 0 {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "No shipment confirmation is recorded for this order."})
		return r
	}
	var b strings.Builder
	for _, p := range pkgs {
		tn := p.TrackingNumber
		if tn == "" {
			tn = "no tracking number"
		}
		fmt.Fprintf(&b, "• %s `%s` · %s · shipped %s: %s\n", Escape(p.Carrier), Escape(tn), Escape(p.ShipMethod), p.ShipDate, verdictText(p.Verdict))
		if p.Hint != "" {
			fmt.Fprintf(&b, "   ⚠️ %s\n", Escape(p.Hint))
		}
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: b.String()})
	return r
}

// verdictText says how a package counts, in words.
func verdictText(v vtr.Verdict) string {
	switch v.Ineligible {
	case vtr.Eligible:
		if v.Reason.Valid() {
			return "*" + v.Reason.Words() + "* (counts as valid)"
		}
		return "*" + v.Reason.Words() + "* (does not count): " + Escape(v.Reason.Fix())
	case vtr.Exempt:
		return Escape(vtr.ExemptionWords(v.Exemption)) + ", exempt"
	case vtr.NoOrder:
		return "not counted: the order is not imported"
	case vtr.NotMFN:
		return "not counted: fulfilled by Amazon"
	case vtr.Cancelled:
		return "not counted: the order was cancelled"
	case vtr.NonAmazonStore:
		return "not counted: not an Amazon store order"
	}
	return "not counted: " + v.Ineligible.Words()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// carrierTracking is a package's carrier and tracking number in a list
// line that also gives its reason: a package without a tracking number
// shows its carrier alone, as the reason beside it ("no tracking number")
// already says what is missing.
func carrierTracking(carrier, tn string) string {
	if tn == "" {
		return Escape(carrier)
	}
	return Escape(carrier) + " `" + Escape(tn) + "`"
}
