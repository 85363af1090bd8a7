package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultLWAURL is Login with Amazon's token endpoint.
const DefaultLWAURL = "https://api.amazon.com/auth/o2/token"

// refreshMargin is how long before its expiry an access token is replaced,
// so that a call never starts with a token about to lapse in flight.
const refreshMargin = 2 * time.Minute

// LWA exchanges refresh tokens for access tokens at Login with Amazon and
// caches each access token per refresh token until shortly before it
// expires. Many concurrent calls needing a token cause one exchange. A
// refusal of the credentials (invalid_grant, ...) is kept: asking again
// with the same refresh token would only be refused again.
type LWA struct {
	URL          string // DefaultLWAURL when empty
	ClientID     string
	ClientSecret string
	HTTP         *http.Client     // http.DefaultClient when nil
	Now          func() time.Time // time.Now when nil

	mu      sync.Mutex
	entries map[string]*lwaEntry // by refresh token
	n       int                  // exchanges made, for tests
}

type lwaEntry struct {
	lock    chan struct{} // held (full) during an exchange; a ctx-aware mutex
	token   string
	expires time.Time
	refused error
}

// Token returns a valid access token for refreshToken, exchanging it when
// none is cached or the cached one is about to expire.
func (l *LWA) Token(ctx context.Context, refreshToken string) (string, error) {
	e := l.entry(refreshToken)
	select {
	case e.lock <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-e.lock }()
	if e.refused != nil {
		return "", e.refused
	}
	if e.token != "" && l.now().Add(refreshMargin).Before(e.expires) {
		return e.token, nil
	}
	tok, ttl, err := l.exchange(ctx, refreshToken)
	if err != nil {
		if Rejected(err) {
			e.refused = err
		}
		return "", err
	}
	e.token, e.expires = tok, l.now().Add(ttl)
	return tok, nil
}

// Invalidate drops the cached access token of refreshToken if it is still
// accessToken (the one Amazon called expired): of many calls that met the
// same expired token, the first to get here causes the one refresh.
func (l *LWA) Invalidate(refreshToken, accessToken string) {
	e := l.entry(refreshToken)
	e.lock <- struct{}{}
	if e.token == accessToken {
		e.token = ""
	}
	<-e.lock
}

// Exchanges returns how many token exchanges were made.
func (l *LWA) Exchanges() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

func (l *LWA) entry(refreshToken string) *lwaEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = map[string]*lwaEntry{}
	}
	e := l.entries[refreshToken]
	if e == nil {
		e = &lwaEntry{lock: make(chan struct{}, 1)}
		l.entries[refreshToken] = e
	}
	return e
}

func (l *LWA) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// exchange posts grant_type=refresh_token to the token endpoint.
func (l *LWA) exchange(ctx context.Context, refreshToken string) (string, time.Duration, error) {
	l.mu.Lock()
	l.n++
	l.mu.Unlock()
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
		"client_id":     {l.ClientID},
		"client_secret": {l.ClientSecret},
	}
	u := l.URL
	if u == "" {
		u = DefaultLWAURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("login with amazon: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	hc := l.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// A *url.Error names the URL, which holds no secret (they are
		// in the body).
		return "", 0, fmt.Errorf("login with amazon: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", 0, fmt.Errorf("login with amazon: read answer: %w", err)
	}
	var ans struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	jerr := json.Unmarshal(body, &ans)
	if resp.StatusCode != http.StatusOK || ans.AccessToken == "" {
		ae := &AuthError{Status: resp.StatusCode, Code: ans.Error, Description: l.scrub(ans.Description, refreshToken)}
		if jerr != nil && ae.Description == "" {
			ae.Description = l.scrub(shorten(string(body), 200), refreshToken)
		}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			// Not a refusal: the endpoint is down or busy.
			return "", 0, fmt.Errorf("login with amazon: HTTP %d %s", resp.StatusCode, ae.Description)
		}
		return "", 0, ae
	}
	ttl := time.Duration(ans.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = time.Hour // Amazon's documented lifetime
	}
	return ans.AccessToken, ttl, nil
}

// scrub removes any secret an error description might echo.
func (l *LWA) scrub(s, refreshToken string) string {
	for _, secret := range []string{refreshToken, l.ClientSecret} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "<redacted>")
		}
	}
	return s
}
