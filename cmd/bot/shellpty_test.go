package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestShell_terminal drives bot shell through a pseudo-terminal, as a
// seller types at it (issue 16: "bot shell with line editing and
// history"): a command, then arrow-up to bring it back, the cursor moved
// left into the middle of the line, two characters rubbed out and two
// typed there, Enter; the edited command must run, and both lines must be
// in the history file, which a next session reads.
func TestShell_terminal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	cache := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRun_childProcess$", "-test.count=1")
	argv, _ := json.Marshal([]string{"shell"})
	cmd.Env = []string{"VTRBOT_E2E_CHILD=" + t.TempDir(), "VTRBOT_E2E_ARGS=" + string(argv),
		"VTRBOT_E2E_NOW=2019-12-04T12:00:00Z", "DATABASE_URL=" + db, "TERM=xterm",
		"XDG_CACHE_HOME=" + cache, "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TMPDIR=" + os.TempDir()}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer tty.Close()
	out := &syncBuffer{}
	copied := make(chan struct{})
	go func() { io.Copy(out, tty); close(copied) }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("terminal:\n%q", tail(out.String(), 60))
		}
	})
	// waitFor waits until the terminal has shown want n times in all.
	waitFor := func(want string, n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(out.String(), want) < n {
			if time.Now().After(deadline) {
				t.Fatalf("the terminal never showed %q %d times", want, n)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// waitAfter waits until the terminal shows want after the last
	// place it showed mark: the prompt counts only once a command's output
	// is over, since readline redraws "/vtr> ..." at every keystroke, and
	// keys typed while a command runs reach a terminal in cooked mode.
	waitAfter := func(mark, want string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := out.String()
			if i := strings.LastIndex(s, mark); i >= 0 && strings.Contains(s[i+len(mark):], want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the terminal never showed %q after %q", want, mark)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	typeKeys := func(keys string) {
		t.Helper()
		if _, err := tty.Write([]byte(keys)); err != nil {
			t.Fatal(err)
		}
	}
	const (
		up        = "\x1b[A"
		left      = "\x1b[D"
		backspace = "\x7f"
		enter     = "\r"
	)

	waitFor("/vtr> ", 1)
	typeKeys("status 2019-10-15..2019-11-14" + enter)
	waitAfter("2019-10-15 to 2019-11-14", "/vtr> ")

	// Arrow-up brings the line back; 12 to the left puts the cursor after
	// "2019-10-15"; "15" becomes "20".
	typeKeys(up)
	waitAfter("2019-10-15 to 2019-11-14", "/vtr> status 2019-10-15..2019-11-14")
	typeKeys(strings.Repeat(left, 12) + backspace + backspace + "20" + enter)
	waitFor("2019-10-20 to 2019-11-14", 1)
	waitAfter("2019-10-20 to 2019-11-14", "/vtr> ")
	if strings.Contains(out.String(), "I don't know") {
		t.Errorf("an edited line reached the bot garbled")
	}
	typeKeys("exit" + enter)

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("bot shell: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("bot shell did not end on exit")
	}
	<-copied

	hist, err := os.ReadFile(filepath.Join(cache, "vtrbot", "shell_history"))
	if err != nil {
		t.Fatal(err)
	}
	want := "status 2019-10-15..2019-11-14\nstatus 2019-10-20..2019-11-14\n"
	if !strings.HasPrefix(string(hist), want) {
		t.Errorf("history file holds %q, want %q", hist, want)
	}
}
