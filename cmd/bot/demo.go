package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/chart"
	"github.com/vtrbot/vtrbot/commands/slackapp"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

// demoPace is the pause between the story's mails: enough to see each post
// arrive, short enough that the story, first build included, fits in a
// minute (issue 9).
const demoPace = time.Second

const demoAbout = `The whole bot on embedded defaults, no account needed: creates a SQLite file with a
sample seller modelled on the story that started vtrbot (about 90 orders over two months),
imports it through the same import code, starts a local IMAP server holding a sample
mailbox, runs the real watcher against it, and shows each triage message as the Slack post
would read. Then a prompt: type /vtr status, /vtr untracked, /vtr explain, ... as in Slack.`

// demoScript is what --script types at the prompt.
var demoScript = []string{"/vtr status", "/vtr untracked", "/vtr status category Books", "/vtr explain",
	"/vtr notices", "/vtr metrics", "/vtr forecast", "/vtr history 60d days 30", "/vtr help"}

func cmdDemo(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "demo", "[--db FILE] [--reset] [--script] [--slack]", demoAbout)
	db := fs.String("db", "vtrbot-demo.db", "the demo's SQLite file (DATABASE_URL is not used, so a real database is never touched)")
	reset := fs.Bool("reset", false, "delete the demo database first and start over")
	script := fs.Bool("script", false, "run the whole story and a fixed list of commands without a prompt, then exit")
	toSlack := fs.Bool("slack", false, "post the triage messages to the real workspace of the SLACK_* settings instead of the terminal")
	pace := fs.Duration("pace", demoPace, "pause between the sample mails")
	if _, err := parseFlags(fs, args); err != nil {
		return exitCode(env, err)
	}
	cfg, err := setup(env, nil)
	if err != nil {
		return exitCode(env, err)
	}
	cfg.DatabaseURL = *db
	if *script && *pace == demoPace {
		*pace = 0
	}
	if d, _ := store.ParseURL(*db); d != store.SQLite {
		fmt.Fprintln(env.Stderr, "--db: the demo uses a SQLite file, not", store.Redacted(*db))
		return exitConfig
	}
	if *reset {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(*db + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(env.Stderr, "--reset: %v\n", err)
				return exitFail
			}
		}
	}
	d := &demo{env: env, out: env.Stdout, color: isTerminal(env.Stdout), cfg: cfg, pace: *pace}
	if *toSlack {
		if err := cfg.validateSlack(); err != nil || cfg.SlackBotToken == "" {
			if err == nil {
				err = &configError{"SLACK_BOT_TOKEN", "not set (bot demo --slack posts to your workspace)"}
			}
			fmt.Fprintln(env.Stderr, err)
			return exitConfig
		}
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	d.store = s
	if err := d.run(ctx, *toSlack, *script); err != nil {
		return fail(env, err)
	}
	return exitOK
}

type demo struct {
	env   *Env
	out   io.Writer
	color bool
	cfg   *Config
	store *store.Store
	pace  time.Duration
	mu    sync.Mutex // serialises terminal output
}

func (d *demo) say(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	if d.color {
		msg = "\x1b[1;36m" + msg + "\x1b[0m"
	}
	fmt.Fprintln(d.out, msg)
}

func (d *demo) run(ctx context.Context, toSlack, script bool) error {
	today := vtr.DateOf(d.env.Now().UTC())
	story, fresh, err := d.seed(ctx, today)
	if err != nil {
		return err
	}
	cmds := newCommands(d.env, d.cfg, d.store, chart.History)
	if !fresh {
		// The story's mails are in this database already: told again they
		// would only be recognised as seen. Say how to see it again.
		d.say("%s already holds the demo's story; bot demo --reset tells it again on a fresh database. Meanwhile, ask away:", d.cfg.DatabaseURL)
		return d.chat(ctx, cmds, today, script)
	}
	d.say("\n1. Your records, as vtrbot recomputes them (the last 30 days):\n")
	fmt.Fprint(d.out, commands.Render(commands.StatusReply(mustStatus(ctx, d.store, d.cfg.Marketplace, vtr.LastDays(today, 30)))))

	srv, err := memserver.StartWith(memserver.Options{Username: "seller@demo.example", Password: "demo-password"})
	if err != nil {
		return fmt.Errorf("local mailbox: %w", err)
	}
	defer srv.Close()
	quiet := slog.New(slog.DiscardHandler)
	post := d.printPost
	var find func(ctx context.Context, channel, threadTS, key string, since time.Time) (string, error)
	if toSlack {
		app, err := slackapp.New(slackapp.Config{BotToken: string(d.cfg.SlackBotToken), APIURL: d.cfg.SlackAPIURL, Channel: d.cfg.SlackChannel, Logger: quiet})
		if err != nil {
			return err
		}
		post, find = app.Post, app.Find
	}
	sender := commands.NewSender(&commands.Sender{Store: d.store, Post: post, Find: find, RetryAfter: slackapp.RetryAfter, Logger: quiet, Now: d.env.Now})
	channel := "C0DEMOTRIAGE"
	if toSlack {
		channel = d.cfg.SlackChannel
	}
	box := &Config{IMAPAddr: srv.Addr(), IMAPUsername: "seller@demo.example", IMAPPassword: "demo-password",
		IMAPTLS: "none", IMAPAuth: "password", IMAPMailbox: "INBOX", IMAPPoll: time.Second, IMAPSince: 30,
		TrustedForwarders: d.cfg.TrustedForwarders}
	p := &commands.Pipeline{Cmds: cmds, Channel: channel, Parse: box.noticeOptions().ParseBytes}
	w := newWatcher(d.env, box, d.store, p, quiet)
	w.Recheck = time.Second
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(wctx) })
	defer func() { stop(); wg.Wait() }()

	d.say("\n2. A local mailbox (IMAP on %s) receives the mail of the story; the watcher picks each one up:", srv.Addr())
	for _, m := range sample.StoryMails(story) {
		d.say("\n📨 new mail: %s", m.About)
		id := commands.MessageID(m.Raw)
		if _, err := srv.Deliver("INBOX", m.Raw); err != nil {
			return fmt.Errorf("deliver: %w", err)
		}
		if err := waitDone(ctx, d.store, id, 15*time.Second); err != nil {
			return err
		}
		n, err := sender.SendDue(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			d.say("   (stored and read: %s; nothing to post)", d.verdict(ctx, id))
		}
		if d.pace > 0 {
			select {
			case <-time.After(d.pace):
			case <-ctx.Done():
				return nil
			}
		}
	}
	d.say("\n3. Ask vtrbot, as in Slack (/vtr help lists the commands; Ctrl-D or exit ends):")
	return d.chat(ctx, cmds, today, script)
}

// chat is the demo's prompt (or, with --script, its fixed commands), with
// examples on the demo's own dates.
func (d *demo) chat(ctx context.Context, cmds *commands.Commands, today vtr.Date, script bool) error {
	w := vtr.LastDays(today, 30)
	d.say("   e.g. /vtr status %s..%s, /vtr untracked, /vtr history 60d, /vtr forecast", w.From, w.To)
	if script {
		chat(ctx, d.env, cmds, strings.NewReader(strings.Join(demoScript, "\n")), false)
		return nil
	}
	chat(ctx, d.env, cmds, d.env.Stdin, true)
	return nil
}

// seed loads the sample seller through the import code, unless the demo
// database already holds it.
func (d *demo) seed(ctx context.Context, today vtr.Date) (sample.Story, bool, error) {
	dir, err := os.MkdirTemp("", "vtrbot-demo-")
	if err != nil {
		return sample.Story{}, false, err
	}
	defer os.RemoveAll(dir)
	files := map[string]*os.File{}
	for _, k := range []string{"orders", "shipments", "categories"} {
		if files[k], err = os.Create(filepath.Join(dir, k+".tsv")); err != nil {
			return sample.Story{}, false, err
		}
	}
	story, err := sample.WriteStory(today.AddDays(-1), sample.Files{Orders: files["orders"], Shipments: files["shipments"], Categories: files["categories"]})
	for _, f := range files {
		f.Close()
	}
	if err != nil {
		return story, false, err
	}
	has, err := d.store.HasData(ctx)
	if err != nil || has {
		return story, false, err
	}
	d.say("Creating %s with a sample seller: a small US shop of CDs, DVDs and books, shipped by USPS.", d.cfg.DatabaseURL)
	for _, k := range []struct {
		kind string
		fn   func(context.Context, *store.Store, *Config, string, io.Reader, *flatfile.Charset) (string, error)
	}{{"orders", importOrders}, {"categories", importCategories}, {"shipments", importShipments}} {
		f, err := os.Open(filepath.Join(dir, k.kind+".tsv"))
		if err != nil {
			return story, false, err
		}
		msg, err := k.fn(ctx, d.store, d.cfg, k.kind+".tsv", f, nil)
		f.Close()
		if err != nil {
			return story, false, err
		}
		fmt.Fprintf(d.out, "  bot import %s %s.tsv: %s\n", k.kind, k.kind, msg)
	}
	return story, true, nil
}

// printPost shows a post as the Slack message would read.
func (d *demo) printPost(_ context.Context, channel, threadTS string, r commands.Reply) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	text := commands.Render(r)
	if threadTS != "" {
		fmt.Fprintln(d.out, "   ↳ reply in the thread of the triage message:")
		text = "   │ " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n   │ ") + "\n"
		text = strings.ReplaceAll(text, "│ \n", "│\n") // a blank line of the thread ends at its bar
	} else {
		fmt.Fprintf(d.out, "── Slack #%s ─────────────────────────────────────────────\n", channel)
	}
	fmt.Fprint(d.out, text)
	return fmt.Sprintf("%d.000100", d.env.Now().Unix()), nil
}

func (d *demo) verdict(ctx context.Context, id string) string {
	sn, err := d.store.StoredNotice(ctx, id)
	if err != nil || sn.Notice() == nil {
		return "unreadable"
	}
	n := sn.Notice()
	if !n.Authentic {
		return "not authentic"
	}
	return "kind " + string(n.Kind)
}

// waitDone waits until the pipeline has finished a mail.
func waitDone(ctx context.Context, s *store.Store, id string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if sn, err := s.StoredNotice(ctx, id); err == nil && (sn.State == store.NoticeDone || sn.State == store.NoticeParseFailed) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the watcher did not pick up mail %s within %s", id, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func mustStatus(ctx context.Context, s *store.Store, market string, w vtr.Window) vtr.Status {
	st, _ := s.Status(ctx, market, w, "")
	return st
}
