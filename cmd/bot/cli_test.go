package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// session runs bot commands against one database and records each as
// "$ bot ARGS", its exit status, stdout and stderr: a transcript compared
// with a golden file under testdata/cli/.
type session struct {
	t    *testing.T
	db   string
	vars []string
	now  time.Time
	b    strings.Builder
	tmp  string
}

func newSession(t *testing.T, vars ...string) *session {
	tmp := t.TempDir()
	return &session{t: t, db: filepath.Join(tmp, "v.db"), vars: vars, tmp: tmp,
		now: time.Date(2019, 12, 4, 12, 0, 0, 0, time.UTC)}
}

// run runs bot args, records it and returns its exit status.
func (s *session) run(args ...string) int {
	s.t.Helper()
	env, out, errb := testEnv(s.t, s.db, s.vars...)
	env.Now = func() time.Time { return s.now }
	code := run(s.t.Context(), args, env)
	clean := func(x string) string {
		x = strings.ReplaceAll(x, s.tmp, "$TMP")
		return strings.ReplaceAll(x, shared, "$SHARED")
	}
	fmt.Fprintf(&s.b, "$ bot %s\nexit %d\n", clean(strings.Join(args, " ")), code)
	if out.Len() > 0 {
		fmt.Fprintf(&s.b, "--- stdout\n%s", clean(out.String()))
	}
	if errb.Len() > 0 {
		fmt.Fprintf(&s.b, "--- stderr\n%s", clean(errb.String()))
	}
	s.b.WriteString("\n")
	return code
}

// golden compares the transcript with testdata/cli/NAME.golden (-update
// rewrites it).
func (s *session) golden(name string) {
	s.t.Helper()
	path := filepath.Join("testdata", "cli", name+".golden")
	got := s.b.String()
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		s.t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		s.t.Errorf("transcript differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// expect checks an exit status as the test goes, so that a transcript can
// not be rewritten into accepting a wrong one unnoticed.
func (s *session) expect(code int, args ...string) {
	s.t.Helper()
	if got := s.run(args...); got != code {
		s.t.Errorf("bot %s: exit %d, want %d", strings.Join(args, " "), got, code)
	}
}

// TestCLI_help: help is on stdout with exit 0 when asked for (-h, --help,
// bot help CMD), flags are shown as they are typed (--db), and a usage
// error is on stderr with exit 2: an unknown flag or command is one line
// with the nearest name and the hint to --help.
func TestCLI_help(t *testing.T) {
	s := newSession(t)
	s.expect(exitOK, "vtr", "status", "--help")
	s.expect(exitOK, "help", "vtr", "status")
	s.expect(exitOK, "vtr", "status", "-h")
	s.expect(exitOK, "help", "vtr")
	s.expect(exitConfig, "vtr", "status", "--fro", "2019-10-15")
	s.expect(exitConfig, "vtr", "status", "--days", "x")
	s.expect(exitConfig, "vtr", "status", "--from")
	s.expect(exitConfig, "vtr", "stauts")
	s.expect(exitConfig, "imprt", "orders", "x.tsv")
	s.expect(exitConfig, "import", "ordrs", "x.tsv")
	s.expect(exitConfig, "frobnicate")
	s.expect(exitConfig, "explain", "x.eml", "--evidnce", "out.csv")
	s.golden("help")
	if !strings.Contains(s.b.String(), "  --db string\n") || strings.Contains(s.b.String(), "  -db") {
		t.Error("help does not show --db as it is typed")
	}
}

// TestCLI_failBelow: --fail-below makes bot vtr status (and bot metrics) a
// cron check: exit 3 and one line on stderr when a rate is below target
// (traxtar: Books 66.7% while the account is at 97.6%), exit 0 otherwise;
// N/A is not below.
func TestCLI_failBelow(t *testing.T) {
	s := newSession(t)
	importTraxtar(t, s.db)
	s.expect(exitBelow, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--fail-below")
	s.expect(exitBelow, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--fail-below", "--json")
	s.expect(exitOK, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--category", "Music", "--fail-below")
	s.expect(exitOK, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14")
	s.expect(exitOK, "vtr", "status", "--from", "2015-01-01", "--to", "2015-01-31", "--fail-below") // N/A
	s.expect(exitOK, "metrics", "--as-of", "2015-01-31", "--fail-below")                            // N/A
	s.golden("fail-below")
}

// TestCLI_withoutPromisedDate: an orders file without
// promised-delivery-date is imported with one note saying what that costs,
// and bot vtr status says, once, that the window holds those packages by
// ship date: the traxtar window goes from 84 to 76 eligible packages.
func TestCLI_withoutPromisedDate(t *testing.T) {
	s := newSession(t)
	dir := sharedPath(t, "testdata/traxtar")
	without := func(file, col string) string {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(s.tmp, file)
		if err := os.WriteFile(out, dropColumn(t, string(raw), col), 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	orders := without("orders.tsv", "promised-delivery-date")
	shipments := without("shipments.tsv", "confirmed-at")
	s.expect(exitOK, "import", "orders", orders)
	s.expect(exitOK, "import", "categories", filepath.Join(dir, "categories.tsv"))
	s.expect(exitOK, "import", "shipments", shipments)
	s.expect(exitOK, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14")
	s.expect(exitOK, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--json")
	s.golden("without-promised-date")
	if !strings.Contains(s.b.String(), "76 of the 76 eligible packages have no promised delivery date") {
		t.Error("status does not say that the window holds packages by ship date")
	}
}

// TestCLI_today: "today" for default windows is the date in the
// marketplace's zone, or VTR_TIMEZONE's: at 19:00 in California on
// 2019-12-04 (03:00 UTC on the 5th) bot vtr status --days 1 asks about the
// 4th, not about tomorrow; in Tokyo (VTR_MARKETPLACE=JP) it is already the
// 5th. A bad VTR_TIMEZONE is one line naming it, exit 2.
func TestCLI_today(t *testing.T) {
	evening := time.Date(2019, 12, 5, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		vars []string
		want string
		code int
	}{
		{"US is Los Angeles", nil, `"from":"2019-12-04","to":"2019-12-04"`, exitOK},
		{"JP is Tokyo", []string{"VTR_MARKETPLACE", "JP"}, `"from":"2019-12-05","to":"2019-12-05"`, exitOK},
		{"VTR_TIMEZONE wins", []string{"VTR_TIMEZONE", "UTC"}, `"from":"2019-12-05","to":"2019-12-05"`, exitOK},
		{"VTR_TIMEZONE New York", []string{"VTR_TIMEZONE", "America/New_York"}, `"from":"2019-12-04","to":"2019-12-04"`, exitOK},
		{"bad VTR_TIMEZONE", []string{"VTR_TIMEZONE", "Mars/Olympus"}, `VTR_TIMEZONE: want an IANA time zone name such as America/New_York, got "Mars/Olympus"`, exitConfig},
		{"a path is no zone", []string{"VTR_TIMEZONE", "../../etc/passwd"}, `VTR_TIMEZONE: want an IANA time zone name`, exitConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "v.db")
			openTestStore(t, db) // an empty database: read commands create none
			env, out, errb := testEnv(t, db, tc.vars...)
			env.Now = func() time.Time { return evening }
			code := run(t.Context(), []string{"vtr", "status", "--days", "1", "--json"}, env)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, errb)
			}
			if got := out.String() + errb.String(); !strings.Contains(got, tc.want) {
				t.Errorf("output %q lacks %q", got, tc.want)
			}
			if tc.code != exitOK && strings.Count(errb.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line", errb)
			}
		})
	}
}

// TestCLI_explainWindow: bot explain says which window it checked and why;
// a Support reply answering a stored warning is checked over the
// warning's window; --from/--to and --days override it.
func TestCLI_explainWindow(t *testing.T) {
	s := newSession(t)
	importTraxtar(t, s.db)
	notices := sharedPath(t, "testdata/notices")
	reply := filepath.Join(notices, "support-reply-na.eml")
	s.expect(exitOK, "explain", reply, "--json")
	runOK(t, s.db, "import", "mail", filepath.Join(notices, "vtr-below-95-us.eml"))
	s.expect(exitOK, "explain", reply, "--json")
	s.expect(exitOK, "explain", reply, "--from", "2019-10-01", "--to", "2019-10-31", "--json")
	s.expect(exitOK, "explain", reply, "--days", "7", "--json")
	s.expect(exitConfig, "explain", reply, "--from", "2019-10-01")
	s.expect(exitConfig, "explain", reply, "--days", "731")
	var b strings.Builder
	for _, l := range strings.Split(s.b.String(), "\n") {
		// The explanation itself is explain_test.go's; here only the window.
		if i := strings.Index(l, `"window":`); i >= 0 {
			var w struct {
				Window map[string]string `json:"window"`
				Why    string            `json:"window_reason"`
			}
			if err := json.Unmarshal([]byte(l), &w); err != nil {
				t.Fatal(err)
			}
			l = fmt.Sprintf("window %s..%s: %s", w.Window["from"], w.Window["to"], w.Why)
		}
		b.WriteString(l + "\n")
	}
	s.b.Reset()
	s.b.WriteString(b.String())
	s.golden("explain-window")
	if !strings.Contains(b.String(), "window 2019-10-15..2019-11-14: the window of the warning") {
		t.Error("the Support reply was not checked over the warning's window")
	}
}
