package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version and commit are stamped by the release build (scripts/build.sh:
// -ldflags "-X main.version=v1.2.3 -X main.commit=<sha>"). The linker can
// only set package-level string variables, hence these two; nothing writes
// them at run time.
var (
	version = ""
	commit  = ""
)

// buildInfo is what `bot version` prints.
type buildInfo struct {
	Version  string // v1.2.3, or "devel"
	Commit   string // full hash, "+dirty" when built from a modified tree; "" if unknown
	Go       string
	Platform string
}

// readBuildInfo uses the stamped values, else what the Go toolchain
// recorded: the module version for `go install ...@v1.2.3`, the VCS
// revision for a build inside a git checkout (-buildvcs).
func readBuildInfo(stampedVersion, stampedCommit string) buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return buildInfoFrom(bi, stampedVersion, stampedCommit)
}

// buildInfoFrom is readBuildInfo over a given toolchain record (nil: none).
func buildInfoFrom(bi *debug.BuildInfo, stampedVersion, stampedCommit string) buildInfo {
	b := buildInfo{Version: stampedVersion, Commit: stampedCommit, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		if b.Commit == "" {
			var rev, dirty string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "+dirty"
					}
				}
			}
			if rev != "" {
				b.Commit = rev + dirty
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	return b
}

func (b buildInfo) String() string {
	c := b.Commit
	if c == "" {
		c = "unknown"
	}
	return fmt.Sprintf("vtrbot %s (commit %s, %s, %s)", b.Version, c, b.Go, b.Platform)
}

// cmdVersion is `bot version` (also `bot --version`).
func cmdVersion(_ context.Context, env *Env, args []string) int {
	fs := newFlags(env, "version", "", "Print the version, the commit it was built from, the Go version and the platform.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "bot version: unexpected argument %q\n", pos[0])
		return exitConfig
	}
	fmt.Fprintln(env.Stdout, readBuildInfo(version, commit))
	return exitOK
}

func isVersion(s string) bool {
	return strings.TrimLeft(s, "-") == "version" && strings.HasPrefix(s, "-")
}
