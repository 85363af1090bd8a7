package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// Explain reconciles a parsed notice against the store: the local figures
// for the notice's window (or the window of the case it answers), findings
// with numbers, what to do, and a drafted reply.
func (c *Commands) Explain(ctx context.Context, n *vtr.Notice, caseWindow *vtr.Window) (vtr.Explanation, error) {
	w := vtr.NoticeWindow(n, c.today())
	if caseWindow != nil && n.Period == nil {
		w = *caseWindow
	}
	return c.ExplainOver(ctx, n, w)
}

// ExplainOver is Explain over the window w, whatever the notice says: bot
// explain --from/--to.
func (c *Commands) ExplainOver(ctx context.Context, n *vtr.Notice, w vtr.Window) (vtr.Explanation, error) {
	market := n.Marketplace
	if market == "" {
		market = c.Marketplace
	}
	in := vtr.ReconcileInput{Notice: n, Window: w, Market: market, Reply: vtr.ReplyOptions{SellerName: c.SellerName}}
	var err error
	if in.HasData, err = c.Store.HasData(ctx); err != nil {
		return vtr.Explanation{}, err
	}
	if in.Local, err = c.Store.Status(ctx, market, w, ""); err != nil {
		return vtr.Explanation{}, err
	}
	pkgs, err := c.Store.Packages(ctx, market, w, "")
	if err != nil {
		return vtr.Explanation{}, err
	}
	g := vtr.GroupPackages(classified(pkgs))
	in.Invalid, in.Exempt, in.Unverified, in.NoPromisedDate = g.Invalid, g.Exempt, g.Unverified, g.NoPromisedDate
	if span, ok := vtr.ClaimSpan(n, c.today()); ok {
		oc, err := c.Store.OrderCounts(ctx, span)
		if err != nil {
			return vtr.Explanation{}, err
		}
		in.OrderCounts = &vtr.OrderTotals{Window: oc.Window, Orders: oc.Orders, MFN: oc.MFN, ByStatus: oc.ByStatus,
			Undated: oc.Undated, Latest: oc.Latest}
	}
	switch n.Metric {
	case vtr.MetricLateShipment, vtr.MetricCancel, vtr.MetricOnTime:
		if in.Metrics, err = c.metrics(ctx, market, w, n.Metric); err != nil {
			return vtr.Explanation{}, err
		}
		gap, err := c.metricGap(ctx, market, w, n.Metric)
		if err != nil {
			return vtr.Explanation{}, err
		}
		in.Gaps = append(in.Gaps, gap)
	}
	if len(n.OrderIDs) > 0 && n.Kind != vtr.KindCarrierUpdate {
		in.NamedOrders = map[string]string{}
		for _, id := range n.OrderIDs {
			o, err := c.Store.Order(ctx, id)
			if vtr.ErrorCode(err) == vtr.ENOTFOUND {
				continue
			} else if err != nil {
				return vtr.Explanation{}, err
			}
			pk, err := c.Store.OrderPackages(ctx, id)
			if err != nil {
				return vtr.Explanation{}, err
			}
			in.NamedOrders[id] = vtr.DescribeOrder(o, classified(pk))
		}
	}
	if n.Kind == vtr.KindCarrierUpdate && len(n.TrackingNumbers) > 0 {
		found, err := c.Store.PackagesByTracking(ctx, n.TrackingNumbers)
		if err != nil {
			return vtr.Explanation{}, err
		}
		in.Matched, in.Unmatched = vtr.MatchTracking(n.TrackingNumbers, classified(found))
	}
	e := vtr.Reconcile(in)
	if err := c.amazonGap(ctx, &e, market); err != nil {
		return vtr.Explanation{}, err
	}
	return e, nil
}

// amazonGap adds the finding that compares Amazon's own latest figure (bot
// sync) with the records over Amazon's window, for a notice about VTR.
func (c *Commands) amazonGap(ctx context.Context, e *vtr.Explanation, market string) error {
	a := e.Local.Amazon
	if a == nil || e.Notice.Metric != vtr.MetricVTR || !e.Notice.Authentic || a.From.IsZero() || a.To.IsZero() {
		return nil
	}
	f := vtr.AmazonGapFacts{Amazon: *a, Local: e.Local, Today: c.today()}
	if e.Window != a.Window() {
		asked := e.Window
		f.Asked = &asked
		st, err := c.Store.Status(ctx, market, a.Window(), "")
		if err != nil {
			return err
		}
		f.Local = st
	}
	pkgs, err := c.Store.Packages(ctx, market, a.Window(), "")
	if err != nil {
		return err
	}
	f.Unverified = vtr.GroupPackages(classified(pkgs)).Unverified
	e.Findings = append(e.Findings, vtr.AmazonFindings(f)...)
	return nil
}

// classified hands the store's packages to vtr, which decides how each
// one reads in a reconciliation (vtr.GroupPackages, vtr.MatchTracking).
func classified(pkgs []store.PackageInfo) []vtr.ClassifiedPackage {
	out := make([]vtr.ClassifiedPackage, len(pkgs))
	for i, p := range pkgs {
		out[i] = vtr.ClassifiedPackage{Package: p.Package, Verdict: p.Verdict, PromisedDelivery: p.PromisedDelivery}
	}
	return out
}

// metrics computes the sibling metrics for a window: one metric, or all
// when which is "".
func (c *Commands) metrics(ctx context.Context, market string, w vtr.Window, which vtr.Metric) ([]vtr.MetricResult, error) {
	var out []vtr.MetricResult
	if which == "" || which == vtr.MetricLateShipment || which == vtr.MetricCancel {
		facts, err := c.Store.OrderFacts(ctx, market, w)
		if err != nil {
			return nil, err
		}
		if which != vtr.MetricCancel {
			out = append(out, vtr.LateShipmentRate(facts, w))
		}
		if which != vtr.MetricLateShipment {
			out = append(out, vtr.CancelRate(facts, w))
		}
	}
	if which == "" || which == vtr.MetricOnTime {
		pk, err := c.Store.PackageFacts(ctx, market, w)
		if err != nil {
			return nil, err
		}
		out = append(out, vtr.OnTimeDeliveryRate(pk, w))
	}
	return out, nil
}

// metricGap counts what metric leaves out of w for want of a column, so
// that the explanation says so instead of presenting a partial rate.
func (c *Commands) metricGap(ctx context.Context, market string, w vtr.Window, metric vtr.Metric) (vtr.DataGap, error) {
	var orders []vtr.OrderFacts
	var pkgs []vtr.PackageFacts
	var err error
	if metric == vtr.MetricOnTime {
		pkgs, err = c.Store.PackageFacts(ctx, market, w)
	} else {
		orders, err = c.Store.OrderFacts(ctx, market, w)
	}
	if err != nil {
		return vtr.DataGap{}, err
	}
	return vtr.MetricGaps(metric, orders, pkgs, w), nil
}

// Metrics computes the sibling metrics on their standard windows ending at
// asOf: late shipment over 10 and 30 days, cancellation over 7, on-time
// delivery over 14 (docs/rules.md "Sibling metrics").
func (c *Commands) Metrics(ctx context.Context, market string, asOf vtr.Date, custom *vtr.Window) ([]vtr.MetricResult, error) {
	if custom != nil {
		return c.metrics(ctx, market, *custom, "")
	}
	var out []vtr.MetricResult
	for _, x := range []struct {
		m    vtr.Metric
		days int
	}{{vtr.MetricLateShipment, 10}, {vtr.MetricLateShipment, 30}, {vtr.MetricCancel, 7}, {vtr.MetricOnTime, 14}} {
		r, err := c.metrics(ctx, market, vtr.LastDays(asOf, x.days), x.m)
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}

func runExplain(ctx context.Context, c *Commands, _ Request, a *Args) (Reply, error) {
	var sn *store.StoredNotice
	if len(a.Rest) > 0 {
		var err error
		if sn, err = c.Store.StoredNotice(ctx, a.Rest[0]); err != nil {
			return Reply{}, err
		}
	} else {
		list, err := c.Store.Notices(ctx, 50)
		if err != nil {
			return Reply{}, err
		}
		for i := range list {
			if k := vtr.Kind(list[i].Kind); k == vtr.KindPerformanceWarning || k == vtr.KindDeactivation || k == vtr.KindSupportReply {
				sn = &list[i]
				break
			}
		}
		if sn == nil {
			return Reply{Text: "No Amazon notice is stored yet. When one arrives in the watched mailbox (or `bot import mail FILE`), `/vtr explain` reconciles it.", Ephemeral: true}, nil
		}
	}
	n := sn.Notice()
	if n == nil {
		return Reply{}, vtr.Errorf(vtr.EINVALID, "notice %s could not be parsed: %s", sn.ID, sn.ParseError)
	}
	e, err := c.Explain(ctx, n, c.caseWindow(ctx, sn))
	if err != nil {
		return Reply{}, err
	}
	r := TriageReply(e, sn.ID, nil)
	if e.Reply != "" {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*Drafted reply to Seller Support:*\n```" + Escape(e.Reply) + "```"})
	}
	return r, nil
}

// caseWindow returns the window of the notice that opened sn's case, when
// sn answers an earlier notice.
func (c *Commands) caseWindow(ctx context.Context, sn *store.StoredNotice) *vtr.Window {
	if sn.CaseKey == "" || sn.CaseKey == sn.ID {
		return nil
	}
	root, err := c.Store.StoredNotice(ctx, sn.CaseKey)
	if err != nil {
		return nil
	}
	if rn := root.Notice(); rn != nil && rn.Kind != vtr.KindCarrierUpdate {
		w := vtr.NoticeWindow(rn, c.today())
		return &w
	}
	return nil
}

func runNotices(ctx context.Context, c *Commands, _ Request, _ *Args) (Reply, error) {
	list, err := c.Store.Notices(ctx, 15)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Text: fmt.Sprintf("%d latest %s", len(list), plural(len(list), "mail"))}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: "Latest Amazon and carrier mail"})
	if len(list) == 0 {
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "Nothing stored yet."})
		return r, nil
	}
	if fb, err := failedNotices(ctx, c); err != nil {
		return Reply{}, err
	} else if fb != nil {
		r.Blocks = append(r.Blocks, *fb)
	}
	var b strings.Builder
	for _, sn := range list {
		n := sn.Notice()
		switch {
		case n == nil && sn.State == store.NoticeFailed:
			fmt.Fprintf(&b, "• ⛔ `%s` could not be finished; kept for inspection\n", Escape(sn.ID))
		case n == nil:
			fmt.Fprintf(&b, "• ⚠️ `%s` could not be read (%s); kept for inspection\n", Escape(sn.ID), Escape(sn.ParseError))
		default:
			auth := "verified sender"
			if !n.Authentic {
				auth = "*unverified sender*"
			}
			done := ""
			if sn.State == store.NoticeFailed {
				done = " · ⛔ not finished"
			}
			fmt.Fprintf(&b, "• %s · %s · %s · %s · _%s_ · `%s`%s\n", dateOf(n), kindLabel(n.Kind), Escape(n.From), auth, Escape(trunc(n.Subject, 80)), Escape(sn.ID), done)
		}
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: b.String()},
		Block{Kind: BlockContext, Text: "`/vtr explain NOTICE-ID` reconciles one of them."})
	return r, nil
}

// failedNotices is the section of /vtr notices that names the mails whose
// pipeline vtrbot gave up on (commands.MaxNoticeAttempts), with their last
// error; nil when there are none.
func failedNotices(ctx context.Context, c *Commands) (*Block, error) {
	count, err := c.Store.CountNotices(ctx, store.NoticeFailed)
	if err != nil || count == 0 {
		return nil, err
	}
	list, err := c.Store.NoticesInState(ctx, store.NoticeFailed, 5) // a section holds 3,000 characters
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "⛔ *%s could not be finished*; each is kept, and the bot's log has the details", vtr.Plural(count, "mail"))
	if count > len(list) {
		fmt.Fprintf(&b, " (the latest %d here)", len(list))
	}
	b.WriteString(":\n")
	for _, sn := range list {
		what := ""
		if n := sn.Notice(); n != nil {
			what = " · " + kindLabel(n.Kind) + " · _" + Escape(trunc(n.Subject, 60)) + "_"
		}
		fmt.Fprintf(&b, "• `%s`%s · after %d attempts: %s\n", Escape(sn.ID), what, sn.Attempts, Escape(trunc(sn.LastError, 120)))
	}
	return &Block{Kind: BlockSection, Text: b.String()}, nil
}

func dateOf(n *vtr.Notice) string {
	if n.Date.IsZero() {
		return "undated"
	}
	return n.Date.UTC().Format("2006-01-02")
}

func kindLabel(k vtr.Kind) string {
	switch k {
	case vtr.KindPerformanceWarning:
		return "⚠️ performance warning"
	case vtr.KindDeactivation:
		return "⛔ deactivation"
	case vtr.KindSupportReply:
		return "💬 Support reply"
	case vtr.KindCarrierUpdate:
		return "📦 carrier update"
	}
	return "other"
}

func trunc(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
