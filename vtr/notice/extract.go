package notice

import (
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// extract reads the own text of m into n: kind, metric, target, store,
// language, period, IDs, claims and events.
func extract(n *vtr.Notice, m *mailMsg) {
	d := newDoc(m.own)
	subj := lowerSameLen(prepText(m.subject))
	n.Language = detectLanguage(m.subject, d.flat)

	nums := trackingNumbers(d.lines, d.lowLines, 0)
	subjNums := trackingNumbers([]string{prepText(m.subject)}, []string{subj}, -1)
	for i := range subjNums {
		subjNums[i].line = -1
	}
	allNums := append(append([]labelledNumber{}, nums...), subjNums...)

	carrier, fromCarrier := carrierSender(m)
	docMetric := vtr.Metric("")
	if ms := d.metricMentions(); len(ms) > 0 {
		docMetric = ms[0].metric
	}
	warnSent, warnMetric := d.warning(docMetric)
	switch {
	case fromCarrier && len(allNums) > 0 && (reportsStatus(d.low) || reportsStatus(subj)):
		n.Kind = vtr.KindCarrierUpdate
	case d.supportVoice() || caseRe.MatchString(m.subject):
		n.Kind = vtr.KindSupportReply
	case d.deactivation():
		n.Kind = vtr.KindDeactivation
	case warnSent >= 0:
		n.Kind = vtr.KindPerformanceWarning
	default:
		n.Kind = vtr.KindOther
		return
	}

	n.OrderIDs = orderIDs(d.flat)
	n.TrackingNumbers = uniqueSorted(allNums)
	if n.Kind == vtr.KindCarrierUpdate {
		loc := time.UTC
		if !m.date.IsZero() {
			loc = m.date.Location()
		}
		n.Events = d.events(allNums, carrier.monthFirst, loc)
		return
	}

	n.Marketplace = namedStore(d.low)
	if n.Marketplace == "" {
		n.Marketplace, _ = amazonStore(domainOf(m.from))
	}
	// Slash dates are month first for US (or unknown) stores, day first
	// elsewhere.
	n.Period = findPeriod(d.low, n.Marketplace == "" || n.Marketplace == "US")

	switch n.Kind {
	case vtr.KindSupportReply:
		n.Metric = docMetric
	default:
		n.Metric = warnMetric
		if n.Metric == "" {
			n.Metric = docMetric
		}
		if n.Metric == "" {
			n.Metric, _ = firstMetric(subj)
		}
		n.Target = d.target(n.Metric, warnSent)
	}
	n.Claims = d.claims()
}
