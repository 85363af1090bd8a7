package main

import (
	"bytes"
	"runtime"
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
