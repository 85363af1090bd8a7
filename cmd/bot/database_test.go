package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store/storetest"
)

// A DATABASE_URL (or --db) that is neither a SQLite path nor PostgreSQL is
// one line naming the setting, exit 2, with no password shown and nothing
// created: mysql:// once made a folder "mysql:", and host=... password=...
// a SQLite file with the password in its name.
func TestDatabaseURL_refused(t *testing.T) {
	tests := []struct {
		name, dsn string
		flag      bool // given as --db instead of DATABASE_URL
		want      string
	}{
		{"unknown scheme", "mysql://vtr:S3CRet@db/vtrbot", false, `DATABASE_URL: unknown database scheme "mysql" in mysql://vtr:xxxxx@db/vtrbot (want `},
		{"http", "http://example.com/vtrbot.db", false, `DATABASE_URL: unknown database scheme "http"`},
		{"key=value that is no PostgreSQL", "bogus=1 password=S3CRet", false, `DATABASE_URL: bogus=1 password=xxxxx looks like keyword/value settings, but "bogus" is not a PostgreSQL connection keyword`},
		{"URL pgx cannot read", "postgres://vtr:S3CRet@db:port/vtrbot", false, "DATABASE_URL: postgres://vtr:xxxxx@db:port/vtrbot is not a PostgreSQL connection string pgx can read: invalid port"},
		{"settings pgx cannot read", "host=db password='S3CR et", false, "DATABASE_URL: host=db password=xxxxx is not a PostgreSQL connection string pgx can read"},
		{"empty", "", false, "DATABASE_URL: empty"},
		{"--db unknown scheme", "mysql://vtr:S3CRet@db/vtrbot", true, `--db: unknown database scheme "mysql"`},
	}
	for _, tt := range tests {
		for _, args := range [][]string{{"vtr", "status"}, {"import", "categories", "c.tsv"}} {
			t.Run(tt.name+"/"+args[0], func(t *testing.T) {
				dir := t.TempDir()
				t.Chdir(dir)
				os.WriteFile("c.tsv", []byte("sku\tcategory\nA\tMusic\n"), 0o644)
				env, _, errb := testEnv(t, tt.dsn)
				if tt.flag {
					env, _, errb = testEnv(t, "v.db")
					args = append(append([]string{}, args...), "--db", tt.dsn)
				}
				if code := run(context.Background(), args, env); code != exitConfig {
					t.Errorf("exit %d, want 2", code)
				}
				got := errb.String()
				if !strings.HasPrefix(got, tt.want) || strings.Count(got, "\n") != 1 || strings.Contains(got, "S3CR") {
					t.Errorf("stderr = %q\nwant one line starting %q, without the password", got, tt.want)
				}
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					if e.Name() != "c.tsv" {
						t.Errorf("left %q behind", e.Name())
					}
				}
			})
		}
	}
}

// The commands that only read data never create a database: a missing
// SQLite file is one line naming it and the setting, exit 2. (They used to
// create an empty database and answer from it.)
func TestReadCommands_missingDatabase(t *testing.T) {
	notice := filepath.Join(sharedPath(t, "testdata/notices"), "vtr-below-95-us.eml")
	commands := [][]string{
		{"vtr", "status"}, {"vtr", "untracked"}, {"vtr", "history"}, {"vtr", "forecast"},
		{"metrics"}, {"explain", notice}, {"shell"},
	}
	for _, args := range commands {
		for _, viaFlag := range []bool{false, true} {
			name := strings.Join(args[:1+min(1, len(args)-1)], " ")
			if viaFlag {
				name += " --db"
			}
			t.Run(name, func(t *testing.T) {
				db := filepath.Join(t.TempDir(), "missing.db")
				setting := "DATABASE_URL"
				env, _, errb := testEnv(t, db)
				if viaFlag {
					setting = "--db"
					env, _, errb = testEnv(t, "elsewhere.db")
					args = append(append([]string{}, args...), "--db", "sqlite:"+db)
				}
				if code := run(context.Background(), args, env); code != exitConfig {
					t.Errorf("exit %d, want 2", code)
				}
				want := setting + ": no database at " + db + " (import data first: bot import orders FILE creates it)\n"
				if errb.String() != want {
					t.Errorf("stderr = %q\nwant %q", errb.String(), want)
				}
				if _, err := os.Stat(db); err == nil {
					t.Errorf("%s was created", db)
				}
			})
		}
	}
	// A command that writes still creates it.
	db := filepath.Join(t.TempDir(), "new.db")
	p := filepath.Join(t.TempDir(), "c.tsv")
	os.WriteFile(p, []byte("sku\tcategory\nA\tMusic\n"), 0o644)
	runOK(t, db, "import", "categories", p)
	runOK(t, db, "vtr", "status")
}

// A password in DATABASE_URL, in any form pgx reads, is shown neither when
// the database cannot be opened nor in bot run's start line.
func TestDatabaseURL_passwordNeverShown(t *testing.T) {
	base, err := url.Parse(storetest.URL(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	missing := *base
	missing.Path = "/vtrbot_no_such_db"
	q := missing.Query()
	q.Set("password", "S3CRet-q")
	withQuery := missing
	withQuery.RawQuery = q.Encode()
	withUser := missing
	withUser.User = url.UserPassword(base.User.Username(), "S3CRet-u")
	kv := "host=" + base.Hostname() + " port=" + base.Port() + " user=" + base.User.Username() + " sslmode=disable"
	for _, dsn := range []string{withQuery.String(), withUser.String(), kv + " dbname=vtrbot_no_such_db password='S3CRet k'"} {
		env, _, errb := testEnv(t, dsn)
		t.Chdir(t.TempDir())
		if code := run(context.Background(), []string{"vtr", "status"}, env); code != exitFail {
			t.Errorf("exit %d, want 1", code)
		}
		got := errb.String()
		if !strings.HasPrefix(got, "DATABASE_URL: cannot open ") || strings.Contains(got, "S3CR") || strings.Count(got, "\n") != 1 {
			t.Errorf("stderr = %q, want one line, DATABASE_URL: cannot open ..., without the password", got)
		}
		if entries, _ := os.ReadDir("."); len(entries) > 0 {
			t.Errorf("%s created %s", strings.Fields(got)[3], entries[0].Name())
		}
	}

	// bot run logs the database it uses at start. (The test server trusts
	// local connections, so the password is simply not asked for.)
	good := *base
	q = good.Query()
	q.Set("password", "S3CRet-q")
	good.RawQuery = q.Encode()
	for _, dsn := range []string{good.String(), kv + " dbname=" + strings.TrimPrefix(base.Path, "/") + " password='S3CRet k'"} {
		bot := startBot(t, botVars(dsn, nil, newFakeSlack(t)))
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(bot.out.String(), "vtrbot running") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		bot.stop(t)
		out := bot.out.String()
		if !strings.Contains(out, "password=xxxxx") || strings.Contains(out, "S3CR") {
			t.Errorf("bot run's log shows the password or no database:\n%s", out)
		}
	}
}

// URL settings the bot sends secrets to are https://, or http:// to a
// loopback host only.
func TestCheckHTTPS(t *testing.T) {
	tests := []struct {
		url  string
		want string // start of the error; "" for none
	}{
		{"https://slack.com/api/", ""},
		{"https://sellingpartnerapi-na.amazon.com", ""},
		{"http://127.0.0.1:8080/api/", ""},
		{"http://127.1.2.3/api/", ""},
		{"http://localhost:9999/", ""},
		{"http://LOCALHOST/", ""},
		{"http://[::1]:8080/", ""},
		{"http://slack.example.com/api/", "want https:// (http:// only for a loopback host"},
		{"http://10.0.0.1/api/", "want https:// (http:// only for a loopback host"},
		{"http://localhost.example.com/", "want https:// (http:// only for a loopback host"},
		{"ftp://slack.com/api/", "want an https:// URL"},
		{"slack.com/api/", "want an https:// URL"},
		{"https://", "want an https:// URL"},
	}
	for _, tt := range tests {
		err := checkHTTPS(tt.url)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)) {
			t.Errorf("checkHTTPS(%q) = %v, want %q", tt.url, err, tt.want)
		}
	}
}
