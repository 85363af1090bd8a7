package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/secretbox"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

func newKeyB64() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// bot account add|list|show|rm|rekey, on both databases: secrets come from
// files, are stored sealed (a pg_dump holds none in clear), are never
// printed, and open again with the key, also after a rotation.
func TestAccountCommands(t *testing.T) {
	const password, token = "imap-app-password-7Qx", "Atzr|refresh-token-9Zk"
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			dir := t.TempDir()
			passFile := filepath.Join(dir, "pass")
			os.WriteFile(passFile, []byte(password+"\n"), 0o600)
			key := newKeyB64()
			vars := []string{"VTRBOT_SECRET_KEY", key}
			bot := func(stdin string, vars []string, args ...string) (int, string, string) {
				env, out, errb := testEnv(t, db, vars...)
				env.Stdin = strings.NewReader(stdin)
				code := run(context.Background(), args, env)
				return code, out.String(), errb.String()
			}
			code, out, errb := bot(token+"\n", vars, "account", "add", "brand_a", "--marketplaces", "us,CA", "--slack-channel", "C0A",
				"--imap-addr", "127.0.0.1:1143", "--imap-username", "a@example.com", "--imap-password-file", passFile, "--imap-tls", "none",
				"--spapi-refresh-token-file", "-")
			if code != 0 || out != "added account brand_a (US,CA, channel C0A)\n" {
				t.Fatalf("add: exit %d, out %q, err %q", code, out, errb)
			}
			if code, out, errb = bot("", vars, "account", "add", "brand_b", "--marketplaces", "UK", "--slack-channel", "C0B"); code != 0 {
				t.Fatalf("add b: %d %s %s", code, out, errb)
			}
			// Update: only the flags given change.
			if code, out, errb = bot("", vars, "account", "add", "brand_b", "--slack-channel", "C0C"); code != 0 || !strings.HasPrefix(out, "updated account brand_b (UK, channel C0C)") {
				t.Fatalf("update b: %d %q %s", code, out, errb)
			}

			code, out, _ = bot("", nil, "account", "list", "--json")
			if code != 0 {
				t.Fatalf("list --json: exit %d", code)
			}
			if strings.Contains(out, password) || strings.Contains(out, token) || strings.Contains(out, "v1:") {
				t.Errorf("list --json prints a secret:\n%s", out)
			}
			var list struct {
				Accounts []accountView `json:"accounts"`
			}
			if err := json.Unmarshal([]byte(out), &list); err != nil {
				t.Fatal(err)
			}
			if len(list.Accounts) != 2 || list.Accounts[0].IMAP == nil || !list.Accounts[0].IMAP.SecretSet || !list.Accounts[0].SPAPIRefreshTokenSet ||
				strings.Join(list.Accounts[0].Marketplaces, ",") != "US,CA" || list.Accounts[1].SlackChannel != "C0C" || list.Accounts[1].IMAP != nil {
				t.Errorf("list --json = %s", out)
			}
			for _, args := range [][]string{{"account", "list"}, {"account", "show", "brand_a"}} {
				code, out, errb := bot("", nil, args...)
				if code != 0 || strings.Contains(out+errb, password) || strings.Contains(out+errb, token) {
					t.Errorf("bot %v: exit %d, prints a secret or fails:\n%s%s", args, code, out, errb)
				}
			}

			// The stored values are sealed, bound to their row and column.
			s, err := store.Open(t.Context(), db, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.GetAccount(t.Context(), "brand_a")
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			k, _ := secretbox.ParseKey(key)
			box := secretbox.New(k)
			if got, err := box.Open(a.IMAPSecret, secretbox.AD("accounts", "brand_a", store.ColIMAPSecret)); err != nil || got != password {
				t.Errorf("stored mailbox secret opens to %q, %v", got, err)
			}
			if got, err := box.Open(a.SPAPIRefreshToken, secretbox.AD("accounts", "brand_a", store.ColSPAPIRefreshToken)); err != nil || got != token {
				t.Errorf("stored refresh token opens to %q, %v", got, err)
			}
			if kind == "postgres" {
				dump := pgDump(t, db)
				if !strings.Contains(dump, "brand_a") {
					t.Fatalf("pg_dump does not hold the accounts: %.300s", dump)
				}
				if strings.Contains(dump, password) || strings.Contains(dump, token) {
					t.Error("pg_dump holds a secret in clear")
				}
			} else {
				raw, _ := os.ReadFile(db)
				wal, _ := os.ReadFile(db + "-wal")
				if bytes.Contains(append(raw, wal...), []byte(password)) || bytes.Contains(append(raw, wal...), []byte(token)) {
					t.Error("the SQLite file holds a secret in clear")
				}
			}

			// Rotation: a new key with the old one beside it; rekey; then the new key alone opens.
			newKey := newKeyB64()
			if code, out, errb = bot("", []string{"VTRBOT_SECRET_KEY", newKey, "VTRBOT_SECRET_KEY_OLD", key}, "account", "rekey"); code != 0 || !strings.HasPrefix(out, "re-sealed the secrets of 1 of 2 accounts") {
				t.Fatalf("rekey: %d %q %s", code, out, errb)
			}
			s, _ = store.Open(t.Context(), db, store.Options{})
			a, _ = s.GetAccount(t.Context(), "brand_a")
			s.Close()
			nk, _ := secretbox.ParseKey(newKey)
			if got, err := secretbox.New(nk).Open(a.SPAPIRefreshToken, secretbox.AD("accounts", "brand_a", store.ColSPAPIRefreshToken)); err != nil || got != token {
				t.Errorf("after rekey, the new key alone opens %q, %v", got, err)
			}
			if code, _, errb = bot("", []string{"VTRBOT_SECRET_KEY", key}, "account", "rekey"); code != exitFail || !strings.Contains(errb, "brand_a") {
				t.Errorf("rekey with a key that does not open the secrets: exit %d, %q", code, errb)
			}

			if code, out, errb = bot("", nil, "account", "rm", "brand_b"); code != 0 || out != "removed account brand_b\n" {
				t.Fatalf("rm: %d %q %s", code, out, errb)
			}
			driver, source := "sqlite", db
			if kind == "postgres" {
				driver = "pgx"
			}
			raw, err := sql.Open(driver, source)
			if err != nil {
				t.Fatal(err)
			}
			var left int
			err = raw.QueryRowContext(t.Context(), `SELECT count(*) FROM meta WHERE account = 'brand_b'`).Scan(&left)
			raw.Close()
			if err != nil || left != 0 {
				t.Errorf("rm left %d rows of the account's data (%v)", left, err)
			}
			if code, _, errb = bot("", nil, "account", "show", "brand_b"); code != exitFail || !strings.Contains(errb, `no account "brand_b"`) {
				t.Errorf("show removed: %d %q", code, errb)
			}
		})
	}
}

// Bad input: one line naming what is wrong, exit 2, nothing stored.
func TestAccountAddRefuses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vtrbot.db")
	passFile := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(passFile, []byte("pw\n"), 0o600)
	key := newKeyB64()
	for _, tc := range []struct {
		name string
		vars []string
		args []string
		want string
	}{
		{"no key for a secret", nil, []string{"a", "--marketplaces", "US", "--slack-channel", "C1", "--spapi-refresh-token-file", passFile}, "VTRBOT_SECRET_KEY: not set"},
		{"bad key", []string{"VTRBOT_SECRET_KEY", "short"}, []string{"a", "--marketplaces", "US", "--slack-channel", "C1"}, "VTRBOT_SECRET_KEY: want 32 bytes"},
		{"default", nil, []string{"default", "--marketplaces", "US", "--slack-channel", "C1"}, `"default" is the account the environment describes`},
		{"bad name", nil, []string{"Brand-A", "--marketplaces", "US", "--slack-channel", "C1"}, "lower-case letters"},
		{"no marketplaces", nil, []string{"a", "--slack-channel", "C1"}, "--marketplaces: not set"},
		{"bad marketplace", nil, []string{"a", "--marketplaces", "US,XX", "--slack-channel", "C1"}, `"XX" is not a marketplace code`},
		{"no channel", nil, []string{"a", "--marketplaces", "US"}, "--slack-channel: not set"},
		{"mailbox without password", []string{"VTRBOT_SECRET_KEY", key}, []string{"a", "--marketplaces", "US", "--slack-channel", "C1", "--imap-addr", "imap.example.com:993", "--imap-username", "u"}, "--imap-password-file: not set"},
		{"plain IMAP off loopback", []string{"VTRBOT_SECRET_KEY", key}, []string{"a", "--marketplaces", "US", "--slack-channel", "C1", "--imap-addr", "imap.example.com:143", "--imap-username", "u", "--imap-password-file", passFile, "--imap-tls", "none"}, "none is only allowed for a loopback"},
		{"missing secret file", []string{"VTRBOT_SECRET_KEY", key}, []string{"a", "--marketplaces", "US", "--slack-channel", "C1", "--spapi-refresh-token-file", "/nonexistent/tok"}, "--spapi-refresh-token-file:"},
		{"secret on the command line", nil, []string{"a", "--marketplaces", "US", "--slack-channel", "C1", "--imap-password", "hunter2"}, "unknown flag --imap-password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errb := runBot(t, db, tc.vars, append([]string{"account", "add"}, tc.args...)...)
			if code != exitConfig || !strings.Contains(errb, tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errb, tc.want)
			}
			if strings.Contains(errb, "hunter2") {
				t.Error("a secret given on the command line was echoed")
			}
		})
	}
	if _, out, _ := runBot(t, db, nil, "account", "list", "--json"); !strings.Contains(out, `"accounts": []`) {
		t.Errorf("refused adds stored something: %s", out)
	}
}

// pgDump returns the plain-SQL dump of the database url names.
func pgDump(t *testing.T, url string) string {
	t.Helper()
	if _, err := exec.LookPath("pg_dump"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pg_dump not found: CI must check the dump")
		}
		t.Skip("pg_dump not found")
	}
	out, err := exec.Command("pg_dump", "--no-owner", url).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	return string(out)
}

// --account on data commands: the named account's data; without it the
// only account, else an error naming them; the environment-only setup
// (no account rows) unchanged.
func TestAccountFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vtrbot.db")
	orders := filepath.Join(sharedPath(t, "testdata/traxtar"), "orders.tsv")
	window := []string{"--from", "2019-10-15", "--to", "2019-11-14", "--json"}
	eligible := func(out string) float64 {
		var v struct{ Overall struct{ Eligible float64 } }
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return v.Overall.Eligible
	}
	openTestStore(t, db) // read commands create no database
	// No accounts: no flag needed, as before.
	openTestStore(t, db) // an empty database: read commands create none
	if code, _, errb := runBot(t, db, nil, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14"); code != 0 {
		t.Fatalf("env-only status: exit %d %s", code, errb)
	}
	if code, _, errb := runBot(t, db, nil, "account", "add", "brand_a", "--marketplaces", "US", "--slack-channel", "C1"); code != 0 {
		t.Fatal(errb)
	}
	if code, out, errb := runBot(t, db, nil, "import", "orders", "--account", "brand_a", orders); code != 0 || !strings.Contains(out, "imported 107 orders") {
		t.Fatalf("import --account: exit %d %q %s", code, out, errb)
	}
	runBot(t, db, nil, "import", "shipments", "--account", "brand_a", filepath.Join(sharedPath(t, "testdata/traxtar"), "shipments.tsv"))
	code, out, errb := runBot(t, db, nil, append([]string{"vtr", "status", "--account", "brand_a"}, window...)...)
	if code != 0 || eligible(out) == 0 {
		t.Fatalf("status --account brand_a: exit %d %s %s", code, out, errb)
	}
	code, out, _ = runBot(t, db, nil, append([]string{"vtr", "status", "--account", "default"}, window...)...)
	if code != 0 || eligible(out) != 0 {
		t.Errorf("account default sees brand_a's packages: %s", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"vtr", "status"}, "--account: not set, and this database serves several accounts: default, brand_a"},
		{[]string{"vtr", "status", "--account", "nobody"}, `--account: no account "nobody" (accounts: default, brand_a)`},
		{[]string{"metrics", "--account", "nobody"}, `--account: no account "nobody"`},
	} {
		if code, _, errb := runBot(t, db, nil, tc.args...); code != exitConfig || !strings.Contains(errb, tc.want) {
			t.Errorf("bot %v: exit %d %q, want exit 2 and %q", tc.args, code, errb, tc.want)
		}
	}
}
