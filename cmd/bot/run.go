package main

import (
	"context"
	"fmt"
)

func cmdRun(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "run", "[--once]", "The daemon: watch the mailbox, triage notices, serve Slack.")
	applyDB := dbFlag(fs)
	fs.Bool("once", false, "catch up with the mailbox, finish pending work, and exit (for cron)")
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, code, ok := setup(env, applyDB)
	if !ok {
		return code
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
	fmt.Fprintln(env.Stderr, "bot run: not available in this build yet")
	return exitConfig
}
