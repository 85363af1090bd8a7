// Package slackfake is a stand-in for Slack in tests: a local HTTP server
// that answers the Web API methods vtrbot calls and records them, serves
// response_url and file-upload URLs, and runs a Socket Mode websocket that
// sends envelopes and records acks. It can be told to fail with 429 or 5xx.
//
// It is a normal package so that cmd/bot's end-to-end tests can use it too.
// It speaks Slack's wire format and does not import slack-go, so tests
// check what goes over the wire, not slack-go against itself. It must never
// be used outside tests.
package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Message is one message Slack accepted: from chat.postMessage,
// chat.update, chat.postEphemeral, or a post to a response_url.
type Message struct {
	Method          string // "chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"
	Channel         string
	User            string // chat.postEphemeral: who sees it
	TS              string // the new message's ts; for chat.update, the updated one's
	ThreadTS        string
	Text            string
	Blocks          json.RawMessage // the blocks JSON array as sent, or nil
	ResponseURL     string          // response_url posts: the URL posted to
	ResponseType    string          // response_url posts: "ephemeral" or "in_channel"
	ReplaceOriginal bool
	Form            url.Values // Web API calls: the form as sent (token removed)
}

// Texts returns the message's fallback text and every "text" string in its
// blocks, for assertions that do not care about layout.
func (m Message) Texts() []string {
	texts := []string{m.Text}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "text" {
					texts = append(texts, s)
				} else {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var blocks any
	if json.Unmarshal(m.Blocks, &blocks) == nil {
		walk(blocks)
	}
	return texts
}

// Upload is one file shared through the external upload flow.
type Upload struct {
	FileID   string
	Filename string
	Title    string
	Channel  string
	ThreadTS string
	Data     []byte
}

// Call is one Web API request, answered or failed.
type Call struct {
	Method string // e.g. "chat.postMessage"
	Status int    // HTTP status the fake answered
	Error  string // Slack error code when it answered ok:false
}

// Failure makes the Web API fail: with Status (429 or 5xx) for the next
// Count calls, or for every call until For has passed (one of the two).
// Retry-After is sent with 429 when RetryAfter > 0. Methods limits it to
// those Web API methods; empty means all. With AnswerLost the call is
// carried out and recorded as if it succeeded, and only the answer is
// replaced by Status: the client cannot know that it took effect.
type Failure struct {
	Status     int
	RetryAfter time.Duration
	Count      int
	For        time.Duration
	Methods    []string
	AnswerLost bool
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every record
	calls      []Call
	posts      []Message
	updates    []Message
	ephemerals []Message
	responses  []Message
	uploads    []Upload
	pending    map[string]*Upload // file ID -> uploaded, not yet completed
	seeded     map[string]bool    // "channel/ts" made updatable by PostedTS
	ts         int64
	ids        int
	fail       *Failure
	failUntil  time.Time
	sock       socketState
	ws         Workspace // workspace.go
}

// New starts a fake Slack on 127.0.0.1. Close it when done.
func New() *Server {
	s := &Server{changed: make(chan struct{}), pending: map[string]*Upload{}, seeded: map[string]bool{},
		ts: 1700000000000000}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", s.serveAPI)
	mux.HandleFunc("POST /upload/{id}", s.serveUpload)
	mux.HandleFunc("POST /response/{id}", s.serveResponse)
	mux.HandleFunc("GET /ws", s.serveSocket)
	s.srv = httptest.NewServer(mux)
	return s
}

// Close closes websocket connections and stops the server.
func (s *Server) Close() {
	s.closeSockets()
	s.srv.Close()
}

// URL is the Web API base URL, ending in "/" as slack-go needs
// (slack.OptionAPIURL / SLACK_API_URL).
func (s *Server) URL() string { return s.srv.URL + "/api/" }

// ResponseURL hands out a new response_url served by the fake; posts to it
// are recorded in Responses.
func (s *Server) ResponseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids++
	return s.srv.URL + "/response/" + strconv.Itoa(s.ids)
}

// Fail sets f as the failure mode, replacing any previous one.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = &f
	s.failUntil = time.Now().Add(f.For)
}

// FailNext makes the next n Web API calls answer status.
func (s *Server) FailNext(n, status int, retryAfter time.Duration) {
	s.Fail(Failure{Status: status, Count: n, RetryAfter: retryAfter})
}

// FailFor makes every Web API call answer status for d.
func (s *Server) FailFor(d time.Duration, status int, retryAfter time.Duration) {
	s.Fail(Failure{Status: status, For: d, RetryAfter: retryAfter})
}

// Heal ends any failure mode.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = nil
}

// failing reports whether this call to method must fail, and consumes one
// count. The caller holds s.mu.
func (s *Server) failing(method string) (*Failure, bool) {
	f := s.fail
	if f == nil {
		return nil, false
	}
	if len(f.Methods) > 0 && !contains(f.Methods, method) {
		return nil, false
	}
	switch {
	case f.Count > 0:
		f.Count--
		if f.Count == 0 {
			s.fail = nil
		}
		return f, true
	case f.For > 0 && time.Now().Before(s.failUntil):
		return f, true
	}
	s.fail = nil
	return nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// record appends under the lock and wakes waiters.
func (s *Server) record(f func()) {
	s.mu.Lock()
	f()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// nextTS returns a fresh message ts, "1700000000.000001" style: like
// Slack's, the time of posting in microseconds, and increasing.
func (s *Server) nextTS() string {
	s.ts = max(s.ts+1, time.Now().UnixMicro())
	return fmt.Sprintf("%d.%06d", s.ts/1000000, s.ts%1000000)
}

// Calls returns every Web API call so far, failed ones included.
func (s *Server) Calls() []Call { return snapshot(s, &s.calls) }

// Posts returns the chat.postMessage messages Slack accepted.
func (s *Server) Posts() []Message { return snapshot(s, &s.posts) }

// Updates returns the chat.update calls Slack accepted.
func (s *Server) Updates() []Message { return snapshot(s, &s.updates) }

// Ephemerals returns the chat.postEphemeral messages Slack accepted.
func (s *Server) Ephemerals() []Message { return snapshot(s, &s.ephemerals) }

// Responses returns the posts to response URLs.
func (s *Server) Responses() []Message { return snapshot(s, &s.responses) }

// Uploads returns the files whose upload was completed.
func (s *Server) Uploads() []Upload { return snapshot(s, &s.uploads) }

func snapshot[T any](s *Server, list *[]T) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]T(nil), (*list)...)
}

// ErrTimeout is returned by the Wait methods when the count is not reached.
var ErrTimeout = errors.New("slackfake: timeout")

// WaitForPosts waits until at least n posts were recorded, and returns them.
func (s *Server) WaitForPosts(n int, timeout time.Duration) ([]Message, error) {
	return waitFor(s, &s.posts, n, timeout)
}

// WaitForUpdates waits until at least n chat.update calls were recorded.
func (s *Server) WaitForUpdates(n int, timeout time.Duration) ([]Message, error) {
	return waitFor(s, &s.updates, n, timeout)
}

// WaitForEphemerals waits until at least n chat.postEphemeral calls were recorded.
func (s *Server) WaitForEphemerals(n int, timeout time.Duration) ([]Message, error) {
	return waitFor(s, &s.ephemerals, n, timeout)
}

// WaitForResponses waits until at least n response_url posts were recorded.
func (s *Server) WaitForResponses(n int, timeout time.Duration) ([]Message, error) {
	return waitFor(s, &s.responses, n, timeout)
}

// WaitForUploads waits until at least n uploads were completed.
func (s *Server) WaitForUploads(n int, timeout time.Duration) ([]Upload, error) {
	return waitFor(s, &s.uploads, n, timeout)
}

func waitFor[T any](s *Server, list *[]T, n int, timeout time.Duration) ([]T, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got := append([]T(nil), (*list)...)
		changed := s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return got, fmt.Errorf("%w: have %d, want %d", ErrTimeout, len(got), n)
		}
	}
}

// writeJSON answers 200 with v.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// slackError answers 200 {"ok":false,"error":code}, as Slack does.
func slackError(w http.ResponseWriter, code string) {
	writeJSON(w, map[string]any{"ok": false, "error": code})
}

func bearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}
