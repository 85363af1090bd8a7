package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The README's first command, non-interactively: the whole story runs and
// exits 0, every mail becomes what it should in the terminal.
func TestDemo_script(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Dir: t.TempDir(), Now: time.Now,
		Getenv: func(string) (string, bool) { return "", false }}
	if code := run(context.Background(), []string{"demo", "--script", "--db", db}, env); code != 0 {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errb.String(), out.String())
	}
	s := out.String()
	for _, want := range []string{
		"Creating " + db,
		"⚠️ Amazon warning: Your Valid Tracking Rate is Below 95%",
		"LOCAL_RATE_MEETS_TARGET",
		"CATEGORY_BELOW_TARGET Books",
		"↳ reply in the thread",
		"CONTRADICTS_ORDER_COUNT",
		"CONTRADICTS_ORDER_STATUS",
		"METRIC_NA_EXPLAINED",
		"📦 Carrier update",
		"an Amazon newsletter\n   (stored and read: kind other; nothing to post)",
		"/vtr status\nValid Tracking Rate",
		"/vtr untracked",
		"Drafted reply to Seller Support",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", s)
	}
	// Run again on the same file: reuses the data, posts nothing twice.
	out.Reset()
	if code := run(context.Background(), []string{"demo", "--script", "--db", db}, env); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Reusing the sample seller") || strings.Contains(out.String(), "── Slack") {
		t.Errorf("second run should reuse the database and post nothing again:\n%s", out.String())
	}
}
