// Command bot is vtrbot: it watches a seller's mailbox for Amazon performance
// notices, recomputes Valid Tracking Rate from the seller's own records and
// explains the difference in Slack. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vtrbot/vtrbot/commands/suggest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.LookupEnv, Now: time.Now, Dir: ".",
	})
	stop()
	os.Exit(code)
}

// Env is everything a subcommand may touch of the outside world, so tests can
// call run with their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv looks up a variable of the real environment.
	Getenv func(string) (string, bool)
	// Now is the clock; "today" for windows is Now().UTC().
	Now func() time.Time
	// Dir is where .env is looked for.
	Dir string
}

type subcommand struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) int
}

func subcommands() []subcommand {
	return []subcommand{
		{"run", "the daemon: watch the mailbox, triage notices, serve Slack", cmdRun},
		{"demo", "the whole bot on embedded defaults: sample data, a local mailbox, chat in the terminal", cmdDemo},
		{"shell", "type chat commands (/vtr status) at a prompt against the database", cmdShell},
		{"import", "import Amazon files: orders, shipments, categories, vtr-report, mail", cmdImport},
		{"parse", "parse .eml or mbox files (- = stdin) into one JSON object per message", cmdParse},
		{"vtr", "Valid Tracking Rate: status, untracked, history, forecast", cmdVTR},
		{"metrics", "sibling metrics: late shipment, cancellation, on-time delivery", cmdMetrics},
		{"explain", "reconcile a notice against the database: findings and a suggested reply", cmdExplain},
		{"tracking", "tracking numbers: check CARRIER NUMBER", cmdTracking},
		{"sync", "one pass against Amazon's Selling Partner API: orders, packages, Amazon's own VTR", cmdSync},
		{"mailbox", "mailbox: check the IMAP settings", cmdMailbox},
		{"doctor", "check every setting end to end: database, mailbox, Slack, Amazon", cmdDoctor},
		{"version", "print the version and the commit it was built from", cmdVersion},
		{"account", "the seller accounts one deployment serves: add, list, show, rm, rekey", cmdAccount},
	}
}

func run(ctx context.Context, args []string, env *Env) int {
	if len(args) == 0 || (isHelp(args[0]) && len(args) == 1) {
		// Asked for: stdout, exit 0. Not asked for: a usage error.
		if len(args) == 0 {
			usage(env.Stderr)
			return exitConfig
		}
		usage(env.Stdout)
		return exitOK
	}
	if isVersion(args[0]) {
		return cmdVersion(ctx, env, args[1:])
	}
	// bot help CMD [SUB] is bot CMD [SUB] --help.
	if args[0] == "help" && len(args) > 1 {
		args = append(args[1:len(args):len(args)], "--help")
	}
	var names []string
	for _, c := range subcommands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
		names = append(names, c.name)
	}
	msg := fmt.Sprintf("bot: unknown command %q", args[0])
	if s := suggest.Closest(args[0], names); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	fmt.Fprintln(env.Stderr, msg+"; see bot --help")
	return exitConfig
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "vtrbot: Amazon seller-performance notices, checked against your own records.")
	fmt.Fprintln(w, "\nUsage: bot COMMAND [flags]   (bot COMMAND --help or bot help COMMAND for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range subcommands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from the environment and a .env file; see .env.example.")
}

func isHelp(s string) bool {
	switch strings.TrimLeft(s, "-") {
	case "h", "help":
		return true
	}
	return false
}
