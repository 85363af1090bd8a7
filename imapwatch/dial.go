package imapwatch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// ErrAuth matches (errors.Is) every error that means the server refused the
// credentials or the way they were sent. Retrying does not help, so Run
// returns it instead of reconnecting; callers exit with a clear line.
var ErrAuth = errors.New("login refused")

// ErrNoMailbox matches the error when the watched mailbox does not exist
// (a typo in its name, or a folder deleted and not yet created again).
var ErrNoMailbox = errors.New("no such mailbox")

// selectError wraps a failed SELECT/EXAMINE of mailbox.
func selectError(mailbox string, err error) error {
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Code == imap.ResponseCodeNonExistent {
		return fmt.Errorf("select %s: %w (%w)", mailbox, ErrNoMailbox, err)
	}
	return fmt.Errorf("select %s: %w", mailbox, err)
}

// AuthError is a refused login. Reason is the server's own words, such as
// "[AUTHENTICATIONFAILED] Invalid credentials (Failure)".
type AuthError struct{ Reason string }

func (e *AuthError) Error() string { return "login refused: " + e.Reason }

// Is makes errors.Is(err, ErrAuth) true.
func (e *AuthError) Is(target error) bool { return target == ErrAuth }

const dialTimeout = 30 * time.Second

// conn is a logged-in client and the function that stops the context watch.
type conn struct {
	*imapclient.Client
	stop func() bool
	// renewAt is when the OAuth token it logged in with is due for
	// renewal: the session ends itself then (zero: never).
	renewAt time.Time
}

func (c *conn) close() {
	c.stop()
	c.Client.Close()
}

// dial connects and logs in. opts may carry a unilateral data handler.
// Cancelling ctx closes the connection, which unblocks any command. With
// Config.OAuth, a login refused with a token that was not fetched just now
// is tried once more with a new one.
func dial(ctx context.Context, cfg Config, opts *imapclient.Options) (*conn, error) {
	token, renewAt, fresh, err := accessToken(ctx, cfg, false)
	if err != nil {
		return nil, err
	}
	c, err := dialToken(ctx, cfg, opts, token)
	if errors.Is(err, ErrAuth) && cfg.OAuth != nil && !fresh {
		cfg.Logger.Info("imap login refused with a cached OAuth token: renewing it")
		if token, renewAt, _, err = accessToken(ctx, cfg, true); err != nil {
			return nil, err
		}
		c, err = dialToken(ctx, cfg, opts, token)
	}
	if err != nil {
		return nil, err
	}
	c.renewAt = renewAt
	return c, nil
}

// accessToken is Config.Token, or one from Config.OAuth.
func accessToken(ctx context.Context, cfg Config, renew bool) (string, time.Time, bool, error) {
	if cfg.OAuth == nil || cfg.Auth == "password" {
		return cfg.Token, time.Time{}, false, nil
	}
	tok, renewAt, fresh, err := cfg.OAuth.token(ctx, renew)
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("oauth: %w", err)
	}
	return tok, renewAt, fresh, nil
}

func dialToken(ctx context.Context, cfg Config, opts *imapclient.Options, token string) (*conn, error) {
	d := &net.Dialer{Timeout: dialTimeout}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	fail := func(err error) (*conn, error) {
		stop()
		raw.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	tcfg := tlsConfig(cfg)
	opts.TLSConfig = tcfg
	var c *imapclient.Client
	switch cfg.TLS {
	case "tls":
		tc := tls.Client(raw, tcfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(err) // crypto/tls errors already start with "tls:"
		}
		raw = tc
		c = imapclient.New(tc, opts)
	case "starttls":
		if c, err = imapclient.NewStartTLS(raw, opts); err != nil {
			return fail(fmt.Errorf("starttls: %w", err))
		}
	default: // "none", loopback only (Config.Validate)
		c = imapclient.New(raw, opts)
	}
	cn := &conn{Client: c, stop: stop}
	if err := c.WaitGreeting(); err != nil {
		return fail(fmt.Errorf("greeting: %w", err))
	}
	if err := login(c, cfg, token); err != nil {
		c.Close()
		return fail(err)
	}
	return cn, nil
}

func tlsConfig(cfg Config) *tls.Config {
	var t *tls.Config
	if cfg.TLSConfig != nil {
		t = cfg.TLSConfig.Clone()
	} else {
		t = &tls.Config{}
	}
	if t.ServerName == "" {
		t.ServerName, _, _ = net.SplitHostPort(cfg.Addr)
	}
	return t
}

func login(c *imapclient.Client, cfg Config, token string) error {
	var err error
	switch cfg.Auth {
	case "xoauth2":
		err = c.Authenticate(&xoauth2Client{user: cfg.Username, token: token})
	case "oauthbearer":
		host, port := hostPort(cfg.Addr)
		err = c.Authenticate(sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{
			Username: cfg.Username, Token: token, Host: host, Port: port,
		}))
	default:
		err = c.Login(cfg.Username, cfg.Password).Wait()
	}
	if err == nil {
		return nil
	}
	if isAuthError(err) {
		return &AuthError{Reason: authText(err)}
	}
	return fmt.Errorf("login: %w", err)
}

// isAuthError tells a refusal from a broken connection. Servers answer a bad
// password with NO, mostly with [AUTHENTICATIONFAILED] (Gmail, Dovecot) but
// sometimes with no code at all (Microsoft 365: "NO LOGIN failed."). Only
// [UNAVAILABLE] (RFC 5530: "temporary failure", e.g. the auth backend is
// down) is worth retrying.
func isAuthError(err error) bool {
	var ie *imap.Error
	if errors.As(err, &ie) {
		return ie.Code != imap.ResponseCodeUnavailable && ie.Code != imap.ResponseCodeServerBug
	}
	var oe *sasl.OAuthBearerError
	var xe *xoauth2Error
	return errors.As(err, &oe) || errors.As(err, &xe)
}

func authText(err error) string {
	var ie *imap.Error
	if errors.As(err, &ie) {
		if ie.Code != "" {
			return fmt.Sprintf("[%s] %s", ie.Code, ie.Text)
		}
		return ie.Text
	}
	return err.Error()
}

func hostPort(addr string) (string, int) {
	host, p, _ := net.SplitHostPort(addr)
	port, _ := net.LookupPort("tcp", p)
	return host, port
}
