package imapwatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

// tokenEndpoint is an OAuth 2 token endpoint (RFC 6749 section 6) that
// issues short-lived access tokens and rotates the refresh token, accepting
// only the newest one, as the strictest providers do. The IMAP server asks
// it whether a bearer token is valid.
type tokenEndpoint struct {
	*httptest.Server
	life time.Duration

	mu      sync.Mutex
	refresh string               // the one refresh token accepted
	tokens  map[string]time.Time // access token -> expiry
	refused map[string]bool      // access tokens the IMAP server refuses anyway
	issued  int
}

func newTokenEndpoint(t *testing.T, life time.Duration) *tokenEndpoint {
	e := &tokenEndpoint{life: life, refresh: "rt-0", tokens: map[string]time.Time{}, refused: map[string]bool{}}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.Close)
	return e
}

func (e *tokenEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("client_id") != "vtrbot-test" {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request"})
		return
	}
	if r.PostForm.Get("refresh_token") != e.refresh {
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

// check is memserver's TokenCheck.
func (e *tokenEndpoint) check(_, token string) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	exp, ok := e.tokens[token]
	return exp, ok && !e.refused[token] && time.Now().Before(exp)
}

func (e *tokenEndpoint) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.issued
}

// A mailbox session outlives three access tokens: the watcher renews each
// before it expires (the server, like Microsoft 365, ends a session whose
// token expired) and every mail delivered across the renewals is handed
// over exactly once.
func TestWatcher_oauthRenewal(t *testing.T) {
	for _, mech := range []string{"xoauth2", "oauthbearer"} {
		t.Run(mech, func(t *testing.T) {
			t.Parallel()
			ep := newTokenEndpoint(t, 2*time.Second)
			srv := newMem(t, memserver.Options{TokenCheck: ep.check})
			logs := newLogs()
			cfg := srv.config(t, logs)
			cfg.Password, cfg.Auth = "", mech
			cfg.OAuth = &OAuth{TokenURL: ep.URL, ClientID: "vtrbot-test", RefreshToken: "rt-0"}
			st := newStore()
			start(t, st.watcher(cfg))
			logs.waitFor(t, 1, "watching")

			const n = 16 // one every 500 ms: 8 s, four tokens' lives
			for i := range n {
				srv.deliver(t, "INBOX", mailN(i, amazon), nil)
				time.Sleep(500 * time.Millisecond)
			}
			st.waitStored(t, n, 20*time.Second)
			st.assertExactlyOnce(t, n)
			if got := ep.count(); got < 4 {
				t.Errorf("%d access tokens fetched over 8 s of 2 s tokens, want at least 4", got)
			}
			if got := logs.count("renewing the oauth token: logging in again"); got < 3 {
				t.Errorf("%d renewals before expiry, want at least 3", got)
			}
		})
	}
}

// An access token the server refuses before its expiry (revoked early) is
// replaced once, at once.
func TestWatcher_oauthRefusedEarly(t *testing.T) {
	ep := newTokenEndpoint(t, time.Hour)
	srv := newMem(t, memserver.Options{TokenCheck: ep.check})
	logs := newLogs()
	cfg := srv.config(t, logs)
	cfg.Password, cfg.Auth = "", "xoauth2"
	cfg.OAuth = &OAuth{TokenURL: ep.URL, ClientID: "vtrbot-test", RefreshToken: "rt-0"}
	// A first login caches at-1; then the server stops taking it.
	if _, err := Check(t.Context(), cfg, ""); err != nil {
		t.Fatal(err)
	}
	ep.mu.Lock()
	ep.refused["at-1"] = true
	ep.mu.Unlock()
	st := newStore()
	start(t, st.watcher(cfg))
	srv.deliver(t, "INBOX", mailN(1, amazon), nil)
	st.waitStored(t, 1, 15*time.Second)
	if got := ep.count(); got != 2 {
		t.Errorf("%d tokens fetched, want 2 (the refused one and its replacement)", got)
	}
	if got := logs.count("imap session ended"); got != 0 {
		t.Errorf("%d failed sessions, want the refusal handled within the first", got)
	}
}

// A refresh token the endpoint refuses (revoked, expired) stops the
// watcher with one clear error: no retry loop against the endpoint.
func TestWatcher_oauthRevoked(t *testing.T) {
	ep := newTokenEndpoint(t, time.Hour)
	srv := newMem(t, memserver.Options{TokenCheck: ep.check})
	logs := newLogs()
	cfg := srv.config(t, logs)
	cfg.Password, cfg.Auth = "", "oauthbearer"
	cfg.OAuth = &OAuth{TokenURL: ep.URL, ClientID: "vtrbot-test", RefreshToken: "rt-revoked"}
	w := newStore().watcher(cfg)
	done := make(chan error, 1)
	go func() { done <- w.Run(t.Context()) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("Run still retrying a revoked refresh token after 15 s")
	}
	var te *TokenError
	if !errors.Is(err, ErrTokenRevoked) || !errors.Is(err, ErrAuth) || !errors.As(err, &te) || te.Code != "invalid_grant" {
		t.Errorf("Run = %v, want a TokenError invalid_grant matching ErrTokenRevoked and ErrAuth", err)
	}
	if got := ep.count(); got != 0 {
		t.Errorf("%d tokens issued for a revoked refresh token", got)
	}
}

// OnRotate hears every new refresh token, in order, and only a new one: a
// provider that rotates (Microsoft 365) is followed so that the newest
// token can be stored; one that keeps the same token (Google) is not
// reported.
func TestOAuth_onRotate(t *testing.T) {
	ep := newTokenEndpoint(t, time.Hour)
	var got []string
	o := &OAuth{TokenURL: ep.URL, ClientID: "vtrbot-test", RefreshToken: "rt-0", OnRotate: func(rt string) { got = append(got, rt) }}
	for range 3 {
		if _, _, _, err := o.token(t.Context(), true); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"rt-1", "rt-2", "rt-3"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rotations %v, want %v", got, want)
	}

	same := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600})
	}))
	defer same.Close()
	got = nil
	o = &OAuth{TokenURL: same.URL, ClientID: "vtrbot-test", RefreshToken: "rt-google", OnRotate: func(rt string) { got = append(got, rt) }}
	for range 2 {
		if _, _, _, err := o.token(t.Context(), true); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 0 {
		t.Errorf("a provider that keeps its refresh token reported rotations %v", got)
	}
}
