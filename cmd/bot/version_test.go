package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestReadBuildInfo(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name            string
		version, commit string
		want            string
	}{
		{"stamped by scripts/build.sh", "v1.2.3", "0123abcd", "vtrbot v1.2.3 (commit 0123abcd, " + runtime.Version() + ", " + platform + ")"},
		// A test binary has no module version and no VCS stamp.
		{"plain go build", "", "", "vtrbot devel (commit unknown, " + runtime.Version() + ", " + platform + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readBuildInfo(tt.version, tt.commit).String(); got != tt.want {
				t.Errorf("readBuildInfo(%q, %q) = %q, want %q", tt.version, tt.commit, got, tt.want)
			}
		})
	}
}

// Without a stamp, what the Go toolchain recorded: the module version of
// `go install ...@v1.2.3`, the git revision of a build in a checkout.
func TestBuildInfoFrom(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name                    string
		bi                      *debug.BuildInfo
		stampV, stampC          string
		wantVersion, wantCommit string
	}{
		{"go install @version", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "", "", "v1.4.0", ""},
		{"checkout, clean", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "false")}, "", "", "devel", "abc123"},
		{"checkout, modified", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "true")}, "", "", "devel", "abc123+dirty"},
		{"stamp wins", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: vcs("abc123", "false")}, "v2.0.0", "def456", "v2.0.0", "def456"},
		{"no record", nil, "", "", "devel", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildInfoFrom(tt.bi, tt.stampV, tt.stampC)
			if b.Version != tt.wantVersion || b.Commit != tt.wantCommit {
				t.Errorf("buildInfoFrom = %q, %q; want %q, %q", b.Version, b.Commit, tt.wantVersion, tt.wantCommit)
			}
		})
	}
}

func TestRun_version(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(string) (string, bool) { return "", false }, Now: time.Now, Dir: t.TempDir()}
		if code := run(t.Context(), args, env); code != exitOK || !strings.HasPrefix(out.String(), "vtrbot ") || errb.Len() > 0 {
			t.Errorf("bot %s: exit %d, stdout %q, stderr %q", args[0], code, out.String(), errb.String())
		}
	}
}
