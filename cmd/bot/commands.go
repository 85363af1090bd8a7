package main

import (
	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// newCommands builds the command table over a store.
func newCommands(env *Env, cfg *Config, s *store.Store, chart func([]vtr.HistoryPoint, string) ([]byte, error)) *commands.Commands {
	return commands.New(commands.Deps{Store: s, Marketplace: cfg.Marketplace, Now: env.Now, Zone: cfg.zone(), Logger: newLogger(env, cfg), Chart: chart,
		SellerName: cfg.SellerName})
}
