package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"golang.org/x/term"
)

// newFlags returns a FlagSet for a subcommand whose usage names it and
// explains its arguments. -h and --help print the usage on stdout (exit 0);
// fs.Usage() prints it on stderr, for a usage error (exit 2). Flags are
// shown as they are typed, --db (flags.go).
func newFlags(env *Env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// parseFlags prints the flag package's errors itself, as one line.
	fs.SetOutput(io.Discard)
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: bot %s %s\n\n%s\n", name, args, about)
		var any bool
		fs.VisitAll(func(f *flag.Flag) { any = any || (f.Name != "h" && f.Name != "help") })
		if any {
			fmt.Fprintln(w, "\nFlags:")
			printDefaults(w, fs)
		}
	}
	fs.Usage = func() { usage(env.Stderr) }
	h := &helpFlag{cmd: name, stdout: env.Stdout, stderr: env.Stderr, usage: usage}
	fs.Var(h, "help", "show this help")
	fs.Var(h, "h", "show this help")
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// (bot vtr status --json works as well as bot tracking check usps N --json).
// It returns the exit code to use when parsing stops the command: 0 after
// --help, 2 after a flag error, which is one line naming the flag (and the
// nearest one when it is unknown), not the whole usage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	h, _ := fs.Lookup("help").Value.(*helpFlag)
	// The flag package calls Usage on every error; bot prints one line.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var pos []string
	for {
		err := fs.Parse(args)
		if h != nil && h.shown {
			return nil, exitOK, false
		}
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			if h != nil {
				fmt.Fprintln(h.stderr, flagError(fs, h.cmd, err))
			}
			return nil, exitConfig, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

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

// fail prints err as one line for the user and returns exitFail.
func fail(env *Env, err error) int {
	if vtr.ErrorCode(err) == vtr.EINTERNAL {
		fmt.Fprintln(env.Stderr, "error:", oneLine(err))
	} else {
		fmt.Fprintln(env.Stderr, vtr.ErrorMessage(err))
	}
	return exitFail
}

// badUsage prints a flag value the command cannot take (a date that is
// not one, a window too long) as one line and returns exitConfig: it is a
// usage error, like an unknown flag.
func badUsage(env *Env, err error) int {
	fmt.Fprintln(env.Stderr, vtr.ErrorMessage(err))
	return exitConfig
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// isTerminal reports whether w is a terminal (colour and progress bars only then).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newLogger returns the process logger on stderr at the configured level:
// text, or JSON (LOG_FORMAT=json) for log collectors.
func newLogger(env *Env, cfg *Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}

// windowFlags are the contract's window flags.
type windowFlags struct {
	from, to, asOf *string
	days           *int
	market, cat    *string
}

func addWindowFlags(fs *flag.FlagSet) *windowFlags {
	return &windowFlags{
		from:   fs.String("from", "", "first day of the window, YYYY-MM-DD (with --to)"),
		to:     fs.String("to", "", fmt.Sprintf("last day of the window, YYYY-MM-DD, included (a window is at most %d days)", vtr.MaxWindowDays)),
		asOf:   fs.String("as-of", "", "last day of the window when --from/--to are not given (default today in VTR_TIMEZONE, else the marketplace's zone)"),
		days:   fs.Int("days", 30, fmt.Sprintf("window length in days, ending at --as-of (at most %d)", vtr.MaxWindowDays)),
		market: fs.String("marketplace", "", "marketplace code (default VTR_MARKETPLACE)"),
		cat:    fs.String("category", "", "only this category"),
	}
}

// window resolves the flags into a window and a marketplace.
func (wf *windowFlags) window(env *Env, cfg *Config) (vtr.Window, string, error) {
	market := cfg.Marketplace
	if *wf.market != "" {
		m, ok := vtr.MarketplaceByCode(*wf.market)
		if !ok {
			return vtr.Window{}, "", vtr.Errorf(vtr.EINVALID, "--marketplace: unknown marketplace %q (want US, UK, DE, ...)", *wf.market)
		}
		market = m.Code
	}
	if *wf.from != "" || *wf.to != "" {
		if *wf.from == "" || *wf.to == "" {
			return vtr.Window{}, "", vtr.Errorf(vtr.EINVALID, "--from and --to go together")
		}
		from, err := parseDateFlag("from", *wf.from)
		if err != nil {
			return vtr.Window{}, "", err
		}
		to, err := parseDateFlag("to", *wf.to)
		if err != nil {
			return vtr.Window{}, "", err
		}
		w := vtr.Window{From: from, To: to}
		return w, market, w.Validate()
	}
	asOf := cfg.today(env)
	if *wf.asOf != "" {
		d, err := parseDateFlag("as-of", *wf.asOf)
		if err != nil {
			return vtr.Window{}, "", err
		}
		asOf = d
	}
	if *wf.days < 1 || *wf.days > vtr.MaxWindowDays {
		return vtr.Window{}, "", vtr.Errorf(vtr.EINVALID, "--days: want 1 to %d, got %d", vtr.MaxWindowDays, *wf.days)
	}
	return vtr.LastDays(asOf, *wf.days), market, nil
}

func parseDateFlag(name, s string) (vtr.Date, error) {
	if len(s) != 10 {
		return vtr.Date{}, vtr.Errorf(vtr.EINVALID, "--%s: %q is not a date (want YYYY-MM-DD)", name, s)
	}
	d, err := vtr.ParseDate(s)
	if err != nil {
		return d, vtr.Errorf(vtr.EINVALID, "--%s: %q is not a date (want YYYY-MM-DD)", name, s)
	}
	return d, nil
}

// windowed is a data command with the window flags, parsed and opened.
type windowed struct {
	cfg    *Config
	store  *store.Store
	window vtr.Window
	market string
	cat    string
}

// openWindowed parses args with the window flags (already added to fs as
// wf, with --db as applyDB), loads the configuration and opens the store.
// When ok is false the command is over and code is its exit status.
func openWindowed(ctx context.Context, env *Env, fs *flag.FlagSet, applyDB func(*Config), wf *windowFlags, args []string) (w *windowed, code int, ok bool) {
	if _, code, ok := parseFlags(fs, args); !ok {
		return nil, code, false
	}
	cfg, code, ok := setup(env, applyDB)
	if !ok {
		return nil, code, false
	}
	win, market, err := wf.window(env, cfg)
	if err != nil {
		return nil, badUsage(env, err), false
	}
	s, code, ok := openExisting(ctx, env, cfg)
	if !ok {
		return nil, code, false
	}
	return &windowed{cfg: cfg, store: s, window: win, market: market, cat: *wf.cat}, 0, true
}
