package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/commands/slackapp"
	"github.com/vtrbot/vtrbot/imapwatch"
	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/store"
)

// doctorTimeout bounds each check: a server that accepts and never answers
// is a failure to report, not a hang.
const doctorTimeout = 30 * time.Second

// check is one line of bot doctor's report.
type check struct {
	status string // "ok", "FAIL" or "skip" (not configured)
	what   string
	detail string
	fix    string // what to do, for FAIL
}

func (c check) String() string {
	s := fmt.Sprintf("%-4s  %-8s  %s", c.status, c.what, c.detail)
	if c.fix != "" {
		s += "  (" + c.fix + ")"
	}
	return s
}

func pass(what, format string, args ...any) check {
	return check{status: "ok", what: what, detail: fmt.Sprintf(format, args...)}
}

func skip(what, detail string) check { return check{status: "skip", what: what, detail: detail} }

func failed(what, detail, fix string) check {
	return check{status: "FAIL", what: what, detail: detail, fix: fix}
}

// cmdDoctor is `bot doctor`.
func cmdDoctor(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "doctor", "",
		"Check every setting end to end, one line per check with what to fix:\n"+
			"  database  reachable, schema version (bot run migrates an older one)\n"+
			"  mailbox   login (password or OAuth) and IMAP_MAILBOX, read-only\n"+
			"  slack     SLACK_BOT_TOKEN (auth.test) and the scopes slack-manifest.yml asks for\n"+
			"  channel   SLACK_CHANNEL exists and the bot was invited\n"+
			"  amazon    Login with Amazon token exchange, when SPAPI_REFRESH_TOKEN is set\n"+
			"Nothing is changed, posted or marked read. Exit 0 when every configured check passes,\n"+
			"1 when one fails, 2 when the settings cannot be read.")
	applyDB := dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "bot doctor: unexpected argument %q\n", pos[0])
		return exitConfig
	}
	cfg, err := loadConfig(env)
	if err != nil {
		fmt.Fprintln(env.Stdout, failed("config", err.Error(), "see .env.example"))
		return exitConfig
	}
	applyDB(cfg)
	checks := []func(context.Context, *Env, *Config) check{doctorDatabase, doctorMailbox}
	checks = append(checks, doctorSlack(env, cfg)...)
	checks = append(checks, doctorAmazon)
	code := exitOK
	if cfg.IMAPAddr == "" && cfg.SlackBotToken == "" {
		fmt.Fprintln(env.Stdout, failed("config", "neither IMAP_ADDR nor SLACK_BOT_TOKEN is set: bot run has nothing to do", "see .env.example"))
		code = exitFail
	}
	for _, f := range checks {
		cctx, cancel := context.WithTimeout(ctx, doctorTimeout)
		c := f(cctx, env, cfg)
		cancel()
		fmt.Fprintln(env.Stdout, c)
		if c.status == "FAIL" {
			code = exitFail
		}
	}
	return code
}

func doctorDatabase(ctx context.Context, _ *Env, cfg *Config) check {
	where := store.Redacted(cfg.DatabaseURL)
	sc, err := store.Inspect(ctx, cfg.DatabaseURL)
	switch {
	case err != nil:
		return failed("database", where+": "+oneLine(err), "check DATABASE_URL: a SQLite file path, or postgres://user:password@host:5432/db")
	case !sc.Exists:
		return pass("database", "%s does not exist yet: bot run creates it (schema version %d)", where, sc.Latest)
	case sc.Version > sc.Latest:
		return failed("database", fmt.Sprintf("%s has schema version %d, newer than this bot (%d)", where, sc.Version, sc.Latest), "upgrade vtrbot")
	case sc.Version < sc.Latest:
		return pass("database", "%s %s, schema version %d: bot run migrates it to %d", sc.Dialect, where, sc.Version, sc.Latest)
	}
	return pass("database", "%s %s, schema version %d (up to date)", sc.Dialect, where, sc.Version)
}

func doctorMailbox(ctx context.Context, env *Env, cfg *Config) check {
	if cfg.IMAPAddr == "" {
		return skip("mailbox", "IMAP_ADDR not set: no mail watching")
	}
	if err := cfg.validateIMAP(); err != nil {
		return failed("mailbox", err.Error(), "see .env.example and docs/imap.md")
	}
	wcfg := imapConfig(cfg, env, newLogger(env, cfg))
	info, err := imapwatch.Check(ctx, wcfg, "")
	var ce *imapwatch.ConfigError
	var ae *imapwatch.AuthError
	var te *imapwatch.TokenError
	switch {
	case errors.As(err, &ce):
		return failed("mailbox", imapVar(ce.Field)+": "+ce.Msg, "see .env.example and docs/imap.md")
	case errors.As(err, &te) && te.Code == "invalid_grant":
		return failed("mailbox", "IMAP_OAUTH_REFRESH_TOKEN: "+te.Error(), "it was revoked or has expired: get a new one, docs/imap.md")
	case errors.As(err, &te):
		return failed("mailbox", "IMAP_OAUTH_TOKEN_URL: "+te.Error(), "check IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_CLIENT_SECRET and IMAP_OAUTH_TOKEN_URL")
	case errors.As(err, &ae):
		fix := "check IMAP_USERNAME and IMAP_PASSWORD; Gmail and Microsoft 365 need an app password or OAuth (docs/imap.md)"
		if cfg.IMAPAuth != "password" {
			fix = "check IMAP_USERNAME and the OAuth settings (docs/imap.md)"
		}
		return failed("mailbox", fmt.Sprintf("%s refused the login of %s: %s", cfg.IMAPAddr, cfg.IMAPUsername, ae.Reason), fix)
	case errors.Is(err, imapwatch.ErrNoMailbox):
		return failed("mailbox", fmt.Sprintf("no folder %q at %s", cfg.IMAPMailbox, cfg.IMAPAddr), "set IMAP_MAILBOX to a folder as your mail client shows it, e.g. INBOX")
	case err != nil:
		return failed("mailbox", fmt.Sprintf("cannot use %s: %s", cfg.IMAPAddr, oneLine(err)), "check IMAP_ADDR and IMAP_TLS, and that this machine may reach the server")
	}
	push := "IDLE"
	if !info.Idle {
		push = "no IDLE: polling every " + cfg.IMAPPoll.String()
	}
	msgs := fmt.Sprintf("%d messages", info.Messages)
	if info.Messages == 1 {
		msgs = "1 message"
	}
	return pass("mailbox", "%s at %s as %s (%s, %s): %s, %s", info.Mailbox, cfg.IMAPAddr, cfg.IMAPUsername, cfg.IMAPTLS, cfg.IMAPAuth, msgs, push)
}

// doctorSlack returns the Slack checks: the token and its scopes, then the
// channel, both against one App.
func doctorSlack(env *Env, cfg *Config) []func(context.Context, *Env, *Config) check {
	if cfg.SlackBotToken == "" {
		return []func(context.Context, *Env, *Config) check{func(context.Context, *Env, *Config) check {
			return skip("slack", "SLACK_BOT_TOKEN not set: no triage posts, no /vtr")
		}}
	}
	if err := cfg.validateSlack(); err != nil {
		return []func(context.Context, *Env, *Config) check{func(context.Context, *Env, *Config) check {
			return failed("slack", err.Error(), "see .env.example and docs/slack.md")
		}}
	}
	app, err := slackapp.New(slackapp.Config{BotToken: string(cfg.SlackBotToken), APIURL: cfg.SlackAPIURL, Logger: newLogger(env, cfg), Now: env.Now})
	if err != nil {
		return []func(context.Context, *Env, *Config) check{func(context.Context, *Env, *Config) check {
			return failed("slack", oneLine(err), "check SLACK_API_URL")
		}}
	}
	authOK := false
	token := func(ctx context.Context, _ *Env, cfg *Config) check {
		id, err := app.AuthTest(ctx)
		if err != nil {
			return failed("slack", "Slack refused SLACK_BOT_TOKEN: "+slackReason(err), "copy the Bot User OAuth Token, xoxb-..., from the app's OAuth & Permissions page")
		}
		authOK = true
		if miss := id.Missing(); len(miss) > 0 {
			return failed("slack", fmt.Sprintf("team %s, bot %s lacks scopes %s", id.Team, id.User, strings.Join(miss, ", ")),
				"add them as slack-manifest.yml does and reinstall the app")
		}
		scopes := "scopes as slack-manifest.yml asks"
		if id.Scopes == nil {
			scopes = "Slack did not report the token's scopes"
		}
		return pass("slack", "team %s, bot %s: %s", id.Team, id.User, scopes)
	}
	channel := func(ctx context.Context, _ *Env, cfg *Config) check {
		if !authOK {
			return skip("channel", "not checked without a working SLACK_BOT_TOKEN")
		}
		err := app.CheckChannel(ctx, cfg.SlackChannel)
		code := slackapp.ErrorCode(err)
		switch {
		case code == "channel_not_found":
			return failed("channel", fmt.Sprintf("SLACK_CHANNEL %s: no such channel for the bot", cfg.SlackChannel),
				"use the channel's ID, not its name: C..., at the bottom of the channel's details; invite the bot to a private channel first")
		case code == "not_in_channel":
			return failed("channel", fmt.Sprintf("SLACK_CHANNEL %s: the bot is not in the channel", cfg.SlackChannel), "type /invite @vtrbot in the channel")
		case err != nil:
			return failed("channel", fmt.Sprintf("SLACK_CHANNEL %s: %s", cfg.SlackChannel, slackReason(err)), "check SLACK_CHANNEL and the app's scopes")
		}
		return pass("channel", "SLACK_CHANNEL %s: the bot can read and post", cfg.SlackChannel)
	}
	return []func(context.Context, *Env, *Config) check{token, channel}
}

// slackReason is Slack's error code, or the error's first line.
func slackReason(err error) string {
	if code := slackapp.ErrorCode(err); code != "" {
		return code
	}
	return oneLine(err)
}

// doctorAmazon exchanges the Login with Amazon refresh token for an access
// token with the sync's own client (spapi.LWA), the first step of every
// Selling Partner API call.
func doctorAmazon(ctx context.Context, _ *Env, cfg *Config) check {
	sp := cfg.SPAPI
	if sp.RefreshToken == "" {
		return skip("amazon", "SPAPI_REFRESH_TOKEN not set: no sync from Amazon")
	}
	if sp.ClientID == "" || sp.ClientSecret == "" {
		return failed("amazon", "SPAPI_CLIENT_ID and SPAPI_CLIENT_SECRET are needed with SPAPI_REFRESH_TOKEN", "copy them from the app's Login with Amazon credentials in Seller Central's Developer Central")
	}
	lwa := &spapi.LWA{URL: sp.LWAURL, ClientID: sp.ClientID, ClientSecret: string(sp.ClientSecret),
		HTTP: &http.Client{Timeout: doctorTimeout}}
	_, err := lwa.Token(ctx, string(sp.RefreshToken))
	var ae *spapi.AuthError
	switch {
	case err == nil:
		return pass("amazon", "Login with Amazon gave an access token for SPAPI_REFRESH_TOKEN")
	case errors.As(err, &ae) && ae.Code == "invalid_grant":
		return failed("amazon", "Login with Amazon refused SPAPI_REFRESH_TOKEN: "+authReason(ae), "authorise the app again in Seller Central and copy the new refresh token, Atzr|..., to SPAPI_REFRESH_TOKEN")
	case errors.As(err, &ae) && (ae.Code == "invalid_client" || ae.Code == "unauthorized_client"):
		return failed("amazon", "Login with Amazon refused the client: "+authReason(ae), "check SPAPI_CLIENT_ID and SPAPI_CLIENT_SECRET")
	}
	where := sp.LWAURL
	if where == "" {
		where = spapi.DefaultLWAURL
	}
	return failed("amazon", "token exchange at "+where+": "+oneLine(err), "check SPAPI_LWA_URL and this machine's network")
}

// authReason is Login with Amazon's refusal as one line: its code and
// description (scrubbed of secrets by spapi).
func authReason(ae *spapi.AuthError) string {
	switch {
	case ae.Code != "" && ae.Description != "":
		return ae.Code + " (" + ae.Description + ")"
	case ae.Code != "":
		return ae.Code
	}
	return fmt.Sprintf("HTTP %d", ae.Status)
}
