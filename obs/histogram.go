package obs

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// LatencyBuckets are upper bounds in seconds for request and command
// latencies.
func LatencyBuckets() []float64 {
	return []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
}

// Histogram counts observations in buckets; it has at most one label
// ("" for none).
type Histogram struct {
	name, help string
	label      string
	buckets    []float64
	mu         sync.Mutex
	series     map[string]*histSeries
}

type histSeries struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

// Histogram registers a histogram with buckets (ascending upper bounds)
// and an optional label.
func (r *Registry) Histogram(name, help, label string, buckets []float64) *Histogram {
	h := &Histogram{name: name, help: help, label: label, buckets: buckets, series: map[string]*histSeries{}}
	r.add(name, h)
	return h
}

func (h *Histogram) get(value string) *histSeries {
	s := h.series[value]
	if s == nil {
		if len(h.series) >= maxSeries {
			value = Other
			if s = h.series[value]; s != nil {
				return s
			}
		}
		s = &histSeries{counts: make([]uint64, len(h.buckets)+1)}
		h.series[value] = s
	}
	return s
}

// Declare makes the series of value exist at zero, so it is exported
// before its first observation.
func (h *Histogram) Declare(value string) {
	h.mu.Lock()
	h.get(value)
	h.mu.Unlock()
}

// Observe records v in the series of value (the label's value; "" without
// a label).
func (h *Histogram) Observe(value string, v float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.get(value)
	i, _ := slices.BinarySearch(h.buckets, v) // first bucket with le >= v
	s.counts[i]++
	s.sum += v
	s.count++
}

// Since observes the seconds since start.
func (h *Histogram) Since(value string, start time.Time) {
	h.Observe(value, time.Since(start).Seconds())
}

// Count is the number of observations of one series.
func (h *Histogram) Count(value string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.series[value]; s != nil {
		return s.count
	}
	return 0
}

func (h *Histogram) write(_ context.Context, w *bufio.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	header(w, h.name, h.help, "histogram")
	values := make([]string, 0, len(h.series))
	for v := range h.series {
		values = append(values, v)
	}
	slices.Sort(values)
	for _, v := range values {
		s := h.series[v]
		var labels, vals []string
		if h.label != "" {
			labels, vals = []string{h.label}, []string{v}
		}
		var cum uint64
		for i, n := range s.counts {
			cum += n
			le := "+Inf"
			if i < len(h.buckets) {
				le = formatFloat(h.buckets[i])
			}
			fmt.Fprintf(w, "%s_bucket{%s} %d\n", h.name, labelPairs(append(slices.Clone(labels), "le"), append(slices.Clone(vals), le)), cum)
		}
		braces := ""
		if len(labels) > 0 {
			braces = "{" + labelPairs(labels, vals) + "}"
		}
		fmt.Fprintf(w, "%s_sum%s %s\n%s_count%s %d\n", h.name, braces, formatFloat(s.sum), h.name, braces, s.count)
	}
}
