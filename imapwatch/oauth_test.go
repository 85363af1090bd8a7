package imapwatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

// newTokenEndpoint is memserver's token endpoint for client vtrbot-test,
// accepting rt-0 first.
func newTokenEndpoint(t *testing.T, life time.Duration) *memserver.TokenEndpoint {
	e := memserver.NewTokenEndpoint("vtrbot-test", "rt-0", life)
	t.Cleanup(e.Close)
	return e
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
			srv := newMem(t, memserver.Options{TokenCheck: ep.Check})
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
			if got := ep.Issued(); got < 4 {
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
	srv := newMem(t, memserver.Options{TokenCheck: ep.Check})
	logs := newLogs()
	cfg := srv.config(t, logs)
	cfg.Password, cfg.Auth = "", "xoauth2"
	cfg.OAuth = &OAuth{TokenURL: ep.URL, ClientID: "vtrbot-test", RefreshToken: "rt-0"}
	// A first login caches at-1; then the server stops taking it.
	if _, err := Check(t.Context(), cfg, ""); err != nil {
		t.Fatal(err)
	}
	ep.Refuse("at-1")
	st := newStore()
	start(t, st.watcher(cfg))
	srv.deliver(t, "INBOX", mailN(1, amazon), nil)
	st.waitStored(t, 1, 15*time.Second)
	if got := ep.Issued(); got != 2 {
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
	srv := newMem(t, memserver.Options{TokenCheck: ep.Check})
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
	if got := ep.Issued(); got != 0 {
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
