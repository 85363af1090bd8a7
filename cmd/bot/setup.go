package main

import (
	"context"
	"fmt"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// setup loads the configuration; on error it prints one line and returns
// the exit code.
func setup(env *Env, applyDB func(*Config)) (*Config, int, bool) {
	cfg, err := loadConfig(env)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return nil, exitConfig, false
	}
	if applyDB != nil {
		applyDB(cfg)
		if err := store.CheckURL(cfg.DatabaseURL); err != nil {
			fmt.Fprintf(env.Stderr, "%s: %v\n", cfg.dbSetting(), err)
			return nil, exitConfig, false
		}
	}
	return cfg, 0, true
}

// openStore opens the configured database, creating a SQLite file that
// does not exist yet (commands that write: import, run); on error it prints
// one line.
func openStore(ctx context.Context, env *Env, cfg *Config) (*store.Store, int, bool) {
	return openDB(ctx, env, cfg, false)
}

// openExisting opens the configured database for a command that reads it:
// a SQLite file that does not exist is one line naming it, exit 2, and no
// new empty database.
func openExisting(ctx context.Context, env *Env, cfg *Config) (*store.Store, int, bool) {
	return openDB(ctx, env, cfg, true)
}

func openDB(ctx context.Context, env *Env, cfg *Config, existing bool) (*store.Store, int, bool) {
	s, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Rules: vtr.DefaultRules(cfg.Marketplace), Existing: existing})
	if err != nil {
		switch vtr.ErrorCode(err) {
		case vtr.EINTERNAL:
			fmt.Fprintf(env.Stderr, "%s: cannot open %s: %v\n", cfg.dbSetting(), store.Redacted(cfg.DatabaseURL), oneLine(err))
		case vtr.ENOTFOUND:
			fmt.Fprintf(env.Stderr, "%s: %s (import data first: bot import orders FILE creates it)\n", cfg.dbSetting(), vtr.ErrorMessage(err))
			return nil, exitConfig, false
		default:
			fmt.Fprintln(env.Stderr, vtr.ErrorMessage(err))
		}
		return nil, exitFail, false
	}
	if cfg.accountAware {
		return useAccount(ctx, env, cfg, s) // accountflag.go
	}
	return s, 0, true
}
