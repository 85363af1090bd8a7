package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/store"
)

func cmdSync(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "sync", "[--since DAYS] [--report]",
		"One pass against Amazon's Selling Partner API, per marketplace of SPAPI_MARKETPLACES: the orders and packages\n"+
			"updated since the last pass (the first looks back SPAPI_SINCE days), a page per transaction, so a pass\n"+
			"stopped mid-way (Ctrl-C, a crash, a kill) resumes where it stopped when run again; then Amazon's\n"+
			"seller-performance report (its own Valid Tracking Rate), at most once a day, waiting for it.\n"+
			"Amazon's rate limit makes a first pass over many orders slow (after the first 20 pages of 100 orders, one\n"+
			"page per 3 minutes: 10,000 orders take about 4 hours). Progress goes to stderr, what changed to stdout.\n"+
			"Exit 0; 1 on failure (credentials refused, report failed); 2 on bad configuration.")
	applyDB := dbFlag(fs)
	since := fs.Int("since", 0, "look back this many days, 1 to 730: starts a new pass (a stopped one is not resumed) and overrides the last pass's end and SPAPI_SINCE")
	report := fs.Bool("report", false, "ask Amazon for a seller-performance report even if one was asked for in the last 24 hours")
	if _, err := parseFlags(fs, args); err != nil {
		return exitCode(env, err)
	}
	cfg, err := setup(env, applyDB)
	if err != nil {
		return exitCode(env, err)
	}
	if err := cfg.validateSPAPI(); err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	if *since < 0 || *since > 730 {
		fmt.Fprintf(env.Stderr, "--since: want 1 to 730 days, got %d\n", *since)
		return exitConfig
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	log := newLogger(env, cfg)
	sy := newSyncer(env, cfg, s, log)
	sy.Progress = progressPrinter(env.Stderr)
	res, err := sy.Run(ctx, commands.SyncOptions{SinceDays: *since, ForceReport: *report})
	printSync(env.Stdout, res)
	if err != nil {
		fmt.Fprintln(env.Stderr, syncError(err))
		return exitFail
	}
	return exitOK
}

// newSyncer wires the sync use case: one API client per region endpoint,
// all sharing one Login-with-Amazon token cache.
func newSyncer(env *Env, cfg *Config, s *store.Store, log *slog.Logger) *commands.Syncer {
	sc := cfg.SPAPI
	hc := &http.Client{Timeout: 2 * time.Minute}
	auth := &spapi.LWA{URL: sc.LWAURL, ClientID: sc.ClientID, ClientSecret: string(sc.ClientSecret), HTTP: hc, Now: env.Now}
	clients := map[string]*spapi.Client{}
	byEndpoint := map[string]*spapi.Client{}
	markets := sc.markets(cfg.Marketplace)
	for _, m := range markets {
		ep := sc.Endpoint
		if ep == "" {
			ep, _ = spapi.Endpoint(m)
		}
		c := byEndpoint[ep]
		if c == nil {
			c = &spapi.Client{Endpoint: ep, RefreshToken: string(sc.RefreshToken), Auth: auth, HTTP: hc,
				Logger: log.With("component", "spapi"), Now: env.Now}
			byEndpoint[ep] = c
		}
		clients[m] = c
	}
	return &commands.Syncer{Store: s, Clients: clients, Markets: markets, Since: sc.Since, Now: env.Now,
		Logger: log.With("component", "sync")}
}

// syncError is the one line a user sees when a sync fails.
func syncError(err error) string {
	var ae *spapi.AuthError
	if errors.As(err, &ae) && spapi.Rejected(err) {
		if ae.Code == "invalid_client" || ae.Code == "unauthorized_client" {
			return fmt.Sprintf("SPAPI_CLIENT_SECRET: Login with Amazon refused the app's credentials (%s): check SPAPI_CLIENT_ID and SPAPI_CLIENT_SECRET (the secret must be rotated every 180 days)", ae.Code)
		}
		return fmt.Sprintf("SPAPI_REFRESH_TOKEN: Login with Amazon refused the refresh token (%s): authorise the app again in Seller Central and set the new token", orDash(ae.Code))
	}
	return "sync: " + oneLine(err)
}

// printSync says what a run changed.
func printSync(w io.Writer, res []commands.MarketSync) {
	for _, m := range res {
		how := ""
		if m.Resumed {
			how = ", resuming an earlier pass"
		}
		fmt.Fprintf(w, "%s: %d orders (%d new, %d changed), %d packages (%d new, %d changed) in %d page(s)%s\n",
			m.Marketplace, m.Orders, m.NewOrders, m.ChangedOrders, m.Packages, m.NewPackages, m.ChangedPackages, m.Pages, how)
		if m.Skipped > 0 {
			fmt.Fprintf(w, "%s: %d order(s) could not be read and were skipped (see the log)\n", m.Marketplace, m.Skipped)
		}
		r := m.Report
		switch {
		case r.Amazon != nil:
			a := r.Amazon
			fmt.Fprintf(w, "%s: Amazon's Valid Tracking Rate %s (%d of %d), %s to %s, status %s (report %s)\n",
				m.Marketplace, fmtRate(a.Rate), a.Valid, a.Eligible, a.From, a.To, orDash(a.Status), r.ReportID)
		case r.Note != "":
			fmt.Fprintf(w, "%s: Amazon's report: %s\n", m.Marketplace, r.Note)
		case r.Status != "":
			fmt.Fprintf(w, "%s: Amazon's report %s: %s\n", m.Marketplace, r.ReportID, r.Status)
		}
	}
}

// progressPrinter prints progress lines on w: at most one every few
// seconds, and the last page's always.
func progressPrinter(w io.Writer) func(commands.SyncProgress) {
	var last time.Time
	return func(p commands.SyncProgress) {
		final := p.Phase == "orders" && p.Fraction == 1
		if !final && time.Since(last) < 3*time.Second {
			return
		}
		last = time.Now()
		var b strings.Builder
		switch p.Phase {
		case "orders":
			fmt.Fprintf(&b, "%s: orders: page %d, %d orders", p.Marketplace, p.Pages, p.Orders)
			if p.Fraction > 0 {
				fmt.Fprintf(&b, ", %.0f%% of the period covered", p.Fraction*100)
			}
			if p.Left > 0 && p.Fraction < 1 {
				fmt.Fprintf(&b, ", %s left", aboutDuration(p.Left))
				if every := p.PageEvery.Round(time.Second); every >= 10*time.Second {
					// Why it takes so long: Amazon's rate limit, not vtrbot.
					how := every.String() // "30s"
					if every >= time.Minute {
						how = fmt.Sprintf("%d min", every.Round(time.Minute)/time.Minute)
					}
					fmt.Fprintf(&b, " (Amazon lets one page of up to 100 orders through every %s after the first 20)", how)
				}
			}
		case "report":
			fmt.Fprintf(&b, "%s: waiting for Amazon's seller-performance report: %s", p.Marketplace, p.Report)
		}
		fmt.Fprintln(w, b.String())
	}
}

// aboutDuration is an estimate for people: "less than a minute", "about
// 3 min", "about 2 h 5 min", "about 3 d 4 h".
func aboutDuration(d time.Duration) string {
	switch m := int(d.Round(time.Minute) / time.Minute); {
	case m < 1:
		return "less than a minute"
	case m < 60:
		return fmt.Sprintf("about %d min", m)
	case m < 24*60:
		return fmt.Sprintf("about %d h %d min", m/60, m%60)
	default:
		h := int(d.Round(time.Hour) / time.Hour)
		return fmt.Sprintf("about %d d %d h", h/24, h%24)
	}
}

// syncLoop is bot run's Amazon poller: a sync at start and every
// SPAPI_POLL. A failed sync is logged and tried again at the next poll;
// refused credentials stop the poller for good (one log line, one Slack
// alert), never a retry loop: the rest of the bot keeps running.
func (d *daemon) syncLoop(ctx context.Context) error {
	for {
		err := d.syncOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if spapi.Rejected(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d.cfg.SPAPI.Poll):
		}
	}
}

// syncOnce runs one sync and reports it: the log, and for refused
// credentials the Slack alert.
func (d *daemon) syncOnce(ctx context.Context) error {
	res, err := d.syncer.Run(ctx, commands.SyncOptions{})
	for _, m := range res {
		d.log.Info("amazon sync", "marketplace", m.Marketplace, "orders", m.Orders, "new_orders", m.NewOrders,
			"changed_orders", m.ChangedOrders, "new_packages", m.NewPackages, "changed_packages", m.ChangedPackages,
			"pages", m.Pages, "report", m.Report.Status)
	}
	switch {
	case err == nil, ctx.Err() != nil:
	case spapi.Rejected(err):
		d.log.Error("amazon sync stopped: "+syncError(err), "error", err)
		key := commands.SyncAlertKey(string(d.cfg.SPAPI.RefreshToken))
		if qerr := commands.QueueSyncAlert(ctx, d.cmds.Store, d.cfg.SlackChannel, key, err); qerr != nil {
			d.log.Error("queue the sync alert", "error", qerr)
		}
		d.sender.Wake()
	default:
		d.log.Error("amazon sync failed; trying again at the next poll", "error", err, "next_in", d.cfg.SPAPI.Poll.String())
	}
	return err
}
