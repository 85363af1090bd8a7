package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/vtrbot/vtrbot/store"
)

// bot run --once with accounts in the registry (docs/accounts.md, "bot run
// --once"): one round over the accounts, each served as a replica's worker
// would be but only until it has caught up.

// runReplicasOnce is bot run --once when the registry has accounts. For
// each account in name order (default among them) it claims the account's
// lease; an account another replica holds is skipped (that replica serves
// it). A claimed account's store is fenced on the lease's epoch, its
// mailbox and Amazon sync caught up, its pending notices finished and its
// outbox drained, as bot run --once does for one account, and its lease
// released. Meanwhile the lease is renewed every VTRBOT_LEASE_RENEW and
// the account's work stops at its local deadline should the renewals fail,
// as a replica's worker does. It sends no heartbeat: the running replicas
// do not count it when they share the accounts out. The exit code is the
// first failed account's (its error on stderr, after its name), the other
// accounts served all the same; else exitOK.
func runReplicasOnce(ctx context.Context, env *Env, cfg *Config, reg *store.Store, log *slog.Logger) int {
	sv, err := newSupervisor(env, cfg, reg, log)
	if err != nil {
		var ce *configError
		if errors.As(err, &ce) {
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
		return fail(env, err)
	}
	accounts, err := sv.loadAccounts(ctx)
	if err != nil {
		return fail(env, err)
	}
	code := exitOK
	var served, others []string // others: held by another replica, or the claim failed
	for _, name := range slices.Sorted(maps.Keys(accounts)) {
		if ctx.Err() != nil {
			break
		}
		c, ok := sv.onceAccount(ctx, accounts[name])
		if c != exitOK && code == exitOK {
			code = c
		}
		if ok {
			served = append(served, name)
		} else {
			others = append(others, name)
		}
	}
	sv.log.Info("caught up with the accounts", "served", served, "not_served", others)
	return code
}

// onceAccount serves account a once (runReplicasOnce) and returns the exit
// code of its work and whether this process held its lease.
func (sv *supervisor) onceAccount(ctx context.Context, a store.Account) (int, bool) {
	env := *sv.env
	env.Stderr = &linePrefixer{w: sv.env.Stderr, prefix: "account " + a.Name + ": "}
	log := sv.log.With("account", a.Name)
	sent := time.Now() // before the statement: the lease cannot outlast sent + TTL
	l, ok, err := sv.reg.ClaimLease(ctx, a.Name, sv.lc.Replica, sv.lc.TTL)
	if err != nil {
		return fail(&env, err), false
	}
	if !ok {
		log.Info("the account's lease is held by another replica, which serves it: skipped")
		return exitOK, false
	}
	wctx, cancel := context.WithCancel(ctx)
	w := &worker{name: a.Name, epoch: l.Epoch, cancel: cancel, done: make(chan struct{}), deadline: sent.Add(sv.lc.TTL - sv.lc.margin())}
	var wg sync.WaitGroup
	wg.Go(func() { sv.watch(wctx, w) })
	wg.Go(func() { sv.keep(wctx, w) })
	code := sv.catchUp(wctx, &env, a, l.Epoch, log)
	if wctx.Err() != nil && ctx.Err() == nil {
		fmt.Fprintln(env.Stderr, "the account's lease was lost before its work ended (another replica takes over)")
		code = exitFail
	}
	cancel()
	wg.Wait()
	close(w.done)
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), max(sv.lc.Renew, time.Second))
	if err := sv.reg.ReleaseLease(rctx, a.Name, sv.lc.Replica, l.Epoch); err != nil {
		log.Warn("release the lease", "error", oneLine(err))
	}
	rcancel()
	return code, true
}

// catchUp opens account a's store fenced on epoch and runs bot run
// --once's work on it (daemon.once).
func (sv *supervisor) catchUp(ctx context.Context, env *Env, a store.Account, epoch int64, log *slog.Logger) int {
	d, err := sv.open(ctx, env, a, epoch, log)
	if err != nil {
		var ce *configError
		if errors.As(err, &ce) {
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
		return fail(env, err)
	}
	defer d.store.Close()
	log.Info("catching up with the account", "epoch", epoch, "mailbox", d.cfg.IMAPAddr != "", "amazon_sync", d.syncer != nil, "channel", d.cfg.SlackChannel)
	return d.once(ctx, env)
}

// keep renews w's lease every renewal interval and moves its local
// deadline; a lease refused, or claimed again with a new epoch (it had
// expired), stops w's work at once. A renewal that fails leaves the
// deadline where it was (watch stops the work there).
func (sv *supervisor) keep(ctx context.Context, w *worker) {
	t := time.NewTicker(sv.lc.Renew)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent := time.Now()
		cctx, cancel := context.WithTimeout(ctx, sv.lc.Renew)
		l, ok, err := sv.reg.ClaimLease(cctx, w.name, sv.lc.Replica, sv.lc.TTL)
		cancel()
		switch {
		case err != nil:
			if ctx.Err() == nil {
				sv.log.Warn("lease renewal failed", "account", w.name, "error", oneLine(err))
			}
		case !ok || l.Epoch != w.epoch:
			sv.log.Warn("lease lost", "account", w.name, "epoch", w.epoch)
			w.cancel()
			return
		default:
			w.setDeadline(sent.Add(sv.lc.TTL - sv.lc.margin()))
		}
	}
}

// linePrefixer writes every line that goes through it after prefix.
type linePrefixer struct {
	w      io.Writer
	prefix string
	mid    bool // within a line
}

func (p *linePrefixer) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if !p.mid {
			if _, err := io.WriteString(p.w, p.prefix); err != nil {
				return 0, err
			}
		}
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line = b[:i+1]
		}
		if _, err := p.w.Write(line); err != nil {
			return 0, err
		}
		p.mid = line[len(line)-1] != '\n'
		b = b[len(line):]
	}
	return n, nil
}
