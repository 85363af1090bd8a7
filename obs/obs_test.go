package obs

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// The text format, byte for byte: HELP and TYPE once per metric, label
// values escaped, histogram buckets cumulative with +Inf, series sorted.
func TestRegistry_Write(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("t_events_total", "Events.\nSecond line with a \\ backslash.")
	c.Add(3)
	v := r.CounterVec("t_calls_total", "Calls by method and result.", "method", "result")
	v.Inc("b", "ok")
	v.Add(2, "a", "error")
	v.Inc(`quote " back \ new`+"\nline", "ok")
	g := r.Gauge("t_depth", "Depth.")
	g.Set(2.5)
	r.GaugeFunc("t_notices", "Notices by kind.", []string{"kind"}, func(context.Context) ([]Sample, error) {
		return []Sample{{Labels: []string{"warning"}, Value: 4}, {Labels: []string{"other"}, Value: 1}}, nil
	})
	r.GaugeFunc("t_broken", "A reading that fails.", nil, func(context.Context) ([]Sample, error) {
		return nil, errors.New("database is locked")
	})
	h := r.Histogram("t_seconds", "Latency.", "route", []float64{0.1, 1})
	h.Observe("/x", 0.05)
	h.Observe("/x", 0.5)
	h.Observe("/x", 5)
	h.Declare("/y")
	r.Histogram("t_plain_seconds", "No label.", "", []float64{1}).Observe("", 1)
	r.Info("t_build_info", "Build.", []string{"version"}, []string{"v1.2.3"})

	var b bytes.Buffer
	if err := r.Write(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/exposition.golden", b.String())
}

// No caller can grow a vector without bound: past the cap, new label
// values count under "other".
func TestCounterVec_bounded(t *testing.T) {
	r := NewRegistry()
	v := r.CounterVec("t_total", "T.", "path")
	h := r.Histogram("t_seconds", "T.", "path", LatencyBuckets())
	for i := range 10 * maxSeries {
		p := fmt.Sprintf("/made-up/%d", i)
		v.Inc(p)
		h.Observe(p, 0.1)
	}
	var b bytes.Buffer
	r.Write(t.Context(), &b)
	if n := strings.Count(b.String(), "t_total{"); n != maxSeries+1 {
		t.Errorf("%d counter series, want %d (the cap and other)", n, maxSeries+1)
	}
	if n := strings.Count(b.String(), "t_seconds_count{"); n != maxSeries+1 {
		t.Errorf("%d histogram series, want %d", n, maxSeries+1)
	}
	if got, want := v.Value(Other), int64(9*maxSeries); got != want {
		t.Errorf("other = %d, want %d", got, want)
	}
}

func TestServeReady(t *testing.T) {
	r := NewReady()
	r.Want("mailbox")
	r.Want("slack")
	srv := httptest.NewServer(Handler(NewRegistry(), nil, r, nil))
	t.Cleanup(srv.Close)
	get := func() (int, string) {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	for _, step := range []struct {
		set  func()
		code int
		body string
	}{
		{func() {}, 503, "mailbox: not ready\nslack: not ready\n"},
		{func() { r.Set("mailbox", true) }, 503, "mailbox: ready\nslack: not ready\n"},
		{func() { r.Set("slack", true) }, 200, "mailbox: ready\nslack: ready\nok\n"},
		{func() { r.Set("mailbox", false) }, 503, "mailbox: not ready\nslack: ready\n"},
	} {
		step.set()
		if code, body := get(); code != step.code || body != step.body {
			t.Errorf("/readyz = %d %q, want %d %q", code, body, step.code, step.body)
		}
	}
	var nilReady *Ready
	if ok, _ := nilReady.Check(); !ok {
		t.Error("a nil Ready is not ready")
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}

// A scrape of a registry the size of bot run's (about 30 metrics, 60
// series, two histograms with a few routes), scrape-time readers excluded.
func BenchmarkRegistry_Write(b *testing.B) {
	r := NewRegistry()
	for i := range 25 {
		r.Counter(fmt.Sprintf("b_counter_%d_total", i), "A counter.").Add(int64(i))
	}
	v := r.CounterVec("b_calls_total", "Calls.", "method", "result")
	for _, m := range []string{"a", "b", "c", "d", "e"} {
		v.Inc(m, "ok")
		v.Inc(m, "error")
	}
	h := r.Histogram("b_seconds", "Latency.", "route", LatencyBuckets())
	for _, route := range []string{"/slack/commands", "/slack/events", "/healthz", "/metrics", Other} {
		h.Observe(route, 0.01)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		r.Write(context.Background(), &buf)
	}
	b.ReportMetric(float64(buf.Len()), "bytes/scrape")
}
