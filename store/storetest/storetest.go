// Package storetest runs a test body against every database vtrbot
// supports: a SQLite file in a temporary directory, and PostgreSQL when
// VTRBOT_TEST_POSTGRES holds a URL (a fresh database per test, dropped at
// cleanup). With CI set and no PostgreSQL URL it fails rather than skips, so
// CI cannot go green on one database.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// Each runs fn once per database, as subtests named "sqlite" and
// "postgres", on the account default; then, as subtests "sqlite_twins"
// and "postgres_twins", twice in one database: on the account default, and
// again on a second account, Twin, over the first run's rows. Every
// account's rows are in the same tables (docs/accounts.md), so the second
// run passes only if no query of the store reads or writes another
// account's rows: each store test is also a test of that isolation.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			fn(t, open(t, URL(t, name)))
		})
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name+"_twins", func(t *testing.T) {
			s := open(t, URL(t, name))
			fn(t, s)
			if t.Failed() {
				return
			}
			fn(t, Twin(t, s))
		})
	}
}

// EachDB runs fn once per database, as subtests named "sqlite" and
// "postgres", on the account default (tests of the registry itself:
// accounts, leases).
func EachDB(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			fn(t, open(t, URL(t, name)))
		})
	}
}

// TwinAccount is the account Each's second run uses.
const TwinAccount = "twin"

// Twin registers TwinAccount in reg and returns its Store, with reg's
// rules and clock.
func Twin(t testing.TB, reg *store.Store) *store.Store {
	t.Helper()
	ctx := t.Context()
	if err := reg.PutAccount(ctx, store.Account{Name: TwinAccount, Marketplaces: "US"}); err != nil {
		t.Fatalf("add account %s: %v", TwinAccount, err)
	}
	s, err := reg.OpenAccount(ctx, TwinAccount, store.Options{Rules: reg.Rules()})
	if err != nil {
		t.Fatalf("open account %s: %v", TwinAccount, err)
	}
	s.Now = reg.Now
	return s
}

func open(t testing.TB, url string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), url, store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// URL returns a DATABASE_URL for a fresh, empty database of the given kind
// ("sqlite" or "postgres"), skipping (or failing under CI) when PostgreSQL
// is not configured.
func URL(t testing.TB, kind string) string {
	t.Helper()
	if kind == "sqlite" {
		return filepath.Join(t.TempDir(), "vtrbot.db")
	}
	base := os.Getenv("VTRBOT_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("VTRBOT_TEST_POSTGRES is not set, but CI is: PostgreSQL tests must run in CI")
		}
		t.Skip("VTRBOT_TEST_POSTGRES not set: skipping PostgreSQL")
	}
	return freshDatabase(t, base)
}

// freshDatabase creates a uniquely named database on the server of base and
// drops it when the test ends.
func freshDatabase(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("VTRBOT_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	name := "vtrbot_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("VTRBOT_TEST_POSTGRES: create database: %v", err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("VTRBOT_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
