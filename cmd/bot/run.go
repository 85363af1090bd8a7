package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/chart"
	"github.com/vtrbot/vtrbot/commands/slackapp"
	"github.com/vtrbot/vtrbot/imapwatch"
	"github.com/vtrbot/vtrbot/obs"
	"github.com/vtrbot/vtrbot/store"
)

func cmdRun(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "run", "[--once]",
		"The daemon: watches the mailbox (IMAP IDLE), stores, parses and reconciles every Amazon notice, posts one\ntriage message per notice to SLACK_CHANNEL (retrying while Slack is down), and serves /vtr over Socket Mode\n(SLACK_APP_TOKEN) and/or HTTP (SLACK_SIGNING_SECRET + HTTP_ADDR). /metrics, /healthz and /readyz are served on\nHTTP_ADDR and on METRICS_ADDR. SIGTERM finishes in-flight work and exits; a refused mailbox login exits 2 after\none alert to SLACK_CHANNEL. With accounts (bot account), every bot run on the database is a replica that serves\nits share of them, each account's mailbox, sync and posts on one replica at a time (VTRBOT_LEASE; docs/accounts.md).")
	applyDB := registryDBFlag(fs) // bot run serves the environment's account (accountflag.go)
	once := fs.Bool("once", false, "catch up with the mailbox, finish pending work and posts, and exit (for cron); with accounts,\neach account whose lease no running replica holds, in turn")
	if _, err := parseFlags(fs, args); err != nil {
		return exitCode(env, err)
	}
	cfg, err := setup(env, applyDB)
	if err != nil {
		return exitCode(env, err)
	}
	if cfg.IMAPAddr != "" {
		if err := cfg.validateIMAP(); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
	}
	if err := cfg.validateSlack(); err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	if err := cfg.validateDigest(); err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	if cfg.SPAPI.RefreshToken != "" {
		if err := cfg.validateSPAPI(); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
	}
	if cfg.IMAPAddr == "" && cfg.SlackBotToken == "" && cfg.SPAPI.RefreshToken == "" && !hasAccounts(ctx, cfg) {
		fmt.Fprintln(env.Stderr, "IMAP_ADDR: not set, and no Slack settings either: bot run has nothing to do (see .env.example, or try bot demo)")
		return exitConfig
	}
	if err := testClockOffset(env); err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	log := newLogger(env, cfg)
	if accounts, err := s.Accounts(ctx); err != nil {
		return fail(env, err)
	} else if len(accounts) > 0 {
		// Accounts in the registry: every replica serves the accounts whose
		// leases it holds (replicas.go).
		if *once {
			return runReplicasOnce(ctx, env, cfg, s, log) // runonce.go
		}
		if err := runReplicas(ctx, env, cfg, s, log); err != nil {
			var ce *configError
			if errors.As(err, &ce) {
				fmt.Fprintln(env.Stderr, err)
				return exitConfig
			}
			log.Error("vtrbot stopped", "error", err)
			return exitFail
		}
		log.Info("vtrbot stopped")
		return exitOK
	}
	d, err := newDaemon(env, cfg, s, log)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	if *once {
		return d.once(ctx, env)
	}
	log.Info("vtrbot running", "database", store.Redacted(cfg.DatabaseURL), "mailbox", cfg.IMAPAddr != "", "amazon_sync", d.syncer != nil,
		"slack_socket_mode", cfg.SlackAppToken != "", "slack_http", cfg.HTTPAddr)
	if err := d.run(ctx); err != nil {
		var ce *imapwatch.ConfigError
		if errors.As(err, &ce) || errors.Is(err, imapwatch.ErrAuth) {
			fmt.Fprintln(env.Stderr, imapError(d.cfg, err))
			if errors.Is(err, imapwatch.ErrAuth) {
				d.alertLoginRefused(ctx, imapError(d.cfg, err))
			}
			return exitConfig
		}
		log.Error("vtrbot stopped", "error", err)
		return exitFail
	}
	log.Info("vtrbot stopped")
	return exitOK
}

// daemon is bot run's parts: the watcher feeds the pipeline, the pipeline
// queues posts, the sender delivers them, and the Slack app answers /vtr.
type daemon struct {
	log      *slog.Logger
	cmds     *commands.Commands
	pipeline *commands.Pipeline
	sender   *commands.Sender
	watcher  *imapwatch.Watcher // nil without IMAP_ADDR
	app      *slackapp.App      // nil without SLACK_BOT_TOKEN
	syncer   *commands.Syncer   // nil without SPAPI_REFRESH_TOKEN (sync.go)
	digest   *commands.Digest   // nil without DIGEST_AT (digest.go)
	cfg      *Config
	store    *store.Store
	metrics  *botMetrics
	// retryEvery is how often retryLoop runs (0: every minute).
	retryEvery time.Duration
}

func newDaemon(env *Env, cfg *Config, s *store.Store, log *slog.Logger) (*daemon, error) {
	d := &daemon{log: log, cfg: cfg, store: s, cmds: newCommands(env, cfg, s, chart.History), metrics: newBotMetrics(s, env.Now)}
	if cfg.SlackBotToken != "" {
		app, err := slackapp.New(slackapp.Config{
			BotToken: string(cfg.SlackBotToken), AppToken: string(cfg.SlackAppToken), SigningSecret: string(cfg.SlackSigningSecret),
			APIURL: cfg.SlackAPIURL, HTTPAddr: cfg.HTTPAddr, Channel: cfg.SlackChannel,
			AllowedUsers: cfg.SlackAllowedUsers, AllowedChannels: cfg.SlackAllowedChannels,
			Dispatch: d.cmds.Dispatch, Act: d.cmds.Act, Health: s.Ping, Logger: log, Now: env.Now,
			Metrics: d.metrics.reg, Ready: d.metrics.ready,
		})
		if err != nil {
			return nil, err
		}
		d.app = app
	}
	d.wireAccount(env, false)
	if d.app != nil && cfg.SlackAppToken != "" {
		d.metrics.ready.Want(slackapp.ReadyPart)
	}
	return d, nil
}

// wireAccount builds the parts that serve one account's data: the
// pipeline, the sender of its outbox, its mailbox watcher and Amazon sync.
// A worker of a replica serving several accounts (replicas.go) shares the
// Slack app and the metrics with the others, which are registered once,
// and the replica's sender of every account's outbox (set in d.sender
// before).
func (d *daemon) wireAccount(env *Env, worker bool) {
	if d.sender == nil {
		d.sender = commands.NewSender(&commands.Sender{Store: d.store, Logger: d.log.With("component", "outbox"), Now: env.Now,
			Post: d.post, Find: d.find, RetryAfter: slackapp.RetryAfter})
	}
	d.pipeline = &commands.Pipeline{Cmds: d.cmds, Queued: d.sender.Wake, Parse: d.cfg.noticeOptions().ParseBytes}
	if d.app != nil {
		d.pipeline.Channel = d.cfg.SlackChannel
	}
	if d.cfg.IMAPAddr != "" {
		d.watcher = newWatcher(env, d.cfg, d.store, d.pipeline, d.log)
		d.watcher.Connected = d.metrics.connected
		d.watcher.Handle = func(ctx context.Context, m imapwatch.Message) error {
			id, created, err := d.pipeline.Receive(ctx, store.Mail{Account: m.Account, Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID, Raw: m.Raw, Source: "imap"})
			d.metrics.received(id, created, err)
			return err
		}
		if !worker {
			d.metrics.ready.Want(readyMailbox)
		}
		if o := d.watcher.OAuth; o != nil && !worker {
			d.metrics.reg.CounterFunc("vtrbot_imap_oauth_tokens_total", "OAuth access tokens fetched for the mailbox (one per renewal).", func() int64 { return int64(o.Fetches()) })
		}
	}
	if d.cfg.SPAPI.RefreshToken != "" {
		d.syncer = newSyncer(env, d.cfg, d.store, d.log)
		d.metrics.countSync(d.syncer)
	}
	d.digest = newDigest(env, d.cfg, d.cmds, d.sender.Wake, d.log)
}

// post sends one outbox entry; without Slack it fails, so posts stay queued
// until Slack is configured.
func (d *daemon) post(ctx context.Context, channel, threadTS string, r commands.Reply) (string, error) {
	if d.app == nil {
		return "", errors.New("slack is not configured (SLACK_BOT_TOKEN)")
	}
	ts, err := d.app.Post(ctx, channel, threadTS, r)
	d.metrics.posted(err)
	return ts, err
}

func (d *daemon) find(ctx context.Context, channel, threadTS, key string, since time.Time) (string, error) {
	if d.app == nil {
		return "", commands.ErrCannotFind
	}
	return d.app.Find(ctx, channel, threadTS, key, since)
}

// newWatcher wires the IMAP watcher to the pipeline and the store's checkpoints.
func newWatcher(env *Env, cfg *Config, s *store.Store, p *commands.Pipeline, log *slog.Logger) *imapwatch.Watcher {
	w := &imapwatch.Watcher{Config: imapConfig(cfg, env, log)}
	w.Handle = func(ctx context.Context, m imapwatch.Message) error {
		_, _, err := p.Receive(ctx, store.Mail{Account: m.Account, Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID, Raw: m.Raw, Source: "imap"})
		return err
	}
	w.Resume = func(ctx context.Context, account, mailbox string) (imapwatch.Checkpoint, bool, error) {
		cp, ok, err := s.Checkpoint(ctx, account, mailbox)
		return imapwatch.Checkpoint{UIDValidity: cp.UIDValidity, LastUID: cp.LastUID}, ok, err
	}
	w.MoveIf = func(m imapwatch.Message) bool { return commands.Relevant(m.Raw) }
	return w
}

// run starts every part; the first fatal error stops the others. Intake
// stops first (IMAP, HTTP), in-flight work finishes, the store closes last
// (in cmdRun).
func (d *daemon) run(ctx context.Context) error {
	err := d.runParts(ctx, func(start func(string, func(context.Context) error)) {
		if d.app != nil && d.cfg.HTTPAddr != "" && d.cfg.SlackSigningSecret != "" {
			start("http", d.app.ListenAndServe)
		}
		if d.app != nil && d.cfg.SlackAppToken != "" {
			start("socket mode", d.app.RunSocketMode)
		}
		if d.cfg.MetricsAddr != "" {
			start("metrics", d.serveMetrics)
		}
	})
	if d.app != nil {
		wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		d.app.Wait(wctx)
		wcancel()
	}
	return err
}

// runParts runs one account's parts until ctx ends or one fails: pending
// pipeline work first, then the sender, the retry loop, the watcher, the
// Amazon sync, the digest, and whatever front adds (the Slack edge and the
// metrics listener of the process that owns them). The first fatal error
// stops the others and is returned.
func (d *daemon) runParts(ctx context.Context, front func(start func(string, func(context.Context) error))) error {
	if err := d.pipeline.Drain(ctx); err != nil {
		return err
	}
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
	if !d.sender.AllAccounts { // else the replica runs it (replicas.go)
		start("outbox", d.sender.Run)
	}
	start("pipeline", d.retryLoop)
	if d.watcher != nil {
		start("imap", d.watcher.Run)
	}
	if d.syncer != nil {
		start("amazon sync", d.syncLoop)
	}
	if d.digest != nil {
		start("digest", d.digest.Run)
	}
	if front != nil {
		front(start)
	}
	<-ctx.Done()
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// serveMetrics serves /metrics, /healthz and /readyz on METRICS_ADDR.
func (d *daemon) serveMetrics(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", d.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("METRICS_ADDR: %w", err)
	}
	return obs.Serve(ctx, ln, obs.Handler(d.metrics.reg, d.store.Ping, d.metrics.ready, d.log), d.log)
}

// retryLoop finishes notices whose pipeline failed part-way (e.g. the
// database was briefly unavailable), every minute (retryEvery).
func (d *daemon) retryLoop(ctx context.Context) error {
	every := d.retryEvery
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := d.pipeline.Drain(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("pipeline retry", "error", err)
			}
		}
	}
}

// once catches up and exits (bot run --once).
func (d *daemon) once(ctx context.Context, env *Env) int {
	if d.watcher != nil {
		if err := d.watcher.Once(ctx); err != nil {
			fmt.Fprintln(env.Stderr, imapError(d.cfg, err))
			var ce *imapwatch.ConfigError
			if errors.As(err, &ce) || errors.Is(err, imapwatch.ErrAuth) {
				return exitConfig
			}
			return exitFail
		}
	}
	code := exitOK
	if d.syncer != nil {
		if err := d.syncOnce(ctx); err != nil {
			fmt.Fprintln(env.Stderr, syncError(err))
			code = exitFail
		}
	}
	if err := d.pipeline.Drain(ctx); err != nil {
		return fail(env, err)
	}
	if d.app != nil {
		n, err := d.sender.SendDue(ctx)
		if err != nil {
			return fail(env, err)
		}
		d.log.Info("caught up", "posted", n)
	}
	return code
}

// imapError is the one line a user sees for a mailbox problem: it names
// the environment variable to fix, or for an account of the registry the
// bot account add flag.
func imapError(cfg *Config, err error) string {
	var ce *imapwatch.ConfigError
	var te *imapwatch.TokenError
	switch {
	case errors.As(err, &ce):
		return imapVar(ce.Field) + ": " + ce.Msg
	case errors.As(err, &te) && te.Code == "invalid_grant" && cfg.account != "":
		return "the mailbox's OAuth refresh token was refused: " + te.Error() + "; it was revoked or has expired: get a new one and give it with bot account add " +
			cfg.account + " --imap-oauth-refresh-token-file FILE (docs/imap.md)"
	case errors.As(err, &te):
		return tokenErrorLine(te)
	case errors.Is(err, imapwatch.ErrAuth) && cfg.account != "":
		return "the mailbox refused the login of " + cfg.IMAPUsername + ": check the account's mailbox with bot account show " + cfg.account +
			", and give its secret again with bot account add " + cfg.account + " --imap-password-file FILE (or --imap-oauth-refresh-token-file)"
	case errors.Is(err, imapwatch.ErrAuth):
		return "IMAP_PASSWORD: the mailbox refused the login (check IMAP_USERNAME and IMAP_PASSWORD, or IMAP_TOKEN)"
	}
	return "mailbox: " + oneLine(err)
}
