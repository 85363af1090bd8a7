package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// --account NAME on data commands (docs/accounts.md): the command acts on
// that account's data and settings. Without it: the only account, else an
// error naming the accounts. With no bot account rows, nothing changes: the
// environment is the account "default".

// accountFlag adds --account to fs; the returned func records it in Config.
func accountFlag(fs *flag.FlagSet) func(*Config) {
	name := fs.String("account", "", "the seller account to act on (bot account list); default: the only one")
	return func(c *Config) {
		c.Account = *name
		c.accountAware = true
	}
}

// registryDBFlag adds only --db: for commands that act on the registry or on
// every account (bot account, bot run), not on one account's data.
func registryDBFlag(fs *flag.FlagSet) func(*Config) {
	db := fs.String("db", "", "database: a SQLite file or postgres://... (overrides DATABASE_URL)")
	return func(c *Config) {
		if *db != "" {
			c.DatabaseURL = *db
		}
	}
}

// useAccount turns the registry's store into the store of the account the
// command acts on, and the account's settings (marketplaces, channel,
// mailbox, Amazon token) into cfg's. On error it has closed reg.
func useAccount(ctx context.Context, cfg *Config, reg *store.Store) (*store.Store, error) {
	bad := func(format string, args ...any) (*store.Store, error) {
		reg.Close()
		return nil, exitf(exitConfig, format, args...)
	}
	accounts, err := reg.Accounts(ctx)
	if err != nil {
		reg.Close()
		return nil, err
	}
	names := []string{store.DefaultAccount}
	for _, a := range accounts {
		names = append(names, a.Name)
	}
	name := cfg.Account
	switch {
	case name == "" && len(accounts) == 0, name == store.DefaultAccount:
		return reg, nil
	case name == "":
		return bad("--account: not set, and this database serves several accounts: %s", strings.Join(names, ", "))
	}
	var a *store.Account
	for i := range accounts {
		if accounts[i].Name == name {
			a = &accounts[i]
		}
	}
	if a == nil {
		return bad("--account: no account %q (accounts: %s)", name, strings.Join(names, ", "))
	}
	if err := applyAccount(cfg, *a); err != nil {
		return bad("%v", err)
	}
	s, err := reg.OpenAccount(ctx, name, store.Options{Rules: vtr.DefaultRules(cfg.Marketplace)})
	if err != nil {
		reg.Close()
		return nil, err
	}
	s.OwnConnections() // the account's rows, on the registry's connections
	return s, nil
}

// applyAccount puts account a's settings over cfg's (marketplaces,
// channel, allowed users and channels, mailbox, Amazon token), opening its
// sealed secrets with VTRBOT_SECRET_KEY. The error is one line.
func applyAccount(cfg *Config, a store.Account) error {
	name := a.Name
	markets := splitList(a.Marketplaces)
	if len(markets) > 0 {
		cfg.Marketplace = markets[0]
	}
	cfg.SPAPI.Marketplaces = nil
	for _, m := range markets {
		if _, api := spapi.MarketplaceID(m); api {
			cfg.SPAPI.Marketplaces = append(cfg.SPAPI.Marketplaces, m)
		}
	}
	cfg.SlackChannel = a.SlackChannel
	cfg.SlackAllowedUsers, cfg.SlackAllowedChannels = splitList(a.SlackAllowedUsers), splitList(a.SlackAllowedChannels)
	cfg.IMAPAddr, cfg.IMAPUsername, cfg.IMAPTLS, cfg.IMAPMailbox, cfg.IMAPAuth = a.IMAPAddr, a.IMAPUsername, a.IMAPTLS, a.IMAPMailbox, a.IMAPAuth
	cfg.IMAPPassword, cfg.IMAPToken, cfg.IMAPOAuthRefreshToken, cfg.SPAPI.RefreshToken = "", "", "", ""
	cfg.imapRotated, cfg.account = nil, name
	if a.IMAPSecret != "" || a.SPAPIRefreshToken != "" {
		box, err := cfg.secretBox("account " + name + "'s secrets are sealed with it")
		if err != nil {
			return err
		}
		imap, err := box.Open(a.IMAPSecret, secretAD(name, store.ColIMAPSecret))
		if err != nil {
			return fmt.Errorf("VTRBOT_SECRET_KEY: account %s's mailbox secret: %v", name, err)
		}
		switch {
		case a.IMAPAuth == "password":
			cfg.IMAPPassword = secret(imap)
		case a.IMAPSecretKind == store.IMAPRefreshToken:
			// The environment's IMAP_OAUTH_TOKEN_URL, _CLIENT_ID and
			// _CLIENT_SECRET: one OAuth app for every account.
			cfg.IMAPOAuthRefreshToken = secret(imap)
		default:
			cfg.IMAPToken = secret(imap)
		}
		tok, err := box.Open(a.SPAPIRefreshToken, secretAD(name, store.ColSPAPIRefreshToken))
		if err != nil {
			return fmt.Errorf("VTRBOT_SECRET_KEY: account %s's Amazon refresh token: %v", name, err)
		}
		cfg.SPAPI.RefreshToken = secret(tok)
	}
	return nil
}
