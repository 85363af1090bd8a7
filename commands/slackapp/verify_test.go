package slackapp

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

// TestVerify_agreesWithSlackGo: verify is slack.NewSecretsVerifier's check
// with an injectable clock; on the wall clock both must agree.
func TestVerify_agreesWithSlackGo(t *testing.T) {
	app, err := New(Config{SigningSecret: testSecret,
		Dispatch: func(context.Context, commands.Request) commands.Reply { return commands.Reply{} }})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body := []byte("token=x&team_id=T1&command=%2Fvtr&text=status")
	tests := []struct {
		name string
		hdr  http.Header
	}{
		{"good", signed(testSecret, now, body)},
		{"wrong secret", signed("other", now, body)},
		{"old", signed(testSecret, now.Add(-301*time.Second), body)},
		{"future", signed(testSecret, now.Add(301*time.Second), body)},
		{"no v0", header(strconv.FormatInt(now.Unix(), 10), strings.TrimPrefix(slackfake.Sign(testSecret, now.Unix(), body), "v0="))},
		{"not hex", header(strconv.FormatInt(now.Unix(), 10), "v0=zz")},
		{"short", header(strconv.FormatInt(now.Unix(), 10), "v0=abcd")},
		{"missing", http.Header{}},
		{"bad timestamp", header("yesterday", slackfake.Sign(testSecret, now.Unix(), body))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours := app.verify(tt.hdr, body)
			sv, theirs := slack.NewSecretsVerifier(tt.hdr, testSecret)
			if theirs == nil {
				_, _ = sv.Write(body)
				theirs = sv.Ensure()
			}
			if (ours == nil) != (theirs == nil) {
				t.Errorf("verify = %v, slack-go = %v", ours, theirs)
			}
		})
	}
}

func signed(secret string, at time.Time, body []byte) http.Header {
	return header(strconv.FormatInt(at.Unix(), 10), slackfake.Sign(secret, at.Unix(), body))
}

func header(ts, sig string) http.Header {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", sig)
	return h
}

func TestVerify_noSecret(t *testing.T) {
	app, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("x")
	if err := app.verify(signed("", time.Now(), body), body); err == nil {
		t.Error("with no signing secret every request must fail")
	}
}

func TestSeenCache(t *testing.T) {
	c := newSeenCache(time.Minute, 3)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		key  string
		at   time.Duration
		want bool
	}{
		{"a", 0, false},
		{"a", time.Second, true},
		{"", time.Second, false},
		{"", time.Second, false},
		{"a", 61 * time.Second, false}, // expired, recorded again
		{"b", 62 * time.Second, false},
		{"c", 62 * time.Second, false},
		{"d", 62 * time.Second, false}, // capacity 3: "a" is forgotten
		{"a", 63 * time.Second, false},
		{"d", 63 * time.Second, true},
	}
	for i, s := range steps {
		if got := c.seen(s.key, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: seen(%q) = %v, want %v", i, s.key, got, s.want)
		}
	}
	if len(c.until) > 3 || len(c.order) > 3 {
		t.Errorf("cache holds %d/%d entries, capacity 3", len(c.until), len(c.order))
	}
}

func TestMetrics(t *testing.T) {
	h := newHarness(t, nil)
	h.command(slackfake.SlashCommand{Text: "status", UserID: "U1", ChannelID: "C1", TriggerID: h.id("t")})
	h.post("/slack/commands", slackfake.FormContent, []byte("x"), "wrong", h.now)
	if _, err := h.app.Post(t.Context(), "C1", "", commands.Reply{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	resp, body := h.do(mustGet(t, h.srv.URL+"/metrics"))
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type = %q", ct)
	}
	for _, want := range []string{
		`vtrbot_slack_requests_total{kind="command",mode="http"} 1`,
		`vtrbot_slack_signature_failures_total 1`,
		`vtrbot_slack_api_calls_total{method="chat.postMessage",result="ok"} 1`,
		`vtrbot_slack_command_duration_seconds_count 1`,
		`vtrbot_http_request_duration_seconds_bucket{route="/slack/commands",le="+Inf"} 2`,
		"# TYPE vtrbot_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestServe_shutdown(t *testing.T) {
	h := newHarness(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.app.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	// A slow command in flight when shutdown starts still gets its answer.
	status := make(chan int, 1)
	go func() {
		c := slackfake.SlashCommand{Text: "slow", UserID: "U1", ChannelID: "C1", TriggerID: "t-shutdown", ResponseURL: h.fake.ResponseURL()}
		req, _ := slackfake.NewSignedRequest(context.WithoutCancel(ctx), url+"/slack/commands", testSecret, h.now, slackfake.FormContent, c.Form())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve = %v, want nil after ctx ends", err)
	}
	if s := <-status; s != http.StatusOK {
		t.Errorf("in-flight command got %d, want 200", s)
	}
	if _, err := h.fake.WaitForResponses(1, 2*time.Second); err != nil {
		t.Errorf("the deferred reply was lost at shutdown: %v", err)
	}
	if resp, err := http.Get(url + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("server still answering after shutdown")
	}
}

func TestConfig_LogValue(t *testing.T) {
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, nil))
	log.Info("config", "slack", Config{BotToken: "xoxb-secret", AppToken: "xapp-secret", SigningSecret: "shh", Channel: "C1"})
	if out := b.String(); strings.Contains(out, "xoxb-") || strings.Contains(out, "xapp-") || strings.Contains(out, "shh") || !strings.Contains(out, "C1") {
		t.Errorf("logged config: %s", out)
	}
}
