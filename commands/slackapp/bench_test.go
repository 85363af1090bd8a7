package slackapp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

// BenchmarkHandler_command measures the Slack edge alone (signature check,
// form parsing, dedupe, answer) under 50 concurrent signed /vtr commands on
// loopback, with a Dispatch that does nothing. It reports the p99 latency
// from request to 200; cmd/bot's load test adds the real store.
func BenchmarkHandler_command(b *testing.B) {
	app, err := New(Config{
		SigningSecret: testSecret,
		Dispatch: func(context.Context, commands.Request) commands.Reply {
			return commands.Reply{Text: "*VTR* 100%", Ephemeral: true}
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	var (
		n         atomic.Int64
		mu        sync.Mutex
		latencies []time.Duration
	)
	b.SetParallelism(max(1, 50/runtime.GOMAXPROCS(0))) // RunParallel starts p × GOMAXPROCS goroutines: 50
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			body := slackfake.SlashCommand{Text: "status", UserID: "U1", ChannelID: "C1",
				TriggerID: fmt.Sprintf("b-%d", n.Add(1)), ResponseURL: "https://hooks.slack.com/x"}.Form()
			req, _ := slackfake.NewSignedRequest(b.Context(), srv.URL+"/slack/commands", testSecret, time.Now(), slackfake.FormContent, body)
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body) // so the connection is reused
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(latencies)
	if len(latencies) > 0 {
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	}
}
