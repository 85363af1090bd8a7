package main

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

func runMailbox(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Now:    time.Now,
		Dir:    t.TempDir(), // no .env there
	}
	code = run(t.Context(), append([]string{"mailbox"}, args...), env)
	return out.String(), errb.String(), code
}

func TestMailbox_check(t *testing.T) {
	srv, err := memserver.Start("127.0.0.1:0", "seller@example.com", "app-password")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for i, from := range []string{"Amazon <seller-performance@amazon.com>", "Amazon.de <no-reply@amazon.de>", "Friend <f@example.com>"} {
		raw := fmt.Appendf(nil, "From: %s\r\nSubject: n%d\r\nMessage-ID: <%d@t>\r\n\r\nhi\r\n", from, i, i)
		var flags []imap.Flag
		if i == 0 {
			flags = []imap.Flag{imap.FlagSeen}
		}
		if _, err := srv.Append("INBOX", raw, &imap.AppendOptions{Flags: flags}); err != nil {
			t.Fatal(err)
		}
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	good := map[string]string{
		"IMAP_ADDR": srv.Addr(), "IMAP_USERNAME": "seller@example.com", "IMAP_PASSWORD": "app-password", "IMAP_TLS": "none",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range good {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		vars map[string]string
		args []string
		code int
		out  []string // stdout substrings
		err  string   // the one stderr line's substring
	}{
		{"ok", good, []string{"check"}, exitOK, []string{"Mailbox:        INBOX at " + srv.Addr(), "Messages:       3 (2 unseen)", "Amazon notices: 2 (1 unseen)", "New mail:       IDLE"}, ""},
		{"wrong password", with("IMAP_PASSWORD", "nope"), []string{"check"}, exitConfig, nil, `IMAP_PASSWORD: ` + srv.Addr() + ` refused the login of "seller@example.com" ([AUTHENTICATIONFAILED]`},
		{"no server", with("IMAP_ADDR", closed), []string{"check"}, exitFail, nil, "IMAP_ADDR: cannot use " + closed + ": dial tcp"},
		{"tls none remote", with("IMAP_ADDR", "imap.example.com:143"), []string{"check"}, exitConfig, nil, "IMAP_TLS: none is only allowed for a loopback address"},
		{"no address", with("IMAP_ADDR", ""), []string{"check"}, exitConfig, nil, "IMAP_ADDR: not set"},
		{"bad tls", with("IMAP_TLS", "ssl"), []string{"check"}, exitConfig, nil, `IMAP_TLS: want tls, starttls or none, got "ssl"`},
		{"missing mailbox", with("IMAP_MAILBOX", "Nope"), []string{"check"}, exitConfig, nil, `IMAP_MAILBOX: no folder "Nope" at`},
		{"oauth without a token", with("IMAP_AUTH", "xoauth2"), []string{"check"}, exitConfig, nil, "IMAP_OAUTH_REFRESH_TOKEN: not set (needed with IMAP_AUTH=xoauth2; or a short-lived IMAP_TOKEN)"},
		{"refresh token without url", with("IMAP_AUTH", "xoauth2", "IMAP_OAUTH_REFRESH_TOKEN", "rt", "IMAP_OAUTH_CLIENT_ID", "id"), []string{"check"}, exitConfig, nil, "IMAP_OAUTH_TOKEN_URL: not set (needed with IMAP_OAUTH_REFRESH_TOKEN)"},
		{"refresh token without client", with("IMAP_AUTH", "xoauth2", "IMAP_OAUTH_REFRESH_TOKEN", "rt", "IMAP_OAUTH_TOKEN_URL", "https://oauth2.googleapis.com/token"), []string{"check"}, exitConfig, nil, "IMAP_OAUTH_CLIENT_ID: not set"},
		{"refresh token with password auth", with("IMAP_OAUTH_REFRESH_TOKEN", "rt"), []string{"check"}, exitConfig, nil, "IMAP_AUTH: password, but IMAP_OAUTH_REFRESH_TOKEN is set"},
		{"token url in clear", with("IMAP_OAUTH_TOKEN_URL", "http://login.example.com/token"), []string{"check"}, exitConfig, nil, "IMAP_OAUTH_TOKEN_URL: want https:// (http:// only for a loopback host such as 127.0.0.1)"},
		{"help", good, []string{"check", "--help"}, exitOK, []string{"Usage: bot mailbox check"}, ""}, // asked for: stdout
		{"no subcommand", good, nil, exitConfig, nil, "Usage: bot mailbox check"},
		{"unknown subcommand", good, []string{"list"}, exitConfig, nil, `unknown subcommand "list"; see bot mailbox --help`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runMailbox(t, tt.vars, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errs)
			}
			for _, s := range tt.out {
				if !strings.Contains(out, s) {
					t.Errorf("stdout = %q, want %q in it", out, s)
				}
			}
			if !strings.Contains(errs, tt.err) {
				t.Errorf("stderr = %q, want %q in it", errs, tt.err)
			}
			if tt.code != exitOK && tt.name != "help" && !strings.HasPrefix(tt.name, "no sub") && strings.Count(errs, "\n") != 1 {
				t.Errorf("stderr = %q, want one line", errs)
			}
			if strings.Contains(out+errs, "app-password") {
				t.Errorf("the password was printed: %q %q", out, errs)
			}
		})
	}
}
