package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func runTracking(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) (string, bool) { return "", false },
		Now:    func() time.Time { return time.Date(2019, 11, 15, 12, 0, 0, 0, time.UTC) },
		Dir:    t.TempDir(),
	}
	code = run(t.Context(), append([]string{"tracking"}, args...), env)
	return out.String(), errb.String(), code
}

func TestTracking_check(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string // stdout prefix
		err  string // stderr substring
	}{
		{"spaces", []string{"check", "usps", "9400 1118 9922 3408 6175 11"}, exitOK, "valid: fits USPS IMpb", ""},
		{"unquoted groups", []string{"check", "U.S.P.S.", "9400", "1118", "9922", "3408", "6175", "11"}, exitOK, "valid: fits USPS IMpb", ""},
		{"one wrong digit", []string{"check", "usps", "9400 1118 9922 3408 6175 12"}, exitFail, "invalid: check digit is 2, expected 1 (USPS IMpb)", ""},
		{"other carrier", []string{"check", "US Postal Service", "1ZA1B2C30398765433"}, exitFail, "invalid: fits UPS, not USPS", ""},
		{"length", []string{"check", "usps", "940011189922340861751"}, exitFail, "invalid: no USPS format has 21 digits", ""},
		{"vectors code", []string{"check", "canada_post", "7035114477138472"}, exitOK, "valid: fits Canada Post 16-digit", ""},
		{"s10", []string{"check", "s10", "RB123456785GB"}, exitOK, "valid: fits UPU S10", ""},
		{"lasership dash", []string{"check", "lasership", "1LS7119013618127-1"}, exitOK, "valid: ", ""},
		{"not checked", []string{"check", "Estes", "123"}, exitOK, "not checked: ", ""},
		{"unknown carrier", []string{"check", "Acme Couriers", "123"}, exitConfig, "", `unknown carrier "Acme Couriers"`},
		{"missing number", []string{"check", "usps"}, exitConfig, "", "Usage: bot tracking check"},
		{"help", []string{"check", "--help"}, exitOK, "Usage: bot tracking check", ""}, // asked for: stdout
		{"detect", []string{"detect", "1z a1b2c3 03 9876543 3"}, exitOK, "1ZA1B2C30398765433: UPS", ""},
		{"detect none", []string{"detect", "hello"}, exitFail, "HELLO: fits no carrier format known", ""},
		{"carriers US", []string{"carriers", "--marketplace", "US"}, exitOK, "Integrated in US on 2019-11-15", ""},
		{"carriers CA", []string{"carriers", "--marketplace", "CA"}, exitConfig, "", "no integrated-carrier list"},
		{"unknown subcommand", []string{"bogus"}, exitConfig, "", "unknown subcommand"},
		{"did you mean", []string{"chekc", "usps", "1"}, exitConfig, "", `bot tracking: unknown subcommand "chekc" (did you mean check?); see bot tracking --help`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := runTracking(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errs)
			}
			if !strings.HasPrefix(out, tt.out) {
				t.Errorf("stdout = %q, want prefix %q", out, tt.out)
			}
			if tt.out != "" && strings.Count(out, "\n") != 1 && tt.args[0] == "check" && tt.name != "help" {
				t.Errorf("stdout = %q, want one line", out)
			}
			if !strings.Contains(errs, tt.err) {
				t.Errorf("stderr = %q, want %q", errs, tt.err)
			}
		})
	}
}

func TestTracking_checkJSON(t *testing.T) {
	// --json after the positionals.
	out, errs, code := runTracking(t, "check", "fedex", "9400 1118 9922 3408 6175 11", "--json")
	if code != exitFail {
		t.Fatalf("exit %d, want %d (%s)", code, exitFail, errs)
	}
	var got struct {
		Carrier    struct{ Code, Name string }
		Number     string
		Normalized string
		Valid      bool
		Checked    bool
		Why        string
		Detected   []struct{ Code, Name string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Carrier.Code != "fedex" || got.Carrier.Name != "FedEx" || got.Number != "9400 1118 9922 3408 6175 11" ||
		got.Normalized != "9400111899223408617511" || got.Valid || !strings.HasPrefix(got.Why, "fits USPS") {
		t.Errorf("got %+v", got)
	}
	if len(got.Detected) == 0 || got.Detected[0].Code != "usps" {
		t.Errorf("detected = %+v, want usps first", got.Detected)
	}
}
