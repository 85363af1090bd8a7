package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vtrbot/vtrbot/imapwatch"
)

// checkTimeout bounds `bot mailbox check`: it is a settings test, and a
// server that accepts but never answers should not hang it.
const checkTimeout = time.Minute

// cmdMailbox is `bot mailbox check`.
func cmdMailbox(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintln(helpOut(env, args), "Usage: bot mailbox check\n\nLog in to IMAP_ADDR, open IMAP_MAILBOX read-only and show its messages,\nunseen messages and Amazon notices. Nothing is changed or marked read.")
		if len(args) == 0 {
			return exitConfig
		}
		return exitOK
	}
	if args[0] != "check" {
		return unknownSubcommand(env, "mailbox", args[0], []string{"check"})
	}
	fs := newFlags(env, "mailbox check", "",
		"Log in to IMAP_ADDR, open IMAP_MAILBOX read-only and show its messages,\nunseen messages and Amazon notices. Nothing is changed or marked read.\nExit 0 when the settings work, 2 for a setting or a refused login, 1 when\nthe server cannot be reached.")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "bot mailbox check: unexpected argument %q\n", pos[0])
		return exitConfig
	}
	cfg, err := setup(env, nil)
	if err != nil {
		return exitCode(env, err)
	}
	if err := cfg.validateIMAP(); err != nil {
		fmt.Fprintln(env.Stderr, err)
		return exitConfig
	}
	wcfg := imapConfig(cfg, env, newLogger(env, cfg))
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	info, err := imapwatch.Check(ctx, wcfg, "amazon")
	var ce *imapwatch.ConfigError
	var ae *imapwatch.AuthError
	var te *imapwatch.TokenError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(env.Stderr, "%s: %s\n", imapVar(ce.Field), ce.Msg)
		return exitConfig
	case errors.As(err, &te):
		fmt.Fprintln(env.Stderr, tokenErrorLine(te))
		return exitConfig
	case errors.As(err, &ae):
		name, hint := "IMAP_PASSWORD", "for Gmail or Microsoft 365, an app password"
		switch {
		case cfg.IMAPOAuthRefreshToken != "":
			name, hint = "IMAP_OAUTH_REFRESH_TOKEN", "the token's scopes must include IMAP access, docs/imap.md"
		case cfg.IMAPAuth != "password":
			name, hint = "IMAP_TOKEN", "an OAuth access token expires after about an hour: set IMAP_OAUTH_REFRESH_TOKEN"
		}
		fmt.Fprintf(env.Stderr, "%s: %s refused the login of %q (%s); check IMAP_USERNAME and %s (%s)\n",
			name, cfg.IMAPAddr, cfg.IMAPUsername, ae.Reason, name, hint)
		return exitConfig
	case errors.Is(err, imapwatch.ErrNoMailbox):
		fmt.Fprintf(env.Stderr, "IMAP_MAILBOX: no folder %q at %s (names are as your mail client shows them, e.g. INBOX or [Gmail]/All Mail)\n", cfg.IMAPMailbox, cfg.IMAPAddr)
		return exitConfig
	case err != nil:
		fmt.Fprintf(env.Stderr, "IMAP_ADDR: cannot use %s: %s\n", cfg.IMAPAddr, oneLine(err))
		return exitFail
	}
	push := "IDLE (new mail is pushed)"
	if !info.Idle {
		push = "no IDLE: polling every " + cfg.IMAPPoll.String()
	}
	w := env.Stdout
	fmt.Fprintf(w, "Mailbox:        %s at %s (%s, %s)\n", info.Mailbox, cfg.IMAPAddr, cfg.IMAPTLS, cfg.IMAPAuth)
	fmt.Fprintf(w, "UIDVALIDITY:    %d\n", info.UIDValidity)
	fmt.Fprintf(w, "Messages:       %d (%d unseen)\n", info.Messages, info.Unseen)
	fmt.Fprintf(w, "Amazon notices: %d (%d unseen)\n", info.From, info.FromUnseen)
	fmt.Fprintf(w, "New mail:       %s\n", push)
	if cfg.IMAPMoveTo != "" && !info.Move {
		fmt.Fprintf(w, "Move to:        %s (no MOVE: COPY, then delete)\n", cfg.IMAPMoveTo)
	}
	return exitOK
}

// imapConfig turns the IMAP settings into the watcher's Config (also for
// `bot run`).
func imapConfig(cfg *Config, env *Env, log *slog.Logger) imapwatch.Config {
	var oauth *imapwatch.OAuth
	if cfg.IMAPOAuthRefreshToken != "" {
		oauth = &imapwatch.OAuth{TokenURL: cfg.IMAPOAuthTokenURL, ClientID: cfg.IMAPOAuthClientID,
			ClientSecret: string(cfg.IMAPOAuthClientSecret), RefreshToken: string(cfg.IMAPOAuthRefreshToken), Now: env.Now,
			OnRotate: cfg.imapRotated}
		if oauth.OnRotate == nil {
			var once sync.Once
			oauth.OnRotate = func(string) {
				once.Do(func() {
					log.Warn("the mail provider rotated the IMAP refresh token: vtrbot uses the new one until it stops, and IMAP_OAUTH_REFRESH_TOKEN again after a restart, " +
						"which works while the provider keeps old tokens valid (Microsoft 365: until they expire); " +
						"an account added with bot account add --imap-oauth-refresh-token-file keeps the newest one (docs/imap.md)")
				})
			}
		}
	}
	return imapwatch.Config{OAuth: oauth,
		Addr: cfg.IMAPAddr, Username: cfg.IMAPUsername, Password: string(cfg.IMAPPassword),
		TLS: cfg.IMAPTLS, Auth: cfg.IMAPAuth, Token: string(cfg.IMAPToken),
		Mailbox: cfg.IMAPMailbox, Poll: cfg.IMAPPoll, Recheck: cfg.IMAPRecheck, Since: time.Duration(cfg.IMAPSince) * 24 * time.Hour,
		MoveTo: cfg.IMAPMoveTo, Logger: log, Now: env.Now,
	}
}

// imapVar names the variable behind an imapwatch.Config field.
func imapVar(field string) string {
	name, ok := map[string]string{
		"Addr": "IMAP_ADDR", "Username": "IMAP_USERNAME", "Password": "IMAP_PASSWORD",
		"TLS": "IMAP_TLS", "Auth": "IMAP_AUTH", "Token": "IMAP_TOKEN", "Mailbox": "IMAP_MAILBOX",
		"Poll": "IMAP_POLL", "Since": "IMAP_SINCE", "MoveTo": "IMAP_MOVE_TO",
		"OAuth.TokenURL": "IMAP_OAUTH_TOKEN_URL", "OAuth.ClientID": "IMAP_OAUTH_CLIENT_ID", "OAuth.RefreshToken": "IMAP_OAUTH_REFRESH_TOKEN",
	}[field]
	if !ok {
		return "IMAP"
	}
	return name
}

// tokenErrorLine is the one line for a refresh token the token endpoint
// refused.
func tokenErrorLine(te *imapwatch.TokenError) string {
	if te.Code == "invalid_grant" {
		return "IMAP_OAUTH_REFRESH_TOKEN: " + te.Error() + "; it was revoked or has expired: get a new one (docs/imap.md)"
	}
	return "IMAP_OAUTH_CLIENT_ID: " + te.Error() + "; check IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_CLIENT_SECRET and IMAP_OAUTH_TOKEN_URL"
}
