package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Piped into, bot shell reads line by line with no prompt and no line
// editor, as scripts and bot demo --script rely on.
func TestShell_pipedInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	env, out, errb := testEnv(t, db)
	env.Stdin = strings.NewReader("/vtr status 2019-10-15..2019-11-14\nstauts\nexit\n/vtr help\n")
	if code := run(t.Context(), []string{"shell"}, env); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	got := out.String()
	for _, want := range []string{"2019-10-15 to 2019-11-14", `I don't know "stauts". Did you mean /vtr status?`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "/vtr> ") {
		t.Errorf("a prompt on piped input:\n%s", got)
	}
	if strings.Count(got, "Commands:") != 1 {
		t.Errorf("input after exit was read:\n%s", got)
	}
}

// The history lives in the user's cache directory, in a directory only
// the user can read.
func TestShell_historyFile(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", t.TempDir()) // macOS: ~/Library/Caches
	got := historyFile()
	if !strings.HasSuffix(got, filepath.Join("vtrbot", "shell_history")) {
		t.Fatalf("historyFile() = %q", got)
	}
	st, err := os.Stat(filepath.Dir(got))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("%s: mode %v, want 0700", filepath.Dir(got), st.Mode().Perm())
	}
}
