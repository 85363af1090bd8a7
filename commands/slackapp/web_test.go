package slackapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

func TestNew_APIURL(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"", DefaultAPIURL, false},
		{"http://127.0.0.1:9999/api", "http://127.0.0.1:9999/api/", false},
		{"https://slack.example/api/", "https://slack.example/api/", false},
		{"ftp://x/", "", true},
		{"not a url", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			app, err := New(Config{APIURL: tt.in})
			if (err != nil) != tt.wantErr {
				t.Fatalf("New(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && app.cfg.APIURL != tt.want {
				t.Errorf("APIURL = %q, want %q", app.cfg.APIURL, tt.want)
			}
		})
	}
	if _, err := New(Config{SigningSecret: "s"}); err == nil {
		t.Error("New without Dispatch but with a signing secret: want an error")
	}
}

func TestApp_Post(t *testing.T) {
	tests := []struct {
		name       string
		fail       slackfake.Failure
		wantCalls  int
		wantErr    bool
		wantRetry  bool
		wantWait   time.Duration // RetryAfter's wait, when failing
		minElapsed time.Duration
	}{
		{name: "ok", wantCalls: 1},
		// A 5xx may come after Slack took the message: never repeated in
		// the call, the outbox looks for the post before trying again.
		{name: "500 left to the caller", fail: slackfake.Failure{Status: 500, Count: 1}, wantCalls: 1, wantErr: true, wantRetry: true},
		{name: "503 always", fail: slackfake.Failure{Status: 503, Count: 10}, wantCalls: 1, wantErr: true, wantRetry: true},
		{name: "429 Retry-After 1 honoured", fail: slackfake.Failure{Status: 429, Count: 1, RetryAfter: time.Second},
			wantCalls: 2, minElapsed: time.Second},
		{name: "429 Retry-After 30 left to the caller", fail: slackfake.Failure{Status: 429, Count: 1, RetryAfter: 30 * time.Second},
			wantCalls: 1, wantErr: true, wantRetry: true, wantWait: 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			if tt.fail.Status != 0 {
				h.fake.Fail(tt.fail)
			}
			start := time.Now()
			ts, err := h.app.Post(t.Context(), "", "1700000000.000001", commands.Reply{Text: "triage"})
			elapsed := time.Since(start)
			if calls := len(h.fake.Calls()); calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if elapsed < tt.minElapsed {
				t.Errorf("took %v, want at least %v (Retry-After)", elapsed, tt.minElapsed)
			}
			if tt.wantErr {
				wait, retry := RetryAfter(err)
				if err == nil || retry != tt.wantRetry || wait != tt.wantWait {
					t.Errorf("err = %v, RetryAfter = %v, %v; want an error, %v, %v", err, wait, retry, tt.wantWait, tt.wantRetry)
				}
				return
			}
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			posts := h.fake.Posts()
			if len(posts) != 1 || posts[0].TS != ts || posts[0].Channel != testChannel || posts[0].ThreadTS != "1700000000.000001" {
				t.Errorf("posts = %+v, want one in %s with ts %s", posts, testChannel, ts)
			}
			if posts[0].Form.Get("unfurl_links") != "false" {
				t.Errorf("unfurl_links = %q, want false: hostile links must not unfurl", posts[0].Form.Get("unfurl_links"))
			}
		})
	}
}

// Find finds a post by the key Post wrote into its metadata, at top level
// (conversations.history) and in a thread (conversations.replies).
func TestApp_Find(t *testing.T) {
	h := newHarness(t, nil)
	ctx := t.Context()
	since := time.Now().Add(-time.Minute)
	parent, err := h.app.Post(ctx, "", "", commands.Reply{Text: "triage", Key: "triage:1"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := h.app.Post(ctx, "", parent, commands.Reply{Text: "support replied", Key: "thread:2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.app.Post(ctx, "", "", commands.Reply{Text: "no key"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, thread, key, want string
		since                   time.Time
	}{
		{"top level", "", "triage:1", parent, since},
		{"in the thread", parent, "thread:2", reply, since},
		{"a thread reply is not at top level", "", "thread:2", "", since},
		{"unknown key", "", "triage:9", "", since},
		{"posted before since", "", "triage:1", "", time.Now().Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.app.Find(ctx, "", tt.thread, tt.key, tt.since)
			if err != nil || got != tt.want {
				t.Errorf("Find(%q, %q) = %q, %v; want %q", tt.thread, tt.key, got, err, tt.want)
			}
		})
	}
}

func TestApp_Update(t *testing.T) {
	h := newHarness(t, nil)
	ts, err := h.app.Post(t.Context(), "C1", "", commands.Reply{Text: "before"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.app.Update(t.Context(), "C1", ts, commands.Reply{Text: "after"}); err != nil {
		t.Fatal(err)
	}
	if ups := h.fake.Updates(); len(ups) != 1 || ups[0].TS != ts || ups[0].Text != "after" {
		t.Errorf("updates = %+v", ups)
	}
	err = h.app.Update(t.Context(), "C1", "1.999", commands.Reply{Text: "x"})
	if _, retry := RetryAfter(err); err == nil || retry {
		t.Errorf("update of an unknown message: err = %v, retry = %v; want a permanent error", err, retry)
	}
}

func TestApp_Upload(t *testing.T) {
	h := newHarness(t, nil)
	data := []byte("\x89PNG\r\n\x1a\n chart")
	if err := h.app.Upload(t.Context(), "C1", "1700000000.000009", commands.File{Name: "vtr.png", Title: "VTR", Data: data}); err != nil {
		t.Fatal(err)
	}
	ups := h.fake.Uploads()
	if len(ups) != 1 || ups[0].Channel != "C1" || ups[0].ThreadTS != "1700000000.000009" ||
		ups[0].Title != "VTR" || string(ups[0].Data) != string(data) {
		t.Errorf("uploads = %+v", ups)
	}
	if err := h.app.Upload(t.Context(), "C1", "", commands.File{Name: "empty.png"}); err == nil {
		t.Error("empty upload: want an error")
	}
}

// TestApp_Post_escaping: text from mail goes through commands.Escape; what
// reaches Slack must not contain a mention, a broadcast or a link.
func TestApp_Post_escaping(t *testing.T) {
	hostile := "Hi <!channel> <!here> <@U123> <#C123> <https://evil.example|Amazon login> & https://evil.example"
	h := newHarness(t, nil)
	r := commands.Reply{
		Text: commands.Escape(hostile),
		Blocks: []commands.Block{
			{Kind: commands.BlockHeader, Text: commands.Escape(hostile)},
			{Kind: commands.BlockSection, Text: "*Amazon says:* " + commands.Escape(hostile), Fields: []string{commands.Escape(hostile)}},
			{Kind: commands.BlockContext, Text: commands.Escape(hostile)},
			{Kind: commands.BlockActions, Buttons: []commands.Button{{ActionID: "a", Text: commands.Escape(hostile), Value: hostile}}},
		},
	}
	if _, err := h.app.Post(t.Context(), "C1", "", r); err != nil {
		t.Fatal(err)
	}
	p := h.fake.Posts()[0]
	for _, s := range p.Texts() {
		for _, bad := range []string{"<!", "<@", "<#", "<http"} {
			if strings.Contains(s, bad) {
				t.Errorf("posted text %q contains %q", s, bad)
			}
		}
	}
	if strings.Contains(string(p.Blocks), `"verbatim":true`) == false {
		t.Errorf("mrkdwn is not verbatim: Slack would auto-link the bare URL: %s", p.Blocks)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantWait  time.Duration
		wantRetry bool
	}{
		{"nil", nil, 0, false},
		{"rate limited", fmt.Errorf("post: %w", &slack.RateLimitedError{RetryAfter: 7 * time.Second}), 7 * time.Second, true},
		{"rate limited 0 s", &slack.RateLimitedError{}, time.Second, true},
		{"500", slack.StatusCodeError{Code: 500, Status: "500 Internal Server Error"}, 0, true},
		{"429 without Retry-After", slack.StatusCodeError{Code: 429}, 0, true},
		{"404", slack.StatusCodeError{Code: 404}, 0, false},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, 0, false},
		{"invalid_auth", fmt.Errorf("x: %w", slack.SlackErrorResponse{Err: "invalid_auth"}), 0, false},
		{"internal_error", slack.SlackErrorResponse{Err: "internal_error"}, 0, true},
		{"timeout", fmt.Errorf("x: %w", context.DeadlineExceeded), 0, true},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, 0, true},
		{"other", errors.New("refusing to send the token"), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, retry := RetryAfter(tt.err)
			if wait != tt.wantWait || retry != tt.wantRetry {
				t.Errorf("RetryAfter() = %v, %v; want %v, %v", wait, retry, tt.wantWait, tt.wantRetry)
			}
		})
	}
}

func TestApp_respond_refusesForeignHosts(t *testing.T) {
	h := newHarness(t, nil)
	for _, u := range []string{"http://169.254.169.254/latest", "file:///etc/passwd", "::"} {
		if err := h.app.respond(t.Context(), u, webhookMessage(commands.Reply{Text: "x"}, false)); err == nil {
			t.Errorf("respond(%q): want an error", u)
		}
	}
}
