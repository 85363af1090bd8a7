package imapwatch

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		srv.deliver(t, "INBOX", mailN(1, amazon), nil)
		srv.deliver(t, "INBOX", mailN(2, amazon), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
		srv.deliver(t, "INBOX", mailN(3, "Friend <friend@example.com>"), nil)
		info, err := Check(t.Context(), srv.config(t, newLogs()), "amazon")
		if err != nil {
			t.Fatal(err)
		}
		want := MailboxInfo{Mailbox: "INBOX", UIDValidity: info.UIDValidity, UIDNext: 4,
			Messages: 3, Unseen: 2, From: 2, FromUnseen: 1, Idle: true, Move: true}
		if info != want || info.UIDValidity == 0 {
			t.Errorf("Check = %+v\nwant    %+v", info, want)
		}
	})
}

func TestAuth(t *testing.T) {
	t.Parallel()
	srv, err := memserver.StartWith(memserver.Options{Username: "seller", Password: "secret", Token: "ya29.good"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tests := []struct {
		auth, secret string
		ok           bool
	}{
		{"password", "secret", true},
		{"password", "wrong", false},
		{"xoauth2", "ya29.good", true},
		{"xoauth2", "ya29.expired", false},
		{"oauthbearer", "ya29.good", true},
		{"oauthbearer", "ya29.expired", false},
	}
	for _, tt := range tests {
		t.Run(tt.auth+"/"+tt.secret, func(t *testing.T) {
			cfg := Config{Addr: srv.Addr(), Username: "seller", TLS: "none", Auth: tt.auth, Password: tt.secret, Token: tt.secret}
			_, err := Check(t.Context(), cfg, "")
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrAuth)) {
				t.Errorf("Check = %v, want ok=%v or an ErrAuth", err, tt.ok)
			}
			if tt.ok {
				return
			}
			// Run gives up at once: a wrong password does not get better.
			w := &Watcher{Config: cfg, Handle: newStore().Handle}
			if err := w.Run(t.Context()); !errors.Is(err, ErrAuth) {
				t.Errorf("Run = %v, want an ErrAuth", err)
			}
		})
	}
	t.Run("dovecot wrong password", func(t *testing.T) {
		d := newDovecot(t)
		cfg := d.config(t, newLogs())
		cfg.Password = "wrong"
		_, err := Check(t.Context(), cfg, "")
		if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "AUTHENTICATIONFAILED") {
			t.Errorf("Check = %v, want an ErrAuth with the server's reason", err)
		}
	})
	t.Run("no server", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		_, err := Check(t.Context(), Config{Addr: addr, Username: "u", Password: "p", TLS: "none"}, "")
		if err == nil || errors.Is(err, ErrAuth) {
			t.Errorf("Check = %v, want a connection error, not ErrAuth", err)
		}
	})
}

func TestTLS(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)
	for _, mode := range []string{"tls", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			srv, err := memserver.StartWith(memserver.Options{Username: "seller", Password: "secret",
				TLS: mode, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			srv.Deliver("INBOX", mailN(1, amazon))
			cfg := Config{Addr: srv.Addr(), Username: "seller", Password: "secret", TLS: mode,
				TLSConfig: &tls.Config{RootCAs: pool}, Recheck: time.Second}
			if info, err := Check(t.Context(), cfg, ""); err != nil || info.Messages != 1 {
				t.Errorf("Check = %+v, %v; want 1 message", info, err)
			}
			st := newStore()
			start(t, st.watcher(cfg))
			st.waitStored(t, 1, wait)

			cfg.TLSConfig = nil // system roots: the self-signed certificate is refused
			if _, err := Check(t.Context(), cfg, ""); err == nil || errors.Is(err, ErrAuth) {
				t.Errorf("Check with an untrusted certificate = %v, want a TLS error", err)
			}
		})
	}
}

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	ok := Config{Addr: "imap.example.com:993", Username: "u", Password: "p"}
	tests := []struct {
		name  string
		edit  func(c *Config)
		field string // "" for valid
		text  string
	}{
		{"defaults", func(c *Config) {}, "", ""},
		{"starttls", func(c *Config) { c.TLS = "STARTTLS" }, "", ""},
		{"none on loopback", func(c *Config) { c.TLS, c.Addr = "none", "127.0.0.1:143" }, "", ""},
		{"none on localhost", func(c *Config) { c.TLS, c.Addr = "none", "localhost:143" }, "", ""},
		{"none on ::1", func(c *Config) { c.TLS, c.Addr = "none", "[::1]:143" }, "", ""},
		{"none remote", func(c *Config) { c.TLS = "none" }, "TLS", "IMAP_TLS=none"},
		{"bad tls", func(c *Config) { c.TLS = "ssl" }, "TLS", `got "ssl"`},
		{"no port", func(c *Config) { c.Addr = "imap.example.com" }, "Addr", "host:port"},
		{"no user", func(c *Config) { c.Username = "" }, "Username", "not set"},
		{"no password", func(c *Config) { c.Password = "" }, "Password", "not set"},
		{"oauth without token", func(c *Config) { c.Auth = "xoauth2" }, "Token", "xoauth2"},
		{"bad auth", func(c *Config) { c.Auth = "cram-md5" }, "Auth", "cram-md5"},
		{"move to itself", func(c *Config) { c.MoveTo = "inbox" }, "MoveTo", "watched mailbox"},
		{"negative poll", func(c *Config) { c.Poll = -time.Second }, "Poll", "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			var ce *ConfigError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tt.field != "" && (!errors.As(err, &ce) || ce.Field != tt.field || !strings.Contains(err.Error(), tt.text)):
				t.Errorf("Validate = %v, want a ConfigError on %s mentioning %q", err, tt.field, tt.text)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("Validate = %q, want one line", err)
			}
		})
	}
	c, _ := ok.normalize()
	if c.Mailbox != "INBOX" || c.Recheck != DefaultRecheck || c.Poll != DefaultPoll || c.Since != DefaultSince || c.Account != "u@imap.example.com:993" {
		t.Errorf("defaults = %+v", c)
	}
	ok.Recheck = time.Hour
	if c, _ := ok.normalize(); c.Recheck != maxRecheck {
		t.Errorf("Recheck 1h = %v, want capped at %v (RFC 2177)", c.Recheck, maxRecheck)
	}
}

// selfSigned returns a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "memserver"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
