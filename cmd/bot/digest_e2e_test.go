package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

// TestRun_digestThreadedByDay runs the scheduled digest through the real
// process path: `bot run` as a child process with DIGEST_AT=09:00, its
// clock at 10:00 in Los Angeles on 2019-10-28 (a Books package without
// tracking is due 2019-11-04, still fixable), posting to the local Slack stand-in
// (SLACK_API_URL). The day's digest is one top-level post, its fixable
// packages a reply in that post's thread; a restart the same day posts
// nothing more; the next day is a new top-level post with its own thread
// and a trend since the day before (issue 16 "Slack without asking";
// docs/slack.md "The daily digest"). VTRBOT_EVIDENCE, when set, is a file
// the test writes the posts to, as Slack got them.
func TestRun_digestThreadedByDay(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	fake := newFakeSlack(t)
	day := func(now string) map[string]string {
		return botVars(db, nil, fake, "DIGEST_AT", "09:00", "VTRBOT_E2E_NOW", now, "VTR_MARKETPLACE", "US")
	}
	// runUntil runs bot run until the stand-in holds want posts, then a
	// little longer (nothing more may come), and stops it.
	runUntil := func(name string, vars map[string]string, want int) {
		t.Helper()
		cmd, out := startBotProcess(t, vars, "run")
		if want > len(fake.Posts()) {
			if _, err := fake.WaitForPosts(want, time.Minute); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, tail(out.String(), 30))
			}
		}
		// The digest loop looks at the clock as it starts; the sender
		// drains the outbox at once. Two seconds are plenty for either.
		time.Sleep(2 * time.Second)
		cmd.Process.Signal(os.Interrupt)
		waitExit(t, name, cmd, out, 30*time.Second)
		if got := len(fake.Posts()); got != want {
			t.Fatalf("%s: %d posts, want %d", name, got, want)
		}
	}

	runUntil("first day", day("2019-10-28T17:00:00Z"), 2)
	runUntil("restart, same day", day("2019-10-28T19:30:00Z"), 2)
	runUntil("next day", day("2019-10-29T17:00:00Z"), 4)

	posts := fake.Posts()
	var tops []slackfake.Message
	for _, p := range posts {
		if p.ThreadTS == "" {
			tops = append(tops, p)
		}
	}
	if len(tops) != 2 {
		t.Fatalf("%d top-level posts, want one a day (2)", len(tops))
	}
	for i, d := range []string{"2019-10-28", "2019-10-29"} {
		if !strings.Contains(tops[i].Text, d) {
			t.Errorf("top-level post %d is %q, want the digest of %s", i, tops[i].Text, d)
		}
	}
	for _, p := range posts {
		if p.ThreadTS != "" && p.ThreadTS != tops[0].TS && p.ThreadTS != tops[1].TS {
			t.Errorf("reply %q is in thread %s, not under a digest", p.Text, p.ThreadTS)
		}
	}
	for i, top := range tops {
		n := 0
		for _, p := range posts {
			if p.ThreadTS == top.TS {
				n++
			}
		}
		if n != 1 {
			t.Errorf("digest %d has %d replies in its thread, want 1 (the packages to fix)", i, n)
		}
	}
	for key, n := range postKeys(t, fake) {
		if n != 1 {
			t.Errorf("outbox entry %s posted %d times", key, n)
		}
	}
	for _, p := range posts {
		if p.ThreadTS == tops[0].TS {
			// The package to fix has no tracking number: its line names the
			// carrier and says so once, in the reason.
			text := strings.Join(p.Texts(), "\n")
			if !strings.Contains(text, "· USPS · *no tracking number*") || strings.Count(text, "no tracking number") != 1 {
				t.Errorf("the package to fix reads:\n%s\nwant \"· USPS · *no tracking number*\" once", text)
			}
		}
	}
	second := strings.Join(tops[1].Texts(), "\n")
	if !strings.Contains(second, "since 2019-10-28") {
		t.Errorf("the second day's digest has no trend since the first:\n%s", second)
	}
	if path := os.Getenv("VTRBOT_EVIDENCE"); path != "" {
		var b strings.Builder
		for _, p := range posts {
			where := "top-level post"
			if p.ThreadTS != "" {
				where = "reply in the thread of " + p.ThreadTS
			}
			b.WriteString("=== " + where + " (ts " + p.TS + ")\n" + strings.Join(p.Texts(), "\n") + "\n\n")
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
