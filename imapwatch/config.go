package imapwatch

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
)

// Defaults applied by Config when a field is zero.
const (
	DefaultMailbox = "INBOX"
	DefaultPoll    = time.Minute
	DefaultSince   = 90 * 24 * time.Hour
	DefaultRecheck = 4 * time.Minute
)

// maxRecheck keeps every IDLE shorter than the 29 minutes after which RFC 2177
// lets a server drop an idle client ("clients ... SHOULD terminate the IDLE
// and re-issue it at least every 29 minutes").
const maxRecheck = 28 * time.Minute

// Config says where the mailbox is and how to watch it. Zero fields get the
// defaults above; Validate reports what cannot work.
type Config struct {
	Addr     string // host:port
	Username string
	Password string // with Auth "password"
	// TLS is "tls" (implicit TLS, port 993; the default), "starttls" or
	// "none". "none" sends the password in clear, so it is refused unless
	// Addr is a loopback address (a local test server).
	TLS string
	// Auth is "password" (LOGIN; the default), "xoauth2" (Gmail, Microsoft
	// 365) or "oauthbearer" (RFC 7628); the OAuth ones send Token, or
	// tokens from OAuth when it is set (they expire within hours; a
	// refresh token keeps the watcher logged in for months).
	Auth  string
	Token string
	OAuth *OAuth

	Mailbox string        // the folder to watch; default INBOX
	Poll    time.Duration // how often to look when the server has no IDLE
	// Since bounds the first run (no checkpoint yet) and a rescan after a
	// UIDVALIDITY change: only mail whose internal date is on or after the
	// day of now-Since is read (SEARCH SINCE).
	Since time.Duration
	// Recheck is how long one IDLE lasts before the watcher looks anyway.
	// It is a safety net for a lost wake-up and what turns a silently dead
	// link into a reconnect. Capped at 28 minutes (RFC 2177).
	Recheck time.Duration
	// MoveTo, when set, is the folder handled messages are moved to (MOVE,
	// RFC 6851, else COPY + \Deleted + UID EXPUNGE). The mailbox is then
	// opened read-write (SELECT) instead of read-only (EXAMINE).
	MoveTo string

	// Account names the mailbox in checkpoints and logs; default
	// Username@Addr.
	Account string

	Logger    *slog.Logger     // nil: no logs
	TLSConfig *tls.Config      // nil: system roots, ServerName from Addr
	Now       func() time.Time // nil: time.Now
}

// ConfigError is a Config value that cannot work. Field names the Config
// field; Error is one line a user can act on.
type ConfigError struct {
	Field string
	Msg   string
}

func (e *ConfigError) Error() string { return e.Field + ": " + e.Msg }

// Validate returns a *ConfigError for the first setting that cannot work.
func (c Config) Validate() error {
	_, err := c.normalize()
	return err
}

// normalize checks c and fills in the defaults.
func (c Config) normalize() (Config, error) {
	c.TLS = strings.ToLower(c.TLS)
	c.Auth = strings.ToLower(c.Auth)
	if c.TLS == "" {
		c.TLS = "tls"
	}
	if c.Auth == "" {
		c.Auth = "password"
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return c, &ConfigError{"Addr", fmt.Sprintf("want host:port, got %q", c.Addr)}
	}
	switch c.TLS {
	case "tls", "starttls":
	case "none":
		if !isLoopback(c.Addr) {
			// One line naming the setting a user actually typed.
			return c, &ConfigError{"TLS", fmt.Sprintf("IMAP_TLS=none sends the password in clear and is only allowed for a loopback address, not %s (use tls or starttls)", c.Addr)}
		}
	default:
		return c, &ConfigError{"TLS", fmt.Sprintf("want tls, starttls or none, got %q", c.TLS)}
	}
	if c.Username == "" {
		return c, &ConfigError{"Username", "not set"}
	}
	switch c.Auth {
	case "password":
		if c.Password == "" {
			return c, &ConfigError{"Password", "not set"}
		}
	case "xoauth2", "oauthbearer":
		switch {
		case c.OAuth != nil && c.OAuth.TokenURL == "":
			return c, &ConfigError{"OAuth.TokenURL", "not set (needed with a refresh token)"}
		case c.OAuth != nil && c.OAuth.ClientID == "":
			return c, &ConfigError{"OAuth.ClientID", "not set (needed with a refresh token)"}
		case c.OAuth != nil && c.OAuth.RefreshToken == "":
			return c, &ConfigError{"OAuth.RefreshToken", "not set"}
		case c.OAuth == nil && c.Token == "":
			return c, &ConfigError{"Token", "not set (needed with Auth " + c.Auth + ", or a refresh token)"}
		}
	default:
		return c, &ConfigError{"Auth", fmt.Sprintf("want password, xoauth2 or oauthbearer, got %q", c.Auth)}
	}
	if c.Mailbox == "" {
		c.Mailbox = DefaultMailbox
	}
	if c.MoveTo != "" && strings.EqualFold(c.MoveTo, c.Mailbox) {
		return c, &ConfigError{"MoveTo", fmt.Sprintf("%q is the watched mailbox itself", c.MoveTo)}
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"Poll", &c.Poll, DefaultPoll}, {"Since", &c.Since, DefaultSince}, {"Recheck", &c.Recheck, DefaultRecheck}} {
		if *d.v < 0 {
			return c, &ConfigError{d.name, fmt.Sprintf("negative duration %v", *d.v)}
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	c.Recheck = min(c.Recheck, maxRecheck)
	if c.Account == "" {
		c.Account = c.Username + "@" + c.Addr
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// isLoopback reports whether addr's host is localhost or a loopback IP.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
