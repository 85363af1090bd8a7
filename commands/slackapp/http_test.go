package slackapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

func TestHandler_signature(t *testing.T) {
	h := newHarness(t, nil)
	// A fixed clock far from the wall clock: the window is Config.Now's.
	h.now = time.Date(2019, 11, 15, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		secret string
		at     time.Time
		strip  string // header to remove
		mangle bool   // change the body after signing
		want   int    // 401, or 200 meaning "not 401" (the body is a command's)
	}{
		{"signed", testSecret, h.now, "", false, http.StatusOK},
		{"4 minutes old", testSecret, h.now.Add(-4 * time.Minute), "", false, http.StatusOK},
		{"wrong secret", "not-the-secret", h.now, "", false, http.StatusUnauthorized},
		{"6 minutes old", testSecret, h.now.Add(-6 * time.Minute), "", false, http.StatusUnauthorized},
		{"6 minutes ahead", testSecret, h.now.Add(6 * time.Minute), "", false, http.StatusUnauthorized},
		{"no signature", testSecret, h.now, "X-Slack-Signature", false, http.StatusUnauthorized},
		{"no timestamp", testSecret, h.now, "X-Slack-Request-Timestamp", false, http.StatusUnauthorized},
		{"body changed", testSecret, h.now, "", true, http.StatusUnauthorized},
	}
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		for _, tt := range tests {
			t.Run(strings.TrimPrefix(path, "/slack/")+"/"+tt.name, func(t *testing.T) {
				before := len(h.requests())
				body := slackfake.SlashCommand{Text: "status", UserID: "U1", ChannelID: "C1",
					TriggerID: h.id("sig"), ResponseURL: h.fake.ResponseURL()}.Form()
				req, err := slackfake.NewSignedRequest(t.Context(), h.srv.URL+path, tt.secret, tt.at, slackfake.FormContent, body)
				if err != nil {
					t.Fatal(err)
				}
				if tt.strip != "" {
					req.Header.Del(tt.strip)
				}
				if tt.mangle {
					req.Body, req.ContentLength = nopBody(append(body, "&x=1"...)), int64(len(body)+4)
				}
				resp, _ := h.do(req)
				if (resp.StatusCode == http.StatusUnauthorized) != (tt.want == http.StatusUnauthorized) {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
				}
				if tt.want == http.StatusUnauthorized {
					if got := len(h.requests()); got != before {
						t.Errorf("Dispatch called %d times after a refused request", got-before)
					}
				}
			})
		}
	}
}

func TestHandler_bodyTooLarge(t *testing.T) {
	h := newHarness(t, nil)
	body := bytes.Repeat([]byte("a"), maxBody+1)
	resp, _ := h.post("/slack/commands", slackfake.FormContent, body, testSecret, h.now)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413", resp.StatusCode)
	}
}

func TestHandler_command(t *testing.T) {
	tests := []struct {
		name, text, channel string
		wantType, wantText  string
	}{
		{"public", "status 30d", "C1", "in_channel", "you said: status 30d"},
		{"ephemeral", "private", "C1", "ephemeral", "just for you"},
		{"escaped input reaches Dispatch unescaped", "category Music &amp; Film", "C1", "in_channel", "you said: category Music &amp; Film"},
		{"triage channel answers privately", "status", testChannel, "ephemeral", "you said: status"},
		{"panic", "panic", "C1", "ephemeral", apology},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			status, body := h.command(slackfake.SlashCommand{Text: tt.text, UserID: "U1", ChannelID: tt.channel, TriggerID: h.id("t")})
			if status != http.StatusOK {
				t.Fatalf("status = %d, want 200 (%s)", status, body)
			}
			var msg struct {
				ResponseType string `json:"response_type"`
				Text         string `json:"text"`
			}
			if err := json.Unmarshal([]byte(body), &msg); err != nil {
				t.Fatalf("answer %q: %v", body, err)
			}
			if msg.ResponseType != tt.wantType || msg.Text != tt.wantText {
				t.Errorf("answer = %s %q, want %s %q", msg.ResponseType, msg.Text, tt.wantType, tt.wantText)
			}
		})
	}
}

func TestHandler_slowCommand(t *testing.T) {
	tests := []struct {
		text, wantText string
		wantReplace    bool
	}{
		{"slow", "slow answer", true},                // ephemeral: replaces "Working on it…"
		{"slow public", "slow public answer", false}, // public: a new message
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			h := newHarness(t, nil)
			start := time.Now()
			status, body := h.command(slackfake.SlashCommand{Text: tt.text, UserID: "U1", ChannelID: "C1", TriggerID: h.id("t")})
			if took := time.Since(start); took > 3*time.Second || status != http.StatusOK {
				t.Fatalf("answer %d after %v, want 200 within 3 s", status, took)
			}
			if !strings.Contains(body, workingText) {
				t.Errorf("answer = %s, want %q", body, workingText)
			}
			got, err := h.fake.WaitForResponses(1, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if got[0].Text != tt.wantText || got[0].ReplaceOriginal != tt.wantReplace {
				t.Errorf("response_url got %q replace=%v, want %q replace=%v", got[0].Text, got[0].ReplaceOriginal, tt.wantText, tt.wantReplace)
			}
		})
	}
}

func TestHandler_commandFiles(t *testing.T) {
	h := newHarness(t, nil)
	if status, _ := h.command(slackfake.SlashCommand{Text: "chart", UserID: "U1", ChannelID: "C1", TriggerID: h.id("t")}); status != 200 {
		t.Fatalf("status %d", status)
	}
	ups, err := h.fake.WaitForUploads(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ups[0].Channel != "C1" || ups[0].Filename != "history.png" || string(ups[0].Data) != "\x89PNG fake" {
		t.Errorf("upload = %+v", ups[0])
	}
}

func TestHandler_commandRetry(t *testing.T) {
	h := newHarness(t, nil)
	c := slackfake.SlashCommand{Text: "status", UserID: "U1", ChannelID: "C1", TriggerID: h.id("t"), ResponseURL: h.fake.ResponseURL()}
	for i := range 3 {
		if status, _ := h.command(c); status != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, status)
		}
	}
	if n := len(h.requests()); n != 1 {
		t.Errorf("Dispatch ran %d times for one trigger_id, want 1", n)
	}
}

func TestHandler_access(t *testing.T) {
	tests := []struct {
		name, user, channel string
		allowed             bool
	}{
		{"allowed", "UOK", "COK", true},
		{"other user", "UBAD", "COK", false},
		{"other channel", "UOK", "CBAD", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) {
				c.AllowedUsers = []string{"UOK", "UOK2"}
				c.AllowedChannels = []string{"COK"}
			})
			_, body := h.command(slackfake.SlashCommand{Text: "status", UserID: tt.user, ChannelID: tt.channel, TriggerID: h.id("t")})
			refused := strings.Contains(body, "not enabled for you")
			if refused == tt.allowed {
				t.Errorf("command answer %s, allowed = %v", body, tt.allowed)
			}
			// The same through an app mention: a private refusal in the thread.
			resp, _ := h.post("/slack/events", slackfake.JSONContent, slackfake.AppMention{EventID: h.id("Ev"),
				UserID: tt.user, ChannelID: tt.channel, Text: "<@U0BOT> status", TS: "1700000000.000200"}.JSON(), testSecret, h.now)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("event status %d", resp.StatusCode)
			}
			if tt.allowed {
				if _, err := h.fake.WaitForPosts(1, 5*time.Second); err != nil {
					t.Fatal(err)
				}
			} else {
				eph, err := h.fake.WaitForEphemerals(1, 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if eph[0].User != tt.user || !strings.Contains(eph[0].Text, "not enabled") {
					t.Errorf("refusal = %+v", eph[0])
				}
				if n := len(h.requests()); n != 0 {
					t.Errorf("Dispatch ran %d times for a refused user", n)
				}
			}
		})
	}
}

func TestHandler_urlVerification(t *testing.T) {
	h := newHarness(t, nil)
	resp, body := h.post("/slack/events", slackfake.JSONContent, slackfake.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"), testSecret, h.now)
	var got struct{ Challenge string }
	if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("answer %d %q: %v", resp.StatusCode, body, err)
	}
	if got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge = %q", got.Challenge)
	}
}

func TestHandler_appMention(t *testing.T) {
	h := newHarness(t, nil)
	ev := slackfake.AppMention{EventID: "Ev1", UserID: "U1", ChannelID: testChannel,
		Text: "<@U0BOT> status  30d", TS: "1700000000.000300"}
	for i, retry := range []string{"", "1", "2"} { // Slack's retries carry X-Slack-Retry-Num
		var hdr []string
		if retry != "" {
			hdr = []string{"X-Slack-Retry-Num", retry, "X-Slack-Retry-Reason", "http_timeout"}
		}
		resp, _ := h.post("/slack/events", slackfake.JSONContent, ev.JSON(), testSecret, h.now, hdr...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d: status %d", i, resp.StatusCode)
		}
	}
	posts, err := h.fake.WaitForPosts(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].Channel != testChannel || posts[0].ThreadTS != ev.TS || posts[0].Text != "you said: status  30d" {
		t.Errorf("post = %+v, want the reply in the mention's thread", posts[0])
	}
	time.Sleep(200 * time.Millisecond) // a duplicate would have been posted by now
	if reqs := h.requests(); len(reqs) != 1 || reqs[0].Text != "status  30d" || reqs[0].User != "U1" {
		t.Errorf("Dispatch got %+v, want one request with the mention stripped", reqs)
	}
	if n := len(h.fake.Posts()); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

func TestHandler_appMentionFromBot(t *testing.T) {
	h := newHarness(t, nil)
	ev := slackfake.AppMention{EventID: "Ev9", UserID: "U1", BotID: "B1", ChannelID: "C1", Text: "<@U0BOT> status", TS: "1.2"}
	if resp, _ := h.post("/slack/events", slackfake.JSONContent, ev.JSON(), testSecret, h.now); resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	_ = h.app.Wait(t.Context())
	if n := len(h.requests()); n != 0 {
		t.Errorf("Dispatch ran %d times for a bot's message", n)
	}
}

func TestHandler_interaction(t *testing.T) {
	h := newHarness(t, nil)
	ts, err := h.app.Post(t.Context(), "", "", commands.Reply{Text: "notice"})
	if err != nil {
		t.Fatal(err)
	}
	h.result = commands.ActionResult{
		Update:  &commands.Reply{Text: "assigned to <@U1>"},
		Respond: &commands.Reply{Text: "done"},
		Thread:  &commands.Reply{Text: "U1 took it"},
	}
	click := slackfake.BlockAction{UserID: "U1", ChannelID: testChannel, MessageTS: ts, ActionID: "assign#1",
		Value: "notice-7", ResponseURL: h.fake.ResponseURL(), TriggerID: h.id("click")}
	for range 2 { // the second is a replay: nothing runs twice
		if resp, _ := h.post("/slack/interactions", slackfake.FormContent, click.Form(), testSecret, h.now); resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	ups, err := h.fake.WaitForUpdates(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ups[0].Channel != testChannel || ups[0].TS != ts || ups[0].Text != "assigned to <@U1>" {
		t.Errorf("update = %+v", ups[0])
	}
	resps, err := h.fake.WaitForResponses(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if resps[0].Text != "done" || resps[0].ResponseType != "ephemeral" || resps[0].ReplaceOriginal {
		t.Errorf("response = %+v", resps[0])
	}
	posts, err := h.fake.WaitForPosts(2, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if posts[1].ThreadTS != ts || posts[1].Text != "U1 took it" {
		t.Errorf("thread post = %+v", posts[1])
	}
	want := commands.Action{User: "U1", Channel: testChannel, MessageTS: ts, ActionID: "assign", Value: "notice-7"}
	if acts := h.actionsSeen(); len(acts) != 1 || acts[0] != want {
		t.Errorf("Act got %+v, want once %+v", acts, want)
	}
}

func TestHandler_interactionError(t *testing.T) {
	h := newHarness(t, nil)
	h.actErr = errors.New("database is locked")
	click := slackfake.BlockAction{UserID: "U1", ChannelID: "C1", MessageTS: "1.1", ActionID: "snooze",
		ResponseURL: h.fake.ResponseURL(), TriggerID: h.id("click")}
	h.post("/slack/interactions", slackfake.FormContent, click.Form(), testSecret, h.now)
	resps, err := h.fake.WaitForResponses(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if resps[0].Text != apology || strings.Contains(resps[0].Text, "locked") {
		t.Errorf("user saw %q, want the apology without internals", resps[0].Text)
	}
}

func TestHandler_healthz(t *testing.T) {
	var healthErr error
	h := newHarness(t, func(c *Config) {
		c.Health = func(ctx context.Context) error { return healthErr }
	})
	for _, tt := range []struct {
		err  error
		want int
	}{{nil, 200}, {errors.New("store down"), 503}} {
		healthErr = tt.err
		resp, _ := h.do(mustGet(t, h.srv.URL+"/healthz"))
		if resp.StatusCode != tt.want {
			t.Errorf("health err %v: status %d, want %d", tt.err, resp.StatusCode, tt.want)
		}
	}
}

func TestHandler_panic(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Health = func(ctx context.Context) error { panic("health bug") }
	})
	resp, body := h.do(mustGet(t, h.srv.URL+"/healthz"))
	if resp.StatusCode != 500 || !strings.Contains(body, "Sorry") {
		t.Errorf("panic answered %d %q, want 500 and an apology", resp.StatusCode, body)
	}
	if resp, _ := h.do(mustGet(t, h.srv.URL+"/metrics")); resp.StatusCode != 200 {
		t.Errorf("server unusable after a panic")
	}
}

func nopBody(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestHandler_metricsRoutesBounded is issue 13: an unauthenticated client
// grew /metrics to 78 MB with made-up paths. However many paths are asked
// for, the latency histogram has one series per registered route plus one
// "other".
func TestHandler_metricsRoutesBounded(t *testing.T) {
	h := newHarness(t, nil)
	client := h.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for i := range 1000 {
		var path string
		switch i % 5 {
		case 0:
			path = fmt.Sprintf("/made-up/%d", i)
		case 1:
			path = fmt.Sprintf("/x%d/../metrics", i) // not canonical: the mux redirects to /metrics
		case 2:
			path = "/" + strings.Repeat("/", i) + "healthz" // also redirected
		case 3:
			path = fmt.Sprintf("/slack/commands/%d", i)
		case 4:
			path = fmt.Sprintf("/a//b/%d", i)
		}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Path = path // as sent, not cleaned by a client
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// A known route asked for with the wrong method is not a route either.
	h.post("/healthz", "text/plain", nil, testSecret, h.now)
	h.do(mustGet(t, h.srv.URL+"/healthz"))

	_, body := h.do(mustGet(t, h.srv.URL+"/metrics"))
	var series []string
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "vtrbot_http_request_duration_seconds_count") {
			series = append(series, strings.TrimSpace(line))
		}
	}
	if len(series) > 7 {
		t.Errorf("%d latency series after 1,000 made-up paths, want at most 7 (6 routes + other):\n%s", len(series), strings.Join(series, "\n"))
	}
	for _, want := range []string{
		`vtrbot_http_request_duration_seconds_count{route="other"} 1001`,
		`vtrbot_http_request_duration_seconds_count{route="/healthz"} 1`,
	} {
		if !slices.Contains(series, want) {
			t.Errorf("metrics lack %q:\n%s", want, strings.Join(series, "\n"))
		}
	}
	if len(body) > 64<<10 {
		t.Errorf("/metrics is %d bytes after 1,000 made-up paths", len(body))
	}
}
