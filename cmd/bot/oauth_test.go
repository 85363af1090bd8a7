package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

// oauthProvider is a token endpoint issuing access tokens that live life,
// and the check the IMAP server makes of them. Refresh tokens other than
// "rt-good" are refused with invalid_grant, as a revoked one is.
type oauthProvider struct {
	*httptest.Server
	life time.Duration

	mu     sync.Mutex
	tokens map[string]time.Time
	calls  int
}

func newOAuthProvider(t *testing.T, life time.Duration) *oauthProvider {
	p := &oauthProvider{life: life, tokens: map[string]time.Time{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.calls++
		w.Header().Set("Content-Type", "application/json")
		if r.ParseForm() != nil || r.PostForm.Get("refresh_token") != "rt-good" || r.PostForm.Get("client_id") != "vtrbot-app" {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
			return
		}
		tok := fmt.Sprintf("ya29.%d", p.calls)
		p.tokens[tok] = time.Now().Add(p.life)
		json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(p.life.Seconds())})
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *oauthProvider) check(_, token string) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	exp, ok := p.tokens[token]
	return exp, ok && time.Now().Before(exp)
}

func (p *oauthProvider) issued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.tokens)
}

// oauthVars is bot run's environment for an OAuth mailbox on srv.
func oauthVars(db, addr, refresh string, p *oauthProvider, slackURL string) map[string]string {
	return map[string]string{
		"DATABASE_URL": db, "LOG_LEVEL": "debug",
		"IMAP_ADDR": addr, "IMAP_TLS": "none", "IMAP_USERNAME": "seller@traxtar.example", "IMAP_AUTH": "xoauth2",
		"IMAP_OAUTH_TOKEN_URL": p.URL, "IMAP_OAUTH_CLIENT_ID": "vtrbot-app", "IMAP_OAUTH_CLIENT_SECRET": "app-secret",
		"IMAP_OAUTH_REFRESH_TOKEN": refresh,
		"SLACK_BOT_TOKEN":          "xoxb-test", "SLACK_CHANNEL": "C123", "SLACK_API_URL": slackURL,
	}
}

// bot run on an OAuth mailbox whose access tokens last 2 seconds (a
// Microsoft 365 mailbox, whose sessions end when their token expires, in
// fast motion): notices delivered across three expiries are each stored
// and posted exactly once.
func TestRun_oauthMailbox(t *testing.T) {
	p := newOAuthProvider(t, 2*time.Second)
	srv, err := memserver.StartWith(memserver.Options{Username: "seller@traxtar.example", Password: "unused", TokenCheck: p.check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	fake := newFakeSlack(t)
	db := filepath.Join(t.TempDir(), "vtrbot.db")
	s := openTestStore(t, db)
	b := startBot(t, oauthVars(db, srv.Addr(), "rt-good", p, fake.URL()))
	waitLog(t, b, 1, 15*time.Second, "msg=watching")

	const n = 8 // one every 900 ms: past three 2 s tokens
	notice := readNotice(t, "vtr-below-95-us.eml")
	for i := range n {
		raw := bytes.Replace(notice, []byte("Message-ID: <"), fmt.Appendf(nil, "Message-ID: <oauth-%d-", i), 1)
		if _, err := srv.Deliver("INBOX", raw); err != nil {
			t.Fatal(err)
		}
		time.Sleep(900 * time.Millisecond)
	}
	waitCount(t, s, "notices", n, 20*time.Second)
	waitSent(t, s, n, 20*time.Second)
	time.Sleep(300 * time.Millisecond) // a doubled post would show by now
	if got := tableCount(t, s, "notices"); got != n {
		t.Errorf("%d notices stored, want %d", got, n)
	}
	seen := map[string]int{}
	for _, m := range fake.Posts() {
		seen[m.Form.Get("metadata")]++
	}
	if len(fake.Posts()) != n || len(seen) != n {
		t.Errorf("%d posts with %d distinct keys, want %d each", len(fake.Posts()), len(seen), n)
	}
	if got := p.issued(); got < 4 {
		t.Errorf("%d access tokens over %d s of 2 s tokens, want at least 4", got, n*9/10)
	}
	if code := b.stop(t); code != exitOK {
		t.Errorf("bot run exit %d, want 0", code)
	}
	if strings.Contains(b.out.String(), "rt-good") || strings.Contains(b.out.String(), "app-secret") {
		t.Error("the log shows an OAuth secret")
	}
}

// A revoked refresh token stops bot run with one line naming the setting,
// and one Slack alert, which a restart does not post again.
func TestRun_oauthRevoked(t *testing.T) {
	p := newOAuthProvider(t, time.Hour)
	srv, err := memserver.StartWith(memserver.Options{Username: "seller@traxtar.example", Password: "unused", TokenCheck: p.check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	fake := newFakeSlack(t)
	db := filepath.Join(t.TempDir(), "vtrbot.db")
	for restart := range 2 {
		b := startBot(t, oauthVars(db, srv.Addr(), "rt-revoked", p, fake.URL()))
		if code := b.wait(t, 30*time.Second); code != exitConfig {
			t.Errorf("start %d: exit %d, want %d", restart, code, exitConfig)
		}
		want := "IMAP_OAUTH_REFRESH_TOKEN: token endpoint refused the refresh token: invalid_grant (Token has been expired or revoked.); it was revoked or has expired: get a new one (docs/imap.md)\n"
		if !strings.Contains(b.out.String(), want) {
			t.Errorf("start %d: output lacks %q:\n%s", restart, want, tail(b.out.String(), 10))
		}
		posts := fake.Posts()
		if len(posts) != 1 || !strings.Contains(posts[0].Text, "refused its login") || posts[0].Channel != "C123" {
			t.Fatalf("start %d: posts %+v, want one alert in C123", restart, posts)
		}
	}
	if p.calls != 2 {
		t.Errorf("token endpoint called %d times by two starts, want 2 (no retry loop)", p.calls)
	}
}

// An account whose mailbox logs in with an OAuth refresh token keeps the
// token its provider rotates: sealed in the account's row, so the next
// bot run (here bot run --once, as cron runs it) logs in with the newest
// one, which is the only one the provider still accepts. The token never
// shows in clear in the database or the output.
func TestAccount_oauthRefreshTokenRotates(t *testing.T) {
	// A provider that, like Microsoft 365, answers every renewal with a new
	// refresh token and accepts only the newest.
	p := memserver.NewTokenEndpoint("vtrbot-app", "rt-0", time.Hour)
	t.Cleanup(p.Close)
	srv, err := memserver.StartWith(memserver.Options{Username: "seller@brand.example", Password: "unused", TokenCheck: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	fake := newFakeSlack(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "vtrbot.db")
	key := newKeyB64()
	tokFile := filepath.Join(dir, "refresh")
	if err := os.WriteFile(tokFile, []byte("rt-0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	oauthEnv := []string{"VTRBOT_SECRET_KEY", key, "IMAP_OAUTH_TOKEN_URL", p.URL, "IMAP_OAUTH_CLIENT_ID", "vtrbot-app",
		"IMAP_OAUTH_CLIENT_SECRET", "app-secret", "SLACK_BOT_TOKEN", "xoxb-test", "SLACK_API_URL", fake.URL(), "SLACK_CHANNEL", "C_DEFAULT"}
	add := []string{"account", "add", "brand_o", "--marketplaces", "US", "--slack-channel", "C_BRAND_O", "--imap-addr", srv.Addr(),
		"--imap-username", "seller@brand.example", "--imap-oauth-refresh-token-file", tokFile, "--imap-tls", "none"}

	env, _, errb := testEnv(t, db, "VTRBOT_SECRET_KEY", key)
	if code := run(t.Context(), add, env); code != exitConfig || !strings.HasPrefix(errb.String(), "IMAP_OAUTH_TOKEN_URL and IMAP_OAUTH_CLIENT_ID: not set") {
		t.Fatalf("account add without the OAuth app: exit %d, %q; want 2 and the variables named", code, errb)
	}
	env, out, errb := testEnv(t, db, oauthEnv...)
	if code := run(t.Context(), add, env); code != exitOK {
		t.Fatalf("account add: exit %d: %s", code, errb)
	}
	env, out, _ = testEnv(t, db, oauthEnv...)
	run(t.Context(), []string{"account", "show", "brand_o"}, env)
	for _, want := range []string{"auth xoauth2", "mailbox secret        refresh token, set (encrypted)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("account show lacks %q:\n%s", want, out)
		}
	}

	var logs strings.Builder
	for i := 1; i <= 3; i++ {
		if _, err := srv.Deliver("INBOX", warningMail(i)); err != nil {
			t.Fatal(err)
		}
		env, out, errb := testEnv(t, db, append(oauthEnv, "VTRBOT_REPLICA_ID", "cron")...)
		if code := run(t.Context(), []string{"run", "--once"}, env); code != exitOK {
			t.Fatalf("bot run --once #%d: exit %d\n%s%s", i, code, out, tail(errb.String(), 30))
		}
		logs.WriteString(out.String() + errb.String())
		if n := len(postKeysWhere(t, fake, func(m slackfake.Message) bool { return m.Channel == "C_BRAND_O" })); n != i {
			t.Fatalf("after run %d: %d posts in the account's channel, want %d", i, n, i)
		}
	}
	// Revoked at the provider: the line names the account's flag, not a
	// variable of the environment.
	p.Revoke()
	env, out, errb = testEnv(t, db, append(oauthEnv, "VTRBOT_REPLICA_ID", "cron")...)
	if code := run(t.Context(), []string{"run", "--once"}, env); code != exitConfig ||
		!strings.Contains(errb.String(), "account brand_o: the mailbox's OAuth refresh token was refused") ||
		!strings.Contains(errb.String(), "bot account add brand_o --imap-oauth-refresh-token-file FILE") {
		t.Errorf("revoked token: exit %d, stderr %q; want 2 and the account's flag named", code, tail(errb.String(), 5))
	}
	logs.WriteString(out.String() + errb.String())
	if !strings.Contains(logs.String(), "stored the IMAP refresh token the mail provider rotated") {
		t.Error("no run said it stored the rotated token")
	}
	var raw []byte
	for _, f := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	for _, secret := range []string{"rt-0", "rt-1", "rt-2", "rt-3", "app-secret"} {
		if bytes.Contains(raw, []byte(secret)) || strings.Contains(logs.String(), secret) {
			t.Errorf("%q is in clear in the database or the log", secret)
		}
	}
}
