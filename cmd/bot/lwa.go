package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"
)

// defaultLWAURL is Login with Amazon's token endpoint (the same in every
// region).
const defaultLWAURL = "https://api.amazon.com/auth/o2/token"

// lwaExchange trades a Login with Amazon refresh token for an access token
// (grant_type=refresh_token, client credentials in the form, as LWA wants
// them). A refusal is an *oauth2.RetrieveError: invalid_grant for a
// revoked or mistyped refresh token, invalid_client for wrong credentials.
func lwaExchange(ctx context.Context, tokenURL, clientID, clientSecret, refreshToken string) error {
	cfg := oauth2.Config{ClientID: clientID, ClientSecret: clientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: 30 * time.Second})
	_, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	return err
}

// oauthReason is the token endpoint's refusal as one line, without the
// response body (which may echo what was sent).
func oauthReason(re *oauth2.RetrieveError) string {
	switch {
	case re.ErrorCode != "" && re.ErrorDescription != "":
		return re.ErrorCode + " (" + re.ErrorDescription + ")"
	case re.ErrorCode != "":
		return re.ErrorCode
	case re.Response != nil:
		return re.Response.Status
	}
	return "refused"
}

// checkHTTPSURL accepts an https:// URL, or http:// to a loopback host
// (tests and local stand-ins): tokens never cross a network in clear.
func checkHTTPSURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "":
		return errors.New("want an https:// URL, got " + s)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(net.JoinHostPort(u.Hostname(), "0")):
		return nil
	}
	return errors.New("want an https:// URL (http:// only for a loopback address), got " + s)
}
