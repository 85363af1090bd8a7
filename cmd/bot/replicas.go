package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/chart"
	"github.com/vtrbot/vtrbot/commands/slackapp"
	"github.com/vtrbot/vtrbot/imapwatch"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// bot run with accounts in the registry (docs/accounts.md): every replica
// (bot run process) sharing the database heartbeats, works out by a
// rendezvous hash over the live replicas which accounts it should serve,
// claims or renews their leases on the database's clock, and runs one
// worker per held account (mailbox watcher, pipeline, Amazon sync, outbox
// sender) with the account's store fenced on the lease's epoch. A worker is
// stopped before its lease can expire for anyone else: its deadline is
// taken on this process's monotonic clock before the renewal is sent.
// Without accounts in the registry none of this runs: bot run is the
// single-account daemon of run.go, unchanged.

// leaseSettings is how a replica takes part: its ID and lease timings
// (VTRBOT_REPLICA_ID, VTRBOT_LEASE, VTRBOT_LEASE_RENEW).
type leaseSettings struct {
	Replica string
	TTL     time.Duration // how long a claim or renewal holds
	Renew   time.Duration // how often leases are renewed and replicas looked at (0: TTL/5)
}

func setLease(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second {
		return fmt.Errorf("want a duration of at least 1s such as 15s, got %q", v)
	}
	c.Lease.TTL = d
	return nil
}

func setLeaseRenew(c *Config, v string) error {
	c.Lease.Renew = 0
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 100*time.Millisecond {
		return fmt.Errorf("want a duration of at least 100ms such as 3s, got %q", v)
	}
	c.Lease.Renew = d
	return nil
}

// margin is how long before the lease's end (by the local deadline) a
// worker is told to stop: time for its in-flight step to end.
func (c leaseSettings) margin() time.Duration { return c.Renew }

// resolve fills the defaults and checks the timings together.
func (c leaseSettings) resolve() (leaseSettings, error) {
	if c.Renew == 0 {
		c.Renew = c.TTL / 5
	}
	if c.Renew*3 > c.TTL {
		return c, &configError{"VTRBOT_LEASE_RENEW", fmt.Sprintf("%v: want at most a third of VTRBOT_LEASE (%v)", c.Renew, c.TTL)}
	}
	if c.Replica == "" {
		host, _ := os.Hostname()
		c.Replica = fmt.Sprintf("%s:%d:%08x", host, os.Getpid(), rand.Uint32())
	}
	return c, nil
}

// assignAccounts says which replica should serve each account: rendezvous
// hashing with bounded loads. Each account, in name order, goes to the
// replica with the highest hash of (account, replica) among those serving
// fewer than ceil(accounts/replicas). Every replica computes the same
// answer from the same lists; a replica that joins or leaves moves few
// accounts, and no replica serves more than its share (nine accounts on
// three replicas: three each).
func assignAccounts(accounts, replicas []string) map[string]string {
	out := make(map[string]string, len(accounts))
	if len(replicas) == 0 {
		return out
	}
	accounts = slices.Sorted(slices.Values(accounts))
	limit := (len(accounts) + len(replicas) - 1) / len(replicas)
	load := map[string]int{}
	type ranked struct {
		replica string
		score   uint64
	}
	rs := make([]ranked, len(replicas))
	for _, a := range accounts {
		for i, r := range replicas {
			h := sha256.Sum256([]byte(a + "\x00" + r))
			rs[i] = ranked{r, binary.BigEndian.Uint64(h[:8])}
		}
		slices.SortFunc(rs, func(x, y ranked) int {
			if x.score != y.score {
				return cmp.Compare(y.score, x.score)
			}
			return strings.Compare(x.replica, y.replica)
		})
		for _, r := range rs {
			if load[r.replica] < limit {
				out[a] = r.replica
				load[r.replica]++
				break
			}
		}
	}
	return out
}

// supervisor is one replica's lease keeper and worker pool.
type supervisor struct {
	env   *Env
	cfg   *Config // the environment's settings: account default
	reg   *store.Store
	log   *slog.Logger
	lc    leaseSettings
	front *daemon // the Slack app, metrics and HTTP, shared by the workers
	// sender drains the outbox of every account, whoever holds it: any
	// replica posts any account's entries (docs/accounts.md, "Outbox").
	sender *commands.Sender

	mu       sync.Mutex
	accounts map[string]store.Account // the registry, refreshed every round
	workers  map[string]*worker
	backoff  map[string]time.Time // accounts whose worker failed: not claimed again before
	failures map[string]int       // opens failed in a row per account (openBackoff)
	stopping sync.WaitGroup       // stopLater's
}

// worker runs one held account.
type worker struct {
	name   string
	epoch  int64
	cancel context.CancelFunc
	done   chan struct{}

	stopping atomic.Bool // stopLater was called

	mu       sync.Mutex
	deadline time.Time // monotonic: stop before it
	d        *daemon   // nil until the account's store is open
}

func (w *worker) daemon() *daemon {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.d
}

// finished reports whether w's work has ended (an error, or its deadline).
func (w *worker) finished() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (w *worker) setDeadline(t time.Time) {
	w.mu.Lock()
	w.deadline = t
	w.mu.Unlock()
}

func (w *worker) getDeadline() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.deadline
}

// newSupervisor is a replica's lease settings, its Slack app and metrics
// (the front its workers share), and no worker yet.
func newSupervisor(env *Env, cfg *Config, reg *store.Store, log *slog.Logger) (*supervisor, error) {
	lc, err := cfg.Lease.resolve()
	if err != nil {
		return nil, err
	}
	sv := &supervisor{env: env, cfg: cfg, reg: reg, log: log.With("replica", lc.Replica), lc: lc,
		workers: map[string]*worker{}, backoff: map[string]time.Time{}, failures: map[string]int{}}
	front := &daemon{log: log, cfg: cfg, store: reg, cmds: newCommands(env, cfg, reg, chart.History), metrics: newBotMetrics(reg, env.Now)}
	if cfg.SlackBotToken != "" {
		app, err := slackapp.New(slackapp.Config{
			BotToken: string(cfg.SlackBotToken), AppToken: string(cfg.SlackAppToken), SigningSecret: string(cfg.SlackSigningSecret),
			APIURL: cfg.SlackAPIURL, HTTPAddr: cfg.HTTPAddr, Channel: cfg.SlackChannel, TriageChannel: sv.isTriage,
			Dispatch: sv.dispatch, Act: sv.act, Health: reg.Ping, Logger: log, Now: env.Now,
			Metrics: front.metrics.reg, Ready: front.metrics.ready,
		})
		if err != nil {
			return nil, err
		}
		front.app = app
		if cfg.SlackAppToken != "" {
			front.metrics.ready.Want(slackapp.ReadyPart)
		}
	}
	sv.front = front
	sv.sender = commands.NewSender(&commands.Sender{Store: reg, AllAccounts: true, Workers: senderWorkers, Logger: log.With("component", "outbox"),
		Now: env.Now, Post: front.post, Find: front.find, RetryAfter: slackapp.RetryAfter})
	return sv, nil
}

// runReplicas is bot run when the registry has accounts.
func runReplicas(ctx context.Context, env *Env, cfg *Config, reg *store.Store, log *slog.Logger) error {
	sv, err := newSupervisor(env, cfg, reg, log)
	if err != nil {
		return err
	}
	lc, front := sv.lc, sv.front
	sv.log.Info("vtrbot running with several accounts", "database", store.Redacted(cfg.DatabaseURL), "lease", lc.TTL.String(),
		"renew", lc.Renew.String(), "slack_socket_mode", cfg.SlackAppToken != "", "slack_http", cfg.HTTPAddr)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	start := func(name string, f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil && ctx.Err() == nil {
				cancel(fmt.Errorf("%s: %w", name, err))
			}
		})
	}
	// Slack routes a command by the accounts' triage channels: know them
	// before the first command can arrive (each round reads them again).
	if _, err := sv.loadAccounts(ctx); err != nil {
		return fmt.Errorf("list the accounts: %w", err)
	}
	if front.app != nil && cfg.HTTPAddr != "" && cfg.SlackSigningSecret != "" {
		start("http", front.app.ListenAndServe)
	}
	if front.app != nil && cfg.SlackAppToken != "" {
		start("socket mode", front.app.RunSocketMode)
	}
	if cfg.MetricsAddr != "" {
		start("metrics", front.serveMetrics)
	}
	start("outbox", sv.sender.Run)
	sv.loop(ctx)
	cancel(nil)
	wg.Wait()
	if front.app != nil {
		wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		front.app.Wait(wctx)
		wcancel()
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// loop runs rounds every Renew until ctx ends, then stops every worker,
// releases its lease (the next replica takes over at once) and leaves the
// replica list. Between rounds it looks at the leases every Renew/4
// (leaseFreed): a lease that became free (its holder released it on
// SIGTERM, or it expired) starts a round at once, so the replica that
// should serve the account claims it within a fraction of the renewal
// interval instead of at its next tick (docs/accounts.md).
func (sv *supervisor) loop(ctx context.Context) {
	t := time.NewTicker(sv.lc.Renew)
	defer t.Stop()
	poll := time.NewTicker(max(sv.lc.Renew/4, 10*time.Millisecond))
	defer poll.Stop()
	free := map[string]bool{}
	for {
		sv.round(ctx)
		if !sv.nextRound(ctx, t.C, poll.C, free) {
			break
		}
	}
	// Leave the list first: the others then count without this replica
	// and claim each account as soon as it is released.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	if err := sv.reg.RemoveReplica(bg, sv.lc.Replica); err != nil {
		sv.log.Warn("leave the replica list", "error", err)
	}
	cancel()
	sv.stopAll()
}

// nextRound waits for the next round: true at the renewal tick, or as
// soon as a poll finds a lease newly free; false when ctx ends.
func (sv *supervisor) nextRound(ctx context.Context, tick, poll <-chan time.Time, free map[string]bool) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick:
			return true
		case <-poll:
			if sv.leaseFreed(ctx, free) {
				return true
			}
		}
	}
}

// leaseFreed reads the leases and reports whether an account this replica
// does not serve has a lease that became free (released, expired, or never
// claimed) since the last look; free holds the free accounts of that look.
// Only a change counts: an account left free (its replica backing off) does
// not start a round at every poll.
func (sv *supervisor) leaseFreed(ctx context.Context, free map[string]bool) bool {
	pctx, cancel := context.WithTimeout(ctx, sv.lc.Renew)
	ls, err := sv.reg.Leases(pctx)
	cancel()
	if err != nil {
		return false // the round's own statements report the database's trouble
	}
	sv.mu.Lock()
	now := make(map[string]bool, len(sv.accounts))
	for name := range sv.accounts {
		now[name] = true
	}
	sv.mu.Unlock()
	for _, l := range ls {
		if l.Live() {
			delete(now, l.Account)
		}
	}
	freed := false
	for name := range now {
		if !free[name] && sv.worker(name) == nil {
			freed = true
		}
	}
	clear(free)
	maps.Copy(free, now)
	return freed
}

// loadAccounts reads the accounts (the environment's default among them)
// into sv.accounts, which Slack routing reads.
func (sv *supervisor) loadAccounts(ctx context.Context) (map[string]store.Account, error) {
	list, err := sv.reg.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	accounts := map[string]store.Account{store.DefaultAccount: {Name: store.DefaultAccount}}
	for _, a := range list {
		accounts[a.Name] = a
	}
	sv.mu.Lock()
	sv.accounts = accounts
	sv.mu.Unlock()
	return accounts, nil
}

// round is one heartbeat: who is alive, which accounts exist, claim or
// renew the accounts this replica should serve, hand over the others.
func (sv *supervisor) round(ctx context.Context) {
	// A round that hangs (the database unreachable) must not hold up the
	// next: each statement gets at most one renewal interval. The workers'
	// deadlines stop them meanwhile (watch).
	rctx, cancel := context.WithTimeout(ctx, sv.lc.Renew)
	defer cancel()
	if err := sv.reg.Heartbeat(rctx, sv.lc.Replica); err != nil {
		sv.log.Warn("heartbeat failed", "error", oneLine(err))
		return
	}
	live, err := sv.reg.LiveReplicas(rctx, sv.lc.TTL)
	if err != nil {
		sv.log.Warn("list the replicas", "error", oneLine(err))
		return
	}
	if !slices.Contains(live, sv.lc.Replica) {
		live = append(live, sv.lc.Replica)
	}
	accounts, err := sv.loadAccounts(rctx)
	if err != nil {
		sv.log.Warn("list the accounts", "error", oneLine(err))
		return
	}

	names := make([]string, 0, len(accounts))
	for n := range accounts {
		names = append(names, n)
	}
	slices.Sort(names)
	owners := assignAccounts(names, live)
	for _, name := range names {
		if ctx.Err() != nil {
			return
		}
		w := sv.worker(name)
		if w != nil && w.stopping.Load() {
			continue // its work is ending (stopLater); claim again once it is gone
		}
		if w != nil && w.finished() {
			sv.stop(w, true) // failed, or stopped at its deadline: start afresh
			w = nil
		}
		if owners[name] != sv.lc.Replica {
			if w != nil {
				sv.log.Info("handing the account over", "account", name)
				sv.stopLater(w, true)
			}
			continue
		}
		sv.mu.Lock()
		until, wait := sv.backoff[name]
		sv.mu.Unlock()
		if wait && time.Now().Before(until) {
			continue
		}
		sent := time.Now() // before the statement: the lease cannot outlast sent + TTL
		cctx, ccancel := context.WithTimeout(ctx, sv.lc.Renew)
		l, ok, err := sv.reg.ClaimLease(cctx, name, sv.lc.Replica, sv.lc.TTL)
		ccancel()
		switch {
		case err != nil:
			sv.log.Warn("lease claim failed", "account", name, "error", oneLine(err))
			continue // a running worker stops at its deadline
		case !ok:
			if w != nil {
				sv.log.Warn("lease lost", "account", name)
				sv.stopLater(w, false)
			}
			continue
		}
		deadline := sent.Add(sv.lc.TTL - sv.lc.margin())
		if w != nil && w.epoch != l.Epoch {
			sv.log.Warn("lease renewed with a new epoch: restarting the account's worker", "account", name, "epoch", l.Epoch)
			sv.stopLater(w, false)
			continue // the new epoch's worker starts once this one is gone
		}
		if w != nil {
			w.setDeadline(deadline)
			continue
		}
		if time.Now().After(deadline) {
			continue // the answer came too late to use the lease
		}
		sv.start(ctx, accounts[name], l.Epoch, deadline)
	}
	// Accounts removed from the registry.
	sv.mu.Lock()
	var gone []*worker
	for name, w := range sv.workers {
		if _, ok := accounts[name]; !ok {
			gone = append(gone, w)
		}
	}
	sv.mu.Unlock()
	for _, w := range gone {
		sv.stopLater(w, true)
	}
}

func (sv *supervisor) worker(name string) *worker {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.workers[name]
}

// openAccount opens an account's store and settings: default's are the
// environment's. Every account's store is its rows on the registry's
// connections, with a fence of its own (the registry's writes are not
// fenced).
func (sv *supervisor) openAccount(ctx context.Context, a store.Account) (*store.Store, *Config, error) {
	cfg := *sv.cfg
	if a.Name != store.DefaultAccount {
		if err := applyAccount(&cfg, a); err != nil {
			return nil, nil, err
		}
	}
	s, err := sv.reg.OpenAccount(ctx, a.Name, store.Options{Rules: vtr.DefaultRules(cfg.Marketplace)})
	return s, &cfg, err
}

// start serves account a under the lease's epoch: it registers the
// account's worker at once and opens the store in the worker's goroutine.
// Opening an account's store (a connection pool, the schema check, the
// fence) can take seconds on a loaded database, and the round that claimed
// the lease must not wait for it: the other accounts' renewals would wait
// too, and their workers stop at their deadlines (seen in CI: one slow
// open cost a replica its other accounts). Meanwhile the round renews the
// new lease as any other and moves the worker's deadline, which watch
// enforces from the start, the open included.
func (sv *supervisor) start(ctx context.Context, a store.Account, epoch int64, deadline time.Time) {
	wctx, cancel := context.WithCancel(ctx)
	w := &worker{name: a.Name, epoch: epoch, cancel: cancel, done: make(chan struct{}), deadline: deadline}
	sv.mu.Lock()
	sv.workers[a.Name] = w
	sv.mu.Unlock()
	log := sv.log.With("account", a.Name)
	go sv.watch(wctx, w)
	go func() {
		defer close(w.done)
		defer cancel()
		d, err := sv.open(wctx, sv.env, a, epoch, log)
		if err != nil {
			sv.openFailed(ctx, wctx, w, err)
			return
		}
		d.retryEvery = workerRetry
		w.mu.Lock()
		w.d = d
		w.mu.Unlock()
		sv.mu.Lock()
		delete(sv.failures, a.Name)
		sv.mu.Unlock()
		sv.front.metrics.leaseChanges.Inc()
		log.Info("serving the account", "epoch", epoch, "mailbox", d.cfg.IMAPAddr != "", "amazon_sync", d.syncer != nil, "channel", d.cfg.SlackChannel)
		defer d.store.Close()
		if err := d.runAccount(wctx); err != nil && wctx.Err() == nil {
			log.Error("account worker stopped", "error", err)
			if errors.Is(err, imapwatch.ErrAuth) {
				d.alertLoginRefused(ctx, imapError(d.cfg, err))
			}
			sv.mu.Lock()
			sv.backoff[a.Name] = time.Now().Add(time.Minute)
			sv.mu.Unlock()
		}
	}()
}

// open opens account a's store, fences it on epoch and wires its daemon
// (a replica's worker, and bot run --once's catchUp). A configError is
// the account's mailbox settings.
func (sv *supervisor) open(ctx context.Context, env *Env, a store.Account, epoch int64, log *slog.Logger) (*daemon, error) {
	s, cfg, err := sv.openAccount(ctx, a)
	if err != nil {
		return nil, err
	}
	if a.IMAPSecretKind == store.IMAPRefreshToken && cfg.IMAPOAuthRefreshToken != "" {
		cfg.imapRotated = sv.keepRotated(a, log)
	}
	if err := s.TakeFence(ctx, epoch); err != nil {
		s.Close()
		return nil, fmt.Errorf("fence: %w", err)
	}
	if cfg.IMAPAddr != "" {
		if err := cfg.validateIMAP(); err != nil {
			s.Close()
			return nil, err
		}
	}
	d := &daemon{log: log, cfg: cfg, store: s, cmds: newCommands(env, cfg, s, chart.History), metrics: sv.front.metrics, app: sv.front.app,
		sender: sv.sender}
	d.wireAccount(env, true)
	return d, nil
}

// keepRotated returns what keeps account a's IMAP refresh token when its
// mail provider rotates it (imapwatch.OAuth.OnRotate): sealed as bot
// account add seals it, into the account's row if the row still holds the
// token this worker started with or last stored (an operator's bot account
// add meanwhile wins, and so does a newer holder's rotation). Until it is
// stored the new token lives in memory, and the old one in the row keeps
// working where the provider honours it (Microsoft 365: until it expires).
func (sv *supervisor) keepRotated(a store.Account, log *slog.Logger) func(string) {
	stored := a.IMAPSecret
	return func(tok string) {
		box, err := sv.cfg.secretBox("the account's secrets are sealed with it")
		if err != nil {
			log.Error("cannot store the IMAP refresh token the mail provider rotated", "error", oneLine(err))
			return
		}
		sealed, err := box.Seal(tok, secretAD(a.Name, store.ColIMAPSecret))
		if err != nil {
			log.Error("cannot store the IMAP refresh token the mail provider rotated", "error", oneLine(err))
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ok, err := sv.reg.ReplaceIMAPSecret(ctx, a.Name, stored, sealed)
		switch {
		case err != nil:
			log.Error("cannot store the IMAP refresh token the mail provider rotated", "error", oneLine(err))
		case !ok:
			log.Warn("the account's mailbox secret changed meanwhile: the refresh token the mail provider rotated is not stored")
		default:
			stored = sealed
			log.Info("stored the IMAP refresh token the mail provider rotated (sealed)")
		}
	}
}

// openFailed ends worker w whose store did not open. When w was stopped
// meanwhile (handed over, or its deadline passed) that is the reason and
// the round goes on as for any stopped worker. Otherwise the account is
// given up for openBackoff: its lease released so that nothing waits on
// it, w forgotten, and the round claims it again after the pause (a
// database that was only slow costs one renewal interval; settings that
// cannot work are retried at most once a minute).
func (sv *supervisor) openFailed(ctx, wctx context.Context, w *worker, err error) {
	if wctx.Err() != nil {
		return
	}
	sv.mu.Lock()
	sv.failures[w.name]++
	wait := openBackoff(sv.lc.Renew, sv.failures[w.name])
	sv.backoff[w.name] = time.Now().Add(wait)
	if sv.workers[w.name] == w {
		delete(sv.workers, w.name)
	}
	sv.mu.Unlock()
	sv.log.Error("cannot serve the account; trying again later", "account", w.name, "retry_in", wait.String(), "error", oneLine(err))
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), max(sv.lc.Renew, time.Second))
	if err := sv.reg.ReleaseLease(rctx, w.name, sv.lc.Replica, w.epoch); err != nil {
		sv.log.Warn("release the lease", "account", w.name, "error", oneLine(err))
	}
	rcancel()
}

// openBackoff is the pause after the n-th open of an account failed in a
// row: one renewal interval, doubling, at most a minute.
func openBackoff(renew time.Duration, n int) time.Duration {
	d := renew
	for i := 1; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}

// watch cancels w when its local deadline passes: the lease was not
// renewed in time (the database slow or unreachable, this process paused),
// so another replica may take the account soon.
func (sv *supervisor) watch(ctx context.Context, w *worker) {
	tick := max(sv.lc.Renew/10, 10*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if time.Now().After(w.getDeadline()) {
				sv.log.Warn("lease not renewed in time: stopping the account's work", "account", w.name, "epoch", w.epoch)
				w.cancel()
				return
			}
		}
	}
}

// stop cancels w, waits for its in-flight work, forgets it, and (release)
// gives its lease up so the next replica takes over at once.
func (sv *supervisor) stop(w *worker, release bool) {
	w.cancel()
	<-w.done
	sv.mu.Lock()
	if sv.workers[w.name] == w {
		delete(sv.workers, w.name)
	}
	sv.mu.Unlock()
	if release {
		ctx, cancel := context.WithTimeout(context.Background(), max(sv.lc.Renew, time.Second))
		if err := sv.reg.ReleaseLease(ctx, w.name, sv.lc.Replica, w.epoch); err != nil {
			sv.log.Warn("release the lease", "account", w.name, "error", oneLine(err))
		}
		cancel()
	}
	sv.log.Info("stopped serving the account", "account", w.name, "epoch", w.epoch)
}

// stopLater stops w in the background: a worker finishing a post (up to
// 15 s while Slack is slow) must not hold up the renewal of the others.
// The account is not claimed again by this replica until w is gone.
func (sv *supervisor) stopLater(w *worker, release bool) {
	if w.stopping.Swap(true) {
		return
	}
	w.cancel()
	sv.stopping.Go(func() { sv.stop(w, release) })
}

// stopAll stops every worker at once and releases their leases (SIGTERM).
func (sv *supervisor) stopAll() {
	defer sv.stopping.Wait()
	sv.mu.Lock()
	ws := make([]*worker, 0, len(sv.workers))
	for _, w := range sv.workers {
		ws = append(ws, w)
	}
	sv.mu.Unlock()
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() { sv.stop(w, true) })
	}
	wg.Wait()
}

// senderWorkers is how many posts a replica's sender of every account's
// outbox sends at once: a post Slack is slow to answer (up to 15 s) holds
// up one worker, not every account's posts. The pool (8 connections)
// bounds it too.
const senderWorkers = 4

// workerRetry is how often an account's worker retries the notices whose
// pipeline failed part-way: sooner than the single-account daemon (every
// minute), because a replica keeps an account only while it holds its
// lease, and a connection broken under it (a failover, a terminated
// backend) should not delay a notice by a minute. Five attempts
// (commands.MaxNoticeAttempts) still span more than a minute.
const workerRetry = 15 * time.Second

// runAccount runs one account's parts until ctx ends (runParts, without
// the Slack edge and metrics listener, which the replica's front owns).
func (d *daemon) runAccount(ctx context.Context) error { return d.runParts(ctx, nil) }

// Slack routing: a command in an account's triage channel acts on that
// account; anywhere else it needs --account NAME when there are several.

// accountFor finds the account a command in channel is for; text is the
// command with --account NAME taken out. The error is the reply.
func (sv *supervisor) accountFor(channel, text string) (store.Account, string, string) {
	sv.mu.Lock()
	accounts := sv.accounts
	sv.mu.Unlock()
	names := make([]string, 0, len(accounts))
	for n := range accounts {
		names = append(names, n)
	}
	slices.Sort(names)
	fields := strings.Fields(text)
	for i, f := range fields {
		var name string
		switch {
		case f == "--account" && i+1 < len(fields):
			name = fields[i+1]
			fields = slices.Delete(fields, i, i+2)
		case strings.HasPrefix(f, "--account="):
			name = strings.TrimPrefix(f, "--account=")
			fields = slices.Delete(fields, i, i+1)
		default:
			continue
		}
		a, ok := accounts[name]
		if !ok {
			return a, "", fmt.Sprintf("No account %q. Accounts: %s.", name, strings.Join(names, ", "))
		}
		return a, strings.Join(fields, " "), ""
	}
	for _, n := range names {
		if sv.channelOf(accounts[n]) == channel && channel != "" {
			return accounts[n], text, ""
		}
	}
	return store.Account{}, "", fmt.Sprintf("This channel is no account's triage channel, and this bot serves several accounts: add --account NAME (%s).",
		strings.Join(names, ", "))
}

func (sv *supervisor) channelOf(a store.Account) string {
	if a.Name == store.DefaultAccount {
		return sv.cfg.SlackChannel
	}
	return a.SlackChannel
}

// isTriage reports whether channel is an account's triage channel.
func (sv *supervisor) isTriage(channel string) bool {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	for _, a := range sv.accounts {
		if c := sv.channelOf(a); c != "" && c == channel {
			return true
		}
	}
	return false
}

// allowedFor applies the account's SLACK_ALLOWED_USERS and
// SLACK_ALLOWED_CHANNELS (bot account add --slack-allowed-*).
func (sv *supervisor) allowedFor(a store.Account, user, channel string) bool {
	users, channels := sv.cfg.SlackAllowedUsers, sv.cfg.SlackAllowedChannels
	if a.Name != store.DefaultAccount {
		users, channels = splitList(a.SlackAllowedUsers), splitList(a.SlackAllowedChannels)
	}
	return (len(users) == 0 || slices.Contains(users, user)) && (len(channels) == 0 || slices.Contains(channels, channel))
}

// refusalText is what users outside an account's allowed lists see (the
// same words as slackapp's).
const refusalText = "Sorry, vtrbot is not enabled for you here. Ask its admin to add your user or this channel."

// withAccount runs f on the commands of account a: the held worker's, or
// else the account's store opened for the request.
func (sv *supervisor) withAccount(ctx context.Context, a store.Account, f func(*commands.Commands)) error {
	if a.Name == store.DefaultAccount {
		f(sv.front.cmds)
		return nil
	}
	if w := sv.worker(a.Name); w != nil {
		if d := w.daemon(); d != nil {
			f(d.cmds)
			return nil
		}
	}
	cfg := *sv.cfg
	if err := applyAccount(&cfg, a); err != nil {
		return err
	}
	s, err := sv.reg.OpenAccount(ctx, a.Name, store.Options{Rules: vtr.DefaultRules(cfg.Marketplace)})
	if err != nil {
		return err
	}
	defer s.Close()
	f(newCommands(sv.env, &cfg, s, chart.History))
	return nil
}

func (sv *supervisor) dispatch(ctx context.Context, req commands.Request) commands.Reply {
	a, text, problem := sv.accountFor(req.Channel, req.Text)
	if problem != "" {
		return commands.Reply{Text: problem, Ephemeral: true}
	}
	if !sv.allowedFor(a, req.User, req.Channel) {
		return commands.Reply{Text: refusalText, Ephemeral: true}
	}
	req.Text = text
	var r commands.Reply
	if err := sv.withAccount(ctx, a, func(c *commands.Commands) { r = c.Dispatch(ctx, req) }); err != nil {
		sv.log.Error("open the account for a command", "account", a.Name, "error", err)
		return commands.Reply{Text: "Sorry, something went wrong on vtrbot's side. The details are in its log.", Ephemeral: true}
	}
	return r
}

// act routes a button click by the channel of the clicked message.
func (sv *supervisor) act(ctx context.Context, act commands.Action) (commands.ActionResult, error) {
	a, _, problem := sv.accountFor(act.Channel, "")
	if problem != "" {
		return commands.ActionResult{Respond: &commands.Reply{Text: problem, Ephemeral: true}}, nil
	}
	if !sv.allowedFor(a, act.User, act.Channel) {
		return commands.ActionResult{Respond: &commands.Reply{Text: refusalText, Ephemeral: true}}, nil
	}
	var res commands.ActionResult
	var aerr error
	if err := sv.withAccount(ctx, a, func(c *commands.Commands) { res, aerr = c.Act(ctx, act) }); err != nil {
		return res, err
	}
	return res, aerr
}

// hasAccounts reports whether the database exists and has accounts in its
// registry (then bot run has work without the environment's mailbox or
// Slack settings). It creates nothing.
func hasAccounts(ctx context.Context, cfg *Config) bool {
	s, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Existing: true})
	if err != nil {
		return false
	}
	defer s.Close()
	as, err := s.Accounts(ctx)
	return err == nil && len(as) > 0
}

// testClockOffset applies VTRBOT_TEST_CLOCK_OFFSET (a Go duration, for
// tests only: docs/accounts.md) to the process's wall clock as the bot
// reads it, to show that a replica whose clock is off neither steals nor
// keeps a lease: leases run on the database's clock and on the monotonic
// clock, never on this one.
func testClockOffset(env *Env) error {
	v, ok := env.Getenv("VTRBOT_TEST_CLOCK_OFFSET")
	if !ok || v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return &configError{"VTRBOT_TEST_CLOCK_OFFSET", fmt.Sprintf("want a Go duration such as 10m or -10m, got %q", v)}
	}
	now := env.Now
	env.Now = func() time.Time { return now().Add(d) }
	return nil
}
