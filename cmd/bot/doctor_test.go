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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vtrbot/vtrbot/commands/slackapp"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// lwaStandIn is Login with Amazon's token endpoint: it accepts one client
// and one refresh token, and answers invalid_grant for any other token, as
// LWA does for a revoked one.
func lwaStandIn(t *testing.T, clientID, clientSecret, refresh string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.PostForm.Get("client_id") != clientID || r.PostForm.Get("client_secret") != clientSecret:
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
		case r.PostForm.Get("refresh_token") != refresh:
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : refresh_token"})
		default:
			json.NewEncoder(w).Encode(map[string]any{"access_token": "Atza|fresh", "token_type": "bearer", "expires_in": 3600})
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestDoctor runs bot doctor against an in-memory IMAP server, the Slack
// stand-in and a Login with Amazon stand-in, with good settings and with
// one broken at a time; the report is golden (testdata/doctor/NAME.golden,
// with the servers' addresses replaced by names).
func TestDoctor(t *testing.T) {
	imapSrv, err := memserver.StartWith(memserver.Options{Username: "seller@example.com", Password: "app-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imapSrv.Close() })
	imapSrv.Deliver("INBOX", []byte("From: Amazon <seller-performance@amazon.com>\r\nSubject: hi\r\n\r\nhi\r\n"))

	fake := slackfake.New()
	t.Cleanup(fake.Close)
	fake.SetWorkspace(slackfake.Workspace{
		BotTokens: []string{"xoxb-good"},
		Scopes:    slackapp.Scopes(),
		Channels:  map[string]slackfake.Channel{"CTRIAGE": {Name: "amazon-triage", Member: true}, "CGENERAL": {Name: "general"}},
	})
	lwa := lwaStandIn(t, "amzn1.application-oa2-client.x", "lwa-secret", "Atzr|good")

	dir := t.TempDir()
	migrated := filepath.Join(dir, "vtrbot.db")
	s, err := store.Open(t.Context(), migrated, store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	sc, err := store.Inspect(t.Context(), migrated)
	if err != nil {
		t.Fatal(err)
	}
	// Not in the golden files: a new migration must not change them.
	latest := fmt.Sprintf("schema version %d", sc.Latest)

	good := map[string]string{
		"DATABASE_URL": migrated,
		"IMAP_ADDR":    imapSrv.Addr(), "IMAP_USERNAME": "seller@example.com", "IMAP_PASSWORD": "app-password", "IMAP_TLS": "none",
		"SLACK_BOT_TOKEN": "xoxb-good", "SLACK_CHANNEL": "CTRIAGE", "SLACK_API_URL": fake.URL(),
		"SPAPI_REFRESH_TOKEN": "Atzr|good", "SPAPI_CLIENT_ID": "amzn1.application-oa2-client.x", "SPAPI_CLIENT_SECRET": "lwa-secret",
		"SPAPI_LWA_URL": lwa.URL,
	}
	tests := []struct {
		name     string
		set      map[string]string // changes to good; "" deletes
		scopes   []string          // the token's scopes, when not all
		wantCode int
	}{
		{name: "good", wantCode: exitOK},
		{name: "wrong-password", set: map[string]string{"IMAP_PASSWORD": "typo"}, wantCode: exitFail},
		{name: "wrong-folder", set: map[string]string{"IMAP_MAILBOX": "Amazon"}, wantCode: exitFail},
		{name: "wrong-channel", set: map[string]string{"SLACK_CHANNEL": "#amazon-triage"}, wantCode: exitFail},
		{name: "bot-not-invited", set: map[string]string{"SLACK_CHANNEL": "CGENERAL"}, wantCode: exitFail},
		{name: "revoked-slack-token", set: map[string]string{"SLACK_BOT_TOKEN": "xoxb-revoked"}, wantCode: exitFail},
		{name: "missing-scopes", scopes: []string{"commands", "chat:write", "app_mentions:read"}, wantCode: exitFail},
		{name: "revoked-amazon-token", set: map[string]string{"SPAPI_REFRESH_TOKEN": "Atzr|revoked"}, wantCode: exitFail},
		{name: "wrong-amazon-client", set: map[string]string{"SPAPI_CLIENT_SECRET": "typo"}, wantCode: exitFail},
		{name: "new-database", set: map[string]string{"DATABASE_URL": filepath.Join(dir, "new.db")}, wantCode: exitOK},
		{name: "missing-database-dir", set: map[string]string{"DATABASE_URL": filepath.Join(dir, "nope", "vtrbot.db")}, wantCode: exitFail},
		{name: "mailbox-down", set: map[string]string{"IMAP_ADDR": "127.0.0.1:1"}, wantCode: exitFail},
		{name: "only-mailbox", set: map[string]string{"SLACK_BOT_TOKEN": "", "SLACK_CHANNEL": "", "SPAPI_REFRESH_TOKEN": ""}, wantCode: exitOK},
		{name: "nothing-configured", set: map[string]string{"IMAP_ADDR": "", "SLACK_BOT_TOKEN": "", "SLACK_CHANNEL": "", "SPAPI_REFRESH_TOKEN": ""}, wantCode: exitFail},
		{name: "bad-setting", set: map[string]string{"IMAP_TLS": "bogus"}, wantCode: exitConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range good {
				vars[k] = v
			}
			for k, v := range tt.set {
				if v == "" {
					delete(vars, k)
				} else {
					vars[k] = v
				}
			}
			scopes := slackapp.Scopes()
			if tt.scopes != nil {
				scopes = tt.scopes
			}
			fake.SetWorkspace(slackfake.Workspace{BotTokens: []string{"xoxb-good"}, Scopes: scopes,
				Channels: map[string]slackfake.Channel{"CTRIAGE": {Name: "amazon-triage", Member: true}, "CGENERAL": {Name: "general"}}})
			var out, errb bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
				Getenv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
				Now:    time.Now, Dir: t.TempDir()}
			code := run(t.Context(), []string{"doctor"}, env)
			got := strings.NewReplacer(latest, "schema version $LATEST", dir, "$TMP", imapSrv.Addr(), "$IMAP", lwa.URL, "$LWA", fake.URL(), "$SLACK").Replace(out.String())
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.wantCode, got, errb.String())
			}
			for _, secret := range []string{"app-password", "lwa-secret", "Atzr|good", "xoxb-good"} {
				if strings.Contains(out.String()+errb.String(), secret) {
					t.Errorf("output shows the secret %q", secret)
				}
			}
			golden := filepath.Join("testdata", "doctor", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("bot doctor (-%s +got):\n%s", golden, d)
			}
		})
	}
}

// The mailbox check with OAuth: a refresh token that works, and one the
// token endpoint refuses as revoked.
func TestDoctor_oauth(t *testing.T) {
	p := newOAuthProvider(t, time.Hour)
	srv, err := memserver.StartWith(memserver.Options{Username: "seller@traxtar.example", Password: "unused", TokenCheck: p.check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	sc, err := store.Inspect(t.Context(), filepath.Join(dir, "vtrbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	latest := fmt.Sprintf("schema version %d", sc.Latest)
	for _, tt := range []struct {
		name, refresh string
		wantCode      int
	}{{"oauth-good", "rt-good", exitOK}, {"oauth-revoked", "rt-revoked", exitFail}} {
		t.Run(tt.name, func(t *testing.T) {
			vars := oauthVars(filepath.Join(dir, "vtrbot.db"), srv.Addr(), tt.refresh, p, "http://127.0.0.1:1/")
			delete(vars, "SLACK_BOT_TOKEN")
			delete(vars, "SLACK_CHANNEL")
			var out, errb bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
				Getenv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }, Now: time.Now, Dir: t.TempDir()}
			code := run(t.Context(), []string{"doctor"}, env)
			got := strings.NewReplacer(latest, "schema version $LATEST", dir, "$TMP", srv.Addr(), "$IMAP").Replace(out.String())
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.wantCode, got, errb.String())
			}
			golden := filepath.Join("testdata", "doctor", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("bot doctor (-%s +got):\n%s", golden, d)
			}
		})
	}
}
