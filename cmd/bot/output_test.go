package main

import (
	"context"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store/storetest"
)

// TestOutput_golden runs the report commands on the traxtar records and
// compares their text, CSV and JSON with testdata/output. Text says reasons
// and statuses in words ("no tracking number", "below target"); JSON and
// CSV keep the codes. -update rewrites the files.
func TestOutput_golden(t *testing.T) {
	db := storetest.URL(t, "sqlite")
	importTraxtar(t, db)
	win := []string{"--from", "2019-10-15", "--to", "2019-11-14"}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"status.txt", append([]string{"vtr", "status"}, win...)},
		{"status.csv", append([]string{"vtr", "status", "--csv"}, win...)},
		{"status.json", append([]string{"vtr", "status", "--json"}, win...)},
		{"status-books.csv", append([]string{"vtr", "status", "--csv", "--category", "Books"}, win...)},
		{"untracked.txt", []string{"vtr", "untracked", "--from", "2019-09-01", "--to", "2019-11-14"}},
		{"untracked-none.txt", []string{"vtr", "untracked", "--from", "2019-11-10", "--to", "2019-11-14"}},
		{"metrics.txt", []string{"metrics", "--as-of", "2019-11-14"}},
		{"metrics.csv", []string{"metrics", "--as-of", "2019-11-14", "--csv"}},
		{"metrics.json", []string{"metrics", "--as-of", "2019-11-14", "--json"}},
		{"forecast.txt", []string{"vtr", "forecast", "--as-of", "2019-11-10"}},
		{"forecast-fixable.txt", []string{"vtr", "forecast", "--as-of", "2019-10-30"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := runOK(t, db, tt.args...)
			golden := filepath.Join("testdata", "output", tt.name)
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("bot %s differs from %s:\n--- got\n%s--- want\n%s", strings.Join(tt.args, " "), golden, got, want)
			}
			if strings.HasSuffix(tt.name, ".txt") {
				for _, code := range []string{"NO_TRACKING", "CARRIER_OTHER", "below_target", "(s)", "\n\n\n"} {
					if strings.Contains(got, code) {
						t.Errorf("text output has %q; want words, real plurals and no stray blank lines", code)
					}
				}
			}
		})
	}
}

// TestOutput_csvNeutralisesFormulas: a category name from a seller file
// that a spreadsheet would run as a formula is written as text by the
// writer every --csv output goes through.
func TestOutput_csvNeutralisesFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+1", "'+1"}, {"-2", "'-2"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\tx", "'\tx"},
		{"Books", "Books"}, {"", ""}, {"0.9762", "0.9762"},
	}
	var row []string
	for _, tt := range tests {
		row = append(row, tt.in)
	}
	env, out, errb := testEnv(t, "")
	if code := writeCSV(env, [][]string{row}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	got, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil || len(got) != 1 || len(got[0]) != len(tests) {
		t.Fatalf("CSV %q: %v", out, err)
	}
	for i, tt := range tests {
		if got[0][i] != tt.want {
			t.Errorf("cell %q written as %q, want %q", tt.in, got[0][i], tt.want)
		}
	}
}

// TestOutput_exitCodes: --json and --csv together are a usage error (exit
// 2, one line), not one of them silently.
func TestOutput_exitCodes(t *testing.T) {
	db := storetest.URL(t, "sqlite")
	openTestStore(t, db) // read commands create no database
	for _, args := range [][]string{
		{"vtr", "status", "--json", "--csv"},
		{"metrics", "--csv", "--json"},
	} {
		env, out, errb := testEnv(t, db)
		if code := run(context.Background(), args, env); code != exitConfig {
			t.Errorf("bot %s: exit %d, want %d", strings.Join(args, " "), code, exitConfig)
		}
		if out.Len() != 0 || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 || !strings.Contains(errb.String(), "--csv") {
			t.Errorf("bot %s: stdout %q stderr %q, want nothing and one line naming --csv", strings.Join(args, " "), out, errb)
		}
	}
}

// TestVTRHistory_png: --png writes the chart Slack gets, a PNG of the
// chart's size, for a range with data and for one without.
func TestVTRHistory_png(t *testing.T) {
	db := storetest.URL(t, "sqlite")
	importTraxtar(t, db)
	dir := t.TempDir()
	for _, tt := range []struct{ name, from, to, cat string }{
		{"data.png", "2019-09-01", "2019-11-30", ""},
		{"books.png", "2019-09-01", "2019-11-30", "Books"},
		{"empty.png", "2021-01-01", "2021-02-01", ""},
	} {
		file := filepath.Join(dir, tt.name)
		args := []string{"vtr", "history", "--from", tt.from, "--to", tt.to, "--png", file}
		if tt.cat != "" {
			args = append(args, "--category", tt.cat)
		}
		out := runOK(t, db, args...)
		if tt.cat != "" && !strings.Contains(out, "category "+tt.cat) {
			t.Errorf("%s: text does not say which category:\n%s", tt.name, out)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() != 900 {
			t.Errorf("%s: not the chart: %v %v", tt.name, err, img)
		}
	}
	env, _, errb := testEnv(t, db)
	if code := run(context.Background(), []string{"vtr", "history", "--png", filepath.Join(dir, "no", "such", "dir.png")}, env); code != exitFail {
		t.Errorf("--png into a missing directory: exit %d, want %d (%s)", code, exitFail, errb)
	}
}

// TestConfig_digestAt: DIGEST_AT is HH:MM or empty; anything else is one
// line naming it and exit 2, as is a digest with no SLACK_CHANNEL.
func TestConfig_digestAt(t *testing.T) {
	for _, tt := range []struct {
		val  string
		on   bool
		at   time.Duration
		fail bool
	}{
		{"", false, 0, false},
		{"09:00", true, 9 * time.Hour, false},
		{"00:00", true, 0, false},
		{"23:59", true, 23*time.Hour + 59*time.Minute, false},
		{"9:00", false, 0, true},
		{"24:00", false, 0, true},
		{"09:00:00", false, 0, true},
		{"9am", false, 0, true},
	} {
		var c Config
		err := setDigestAt(&c, tt.val)
		if (err != nil) != tt.fail || c.DigestOn != tt.on || c.DigestAt != tt.at {
			t.Errorf("DIGEST_AT=%q: on %v at %v err %v; want on %v at %v fail %v", tt.val, c.DigestOn, c.DigestAt, err, tt.on, tt.at, tt.fail)
		}
	}
	db := storetest.URL(t, "sqlite")
	for _, vars := range [][]string{
		{"DIGEST_AT", "9am", "SLACK_BOT_TOKEN", "xoxb-1", "SLACK_CHANNEL", "C1"},
		{"DIGEST_AT", "09:00"}, // nowhere to post it
	} {
		env, _, errb := testEnv(t, db, vars...)
		code := run(context.Background(), []string{"run", "--once"}, env)
		line := strings.TrimSpace(errb.String())
		if code != exitConfig || !strings.HasPrefix(line, "DIGEST_AT") || strings.Contains(line, "\n") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming DIGEST_AT", vars, code, line)
		}
	}
}

// TestGolden_noTrailingBlanks: what the bot prints for people ends no line
// in spaces or tabs (a table's last column pads nothing, a list joins
// with a separator rather than ending in one). Every text golden of the
// CLI is checked, so a new output is covered by writing its golden file.
func TestGolden_noTrailingBlanks(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".json") || strings.HasSuffix(f, ".csv") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if line != strings.TrimRight(line, " \t") {
				t.Errorf("%s:%d: ends in blanks: %q", f, i+1, line)
			}
		}
	}
}
