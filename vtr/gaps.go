package vtr

// DataGap counts the records of a window a sibling metric leaves out
// because a column it needs is empty in the seller's files: an order
// without latest-ship-date cannot be late, an order without purchase-date
// cannot be placed in a cancel window, a package without
// promised-delivery-date cannot be on time. A finding computed without
// them must say so (docs/rules.md "What the draft says").
type DataGap struct {
	Metric  Metric
	Column  string // the orders-file column that is empty
	Records string // what was left out, e.g. "merchant-fulfilled order(s) purchased" (from .. to ..)
	Count   int
}

// MetricGaps returns, for metric, what its window w leaves out for want of
// a column: orders and pkgs are the facts the metric was computed from
// (the store's OrderFacts and PackageFacts for w). The zero DataGap (Count
// 0) means nothing is missing.
func MetricGaps(metric Metric, orders []OrderFacts, pkgs []PackageFacts, w Window) DataGap {
	g := DataGap{Metric: metric}
	switch metric {
	case MetricLateShipment:
		g.Column, g.Records = "latest-ship-date", "merchant-fulfilled order(s) purchased"
		for _, f := range orders {
			o := &f.Order
			if o.IsMFN() && !o.IsCancelled() && o.LatestShipDate.IsZero() && w.Contains(o.PurchaseDate) {
				g.Count++
			}
		}
	case MetricCancel:
		g.Column, g.Records = "purchase-date", "merchant-fulfilled order(s) due to ship"
		for _, f := range orders {
			o := &f.Order
			if o.IsMFN() && o.PurchaseDate.IsZero() && w.Contains(o.LatestShipDate) {
				g.Count++
			}
		}
	case MetricOnTime:
		g.Column, g.Records = "promised-delivery-date", "package(s) with valid tracking shipped"
		for _, p := range pkgs {
			if p.Verdict.Counted() && p.Verdict.Reason.Valid() && p.PromisedDelivery.IsZero() && w.Contains(p.Verdict.WindowDate) {
				g.Count++
			}
		}
	}
	return g
}

// gapOf returns the gap of metric among gaps (zero when there is none).
func gapOf(gaps []DataGap, metric Metric) DataGap {
	for _, g := range gaps {
		if g.Metric == metric {
			return g
		}
	}
	return DataGap{}
}
