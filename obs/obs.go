// Package obs is how vtrbot shows its own health to an operator: counters,
// gauges and histograms written in the Prometheus text exposition format
// (version 0.0.4), and readiness flags for /readyz.
//
// Every series has a bounded set of label values: callers pass constants,
// never user input (a request path, a mail header), and a vector that
// still meets more distinct values than its cap files the rest under
// "other" (issue 13: 20,000 made-up paths once grew /metrics to 78 MB).
// A handful of series do not need the Prometheus client library and its
// dependencies. obs imports no other vtrbot package, so every part of the
// bot can record into one Registry that cmd/bot creates.
package obs

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Other is the label value of series past a vector's cap, and of requests
// that match no route.
const Other = "other"

// maxSeries caps each vector; vtrbot's own label sets are far smaller.
const maxSeries = 200

// collectTimeout bounds the scrape-time readers (database counts).
const collectTimeout = 2 * time.Second

// Registry holds every metric of the process, in registration order.
// Registering a name twice panics: it is a programming error.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
	names   map[string]bool

	collectErrors *Counter
}

type metric interface {
	write(ctx context.Context, w *bufio.Writer)
}

// NewRegistry returns a registry with its own error counter.
func NewRegistry() *Registry {
	r := &Registry{names: map[string]bool{}}
	r.collectErrors = r.Counter("vtrbot_metrics_collect_errors_total", "Scrape-time readings (database counts) that failed or timed out.")
	return r
}

func (r *Registry) add(name string, m metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names[name] {
		panic("obs: metric " + name + " registered twice")
	}
	r.names[name] = true
	r.metrics = append(r.metrics, m)
}

// Write writes every metric. Scrape-time readers get ctx, bounded.
func (r *Registry) Write(ctx context.Context, w io.Writer) error {
	r.mu.Lock()
	ms := slices.Clone(r.metrics)
	r.mu.Unlock()
	bw := bufio.NewWriter(w)
	for _, m := range ms {
		m.write(ctx, bw)
	}
	return bw.Flush()
}

// ContentType is the exposition format's media type.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

func header(w *bufio.Writer, name, help, typ string) {
	// HELP text escapes backslash and newline (exposition format 0.0.4).
	if strings.ContainsAny(help, "\\\n") {
		help = strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help)
	}
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// labelPairs renders name="value" pairs, values escaped as the format
// requires (backslash, double quote, newline).
func labelPairs(names, values []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		v := ""
		if i < len(values) {
			v = values[i]
		}
		b.WriteString(n)
		b.WriteString(`="`)
		if strings.ContainsAny(v, "\\\"\n") {
			v = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
		}
		b.WriteString(v)
		b.WriteByte('"')
	}
	return b.String()
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// Counter is a number that only goes up.
type Counter struct {
	name, help string
	v          atomic.Int64
}

// Counter registers a counter without labels.
func (r *Registry) Counter(name, help string) *Counter {
	c := &Counter{name: name, help: help}
	r.add(name, c)
	return c
}

// Add adds n (n >= 0).
func (c *Counter) Add(n int64) { c.v.Add(n) }

// Inc adds one.
func (c *Counter) Inc() { c.v.Add(1) }

// Value is the current count.
func (c *Counter) Value() int64 { return c.v.Load() }

func (c *Counter) write(_ context.Context, w *bufio.Writer) {
	header(w, c.name, c.help, "counter")
	fmt.Fprintf(w, "%s %d\n", c.name, c.v.Load())
}

// Gauge is a number that goes up and down.
type Gauge struct {
	name, help string
	bits       atomic.Uint64
}

// Gauge registers a gauge without labels.
func (r *Registry) Gauge(name, help string) *Gauge {
	g := &Gauge{name: name, help: help}
	r.add(name, g)
	return g
}

// Set sets the value.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Value is the current value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

func (g *Gauge) write(_ context.Context, w *bufio.Writer) {
	header(w, g.name, g.help, "gauge")
	fmt.Fprintf(w, "%s %s\n", g.name, formatFloat(g.Value()))
}

// CounterVec is a counter with labels.
type CounterVec struct {
	name, help string
	labels     []string
	mu         sync.Mutex
	vals       map[string]int64 // joined label values -> count
}

// CounterVec registers a counter with the given label names.
func (r *Registry) CounterVec(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{name: name, help: help, labels: labels, vals: map[string]int64{}}
	r.add(name, c)
	return c
}

// Add adds n to the series of values (one per label). Past the vector's
// cap of distinct series, a new combination counts under "other".
func (c *CounterVec) Add(n int64, values ...string) {
	key := strings.Join(values, "\x00")
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.vals[key]; !ok && len(c.vals) >= maxSeries {
		key = strings.Repeat(Other+"\x00", len(c.labels)-1) + Other
	}
	c.vals[key] += n
}

// Inc adds one to the series of values.
func (c *CounterVec) Inc(values ...string) { c.Add(1, values...) }

// Value is the count of one series.
func (c *CounterVec) Value(values ...string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.vals[strings.Join(values, "\x00")]
}

func (c *CounterVec) write(_ context.Context, w *bufio.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	header(w, c.name, c.help, "counter")
	keys := make([]string, 0, len(c.vals))
	for k := range c.vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s{%s} %d\n", c.name, labelPairs(c.labels, strings.Split(k, "\x00")), c.vals[k])
	}
}

// Sample is one series of a GaugeFunc: its label values and value.
type Sample struct {
	Labels []string
	Value  float64
}

// gaugeFunc is read when scraped.
type gaugeFunc struct {
	name, help string
	typ        string // "gauge" or "counter"
	labels     []string
	read       func(ctx context.Context) ([]Sample, error)
	errs       *Counter
}

// GaugeFunc registers a gauge read at scrape time (within 2 seconds),
// such as a count in the database. A failed reading shows no series and
// counts in vtrbot_metrics_collect_errors_total. At most the cap's number
// of samples is written.
func (r *Registry) GaugeFunc(name, help string, labels []string, read func(ctx context.Context) ([]Sample, error)) {
	r.add(name, &gaugeFunc{name: name, help: help, typ: "gauge", labels: labels, read: read, errs: r.collectErrors})
}

// CounterFunc registers a counter without labels whose value is read at
// scrape time from a count kept elsewhere.
func (r *Registry) CounterFunc(name, help string, read func() int64) {
	r.add(name, &gaugeFunc{name: name, help: help, typ: "counter", read: func(context.Context) ([]Sample, error) {
		return []Sample{{Value: float64(read())}}, nil
	}, errs: r.collectErrors})
}

func (g *gaugeFunc) write(ctx context.Context, w *bufio.Writer) {
	header(w, g.name, g.help, g.typ)
	ctx, cancel := context.WithTimeout(ctx, collectTimeout)
	defer cancel()
	samples, err := g.read(ctx)
	if err != nil {
		g.errs.Inc()
		return
	}
	for i, s := range samples {
		if i == maxSeries {
			break
		}
		if len(g.labels) == 0 {
			fmt.Fprintf(w, "%s %s\n", g.name, formatFloat(s.Value))
			continue
		}
		fmt.Fprintf(w, "%s{%s} %s\n", g.name, labelPairs(g.labels, s.Labels), formatFloat(s.Value))
	}
}

// Info is a constant gauge of 1 whose labels carry facts (version, commit).
func (r *Registry) Info(name, help string, labels, values []string) {
	r.GaugeFunc(name, help, labels, func(context.Context) ([]Sample, error) {
		return []Sample{{Labels: values, Value: 1}}, nil
	})
}
