package notice

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

var (
	percentRe = regexp.MustCompile(`\b(\d{1,3}(?:[.,]\d{1,3})?) ?%`)
	pointsRe  = regexp.MustCompile(`\b\d{1,4}\b`)
	naRe      = regexp.MustCompile(`\bn/a\b|\bn\.a\.`)
	// Words right before a number that make it the metric's current value.
	valueVerbs = []string{"is", "was", "are", "currently", "shows", "show", "showing", "displays", "reads", "stands at",
		"at", ":", "of", "=", "as", "now", "only", "beträgt", "bei", "est de", "de", "s'élève à", "è del", "è pari al",
		"è al", "del", "es del", "es de", "は", "が"}
	rateWords = []string{"rate", "rating", "taux", "quote", "tasso", "tasa", "percentuale", "porcentaje", "índice",
		"率", "評価", "vtr", "lsr", "odr", "ahr"}
)

// number is a figure in a sentence.
type number struct {
	start, end int // in the sentence
	val        float64
}

// figures returns the percentages of low, or for account_health the whole
// numbers up to 1000 that are no part of a date, time or ID.
func figures(low string, metric vtr.Metric) []number {
	var out []number
	if metric != vtr.MetricAccountHealth {
		if !strings.Contains(low, "%") {
			return nil
		}
		for _, m := range percentRe.FindAllStringSubmatchIndex(low, -1) {
			v, err := strconv.ParseFloat(strings.Replace(low[m[2]:m[3]], ",", ".", 1), 64)
			if err == nil {
				out = append(out, number{m[0], m[1], v})
			}
		}
		return out
	}
	for _, m := range pointsRe.FindAllStringIndex(low, -1) {
		if m[0] > 0 && strings.IndexByte("-/:.,$€£", low[m[0]-1]) >= 0 ||
			m[1] < len(low) && strings.IndexByte("-/:%", low[m[1]]) >= 0 ||
			m[1]+1 < len(low) && strings.IndexByte(".,", low[m[1]]) >= 0 && isDigit(low[m[1]+1]) {
			continue
		}
		v, _ := strconv.Atoi(low[m[0]:m[1]])
		if v <= 1000 {
			out = append(out, number{m[0], m[1], float64(v)})
		}
	}
	return out
}

// isTarget reports whether figure f of sentence low is a threshold: target
// words just before it ("below the", "goal of less than") or after it ("95%
// requirement", "or higher"). prev is where the figure before it ends.
func isTarget(low string, f number, prev int) bool {
	before := low[max(prev, f.start-50):f.start]
	after := low[f.end:min(len(low), f.end+25)]
	return containsAny(before, targetWords) || containsAny(after, targetAfter)
}

// isValue reports whether figure f is stated as the metric's current value:
// right after "is", "shows", ":", ... and no threshold.
func isValue(low string, f number, prev int) bool {
	if isTarget(low, f, prev) {
		return false
	}
	before := strings.TrimRight(low[max(prev, f.start-30):f.start], " ")
	for _, v := range valueVerbs {
		if strings.HasSuffix(before, v) && (len(before) == len(v) || !isAlnum(before[len(before)-len(v)-1]) || !isAlnum(v[0])) {
			return true
		}
	}
	return false
}

// target returns the threshold stated for metric (docs/notices.md "target"): a
// fraction for rates, points for account_health. The sentence that makes
// the notice a warning is read first, then the others.
func (d *doc) target(metric vtr.Metric, warnSent int) *float64 {
	if metric == "" {
		return nil
	}
	order := make([]int, 0, len(d.sents))
	if warnSent >= 0 {
		order = append(order, warnSent)
	}
	for i := range d.sents {
		if i != warnSent {
			order = append(order, i)
		}
	}
	for _, si := range order {
		_, low := d.sentence(si)
		if metric == vtr.MetricAccountHealth && !strings.Contains(low, "rating") && !strings.Contains(low, "ahr") &&
			!strings.Contains(low, "point") && !strings.Contains(low, "評価") && !strings.Contains(low, "bewertung") {
			continue
		}
		figs := figures(low, metric)
		prev := 0
		for _, f := range figs {
			if isTarget(low, f, prev) {
				v := f.val
				if metric != vtr.MetricAccountHealth {
					v = math.Round(v*1e4) / 1e6 // 95 → 0.95, 2.5 → 0.025
				}
				return &v
			}
			prev = f.end
		}
		// The warning sentence's only figure is its threshold ("Your ODR is
		// above 1%" has already matched; "95% requirement" too).
		if si == warnSent && len(figs) == 1 && !isValue(low, figs[0], 0) {
			v := figs[0].val
			if metric != vtr.MetricAccountHealth {
				v = math.Round(v*1e4) / 1e6
			}
			return &v
		}
	}
	return nil
}

// metricValues finds current values stated for a metric ("It shows N/A for
// valid tracking rate", "Your Account Health Rating is 185"), as written.
func (d *doc) metricValues() []claimAt {
	var out []claimAt
	for si, s := range d.sents {
		flat, low := d.sentence(si)
		if !containsAny(low, rateWords) {
			continue
		}
		m := d.sentenceMetric(si)
		if m != vtr.MetricAccountHealth && !strings.Contains(low, "%") && !strings.Contains(low, "n/a") && !strings.Contains(low, "n.a.") {
			continue
		}
		for _, na := range naRe.FindAllStringIndex(low, -1) {
			f := number{na[0], na[1], 0}
			if isValue(low, f, 0) {
				out = append(out, claimAt{s.start + na[0], vtr.Claim{Type: vtr.ClaimMetricValue, Text: flat[na[0]:na[1]]}})
			}
		}
		kinds := []vtr.Metric{""}
		if m == vtr.MetricAccountHealth {
			kinds = append(kinds, m)
		}
		for _, k := range kinds {
			prev := 0
			for _, f := range figures(low, k) {
				if isValue(low, f, prev) {
					out = append(out, claimAt{s.start + f.start, vtr.Claim{Type: vtr.ClaimMetricValue, Text: flat[f.start:f.end]}})
				}
				prev = f.end
			}
		}
	}
	return out
}
