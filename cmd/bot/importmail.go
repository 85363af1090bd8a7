package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/vtrbot/vtrbot/vtr"
	"os"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/chart"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr/notice"
)

// importMail feeds old mail (.eml or mbox, e.g. a mailbox export) through
// the same store → parse → reconcile path as the watcher. Carrier mails
// become scan evidence. Posts are queued (and sent) only with --post.
// Importing the same mail twice changes nothing.
func importMail(ctx context.Context, env *Env, applyDB func(*Config), files []string, post bool) int {
	cfg, err := setup(env, applyDB)
	if err != nil {
		return exitCode(env, err)
	}
	if post {
		if err := cfg.validateSlack(); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
		if cfg.SlackBotToken == "" {
			fmt.Fprintln(env.Stderr, "SLACK_BOT_TOKEN: not set (--post sends triage posts to Slack)")
			return exitConfig
		}
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	log := newLogger(env, cfg)
	var d *daemon
	p := &commands.Pipeline{Cmds: newCommands(env, cfg, s, chart.History)}
	if post {
		var err error
		if d, err = newDaemon(env, cfg, s, log); err != nil {
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
		p = d.pipeline
	}
	p.Parse = cfg.noticeOptions().ParseBytes // whose forwards are believed
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: cannot open: %v\n", name, unwrapPath(err))
			return exitFail
		}
		var total, stored, skipped int
		for m, err := range notice.Messages(f) {
			if err != nil {
				f.Close()
				fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
				return exitFail
			}
			total++
			id, created, err := p.Receive(ctx, store.Mail{Raw: m.Raw, Source: name})
			if err != nil {
				f.Close()
				return fail(env, fmt.Errorf("%s: message %d: %w", name, total, err))
			}
			switch {
			case id == "":
				skipped++
			case created:
				stored++
			}
		}
		f.Close()
		fmt.Fprintf(env.Stdout, "%s: imported %s: %d new, %d already stored, %d not about Amazon or a carrier\n",
			name, vtr.Plural(total, "mail"), stored, total-stored-skipped, skipped)
	}
	failed, err := s.FailedNotices(ctx)
	if err != nil {
		return fail(env, err)
	}
	for _, n := range failed {
		fmt.Fprintf(env.Stderr, "kept but unreadable: %s (%s)\n", n.ID, n.ParseError)
	}
	if d != nil {
		n, err := d.sender.SendDue(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			return fail(env, err)
		}
		fmt.Fprintf(env.Stdout, "posted %s to Slack\n", vtr.Plural(n, "triage message"))
	}
	return exitOK
}
