package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// warningMail is the i-th of a run of distinct Valid Tracking Rate warnings
// from Amazon: its own Message-ID, subject and date.
func warningMail(i int) []byte {
	date := time.Date(2019, 11, 15, 9, 12, 44, 0, time.UTC).AddDate(0, 0, -i)
	return []byte(strings.ReplaceAll(fmt.Sprintf(`Return-Path: <bounces+seller-performance@amazon.com>
Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass header.from=amazon.com
From: "Amazon Seller Performance" <seller-performance@amazon.com>
To: orders@traxtar.example
Subject: Your Valid Tracking Rate is Below 95%% (notice %d)
Date: %s
Message-ID: <%s>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Hello,

Your Valid Tracking Rate for merchant-fulfilled orders is below the 95%% requirement.
Sellers must provide tracking numbers for at least 95%% of their shipments.

Seller Performance Team
`, i, date.Format(time.RFC1123Z), warningID(i)), "\n", "\r\n"))
}

func warningID(i int) string { return fmt.Sprintf("vtr-warning-%03d.e2e@email.amazonses.com", i) }

func TestWarningMail(t *testing.T) {
	seen := map[string]bool{}
	for i := 1; i <= 60; i++ {
		raw := warningMail(i)
		if !commands.Relevant(raw) {
			t.Fatalf("mail %d is not Relevant", i)
		}
		id := commands.MessageID(raw)
		if seen[id] {
			t.Fatalf("mail %d: Message-ID %s again", i, id)
		}
		seen[id] = true
	}
}

// TestRun_mailboxScenario is issue 6's must-pass scenario through `bot
// run`, the real pipeline and store and a fake Slack, on memserver and
// Dovecot: 50 mails arrive while the bot is stopped; the bot starts and is
// stopped in the middle of its catch-up (its context cancelled: SIGTERM,
// and since every step is recorded in the store, the in-process stand-in
// for a crash); a new bot finishes; 10 more mails arrive while it idles,
// with a server restart in the middle. All 60 must be stored once, queued
// once and posted once (60 top-level messages: each warning opens its own
// case), and the checkpoint must end at the last UID.
func TestRun_mailboxScenario(t *testing.T) {
	eachMailServer(t, func(t *testing.T, srv *mailServer) {
		mailboxScenario(t, srv, func(t *testing.T, vars map[string]string, s *store.Store, fake *slackfake.Server) {
			bot := startBot(t, vars)
			waitCount(t, s, "notices", 10, time.Minute)
			if code := bot.stop(t); code != 0 {
				t.Fatalf("first bot: exit %d", code)
			}
		})
	})
}

// TestRun_mailboxScenarioKill9 is the same scenario with a real crash: the
// first bot is a child process, killed with SIGKILL in the middle of its
// catch-up. Slack fails while it runs: a process killed between Slack
// accepting a post and the store recording its ts would post that message
// again after the restart (chat.postMessage has no idempotency key), which
// no bot can prevent; everything else must come out exactly once.
func TestRun_mailboxScenarioKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("the in-process variant (TestRun_mailboxScenario) runs with -short")
	}
	eachMailServer(t, func(t *testing.T, srv *mailServer) {
		mailboxScenario(t, srv, func(t *testing.T, vars map[string]string, s *store.Store, fake *slackfake.Server) {
			fake.Fail(slackfake.Failure{Status: 503, For: time.Hour, Methods: []string{"chat.postMessage"}})
			defer fake.Heal()
			cmd, out := startBotProcess(t, vars)
			waitCount(t, s, "notices", 10, time.Minute)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("child bot: %v, want killed by SIGKILL\n%s", err, tail(out.String(), 30))
			}
		})
	})
}

// mailboxScenario runs the scenario; killFirst runs the first bot and
// stops it in the middle of the catch-up of the first 50 mails.
func mailboxScenario(t *testing.T, srv *mailServer, killFirst func(t *testing.T, vars map[string]string, s *store.Store, fake *slackfake.Server)) {
	start := time.Now()
	db := filepath.Join(t.TempDir(), "vtrbot.db")
	s := openTestStore(t, db)
	fake := newFakeSlack(t)
	vars := botVars(db, srv, fake)
	ctx := t.Context()

	for i := 1; i <= 50; i++ {
		srv.deliver(t, warningMail(i))
	}
	killFirst(t, vars, s, fake)
	stored := tableCount(t, s, "notices")
	if stored >= 50 {
		t.Fatalf("the first bot stored all %d mails before it was stopped: no kill mid-batch", stored)
	}
	cp, _, err := s.Checkpoint(ctx, srv.account(), "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if int(cp.LastUID) != stored {
		t.Errorf("after the kill: checkpoint at UID %d with %d mails stored (UIDs 1..%d), want equal", cp.LastUID, stored, stored)
	}
	t.Logf("first bot stopped with %d of 50 stored, %d queued, %d posted (%v)", stored, tableCount(t, s, "outbox"), len(fake.Posts()), time.Since(start).Round(time.Millisecond))

	// Second bot: finishes the interrupted work and catches up.
	bot := startBot(t, vars)
	waitCount(t, s, "notices", 50, time.Minute)
	waitPosts(t, fake, 50, time.Minute)
	t.Logf("caught up 50 (%v)", time.Since(start).Round(time.Millisecond))

	// 10 more while it idles, the server restarted after the 5th.
	var last uint32
	for i := 51; i <= 55; i++ {
		idleAgain(t, bot, i-1)
		last = srv.deliver(t, warningMail(i))
		waitCount(t, s, "notices", i, 30*time.Second)
	}
	srv.restart(t)
	for i := 56; i <= 60; i++ {
		last = srv.deliver(t, warningMail(i))
	}
	waitCount(t, s, "notices", 60, time.Minute)
	waitPosts(t, fake, 60, time.Minute)
	waitSent(t, s, 60, 10*time.Second)
	t.Logf("all 60 posted (%v)", time.Since(start).Round(time.Millisecond))
	time.Sleep(time.Second) // nothing more may come
	if code := bot.stop(t); code != 0 {
		t.Fatalf("second bot: exit %d", code)
	}

	// A last restart (bot run --once) finds nothing to do.
	once := startBot(t, vars, "--once")
	if code := once.wait(t, time.Minute); code != 0 {
		t.Fatalf("bot run --once: exit %d", code)
	}

	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c["notices"] != 60 || c["outbox"] != 60 {
		t.Errorf("store holds %d notices and %d outbox entries, want 60 and 60", c["notices"], c["outbox"])
	}
	entries := checkPostedOnce(t, s, fake, 60)
	want := map[string]bool{}
	for i := 1; i <= 60; i++ {
		want["triage:<"+warningID(i)+">"] = true
	}
	for _, e := range entries {
		if !want[e.ID] {
			t.Errorf("unexpected outbox entry %s", e.ID)
		}
		delete(want, e.ID)
	}
	for id := range want {
		t.Errorf("no outbox entry %s", id)
	}
	notices, err := s.Notices(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, sn := range notices {
		if sn.State != store.NoticeDone || sn.Kind != string(vtr.KindPerformanceWarning) || sn.CaseKey != sn.ID {
			t.Errorf("notice %s: state %q kind %q case %q, want done, a performance warning opening its own case", sn.ID, sn.State, sn.Kind, sn.CaseKey)
		}
	}
	cp, ok, err := s.Checkpoint(ctx, srv.account(), "INBOX")
	if err != nil || !ok {
		t.Fatalf("checkpoint: %v %v", ok, err)
	}
	if cp.LastUID != last {
		t.Errorf("checkpoint at UID %d, want %d (the last mail's)", cp.LastUID, last)
	}
	if n := postCalls(fake)[200]; n != 60 {
		t.Errorf("%d successful chat.postMessage calls, want 60", n)
	}
}

// idleAgain waits until the bot's watcher has handled UID uid (0: has
// opened the mailbox) and had time to go into IDLE. imapmemserver queues a
// change that happens while its client is not idling (while the bot stores
// the previous mail, or before its first IDLE) and only reports it with the
// next change once IDLE has started (docs/imap.md "New mail"); the bot's 4-minute
// recheck would find such a mail, too late for a test. Dovecot has no such
// gap.
func idleAgain(t *testing.T, bot *botProc, uid int) {
	t.Helper()
	if uid == 0 {
		waitLog(t, bot, 1, 30*time.Second, "msg=watching")
	} else {
		waitLog(t, bot, 1, 30*time.Second, "msg=handled", fmt.Sprintf(" uid=%d ", uid))
	}
	time.Sleep(200 * time.Millisecond)
}

// startBotProcess runs `bot run` (or `bot args...`) as a child process:
// this test binary, re-executed into TestRun_childProcess, with vars as
// its whole environment. The child is killed at cleanup if still running.
func startBotProcess(t *testing.T, vars map[string]string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRun_childProcess$", "-test.count=1")
	if len(args) == 0 {
		args = []string{"run"}
	}
	argv, _ := json.Marshal(args)
	cmd.Env = []string{"VTRBOT_E2E_CHILD=" + t.TempDir(), "VTRBOT_E2E_ARGS=" + string(argv),
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}
	if d := os.Getenv("GOCOVERDIR"); d != "" {
		cmd.Env = append(cmd.Env, "GOCOVERDIR="+d)
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("child bot log:\n%s", tail(out.String(), 40))
		}
	})
	return cmd, out
}

// TestRun_childProcess is not a test: it is `bot run` (or the command
// line in VTRBOT_E2E_ARGS, a JSON array) in a child process for
// startBotProcess (the os/exec helper-process pattern), and skips unless
// started as one. VTRBOT_E2E_NOW fixes its clock.
func TestRun_childProcess(t *testing.T) {
	dir := os.Getenv("VTRBOT_E2E_CHILD")
	if dir == "" {
		t.Skip("helper process of startBotProcess")
	}
	args := []string{"run"}
	if a := os.Getenv("VTRBOT_E2E_ARGS"); a != "" {
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			t.Fatalf("VTRBOT_E2E_ARGS: %v", err)
		}
	}
	now := time.Now
	if v := os.Getenv("VTRBOT_E2E_NOW"); v != "" {
		// A fixed clock (RFC 3339), as testEnv's, for a child whose rows
		// are compared with an in-process run's.
		fixed, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Fatalf("VTRBOT_E2E_NOW: %v", err)
		}
		now = func() time.Time { return fixed }
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, args, &Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.LookupEnv, Now: now, Dir: dir,
	})
	stop()
	os.Exit(code)
}
