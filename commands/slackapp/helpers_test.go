package slackapp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

const (
	testSecret  = "8f742231b10e8888abcd99yyyzzz85a5"
	testChannel = "CTRIAGE"
)

// harness is an App wired to a fake Slack, with a recording dispatcher.
type harness struct {
	t    *testing.T
	fake *slackfake.Server
	app  *App
	srv  *httptest.Server // app.Handler()
	now  time.Time        // Config.Now

	mu      sync.Mutex
	reqs    []commands.Request
	actions []commands.Action
	result  commands.ActionResult // what Act answers
	actErr  error
	ids     int
}

// testOutput is t.Output() until the cleanup it registers runs, and
// nothing after:
// slack-go's socket mode client logs from goroutines that RunContext does
// not wait for ("Finished to receive message"), and a write to a finished
// test's output is a data race (seen under -race in CI).
func testOutput(t *testing.T) io.Writer {
	w := &closingWriter{w: t.Output()}
	t.Cleanup(w.close)
	return w
}

type closingWriter struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (c *closingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return len(p), nil
	}
	return c.w.Write(p)
}

func (c *closingWriter) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

// newHarness builds the harness; mod may change the Config before New.
func newHarness(t *testing.T, mod func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, fake: slackfake.New(), now: time.Now().Truncate(time.Second)}
	t.Cleanup(h.fake.Close)
	cfg := Config{
		BotToken:      "xoxb-test",
		AppToken:      "xapp-test",
		SigningSecret: testSecret,
		APIURL:        strings.TrimSuffix(h.fake.URL(), "/"), // New adds the "/"
		Channel:       testChannel,
		Dispatch:      h.dispatch,
		Act:           h.act,
		Logger:        slog.New(slog.NewTextHandler(testOutput(t), &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:           func() time.Time { return h.now },
	}
	if mod != nil {
		mod(&cfg)
	}
	app, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	app.ackWait = time.Second // shorter than Slack's 3 s, long enough for a loaded CI machine
	h.app = app
	h.srv = httptest.NewServer(app.Handler())
	t.Cleanup(h.srv.Close)
	// Runs before the fake closes (cleanups are LIFO): no job outlives the test.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 10*time.Second)
		defer cancel()
		if err := app.Wait(ctx); err != nil {
			t.Errorf("background jobs still running: %v", err)
		}
	})
	return h
}

// dispatch answers by the command text: "slow" sleeps past the ack window,
// "panic" panics, "private" answers ephemerally, "chart" attaches a file;
// anything else is echoed, escaped.
func (h *harness) dispatch(ctx context.Context, req commands.Request) commands.Reply {
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	switch req.Text {
	case "slow":
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-ctx.Done():
		}
		return commands.Reply{Text: "slow answer", Ephemeral: true}
	case "slow public":
		time.Sleep(1500 * time.Millisecond)
		return commands.Reply{Text: "slow public answer"}
	case "panic":
		panic("dispatcher bug")
	case "private":
		return commands.Reply{Text: "just for you", Ephemeral: true}
	case "chart":
		return commands.Reply{Text: "history", Files: []commands.File{{Name: "history.png", Title: "VTR history", Data: []byte("\x89PNG fake")}}}
	}
	return commands.Reply{Text: "you said: " + commands.Escape(req.Text)}
}

func (h *harness) act(ctx context.Context, a commands.Action) (commands.ActionResult, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.actions = append(h.actions, a)
	return h.result, h.actErr
}

func (h *harness) requests() []commands.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]commands.Request(nil), h.reqs...)
}

func (h *harness) actionsSeen() []commands.Action {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]commands.Action(nil), h.actions...)
}

// post sends body to path signed with secret at time at, with extra headers.
func (h *harness) post(path, contentType string, body []byte, secret string, at time.Time, hdr ...string) (*http.Response, string) {
	h.t.Helper()
	req, err := slackfake.NewSignedRequest(h.t.Context(), h.srv.URL+path, secret, at, contentType, body)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) (*http.Response, string) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, string(b)
}

// command posts a signed slash command and returns the status and body.
func (h *harness) command(c slackfake.SlashCommand) (int, string) {
	h.t.Helper()
	if c.ResponseURL == "" {
		c.ResponseURL = h.fake.ResponseURL()
	}
	resp, body := h.post("/slack/commands", slackfake.FormContent, c.Form(), testSecret, h.now)
	return resp.StatusCode, body
}

// id returns a fresh ID (trigger_id, event_id) with prefix.
func (h *harness) id(prefix string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids++
	return fmt.Sprintf("%s-%d", prefix, h.ids)
}
