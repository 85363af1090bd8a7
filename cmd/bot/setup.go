package main

import (
	"context"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// setup loads the configuration and applies --db (applyDB, nil for a
// command without it). Its errors are exitErrors: one line, exit 2.
func setup(env *Env, applyDB func(*Config)) (*Config, error) {
	cfg, err := loadConfig(env)
	if err != nil {
		return nil, &exitError{code: exitConfig, msg: err.Error()}
	}
	if applyDB != nil {
		applyDB(cfg)
		if err := store.CheckURL(cfg.DatabaseURL); err != nil {
			return nil, exitf(exitConfig, "%s: %v", cfg.dbSetting(), err)
		}
	}
	return cfg, nil
}

// setupStore is setup, then open (openStore or openExisting): the
// configuration and the database of a command that needs nothing checked
// in between. The caller closes the store.
func setupStore(ctx context.Context, env *Env, applyDB func(*Config), open func(context.Context, *Config) (*store.Store, error)) (*Config, *store.Store, error) {
	cfg, err := setup(env, applyDB)
	if err != nil {
		return nil, nil, err
	}
	s, err := open(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, s, nil
}

// openStore opens the configured database, creating a SQLite file that
// does not exist yet (commands that write: import, run).
func openStore(ctx context.Context, cfg *Config) (*store.Store, error) {
	return openDB(ctx, cfg, false)
}

// openExisting opens the configured database for a command that reads it:
// a SQLite file that does not exist is one line naming it, exit 2, and no
// new empty database.
func openExisting(ctx context.Context, cfg *Config) (*store.Store, error) {
	return openDB(ctx, cfg, true)
}

func openDB(ctx context.Context, cfg *Config, existing bool) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Rules: vtr.DefaultRules(cfg.Marketplace), Existing: existing})
	if err != nil {
		switch vtr.ErrorCode(err) {
		case vtr.EINTERNAL:
			return nil, exitf(exitFail, "%s: cannot open %s: %v", cfg.dbSetting(), store.Redacted(cfg.DatabaseURL), oneLine(err))
		case vtr.ENOTFOUND:
			return nil, exitf(exitConfig, "%s: %s (import data first: bot import orders FILE creates it)", cfg.dbSetting(), vtr.ErrorMessage(err))
		}
		return nil, &exitError{code: exitFail, msg: vtr.ErrorMessage(err)}
	}
	if cfg.accountAware {
		return useAccount(ctx, cfg, s) // accountflag.go
	}
	return s, nil
}
