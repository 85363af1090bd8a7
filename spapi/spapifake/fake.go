// Package spapifake is a stand-in for Amazon's Selling Partner API in tests
// and benchmarks: a local HTTP server with Login with Amazon's token
// endpoint, the Orders API v2026-01-01 (searchOrders with filters and
// paging, getOrder), the Reports API (reports walking IN_QUEUE →
// IN_PROGRESS → DONE, CANCELLED or FATAL; documents behind presigned URLs
// that expire after five minutes, optionally GZIP), injectable 429 and 5xx
// answers and x-amzn-RateLimit-Limit headers. In sandbox mode it replays
// the x-amzn-api-sandbox examples of Amazon's own models.
//
// It is a normal package so that cmd/bot's end-to-end tests and bench/sync
// can use it. It must never be used outside tests and benchmarks.
package spapifake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
)

// Fault is an answer to give instead of the real one.
type Fault struct {
	Status int
	Header map[string]string
	Body   string // default: Amazon's error list for the status
}

// Server is the stand-in. Create it with New; its fields may be changed
// before the first request.
type Server struct {
	*httptest.Server
	ClientID, ClientSecret string
	// RefreshTokens are the refresh tokens LWA accepts.
	RefreshTokens []string
	TokenTTL      time.Duration // access token lifetime (1 h)
	DocumentTTL   time.Duration // presigned URL lifetime (5 min)
	// Now is the stand-in's clock (token and URL expiry, report age,
	// "before" checks).
	Now func() time.Time
	// PageSize, when > 0, caps the orders of a searchOrders page below
	// what maxResultsPerPage asks (Amazon may send fewer): many pages
	// from few orders.
	PageSize int
	// Pace, when set, is called before each API request is answered, with
	// the operation, its call number (counting from 1 since New) and the
	// request's context, which ends when the client goes away. It runs
	// outside the stand-in's lock, so it may sleep or block to make the
	// stand-in slow, or hold a call until the test lets it through. Set it
	// with SetPace once the server runs (requests read it under the lock).
	Pace func(ctx context.Context, op string, call int)

	mu         sync.Mutex
	tokens     map[string]time.Time // access token -> expiry
	exchanges  int
	calls      map[string]int
	faults     map[string][]Fault
	faultAt    map[string]map[int]Fault
	rateLimits map[string]string
	orders     map[string]spapi.Order
	cursors    map[string]*cursor
	reports    map[string]*report
	reportSeq  int
	plan       []string
	perf       map[string][]byte // marketplace ID -> document, or "" for any
	gzip       bool
	lapsedURLs int
	sandbox    []Example
	log        []Call
}

// Call is one API request the stand-in answered.
type Call struct {
	Op     string
	Query  string
	Status int
}

// New starts a stand-in on a loopback port; it is closed when the test
// (or benchmark) ends if cleanup is given (t.Cleanup).
func New(cleanup func(func())) *Server {
	s := &Server{
		ClientID: "amzn1.application-oa2-client.fake", ClientSecret: "fake-client-secret",
		RefreshTokens: []string{"Atzr|fake-refresh-token"},
		TokenTTL:      time.Hour, DocumentTTL: 5 * time.Minute, Now: time.Now,
		tokens: map[string]time.Time{}, calls: map[string]int{}, faults: map[string][]Fault{}, faultAt: map[string]map[int]Fault{},
		rateLimits: map[string]string{}, orders: map[string]spapi.Order{}, cursors: map[string]*cursor{},
		reports: map[string]*report{}, plan: []string{spapi.ReportInQueue, spapi.ReportInProgress, spapi.ReportDone},
		perf: map[string][]byte{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/o2/token", s.token)
	mux.HandleFunc("GET /orders/2026-01-01/orders", s.api("searchOrders", s.searchOrders))
	mux.HandleFunc("GET /orders/2026-01-01/orders/{orderId}", s.api("getOrder", s.getOrder))
	mux.HandleFunc("POST /reports/2021-06-30/reports", s.api("createReport", s.createReport))
	mux.HandleFunc("GET /reports/2021-06-30/reports", s.api("getReports", s.getReports))
	mux.HandleFunc("GET /reports/2021-06-30/reports/{reportId}", s.api("getReport", s.getReport))
	mux.HandleFunc("DELETE /reports/2021-06-30/reports/{reportId}", s.api("cancelReport", s.cancelReport))
	mux.HandleFunc("GET /reports/2021-06-30/documents/{reportDocumentId}", s.api("getReportDocument", s.getReportDocument))
	mux.HandleFunc("GET /s3/{documentId}", s.download)
	s.Server = httptest.NewServer(mux)
	if cleanup != nil {
		cleanup(s.Close)
	}
	return s
}

// LWAURL is the token endpoint's URL (SPAPI_LWA_URL).
func (s *Server) LWAURL() string { return s.URL + "/auth/o2/token" }

// RefreshToken is the first accepted refresh token.
func (s *Server) RefreshToken() string { return s.RefreshTokens[0] }

// Exchanges returns how many refresh-token exchanges LWA answered with a token.
func (s *Server) Exchanges() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exchanges
}

// Calls returns how many requests an operation got (faults included).
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Log returns every API request answered, in order.
func (s *Server) Log() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.log...)
}

// Inject queues faults: the next calls of op get them, one each, before
// any real answer.
func (s *Server) Inject(op string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = append(s.faults[op], faults...)
}

// InjectAt gives the n-th call of op (counting every call since New,
// from 1) the fault f.
func (s *Server) InjectAt(op string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faultAt[op] == nil {
		s.faultAt[op] = map[int]Fault{}
	}
	s.faultAt[op][n] = f
}

// SetRateLimit makes every answer of op carry x-amzn-RateLimit-Limit: v
// ("" removes it).
func (s *Server) SetRateLimit(op, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimits[op] = v
}

// ExpireTokens makes every access token issued so far expired, as an hour
// later.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request is malformed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PostForm.Get("grant_type") != "refresh_token" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The grant type is not supported")
		return
	}
	if r.PostForm.Get("client_id") != s.ClientID || r.PostForm.Get("client_secret") != s.ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	ok := false
	for _, rt := range s.RefreshTokens {
		ok = ok || r.PostForm.Get("refresh_token") == rt
	}
	if !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
		return
	}
	s.exchanges++
	tok := "Atza|" + randomHex(16)
	s.tokens[tok] = s.Now().Add(s.TokenTTL)
	writeJSON(w, http.StatusOK, nil, map[string]any{"access_token": tok, "refresh_token": r.PostForm.Get("refresh_token"),
		"token_type": "bearer", "expires_in": int(s.TokenTTL / time.Second)})
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, nil, map[string]string{"error": code, "error_description": desc})
}

// SetPace sets Pace while the server runs.
func (s *Server) SetPace(pace func(ctx context.Context, op string, call int)) {
	s.mu.Lock()
	s.Pace = pace
	s.mu.Unlock()
}

// api wraps an operation: access token check, injected faults, rate-limit
// header, request id, sandbox replay, call log. h runs with s.mu held.
func (s *Server) api(op string, h func(r *http.Request) (int, any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[op]++
		call := s.calls[op]
		pace := s.Pace
		s.mu.Unlock()
		if pace != nil {
			pace(r.Context(), op, call)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		hdr := map[string]string{"x-amzn-RequestId": "req-" + randomHex(8)}
		if v := s.rateLimits[op]; v != "" {
			hdr["x-amzn-RateLimit-Limit"] = v
		}
		answer := func(status int, body any) {
			s.log = append(s.log, Call{Op: op, Query: r.URL.RawQuery, Status: status})
			writeJSON(w, status, hdr, body)
		}
		tok := r.Header.Get("x-amz-access-token")
		exp, known := s.tokens[tok]
		switch {
		case !known:
			answer(http.StatusForbidden, errList("Unauthorized", "Access to requested resource is denied.", ""))
			return
		case !s.Now().Before(exp):
			answer(http.StatusForbidden, errList("Unauthorized", "Access to requested resource is denied.", "The access token you provided has expired."))
			return
		}
		f, fault := s.faultAt[op][call]
		if q := s.faults[op]; !fault && len(q) > 0 {
			f, fault = q[0], true
			s.faults[op] = q[1:]
		}
		if fault {
			for k, v := range f.Header {
				hdr[k] = v
			}
			s.log = append(s.log, Call{Op: op, Query: r.URL.RawQuery, Status: f.Status})
			if f.Body != "" {
				writeRaw(w, f.Status, hdr, []byte(f.Body))
				return
			}
			writeJSON(w, f.Status, hdr, faultBody(f.Status))
			return
		}
		if s.sandbox != nil {
			status, body := s.replay(op, r)
			s.log = append(s.log, Call{Op: op, Query: r.URL.RawQuery, Status: status})
			writeRaw(w, status, hdr, body)
			return
		}
		status, body := h(r)
		answer(status, body)
	}
}

func faultBody(status int) any {
	switch {
	case status == http.StatusTooManyRequests:
		return errList("QuotaExceeded", "You exceeded your quota for the requested resource.", "")
	case status == http.StatusServiceUnavailable:
		return errList("ServiceUnavailable", "Service is temporarily unavailable.", "")
	case status >= 500:
		return errList("InternalFailure", "We encountered an internal error. Please try again.", "")
	case status == http.StatusForbidden:
		return errList("Unauthorized", "Access to requested resource is denied.", "")
	}
	return errList("InvalidInput", "Invalid Input", "")
}

func errList(code, msg, details string) any {
	return map[string]any{"errors": []map[string]string{{"code": code, "message": msg, "details": details}}}
}

func writeJSON(w http.ResponseWriter, status int, hdr map[string]string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = 500, []byte(`{"errors":[{"code":"InternalFailure","message":"marshal"}]}`)
	}
	writeRaw(w, status, hdr, b)
}

func writeRaw(w http.ResponseWriter, status int, hdr map[string]string, b []byte) {
	for k, v := range hdr {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func badInput(details string) (int, any) {
	return http.StatusBadRequest, errList("InvalidInput", "Invalid Input", details)
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

var _ = fmt.Sprintf
