package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// windowFlags are the window flags of docs/interface.md.
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
// An error is an exitError: the command is over.
func openWindowed(ctx context.Context, env *Env, fs *flag.FlagSet, applyDB func(*Config), wf *windowFlags, args []string) (*windowed, error) {
	if _, err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	cfg, err := setup(env, applyDB)
	if err != nil {
		return nil, err
	}
	win, market, err := wf.window(env, cfg)
	if err != nil {
		return nil, usageError(err)
	}
	s, err := openExisting(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &windowed{cfg: cfg, store: s, window: win, market: market, cat: *wf.cat}, nil
}
