package imapwatch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// OAuth gets the access tokens XOAUTH2 and OAUTHBEARER send, from a
// refresh token (RFC 6749 section 6), and renews them: Microsoft 365 and
// Google issue access tokens that last about an hour, and Microsoft 365
// ends an IMAP session when its token expires. The watcher asks for a
// token at every login; one that is close to expiry is renewed first, and
// a session ends itself (and logs in again with a fresh token) before its
// token expires. A login refused with a token that was not just fetched is
// retried once with a new one (a token revoked early).
//
// Set it in Config.OAuth (with Auth "xoauth2" or "oauthbearer"); one OAuth
// may be shared by the watcher and Check, and is safe for concurrent use.
// docs/imap.md has the token URLs and scopes of Microsoft 365 and Google.
type OAuth struct {
	TokenURL     string
	ClientID     string
	ClientSecret string // empty for a public client
	RefreshToken string
	// HTTPClient talks to TokenURL; nil: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock for expiry; nil: time.Now.
	Now func() time.Time
	// OnRotate, when set, is called with the new refresh token when the
	// token endpoint answers with one other than the token it was given
	// (Microsoft 365 does, on every renewal), so that it outlives a
	// restart. It runs before the next renewal can start, in order; it
	// should return soon.
	OnRotate func(refreshToken string)

	mu      sync.Mutex
	tok     *oauth2.Token // the current access token; its RefreshToken is the newest (providers may rotate it)
	renewAt time.Time     // when to stop using tok: ahead of its expiry
	fetches int
}

// ErrTokenRevoked matches (errors.Is) a refresh token the token endpoint
// refused with invalid_grant: revoked, expired, or for another client. It
// also matches ErrAuth: retrying cannot help until the setting is changed.
var ErrTokenRevoked = errors.New("refresh token refused")

// TokenError is a refusal from the token endpoint, with its OAuth error
// code (RFC 6749 section 5.2) and description.
type TokenError struct {
	Code, Description string
}

func (e *TokenError) Error() string {
	s := "token endpoint refused the refresh token: " + e.Code
	if e.Description != "" {
		s += " (" + e.Description + ")"
	}
	return s
}

// Is makes errors.Is(err, ErrAuth) true for every refusal, and
// errors.Is(err, ErrTokenRevoked) for invalid_grant.
func (e *TokenError) Is(target error) bool {
	return target == ErrAuth || (target == ErrTokenRevoked && e.Code == "invalid_grant")
}

// earlyRenew is how long before expiry a token is renewed: a tenth of its
// lifetime, at most a minute (clock skew, a slow login).
func earlyRenew(lifetime time.Duration) time.Duration {
	return min(time.Minute, lifetime/10)
}

func (o *OAuth) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// token returns an access token valid for a while yet, and when it should
// be renewed (zero: the endpoint gave no expiry). With renew, or when the
// current one is due, it asks the token endpoint for a new one; fresh
// reports whether it did.
func (o *OAuth) token(ctx context.Context, renew bool) (tok string, renewAt time.Time, fresh bool, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !renew && o.tok != nil && (o.renewAt.IsZero() || o.now().Before(o.renewAt)) {
		return o.tok.AccessToken, o.renewAt, false, nil
	}
	refresh := o.RefreshToken
	if o.tok != nil && o.tok.RefreshToken != "" {
		refresh = o.tok.RefreshToken
	}
	client := o.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	cfg := oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		// In the form, as Microsoft wants it (Google takes either way).
		Endpoint: oauth2.Endpoint{TokenURL: o.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	start := o.now()
	// No access token: the source goes straight to the refresh grant.
	t, err := cfg.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, client), &oauth2.Token{RefreshToken: refresh}).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode != "" {
			return "", time.Time{}, false, &TokenError{Code: re.ErrorCode, Description: re.ErrorDescription}
		}
		return "", time.Time{}, false, fmt.Errorf("token endpoint: %w", err)
	}
	if t.AccessToken == "" {
		return "", time.Time{}, false, errors.New("token endpoint: answer without an access token")
	}
	o.tok, o.renewAt = t, time.Time{}
	o.fetches++
	if o.OnRotate != nil && t.RefreshToken != "" && t.RefreshToken != refresh {
		o.OnRotate(t.RefreshToken)
	}
	if !t.Expiry.IsZero() {
		life := t.Expiry.Sub(start)
		o.renewAt = t.Expiry.Add(-earlyRenew(life))
	}
	return t.AccessToken, o.renewAt, true, nil
}

// Fetches returns how many access tokens have been fetched (for metrics
// and tests).
func (o *OAuth) Fetches() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.fetches
}
