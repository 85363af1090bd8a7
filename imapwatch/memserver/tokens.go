package memserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// TokenEndpoint is an OAuth 2 token endpoint (RFC 6749 section 6) for a
// Server's XOAUTH2 and OAUTHBEARER logins: it answers the refresh grant of
// one client with an access token that lives Life and a new refresh token,
// and from then on accepts only that newest refresh token, as the
// strictest providers do (Microsoft 365 rotates at every renewal). Any
// other refresh token or client is refused with invalid_grant, as a
// revoked one is. Check is the Server's Options.TokenCheck for the access
// tokens it issued. Close it when done.
type TokenEndpoint struct {
	*httptest.Server
	clientID string
	life     time.Duration

	mu      sync.Mutex
	refresh string               // the one refresh token accepted
	tokens  map[string]time.Time // access token -> expiry
	refused map[string]bool      // access tokens Check refuses anyway
	issued  int
}

// NewTokenEndpoint starts an endpoint for clientID that accepts refresh
// first; access tokens are "at-N" and refresh tokens "rt-N", N counting the
// grants from 1.
func NewTokenEndpoint(clientID, refresh string, life time.Duration) *TokenEndpoint {
	e := &TokenEndpoint{clientID: clientID, life: life, refresh: refresh, tokens: map[string]time.Time{}, refused: map[string]bool{}}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	return e
}

func (e *TokenEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "refresh_token" {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request"})
		return
	}
	if r.PostForm.Get("client_id") != e.clientID || r.PostForm.Get("refresh_token") != e.refresh {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "AADSTS70000: The refresh token has been revoked."})
		return
	}
	e.issued++
	tok := fmt.Sprintf("at-%d", e.issued)
	e.refresh = fmt.Sprintf("rt-%d", e.issued)
	e.tokens[tok] = time.Now().Add(e.life)
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(e.life.Seconds()), "refresh_token": e.refresh})
}

// Check reports whether token is an access token this endpoint issued,
// not expired and not refused, and when it expires.
func (e *TokenEndpoint) Check(_, token string) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	exp, ok := e.tokens[token]
	return exp, ok && !e.refused[token] && time.Now().Before(exp)
}

// Issued is how many access tokens the endpoint has issued.
func (e *TokenEndpoint) Issued() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.issued
}

// Refuse makes Check refuse an access token before its expiry (revoked
// early).
func (e *TokenEndpoint) Refuse(accessToken string) {
	e.mu.Lock()
	e.refused[accessToken] = true
	e.mu.Unlock()
}

// Revoke refuses every refresh token from now on.
func (e *TokenEndpoint) Revoke() {
	e.mu.Lock()
	e.refresh = ""
	e.mu.Unlock()
}
