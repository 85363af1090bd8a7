package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// This file tests bot run serving several accounts from several replicas
// (replicas.go, docs/accounts.md): real child processes on one database,
// each account's mailbox on an in-memory IMAP server, one fake Slack.

func TestAssignAccounts(t *testing.T) {
	names := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("acct_%02d", i))
		}
		return out
	}
	tests := []struct {
		accounts, replicas int
		min, max           int
	}{
		{9, 3, 3, 3},
		{10, 3, 3, 4},
		{50, 3, 16, 17},
		{2, 3, 0, 1},
		{1, 1, 1, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d on %d", tt.accounts, tt.replicas), func(t *testing.T) {
			replicas := []string{}
			for i := range tt.replicas {
				replicas = append(replicas, fmt.Sprintf("host:%d:%08x", 100+i, i*7919))
			}
			got := assignAccounts(names(tt.accounts), replicas)
			if len(got) != tt.accounts {
				t.Fatalf("%d accounts assigned, want %d", len(got), tt.accounts)
			}
			load := map[string]int{}
			for _, r := range got {
				load[r]++
			}
			for _, r := range replicas {
				if load[r] < tt.min || load[r] > tt.max {
					t.Errorf("replica %s serves %d accounts, want %d to %d (%v)", r, load[r], tt.min, tt.max, load)
				}
			}
			// The same lists in another order give the same answer.
			ra, rr := names(tt.accounts), slices.Clone(replicas)
			slices.Reverse(ra)
			slices.Reverse(rr)
			again := assignAccounts(ra, rr)
			if !maps.Equal(got, again) {
				t.Errorf("the answer depends on the order of the lists")
			}
		})
	}
	// A replica that leaves moves its accounts and few others.
	rs := []string{"a", "b", "c", "d"}
	before := assignAccounts(names(40), rs)
	after := assignAccounts(names(40), rs[:3])
	moved := 0
	for acct, r := range before {
		if r != "d" && after[acct] != r {
			moved++
		}
	}
	if moved > 10 {
		t.Errorf("%d accounts of the staying replicas moved, want few", moved)
	}
}

func TestAccountFor(t *testing.T) {
	sv := &supervisor{cfg: &Config{SlackChannel: "CDEF"}, accounts: map[string]store.Account{
		"default": {Name: "default"},
		"brand_a": {Name: "brand_a", SlackChannel: "CA"},
		"brand_b": {Name: "brand_b", SlackChannel: "CB"},
	}}
	tests := []struct {
		channel, text     string
		account, rest, is string
	}{
		{"CA", "status 30d", "brand_a", "status 30d", ""},
		{"CB", "status", "brand_b", "status", ""},
		{"CDEF", "status", "default", "status", ""},
		{"COTHER", "--account brand_b status 30d", "brand_b", "status 30d", ""},
		{"CA", "status --account=default", "default", "status", ""},
		{"COTHER", "status", "", "", "add --account NAME (brand_a, brand_b, default)"},
		{"CA", "--account nope status", "", "", `No account "nope". Accounts: brand_a, brand_b, default.`},
	}
	for _, tt := range tests {
		a, rest, problem := sv.accountFor(tt.channel, tt.text)
		if tt.is != "" {
			if !strings.Contains(problem, tt.is) {
				t.Errorf("%s %q: problem %q, want it to say %q", tt.channel, tt.text, problem, tt.is)
			}
			continue
		}
		if problem != "" || a.Name != tt.account || rest != tt.rest {
			t.Errorf("%s %q: account %q, text %q, problem %q; want %q, %q", tt.channel, tt.text, a.Name, rest, problem, tt.account, tt.rest)
		}
	}
	if !sv.isTriage("CB") || !sv.isTriage("CDEF") || sv.isTriage("COTHER") {
		t.Error("isTriage: want the accounts' channels and only them")
	}
}

// Lease timings of the replica tests: short, and robust on a loaded
// machine (a round may be late by a second without a lease moving).
const (
	testLease = 4 * time.Second
	testRenew = 800 * time.Millisecond
)

// cluster is a database with accounts, each with its own mailbox and
// channel, and the bot run replicas serving them.
type cluster struct {
	t     *testing.T
	db    string
	reg   *store.Store
	fake  *slackfake.Server
	key   string
	mail  map[string]*mailServer
	procs map[string]*replica
}

type replica struct {
	id  string
	cmd *exec.Cmd
	out *syncBuffer
}

// channelOf is the triage channel the cluster gives an account.
func channelOf(account string) string { return "C_" + strings.ToUpper(account) }

func newCluster(t *testing.T, kind string, accounts ...string) *cluster {
	t.Helper()
	c := &cluster{t: t, db: storetest.URL(t, kind), fake: newFakeSlack(t), key: newKeyB64(),
		mail: map[string]*mailServer{}, procs: map[string]*replica{}}
	c.reg = openTestStore(t, c.db)
	dir := t.TempDir()
	for _, a := range accounts {
		srv := startMemServer(t)
		c.mail[a] = srv
		pass := filepath.Join(dir, a+".pass")
		if err := os.WriteFile(pass, []byte(srv.pass+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env, out, errb := testEnv(t, c.db, "VTRBOT_SECRET_KEY", c.key)
		if code := run(context.Background(), []string{"account", "add", a, "--marketplaces", "US", "--slack-channel", channelOf(a),
			"--imap-addr", srv.addr, "--imap-username", srv.user, "--imap-password-file", pass, "--imap-tls", "none"}, env); code != 0 {
			t.Fatalf("account add %s: exit %d\n%s%s", a, code, out, errb)
		}
	}
	return c
}

// start starts replica id as a child process; extra are KEY, VALUE pairs.
func (c *cluster) start(id string, extra ...string) *replica {
	c.t.Helper()
	vars := map[string]string{
		"DATABASE_URL": c.db, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": c.fake.URL(), "SLACK_CHANNEL": channelOf("default"),
		"VTRBOT_SECRET_KEY": c.key, "VTRBOT_LEASE": testLease.String(), "VTRBOT_LEASE_RENEW": testRenew.String(),
		"VTRBOT_REPLICA_ID": id, "LOG_LEVEL": "debug",
		// The in-memory IMAP server sends no EXISTS for a mail that comes
		// as an IDLE starts (docs/imap.md); a watcher restarting under a
		// test's faults finds it at the recheck, 2 s here, not 4 min.
		"IMAP_IDLE_RECHECK": "2s",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		vars[extra[i]] = extra[i+1]
	}
	cmd, out := startBotProcess(c.t, vars)
	r := &replica{id: id, cmd: cmd, out: out}
	c.procs[id] = r
	return r
}

// kill9 kills a replica with SIGKILL and waits for it.
func (c *cluster) kill9(r *replica) {
	c.t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		c.t.Fatal(err)
	}
	r.cmd.Wait()
	delete(c.procs, r.id)
}

// leases returns the live leases by account.
func (c *cluster) leases() map[string]store.Lease {
	c.t.Helper()
	ls, err := c.reg.Leases(context.WithoutCancel(c.t.Context()))
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[string]store.Lease{}
	for _, l := range ls {
		if l.Live() {
			out[l.Account] = l
		}
	}
	return out
}

// waitHeld waits until every running replica is live and every account
// (default too) has a live lease held by a running replica, and returns
// the leases.
func (c *cluster) waitHeld(timeout time.Duration) map[string]store.Lease {
	c.t.Helper()
	var ls map[string]store.Lease
	want := len(c.mail) + 1
	eventually(c.t, timeout, func() string {
		return fmt.Sprintf("live leases %v, want %d held by %v", ls, want, slices.Collect(maps.Keys(c.procs)))
	}, func() bool {
		live, err := c.reg.LiveReplicas(context.WithoutCancel(c.t.Context()), testLease)
		if err != nil {
			c.t.Fatal(err)
		}
		for id := range c.procs {
			if !slices.Contains(live, id) {
				return false // not started yet: it would change the picture
			}
		}
		ls = c.leases()
		if len(ls) != want {
			return false
		}
		for _, l := range ls {
			if c.procs[l.Holder] == nil {
				return false
			}
		}
		return true
	})
	return ls
}

// waitSettled is waitHeld, then until the leases stay where they are for
// two renewal intervals (replicas that start together hand accounts over
// as they see each other), and each account's holder watches its mailbox
// and had time to go into IDLE: imapmemserver drops a wake-up that arrives
// before a watcher's first IDLE (idleAgain, docs/imap.md "New mail"), and
// the bot's recheck would find such a mail minutes later.
func (c *cluster) waitSettled(timeout time.Duration) map[string]store.Lease {
	c.t.Helper()
	var ls map[string]store.Lease
	eventually(c.t, timeout, func() string { return fmt.Sprintf("leases %v still moving", ls) }, func() bool {
		ls = c.waitHeld(timeout)
		time.Sleep(2 * testRenew)
		return maps.EqualFunc(ls, c.leases(), func(a, b store.Lease) bool { return a.Holder == b.Holder && a.Epoch == b.Epoch })
	})
	for a := range c.mail {
		waitChildLog(c.t, c.procs[ls[a].Holder], timeout, "msg=watching", "account="+a+" ")
	}
	time.Sleep(200 * time.Millisecond)
	return ls
}

// postsIn returns the posts in channel by outbox key.
func (c *cluster) postsIn(channel string) map[string]int {
	keys := map[string]int{}
	for k, n := range postKeysWhere(c.t, c.fake, func(m slackfake.Message) bool { return m.Channel == channel }) {
		keys[k] = n
	}
	return keys
}

// waitPostsIn waits until channel holds n distinct posts.
func (c *cluster) waitPostsIn(channel string, n int, timeout time.Duration) {
	c.t.Helper()
	got := 0
	eventually(c.t, timeout, func() string { return fmt.Sprintf("%s holds %d posts, want %d", channel, got, n) },
		func() bool { got = len(c.postsIn(channel)); return got >= n })
}

// checkOnce fails unless every post was made once and only in its
// account's channel.
func (c *cluster) checkOnce() {
	c.t.Helper()
	for k, n := range postKeysWhere(c.t, c.fake, func(slackfake.Message) bool { return true }) {
		if n != 1 {
			c.t.Errorf("outbox entry %s posted %d times", k, n)
		}
	}
	channels := map[string]bool{channelOf("default"): true}
	for a := range c.mail {
		channels[channelOf(a)] = true
	}
	for _, p := range c.fake.Posts() {
		if !channels[p.Channel] {
			t := c.t
			t.Errorf("a post in %s, which is no account's channel", p.Channel)
		}
	}
}

// Test 1 of issue 15: three replicas, two accounts; kill -9 the holder of
// one account; a notice appended after the kill is posted exactly once, in
// the account's channel, within 30 s.
func TestReplicas_kill9Holder(t *testing.T) {
	c := newCluster(t, "postgres", "brand_a", "brand_b")
	for _, id := range []string{"r1", "r2", "r3"} {
		c.start(id)
	}
	ls := c.waitSettled(30 * time.Second)
	c.mail["brand_a"].deliver(t, warningMail(1))
	c.mail["brand_b"].deliver(t, warningMail(2))
	c.waitPostsIn(channelOf("brand_a"), 1, 30*time.Second)
	c.waitPostsIn(channelOf("brand_b"), 1, 30*time.Second)

	holder := ls["brand_a"].Holder
	c.kill9(c.procs[holder])
	killed := time.Now()
	c.mail["brand_a"].deliver(t, warningMail(3))
	c.waitPostsIn(channelOf("brand_a"), 2, 30*time.Second)
	t.Logf("posted %v after the kill", time.Since(killed).Round(time.Millisecond))
	after := c.waitHeld(30 * time.Second)
	if after["brand_a"].Holder == holder || after["brand_a"].Epoch <= ls["brand_a"].Epoch {
		t.Errorf("brand_a after the kill: %+v, want another holder with a higher epoch than %+v", after["brand_a"], ls["brand_a"])
	}
	c.checkOnce()
	if n := len(c.postsIn(channelOf("brand_a"))); n != 2 {
		t.Errorf("brand_a's channel holds %d posts, want 2", n)
	}
	if n := len(c.postsIn(channelOf("brand_b"))); n != 1 {
		t.Errorf("brand_b's channel holds %d posts, want 1", n)
	}
}

// Test 2: SIGTERM hands the account over within one renewal interval (of
// the old holder leaving); notices arriving around it are posted once each.
func TestReplicas_sigtermHandsOver(t *testing.T) {
	c := newCluster(t, "postgres", "brand_a")
	c.start("r1")
	c.start("r2")
	ls := c.waitSettled(30 * time.Second)
	old := c.procs[ls["brand_a"].Holder]
	for i := 1; i <= 5; i++ {
		c.mail["brand_a"].deliver(t, warningMail(i))
	}
	if err := old.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i := 6; i <= 10; i++ {
		c.mail["brand_a"].deliver(t, warningMail(i))
	}
	done := make(chan error, 1)
	go func() { done <- old.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the old holder: %v, want exit 0 on SIGTERM\n%s", err, tail(old.out.String(), 30))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the old holder did not exit within 30 s of SIGTERM")
	}
	exited := time.Now()
	delete(c.procs, old.id)
	var took time.Duration
	eventually(t, 10*time.Second, func() string { return "brand_a not taken over" }, func() bool {
		l, ok := c.leases()["brand_a"]
		took = time.Since(exited)
		return ok && l.Holder != old.id
	})
	t.Logf("taken over %v after the old holder exited", took.Round(time.Millisecond))
	// Within one renewal interval: the survivors look at the leases every
	// renewal interval / 4 and claim a released one at once, not at their
	// next tick; half an interval leaves room for a loaded test machine.
	if took > testRenew/2 {
		t.Errorf("taken over %v after the old holder exited, want within half a renewal interval (%v)", took, testRenew/2)
	}
	c.waitPostsIn(channelOf("brand_a"), 10, 30*time.Second)
	time.Sleep(2 * testRenew) // a sender round or two more: nothing more may come
	c.checkOnce()
	if n := len(c.postsIn(channelOf("brand_a"))); n != 10 {
		t.Errorf("brand_a's channel holds %d posts, want 10", n)
	}
}

// Test 6: a replica whose clock is ten minutes off neither steals a lease
// nor keeps one: leases run on the database's clock, deadlines on the
// monotonic clock.
func TestReplicas_clockOffset(t *testing.T) {
	c := newCluster(t, "postgres", "brand_a")
	fast := c.start("r_fast", "VTRBOT_TEST_CLOCK_OFFSET", "10m")
	c.start("r_slow", "VTRBOT_TEST_CLOCK_OFFSET", "-10m")
	// Two accounts (brand_a, default) on two replicas settle at one each,
	// each served by its holder under the lease's epoch (a holder that could
	// not open the account's store in time, the database slow under load,
	// gives the account up, and its lease moves: not what this test is
	// about).
	var ls map[string]store.Lease
	eventually(t, 30*time.Second, func() string { return fmt.Sprintf("leases %v, want one account each, served", ls) }, func() bool {
		ls = c.leases()
		if len(ls) != 2 || ls["brand_a"].Holder == ls["default"].Holder || ls["brand_a"].Holder == "" || ls["default"].Holder == "" {
			return false
		}
		for a, l := range ls {
			r := c.procs[l.Holder]
			if r == nil || !hasLogLine(r, `msg="serving the account"`, "account="+a+" ", fmt.Sprintf("epoch=%d", l.Epoch)) {
				return false
			}
		}
		return true
	})
	// Neither steals: for three lease periods no lease changes hands.
	time.Sleep(3 * testLease)
	now := c.waitHeld(10 * time.Second)
	for a, l := range ls {
		if now[a].Holder != l.Holder || now[a].Epoch != l.Epoch {
			t.Errorf("%s: %+v, then %+v: the lease moved while its holder was alive", a, l, now[a])
		}
	}
	// Neither keeps: the fast-clock replica, paused, loses its lease when
	// it expires on the database's clock, and when it resumes stops the
	// work of that epoch before anything else.
	var held string
	for a, l := range now {
		if l.Holder == fast.id {
			held = a
		}
	}
	if err := fast.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	eventually(t, 3*testLease, func() string { return fmt.Sprintf("leases %v, want %s taken by r_slow", c.leases(), held) }, func() bool {
		return c.leases()[held].Holder == "r_slow"
	})
	if took := time.Since(stopped); took < testLease-testRenew {
		t.Errorf("taken over %v after the holder paused, before its lease (%v) could expire", took, testLease)
	}
	if err := fast.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	waitChildLog(t, fast, 10*time.Second, "stopped serving the account", fmt.Sprintf("epoch=%d", now[held].Epoch))
	c.mail["brand_a"].deliver(t, warningMail(1))
	c.waitPostsIn(channelOf("brand_a"), 1, 30*time.Second)
	time.Sleep(2 * testRenew)
	c.checkOnce()
}

// Test 7: nine accounts over three replicas settle at three each; kill
// one, and its accounts move within two lease periods.
func TestReplicas_spreadAndMove(t *testing.T) {
	var accounts []string
	for i := 1; i <= 8; i++ { // and default: nine
		accounts = append(accounts, fmt.Sprintf("brand_%d", i))
	}
	c := newCluster(t, "postgres", accounts...)
	for _, id := range []string{"r1", "r2", "r3"} {
		c.start(id)
	}
	load := func(ls map[string]store.Lease) map[string]int {
		m := map[string]int{}
		for _, l := range ls {
			m[l.Holder]++
		}
		return m
	}
	var m map[string]int
	eventually(t, 45*time.Second, func() string { return fmt.Sprintf("accounts per replica %v, want 3 ± 1 each", m) }, func() bool {
		ls := c.leases()
		m = load(ls)
		if len(ls) != 9 {
			return false
		}
		for _, id := range []string{"r1", "r2", "r3"} {
			if m[id] < 2 || m[id] > 4 {
				return false
			}
		}
		return true
	})
	// Replicas that start together hand accounts over as they see each
	// other, and a start can fail on a loaded machine: measure the move
	// from a cluster at rest, each worker watching its mailbox.
	m = load(c.waitSettled(45 * time.Second))
	for _, id := range []string{"r1", "r2", "r3"} {
		if m[id] < 2 || m[id] > 4 {
			t.Fatalf("settled at %v, want 3 ± 1 each", m)
		}
	}
	t.Logf("settled: %v", m)
	victim := c.procs["r2"]
	c.kill9(victim)
	killed := time.Now()
	eventually(t, 2*testLease+5*time.Second, func() string { return fmt.Sprintf("accounts per replica %v", load(c.leases())) }, func() bool {
		ls := c.leases()
		return len(ls) == 9 && load(ls)["r2"] == 0
	})
	took := time.Since(killed)
	t.Logf("moved in %v: %v", took.Round(time.Millisecond), load(c.leases()))
	if took > 2*testLease {
		t.Errorf("the killed replica's accounts moved in %v, want within two lease periods (%v)", took, 2*testLease)
	}
}

// TestReplicas_slowOpenKeepsOthers: an account whose store takes long to
// open (here its fence row is locked by another session for three lease
// periods) costs its replica nothing else: the other accounts are served
// at once and none of their leases lapses meanwhile, the slow account's
// lease is renewed while its store opens, and it is served under its first
// epoch once the lock goes. Before start opened stores in the worker's own
// goroutine, the round waited for the open: nothing else was renewed and
// the replica's other workers stopped at their deadlines.
func TestReplicas_slowOpenKeepsOthers(t *testing.T) {
	c := newCluster(t, "postgres", "brand_a", "brand_b")
	admin, err := sql.Open("pgx", c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// The fence row exists (epoch 0, below any lease's), so that the
	// lock below holds TakeFence's upsert.
	if _, err := admin.ExecContext(t.Context(), `INSERT INTO fence (account, epoch) VALUES ('brand_a', 0)`); err != nil {
		t.Fatal(err)
	}
	lock, err := admin.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.ExecContext(t.Context(), `SELECT epoch FROM fence WHERE account = 'brand_a' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	locked := time.Now()
	r := c.start("r1")
	for _, a := range []string{"brand_b", "default"} {
		waitChildLog(t, r, 3*testLease, `msg="serving the account"`, "account="+a+" ")
	}
	time.Sleep(3*testLease - time.Since(locked))
	if hasLogLine(r, `msg="serving the account"`, "account=brand_a ") {
		t.Fatal("brand_a served while its fence row was locked: the lock did not hold its open up")
	}
	lock.Rollback()
	waitChildLog(t, r, 2*testLease, `msg="serving the account"`, "account=brand_a ", "epoch=1 ")
	for _, bad := range []string{"lease not renewed in time", "cannot serve the account", "stopped serving the account"} {
		if hasLogLine(r, bad) {
			t.Errorf("the replica logged %q while one account's store was slow to open", bad)
		}
	}
	ls := c.waitHeld(10 * time.Second)
	for a, l := range ls {
		if l.Epoch != 1 {
			t.Errorf("%s's lease is at epoch %d, want 1: it lapsed once", a, l.Epoch)
		}
	}
}

// TestReplicas_sqliteOneRun: on SQLite one bot run serves every account
// with the same code (leases included); each notice is posted once in its
// account's channel.
func TestReplicas_sqliteOneRun(t *testing.T) {
	c := newCluster(t, "sqlite", "brand_a", "brand_b")
	c.start("solo")
	ls := c.waitHeld(30 * time.Second)
	for a, l := range ls {
		if l.Holder != "solo" {
			t.Errorf("%s held by %q, want solo", a, l.Holder)
		}
	}
	// As idleAgain does: imapmemserver drops a wake-up that arrives before
	// a watcher's first IDLE, or between a mail it handles and the next
	// IDLE (docs/imap.md "New mail").
	solo := c.procs["solo"]
	for _, a := range []string{"brand_a", "brand_b"} {
		waitChildLog(t, solo, 30*time.Second, "msg=watching", "account="+a)
	}
	time.Sleep(200 * time.Millisecond)
	c.mail["brand_a"].deliver(t, warningMail(1))
	c.mail["brand_b"].deliver(t, warningMail(2))
	waitChildLog(t, solo, 30*time.Second, "msg=handled", "account=brand_b", " uid=1 ")
	time.Sleep(200 * time.Millisecond)
	c.mail["brand_b"].deliver(t, warningMail(3))
	c.waitPostsIn(channelOf("brand_a"), 1, 30*time.Second)
	c.waitPostsIn(channelOf("brand_b"), 2, 30*time.Second)
	c.checkOnce()
}

// waitChildLog waits until a child replica's log holds a line with all words.
func waitChildLog(t *testing.T, r *replica, timeout time.Duration, words ...string) {
	t.Helper()
	eventually(t, timeout, func() string { return fmt.Sprintf("no log line of %s with %q", r.id, words) }, func() bool {
		return hasLogLine(r, words...)
	})
}

// hasLogLine reports whether a line of r's log holds all of words.
func hasLogLine(r *replica, words ...string) bool {
	for _, line := range strings.Split(r.out.String(), "\n") {
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			return true
		}
	}
	return false
}

// postKeysWhere counts the posts that match by their outbox key.
func postKeysWhere(t *testing.T, fake *slackfake.Server, match func(slackfake.Message) bool) map[string]int {
	t.Helper()
	keys := map[string]int{}
	for _, p := range fake.Posts() {
		if !match(p) {
			continue
		}
		var md struct {
			Payload struct {
				Key string `json:"key"`
			} `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(p.Form.Get("metadata")), &md); err != nil || md.Payload.Key == "" {
			t.Errorf("post %s carries no outbox key: %q", p.TS, p.Form.Get("metadata"))
			continue
		}
		keys[md.Payload.Key]++
	}
	return keys
}

// withAppName adds application_name to a PostgreSQL URL: the replica's
// connections can then be found in pg_stat_activity.
func withAppName(t *testing.T, db, name string) string {
	t.Helper()
	sep := "?"
	if strings.Contains(db, "?") {
		sep = "&"
	}
	return db + sep + "application_name=" + name
}

// Test 4: pg_terminate_backend of every backend of the leader: it
// reconnects and re-claims or yields cleanly; nothing lost or doubled.
func TestReplicas_terminateBackends(t *testing.T) {
	c := newCluster(t, "postgres", "brand_a")
	for _, id := range []string{"r1", "r2"} {
		c.start(id, "DATABASE_URL", withAppName(t, c.db, id))
	}
	ls := c.waitSettled(30 * time.Second)
	leader := ls["brand_a"].Holder
	for i := 1; i <= 5; i++ {
		c.mail["brand_a"].deliver(t, warningMail(i))
	}
	c.waitPostsIn(channelOf("brand_a"), 5, 30*time.Second)
	// Terminate every backend of the leader, a few times over while
	// mail arrives: its pools reconnect in between.
	admin, err := sql.Open("pgx", c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	terminated := 0
	for i := 6; i <= 10; i++ {
		var n int
		if err := admin.QueryRowContext(t.Context(),
			`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, leader).Scan(&n); err != nil {
			t.Fatal(err)
		}
		terminated += n
		c.mail["brand_a"].deliver(t, warningMail(i))
		time.Sleep(testRenew / 2)
	}
	if terminated == 0 {
		t.Fatalf("no backend of %s found to terminate", leader)
	}
	t.Logf("terminated %d backends of %s", terminated, leader)
	c.waitPostsIn(channelOf("brand_a"), 10, 30*time.Second)
	c.waitHeld(30 * time.Second)
	time.Sleep(2 * testRenew)
	c.checkOnce()
	if n := len(c.postsIn(channelOf("brand_a"))); n != 10 {
		t.Errorf("brand_a's channel holds %d posts, want 10", n)
	}
	for _, r := range c.procs {
		if r.cmd.ProcessState != nil {
			t.Errorf("replica %s exited: %v", r.id, r.cmd.ProcessState)
		}
	}
}

// cutProxy is a TCP proxy to PostgreSQL that can stop forwarding while
// keeping every socket open (a network partition as a replica sees it:
// statements neither answer nor fail). Bytes read while cut are held and
// delivered after heal.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	healed *sync.Cond
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	p.healed = sync.NewCond(&p.mu)
	var conns []net.Conn
	var cmu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			cmu.Lock()
			conns = append(conns, c, s)
			cmu.Unlock()
			go p.pipe(c, s)
			go p.pipe(s, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.heal()
		cmu.Lock()
		for _, c := range conns {
			c.Close()
		}
		cmu.Unlock()
	})
	return p
}

func (p *cutProxy) pipe(from, to net.Conn) {
	defer to.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.cut {
				p.healed.Wait()
			}
			p.mu.Unlock()
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	p.cut = cut
	p.mu.Unlock()
	p.healed.Broadcast()
}

func (p *cutProxy) heal() { p.setCut(false) }

// logTime is the time of the first (or last) line of a replica's log with
// all words.
func logTime(t *testing.T, r *replica, last bool, words ...string) time.Time {
	t.Helper()
	lines := strings.Split(r.out.String(), "\n")
	if last {
		slices.Reverse(lines)
	}
	for _, line := range lines {
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if !all {
			continue
		}
		ts, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "time="), " ")
		at, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			t.Fatalf("log line without a time: %q", line)
		}
		return at
	}
	t.Fatalf("no log line of %s with %q", r.id, words)
	return time.Time{}
}

// Test 3: a replica cut off from PostgreSQL by a proxy that stops
// forwarding (sockets kept open) stops its account's work before its lease
// can expire; the follower takes over; after healing, nothing the old
// leader held back lands over the new leader's work (the checkpoint ends
// at the last mail), and nothing is posted twice.
func TestReplicas_partition(t *testing.T) {
	c := newCluster(t, "postgres", "brand_a")
	u, err := url.Parse(c.db)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startCutProxy(t, u.Host)
	viaProxy := *u
	viaProxy.Host = proxy.ln.Addr().String()
	// Replica IDs such that the proxied replica is the one to serve brand_a.
	cut, direct := "", ""
	for i := 0; cut == ""; i++ {
		p, d := fmt.Sprintf("cut%d", i), fmt.Sprintf("direct%d", i)
		if assignAccounts([]string{"brand_a", "default"}, []string{p, d})["brand_a"] == p {
			cut, direct = p, d
		}
	}
	old := c.start(cut, "DATABASE_URL", viaProxy.String())
	follower := c.start(direct)
	eventually(t, 30*time.Second, func() string { return fmt.Sprintf("leases %v, want brand_a held by %s", c.leases(), cut) }, func() bool {
		c.waitHeld(30 * time.Second)
		return c.leases()["brand_a"].Holder == cut
	})
	before := c.leases()["brand_a"]
	srv := c.mail["brand_a"]
	for i := 1; i <= 3; i++ {
		srv.deliver(t, warningMail(i))
	}
	c.waitPostsIn(channelOf("brand_a"), 3, 30*time.Second)

	proxy.setCut(true)
	srv.deliver(t, warningMail(4))
	eventually(t, 3*testLease, func() string { return fmt.Sprintf("leases %v, want brand_a taken by %s", c.leases(), direct) }, func() bool {
		return c.leases()["brand_a"].Holder == direct
	})
	waitChildLog(t, old, 10*time.Second, "lease not renewed in time", "account=brand_a")
	stopped := logTime(t, old, false, "lease not renewed in time", "account=brand_a")
	taken := []string{`msg="serving the account"`, "account=brand_a", fmt.Sprintf("epoch=%d", c.leases()["brand_a"].Epoch)}
	waitChildLog(t, follower, 10*time.Second, taken...)
	took := logTime(t, follower, true, taken...)
	if !stopped.Before(took) {
		t.Errorf("the cut-off leader stopped brand_a's work at %v, after the follower started it at %v", stopped, took)
	}
	// The follower's catch-up posts mail 4; mail 5 goes in once it idles
	// (the in-memory server drops a wake-up that comes before the first
	// IDLE, as waitSettled says).
	c.waitPostsIn(channelOf("brand_a"), 4, 30*time.Second)
	time.Sleep(200 * time.Millisecond)
	srv.deliver(t, warningMail(5))
	c.waitPostsIn(channelOf("brand_a"), 5, 30*time.Second)

	proxy.heal()
	srv.deliver(t, warningMail(6))
	c.waitPostsIn(channelOf("brand_a"), 6, 30*time.Second)
	c.waitHeld(30 * time.Second)
	time.Sleep(2 * testRenew)
	c.checkOnce()
	if n := len(c.postsIn(channelOf("brand_a"))); n != 6 {
		t.Errorf("brand_a's channel holds %d posts, want 6", n)
	}
	if after := c.leases()["brand_a"]; after.Epoch <= before.Epoch {
		t.Errorf("brand_a's epoch %d after the takeover, want more than %d", after.Epoch, before.Epoch)
	}
	as, err := c.reg.OpenAccount(t.Context(), "brand_a", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	cp, ok, err := as.Checkpoint(t.Context(), srv.account(), "INBOX")
	if err != nil || !ok || cp.LastUID != 6 {
		t.Errorf("brand_a's checkpoint %+v (found %v, %v), want the last mail's UID 6", cp, ok, err)
	}
	// The new holders raised brand_a's fence past the cut-off leader's
	// epoch: a write it still had in flight, carrying that epoch, is refused.
	if err := as.TakeFence(t.Context(), before.Epoch); !errors.Is(err, store.ErrFenced) {
		t.Errorf("a write at the cut-off leader's epoch %d: %v, want store.ErrFenced", before.Epoch, err)
	}
}

// bot run --once with accounts (runonce.go): one run serves every account
// whose lease is free, each notice posted once in its account's channel,
// and releases the leases; an account a running replica holds is left to
// it, lease and all.
func TestRun_onceWithAccounts(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			c := newCluster(t, kind, "brand_a", "brand_b")
			once := func() {
				t.Helper()
				env, out, errb := testEnv(t, c.db, "SLACK_BOT_TOKEN", "xoxb-test", "SLACK_API_URL", c.fake.URL(),
					"SLACK_CHANNEL", channelOf("default"), "VTRBOT_SECRET_KEY", c.key, "VTRBOT_REPLICA_ID", "cron",
					"VTRBOT_LEASE", testLease.String(), "VTRBOT_LEASE_RENEW", testRenew.String())
				if code := run(ctx, []string{"run", "--once"}, env); code != exitOK {
					t.Fatalf("bot run --once: exit %d\n%s%s", code, out, tail(errb.String(), 30))
				}
			}
			posts := func() string {
				return fmt.Sprintf("brand_a %d, brand_b %d, default %d", len(c.postsIn(channelOf("brand_a"))),
					len(c.postsIn(channelOf("brand_b"))), len(c.postsIn(channelOf("default"))))
			}
			steps := []struct {
				name    string
				mail    map[string]int // account: warningMail number delivered before the run
				holdB   bool           // brand_b's lease held by a running replica
				want    string
				wantB   string // brand_b's lease holder after the run
				release bool   // brand_b's holder stops before the step
			}{
				{name: "two accounts' notices, each posted once in its channel", mail: map[string]int{"brand_a": 1, "brand_b": 2},
					want: "brand_a 1, brand_b 1, default 0"},
				{name: "brand_b held elsewhere: left alone", mail: map[string]int{"brand_a": 3, "brand_b": 4}, holdB: true,
					want: "brand_a 2, brand_b 1, default 0", wantB: "daemon"},
				{name: "brand_b released: served", release: true, want: "brand_a 2, brand_b 2, default 0"},
				{name: "nothing new: nothing posted", want: "brand_a 2, brand_b 2, default 0"},
			}
			var held store.Lease
			for _, st := range steps {
				for a, i := range st.mail {
					c.mail[a].deliver(t, warningMail(i))
				}
				if st.holdB {
					l, ok, err := c.reg.ClaimLease(ctx, "brand_b", "daemon", time.Hour)
					if err != nil || !ok {
						t.Fatalf("%s: hold brand_b: %v %v", st.name, ok, err)
					}
					held = l
				}
				if st.release {
					if err := c.reg.ReleaseLease(ctx, "brand_b", "daemon", held.Epoch); err != nil {
						t.Fatal(err)
					}
				}
				once()
				if got := posts(); got != st.want {
					t.Errorf("%s: posts %s, want %s", st.name, got, st.want)
				}
				ls := c.leases()
				for a, l := range ls {
					if a != "brand_b" || l.Holder != st.wantB || l.Epoch != held.Epoch {
						t.Errorf("%s: %s's lease %+v after bot run --once, want it released (brand_b: held by %q)", st.name, a, l, st.wantB)
					}
				}
				if _, ok := ls["brand_b"]; st.wantB != "" && !ok {
					t.Errorf("%s: brand_b's lease no longer held by %s", st.name, st.wantB)
				}
			}
			c.checkOnce()
		})
	}
}
