package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3/lock"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// Every form of password pgx reads is hidden; everything else is kept.
// Each secret contains "S3CR" so that the test can also check that no part
// of it is left.
func TestRedacted(t *testing.T) {
	tests := []struct{ name, dsn, want string }{
		{"SQLite path", "vtrbot.db", "vtrbot.db"},
		{"sqlite: path", "sqlite:/var/lib/vtrbot/v.db", "sqlite:/var/lib/vtrbot/v.db"},
		{"URL without password", "postgres://vtr@db:5432/vtrbot?sslmode=disable", "postgres://vtr@db:5432/vtrbot?sslmode=disable"},
		{"URL user information", "postgres://vtr:S3CRet@db:5432/vtrbot", "postgres://vtr:xxxxx@db:5432/vtrbot"},
		{"postgresql scheme", "postgresql://vtr:S3CRet@db/vtrbot", "postgresql://vtr:xxxxx@db/vtrbot"},
		{"percent-encoded password", "postgres://vtr:S3CR%40et@db/vtrbot", "postgres://vtr:xxxxx@db/vtrbot"},
		{"query password", "postgres://vtr@db/vtrbot?sslmode=disable&password=S3CRet", "postgres://vtr@db/vtrbot?sslmode=disable&password=xxxxx"},
		{"query sslpassword and password", "postgres://db/vtrbot?sslpassword=S3CRa&password=S3CRb&x=1", "postgres://db/vtrbot?sslpassword=xxxxx&password=xxxxx&x=1"},
		{"percent-encoded query key", "postgres://db/vtrbot?pass%77ord=S3CRet", "postgres://db/vtrbot?pass%77ord=xxxxx"},
		{"both", "postgres://vtr:S3CRa@db/vtrbot?password=S3CRb", "postgres://vtr:xxxxx@db/vtrbot?password=xxxxx"},
		{"several hosts", "postgres://vtr:S3CRet@h1:5432,h2:5433/vtrbot", "postgres://vtr:xxxxx@h1:5432,h2:5433/vtrbot"},
		{"IPv6 host", "postgres://vtr:S3CRet@[::1]:5432/vtrbot", "postgres://vtr:xxxxx@[::1]:5432/vtrbot"},
		{"unescaped @ in password", "postgres://vtr:S3CR@et@db/vtrbot", "postgres://vtr:xxxxx@db/vtrbot"},
		{"unescaped / in password", "postgres://vtr:S3CR/et@db/vtrbot", "postgres://vtr:xxxxx@db/vtrbot"},
		{"unescaped ? in password", "postgres://vtr:S3CR?et@db/vtrbot", "postgres://vtr:xxxxx@db/vtrbot"},
		{"keyword/value", "host=db password=S3CRet dbname=vtrbot", "host=db password=xxxxx dbname=vtrbot"},
		{"keyword/value quoted", "host=db password='S3CR et' dbname=vtrbot", "host=db password=xxxxx dbname=vtrbot"},
		{"keyword/value spaces around =", "host=db password = 'it\\'s S3CR' dbname=vtrbot", "host=db password = xxxxx dbname=vtrbot"},
		{"keyword/value escaped space", `host=db password=S3CR\ et dbname=vtrbot`, "host=db password=xxxxx dbname=vtrbot"},
		{"keyword/value sslpassword, tabs", "host=db\tsslpassword=S3CRet\tuser=vtr", "host=db\tsslpassword=xxxxx\tuser=vtr"},
		{"keyword/value quoted value holding password=", "options='-c x=1' password=S3CRet", "options='-c x=1' password=xxxxx"},
		{"keyword/value never closed", "host=db password='S3CR et dbname=vtrbot", "host=db password=xxxxx"},
		{"other scheme", "mysql://vtr:S3CRet@db/vtrbot", "mysql://vtr:xxxxx@db/vtrbot"},
		{"scheme without //", "postgres:vtr:S3CRet@db/vtrbot", "postgres:vtr:xxxxx@db/vtrbot"},
		{"Windows path", `C:\data\vtrbot.db`, `C:\data\vtrbot.db`},
		{"upper-case keyword", "PASSWORD=S3CRet host=db", "PASSWORD=xxxxx host=db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := store.Redacted(tt.dsn)
			if got != tt.want {
				t.Errorf("Redacted(%q)\n = %q\nwant %q", tt.dsn, got, tt.want)
			}
			if strings.Contains(got, "S3CR") || strings.Contains(got, "et@") || strings.Contains(got, " et") {
				t.Errorf("Redacted(%q) = %q shows part of the password", tt.dsn, got)
			}
		})
	}
}

// CheckURL accepts what Open can open and refuses the rest in one line
// that shows no password.
func TestCheckURL(t *testing.T) {
	tests := []struct {
		dsn     string
		dialect store.Dialect
		target  string
		wantErr string // start of the error; "" for none
	}{
		{"vtrbot.db", store.SQLite, "vtrbot.db", ""},
		{"./data/vtr bot.db", store.SQLite, "./data/vtr bot.db", ""},
		{"sqlite:v.db", store.SQLite, "v.db", ""},
		{"sqlite:///var/v.db", store.SQLite, "/var/v.db", ""},
		{"file:v.db", store.SQLite, "v.db", ""},
		{`C:\data\vtrbot.db`, store.SQLite, `C:\data\vtrbot.db`, ""},
		{"postgres://vtr@db/vtrbot", store.Postgres, "postgres://vtr@db/vtrbot", ""},
		{"POSTGRESQL://vtr@db/vtrbot", store.Postgres, "postgresql://vtr@db/vtrbot", ""},
		{"host=db dbname=vtrbot password=S3CRet", store.Postgres, "host=db dbname=vtrbot password=S3CRet", ""},
		{"  dbname = vtrbot", store.Postgres, "  dbname = vtrbot", ""},
		{"", "", "", "empty (want a SQLite file path"},
		{"mysql://vtr:S3CRet@db/vtrbot", "", "", `unknown database scheme "mysql" in mysql://vtr:xxxxx@db/vtrbot`},
		{"http://example.com/v.db", "", "", `unknown database scheme "http"`},
		{"postgres:vtrbot", "", "", `"postgres:vtrbot" is not a PostgreSQL URL`},
		{"sqlite:", "", "", `"sqlite:" names no file`},
		{"bogus=1 password=S3CRet", "", "", `bogus=1 password=xxxxx looks like keyword/value settings, but "bogus" is not`},
		{"postgres://vtr:S3CRet@db:x/vtrbot", store.Postgres, "postgres://vtr:S3CRet@db:x/vtrbot", "postgres://vtr:xxxxx@db:x/vtrbot is not a PostgreSQL connection string pgx can read: invalid port"},
		{"host=db password='S3CR et", store.Postgres, "host=db password='S3CR et", "host=db password=xxxxx is not a PostgreSQL connection string pgx can read: failed to parse as keyword/value (unterminated quoted string"},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			err := store.CheckURL(tt.dsn)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("CheckURL(%q) = %v, want nil", tt.dsn, err)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("CheckURL(%q) = %v, want an error starting %q", tt.dsn, err, tt.wantErr)
				}
				if vtr.ErrorCode(err) != vtr.EINVALID || strings.Contains(err.Error(), "S3CR") || strings.Contains(err.Error(), "\n") {
					t.Errorf("CheckURL(%q) = %q (%s), want one EINVALID line without the password", tt.dsn, err, vtr.ErrorCode(err))
				}
			}
			if d, target := store.ParseURL(tt.dsn); tt.dialect != "" && (d != tt.dialect || target != tt.target) {
				t.Errorf("ParseURL(%q) = %s %q, want %s %q", tt.dsn, d, target, tt.dialect, tt.target)
			}
		})
	}
}

// Open never creates a file or folder for a DATABASE_URL it refuses, nor a
// new database when the database must exist already.
func TestOpen_createsNothingByAccident(t *testing.T) {
	tests := []struct {
		name, dsn string
		opts      store.Options
		code      string
	}{
		{"unknown scheme", "mysql://vtr:S3CRet@db/vtrbot", store.Options{}, vtr.EINVALID},
		{"keyword/value that is no PostgreSQL", "bogus=1 password=S3CRet", store.Options{}, vtr.EINVALID},
		{"missing file, must exist", "missing.db", store.Options{Existing: true}, vtr.ENOTFOUND},
		{"missing file in a missing folder, must exist", "sqlite:sub/missing.db", store.Options{Existing: true}, vtr.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			s, err := store.Open(t.Context(), tt.dsn, tt.opts)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want a %s error", tt.dsn, tt.code)
			}
			if vtr.ErrorCode(err) != tt.code || strings.Contains(err.Error(), "S3CR") {
				t.Errorf("Open(%q) = %q (%s), want a %s error without the password", tt.dsn, err, vtr.ErrorCode(err), tt.code)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				t.Errorf("Open(%q) left %q behind", tt.dsn, e.Name())
			}
		})
	}
	// The same missing file is created when it may be.
	p := filepath.Join(t.TempDir(), "new.db")
	s, err := store.Open(t.Context(), p, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open without Existing did not create %s", p)
	}
	// An existing file opens with Existing.
	s, err = store.Open(t.Context(), p, store.Options{Existing: true})
	if err != nil {
		t.Fatalf("Open(existing, Existing) = %v", err)
	}
	s.Close()
}

// A keyword/value string is PostgreSQL (it once became a SQLite file named
// after it, password included), and a wrong password in any form is never
// shown by Open's error.
func TestOpen_postgresForms(t *testing.T) {
	base, err := url.Parse(storetest.URL(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	db := strings.TrimPrefix(base.Path, "/")
	kv := "host=" + base.Hostname() + " port=" + base.Port() + " user=" + base.User.Username() + " dbname=" + db + " sslmode=disable"
	t.Chdir(t.TempDir())
	s, err := store.Open(t.Context(), kv, store.Options{})
	if err != nil {
		t.Fatalf("Open(%q): %v", kv, err)
	}
	if s.Dialect() != store.Postgres {
		t.Errorf("Open(%q) is %s, want postgres", kv, s.Dialect())
	}
	s.Close()
	if entries, _ := os.ReadDir("."); len(entries) > 0 {
		t.Errorf("Open(%q) created %s", kv, entries[0].Name())
	}

	// A database that does not exist, with a password in each form: the
	// server refuses, and the error must not repeat the password.
	missing := *base
	missing.Path = "/vtrbot_no_such_db"
	withQuery := missing
	q := withQuery.Query()
	q.Set("password", "S3CRet-q")
	withQuery.RawQuery = q.Encode()
	withUser := missing
	withUser.User = url.UserPassword(base.User.Username(), "S3CRet-u")
	for _, dsn := range []string{withQuery.String(), withUser.String(), kv[:strings.Index(kv, " dbname=")] + " dbname=vtrbot_no_such_db password='S3CRet k' sslmode=disable"} {
		s, err := store.Open(t.Context(), dsn, store.Options{})
		if err == nil {
			s.Close()
			t.Fatalf("Open(%s) succeeded", store.Redacted(dsn))
		}
		if strings.Contains(err.Error(), "S3CR") {
			t.Errorf("Open's error shows the password: %v", err)
		}
	}
}

// FuzzRedacted checks Redacted against pgx itself: whatever password pgx
// reads from a connection string, written once in it as is, is not in
// Redacted's output.
func FuzzRedacted(f *testing.F) {
	for _, s := range []string{
		"postgres://vtr:S3CRet@db:5432/vtrbot", "postgres://db/vtrbot?sslmode=disable&password=S3CRet",
		"host=db password='S3CR et' dbname=vtrbot", `host=db password=S3CR\ et`, "postgresql://vtr:S3CR@et@db/vtrbot",
		"postgres://vtr:S3CR/et@db/vtrbot", "postgres://h1,h2:5433/vtrbot?password=S3CRet&x=y@z", "password = S3CRet",
	} {
		f.Add(s)
	}
	// Passwords from anywhere but the string itself are not Redacted's.
	f.Setenv("PGPASSWORD", "")
	f.Setenv("PGPASSFILE", os.DevNull)
	f.Fuzz(func(t *testing.T, dsn string) {
		cfg, err := pgconn.ParseConfig(dsn)
		if err != nil || len(cfg.Password) < 4 || strings.Count(dsn, cfg.Password) != 1 {
			return
		}
		if got := store.Redacted(dsn); strings.Contains(got, cfg.Password) {
			t.Fatalf("Redacted(%q) = %q shows the password %q", dsn, got, cfg.Password)
		}
	})
}

// TestOpen_migrationLock: opening a PostgreSQL store whose schema is up to
// date takes no migration lock (a replica opens many account stores at
// once, and they queued on goose's single lock, 5 s a retry); a schema
// that needs migrating waits for the lock of its own schema only, so
// another process migrating the same schema is never run beside.
func TestOpen_migrationLock(t *testing.T) {
	dsn := storetest.URL(t, "postgres")
	s, err := store.Open(t.Context(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	holder, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, err := holder.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// goose's own lock too, which every schema's migration took before.
	for _, id := range []int64{store.MigrationLockID("public"), store.MigrationLockID("other"), lock.DefaultLockID} {
		if _, err := conn.ExecContext(t.Context(), `SELECT pg_advisory_lock($1)`, id); err != nil {
			t.Fatal(err)
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	s, err = store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatalf("open an up-to-date store while its migration lock is held: %v", err)
	}
	s.Close()

	// A fresh schema needs migrating: it waits for its lock.
	if _, err := conn.ExecContext(t.Context(), `CREATE SCHEMA other`); err != nil {
		t.Fatal(err)
	}
	other := dsn + "&search_path=other"
	ctx, cancel = context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if s, err := store.Open(ctx, other, store.Options{}); err == nil {
		s.Close()
		t.Fatal("a schema migrated while another session held its migration lock")
	}
	if _, err := conn.ExecContext(t.Context(), `SELECT pg_advisory_unlock($1)`, store.MigrationLockID("other")); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(t.Context(), other, store.Options{})
	if err != nil {
		t.Fatalf("once the lock is free: %v", err)
	}
	s.Close()
}
