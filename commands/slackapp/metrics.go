package slackapp

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are the Slack edge's counters, written by hand in the Prometheus
// text exposition format (version 0.0.4): a dozen series do not need the
// client library and its dependencies.
type metrics struct {
	requests          *counterVec // kind, mode
	apiCalls          *counterVec // method, result
	signatureFailures atomic.Int64
	refused           atomic.Int64
	duplicates        atomic.Int64
	deferred          atomic.Int64
	panics            atomic.Int64
	commandSeconds    *histogram // Dispatch latency
	httpSeconds       *histogram // request to response, by path
}

// Label values, fixed so that no user input becomes a series.
const (
	kindCommand     = "command"
	kindInteraction = "interaction"
	kindEvent       = "event"
	modeHTTP        = "http"
	modeSocket      = "socket"
)

var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func newMetrics() *metrics {
	m := &metrics{
		requests: newCounterVec("vtrbot_slack_requests_total",
			"Slack requests received (signature checked), by kind and transport.", "kind", "mode"),
		apiCalls: newCounterVec("vtrbot_slack_api_calls_total",
			"Calls to Slack (Web API and response_url) after in-call retries, by method and result.", "method", "result"),
		commandSeconds: newHistogram("vtrbot_slack_command_duration_seconds",
			"Time the command dispatcher took per command.", ""),
		httpSeconds: newHistogram("vtrbot_http_request_duration_seconds",
			"Time from request to response on the HTTP endpoints, by route (\"other\" for any path that is not one).", "route"),
	}
	for _, k := range []string{kindCommand, kindInteraction, kindEvent} {
		for _, mode := range []string{modeHTTP, modeSocket} {
			m.requests.add(0, k, mode)
		}
	}
	for _, meth := range []string{"chat.postMessage", "chat.update", "chat.postEphemeral", "files.upload", "response_url"} {
		m.apiCalls.add(0, meth, "ok")
		m.apiCalls.add(0, meth, "error")
	}
	m.commandSeconds.observe("", 0, false)
	return m
}

// write prints every series in the text format.
func (m *metrics) write(w io.Writer) {
	m.requests.write(w)
	m.apiCalls.write(w)
	for _, c := range []struct {
		name, help string
		v          *atomic.Int64
	}{
		{"vtrbot_slack_signature_failures_total", "Requests refused with 401: bad or missing signature, or timestamp outside 5 minutes.", &m.signatureFailures},
		{"vtrbot_slack_refused_total", "Commands, clicks and mentions refused by SLACK_ALLOWED_USERS/CHANNELS.", &m.refused},
		{"vtrbot_slack_duplicates_total", "Requests Slack delivered again (retries, replays) that were not run twice.", &m.duplicates},
		{"vtrbot_slack_deferred_total", "Commands slower than the ack window, answered through response_url.", &m.deferred},
		{"vtrbot_slack_panics_total", "Panics recovered while handling a request or event.", &m.panics},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", c.name, c.help, c.name, c.name, c.v.Load())
	}
	m.commandSeconds.write(w)
	m.httpSeconds.write(w)
}

func (a *App) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	a.metrics.write(w)
}

// WriteMetrics writes the Slack edge's metrics in the Prometheus text format,
// for a caller that serves /metrics itself with more series.
func (a *App) WriteMetrics(w io.Writer) { a.metrics.write(w) }

// counterVec is a counter with labels; values are keyed by the joined label
// values.
type counterVec struct {
	name, help string
	labels     []string
	mu         sync.Mutex
	vals       map[string]int64
}

func newCounterVec(name, help string, labels ...string) *counterVec {
	return &counterVec{name: name, help: help, labels: labels, vals: make(map[string]int64)}
}

func (c *counterVec) add(n int64, values ...string) {
	key := strings.Join(values, "\x00")
	c.mu.Lock()
	c.vals[key] += n
	c.mu.Unlock()
}

func (c *counterVec) inc(values ...string) { c.add(1, values...) }

func (c *counterVec) write(w io.Writer) {
	c.mu.Lock()
	keys := make([]string, 0, len(c.vals))
	for k := range c.vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	for _, k := range keys {
		fmt.Fprintf(w, "%s{%s} %d\n", c.name, labelPairs(c.labels, strings.Split(k, "\x00")), c.vals[k])
	}
	c.mu.Unlock()
}

// histogram has at most one label (label "" for none).
type histogram struct {
	name, help string
	label      string
	mu         sync.Mutex
	series     map[string]*histSeries
}

type histSeries struct {
	buckets []uint64 // per bucket, not cumulative; the last is +Inf
	sum     float64
	count   uint64
}

func newHistogram(name, help, label string) *histogram {
	return &histogram{name: name, help: help, label: label, series: make(map[string]*histSeries)}
}

// observe records seconds for the series value; with record false it only
// makes the series exist (so it is exported at zero from the start).
func (h *histogram) observe(value string, seconds float64, record bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[value]
	if s == nil {
		s = &histSeries{buckets: make([]uint64, len(latencyBuckets)+1)}
		h.series[value] = s
	}
	if !record {
		return
	}
	i, _ := slices.BinarySearch(latencyBuckets, seconds) // first bucket with le >= seconds
	s.buckets[i]++
	s.sum += seconds
	s.count++
}

func (h *histogram) since(value string, start time.Time) {
	h.observe(value, time.Since(start).Seconds(), true)
}

func (h *histogram) write(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	values := make([]string, 0, len(h.series))
	for v := range h.series {
		values = append(values, v)
	}
	slices.Sort(values)
	for _, v := range values {
		s := h.series[v]
		var labels []string
		var vals []string
		if h.label != "" {
			labels, vals = []string{h.label}, []string{v}
		}
		var cum uint64
		for i, n := range s.buckets {
			cum += n
			le := "+Inf"
			if i < len(latencyBuckets) {
				le = strconv.FormatFloat(latencyBuckets[i], 'g', -1, 64)
			}
			fmt.Fprintf(w, "%s_bucket{%s} %d\n", h.name, labelPairs(append(labels, "le"), append(vals, le)), cum)
		}
		braces := ""
		if len(labels) > 0 {
			braces = "{" + labelPairs(labels, vals) + "}"
		}
		fmt.Fprintf(w, "%s_sum%s %s\n%s_count%s %d\n", h.name, braces,
			strconv.FormatFloat(s.sum, 'g', -1, 64), h.name, braces, s.count)
	}
}

// labelPairs renders name="value" pairs; values are escaped as the format
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
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v))
		b.WriteByte('"')
	}
	return b.String()
}
