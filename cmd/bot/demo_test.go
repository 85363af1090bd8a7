package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
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
		"which meets the 95% target",
		"Books is at 60.0%",
		"↳ reply in the thread",
		"Amazon says 1 order in the past 365 days",
		"Amazon says the order is \"Unshipped\"",
		"Amazon shows N/A, but your records hold",
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
	for i, line := range strings.Split(s, "\n") {
		if line != strings.TrimRight(line, " \t") && line != "/vtr> " {
			t.Errorf("demo output line %d ends in blanks: %q", i+1, line)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", s)
	}
	// Run again on the same file: one line says how to see the story
	// again, nothing is posted twice, and the prompt works.
	out.Reset()
	if code := run(context.Background(), []string{"demo", "--script", "--db", db}, env); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "bot demo --reset tells it again") || strings.Contains(out.String(), "── Slack") ||
		strings.Contains(out.String(), "📨") || !strings.Contains(out.String(), "/vtr status\nValid Tracking Rate") {
		t.Errorf("second run should say how to replay, post nothing again and answer:\n%s", out.String())
	}
	// --reset tells the story again.
	out.Reset()
	if code := run(context.Background(), []string{"demo", "--script", "--reset", "--db", db}, env); code != 0 {
		t.Fatalf("--reset: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Creating "+db) || !strings.Contains(out.String(), "⚠️ Amazon warning") {
		t.Errorf("--reset should tell the story again:\n%s", out.String())
	}
	// The examples use the demo's dates: the help's window shows data.
	today := vtr.DateOf(time.Now().UTC())
	example := vtr.LastDays(today, 30).From.String() + ".." + today.String()
	if !strings.Contains(out.String(), example) {
		t.Errorf("demo examples lack the window %s", example)
	}
}
