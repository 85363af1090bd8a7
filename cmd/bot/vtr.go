package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

const vtrAbout = `Valid Tracking Rate, recomputed from your own orders and shipments.

Subcommands:
  status      the rate for a window, account-wide and per category
  untracked   the window's packages that do not count as valid, with their reason
  history     the rolling N-day rate for every day of a range
  forecast    the rate of the windows Amazon reports next, and what can still be fixed

Window: --from YYYY-MM-DD --to YYYY-MM-DD (both included), or --as-of YYYY-MM-DD
with --days N (default 30). --as-of defaults to today in VTR_TIMEZONE, else in the
marketplace's zone (America/Los_Angeles for US). A window is at most 730 days.`

func cmdVTR(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintf(helpOut(env, args), "Usage: bot vtr status|untracked|history|forecast [flags]\n\n%s\n", vtrAbout)
		if len(args) == 0 {
			return exitConfig
		}
		return exitOK
	}
	switch args[0] {
	case "status":
		return vtrStatus(ctx, env, args[1:])
	case "untracked":
		return vtrUntracked(ctx, env, args[1:])
	case "history":
		return vtrHistory(ctx, env, args[1:])
	case "forecast":
		return vtrForecast(ctx, env, args[1:])
	}
	return unknownSubcommand(env, "vtr", args[0], []string{"status", "untracked", "history", "forecast"})
}

func vtrStatus(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "vtr status", "[window flags] [--json|--csv]", "The Valid Tracking Rate of a window, account-wide and per category.")
	applyDB := dbFlag(fs)
	wf := addWindowFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON (docs/interface.md)")
	asCSV := fs.Bool("csv", false, "print CSV: one row per category, then the total")
	failBelow := fs.Bool("fail-below", false, "exit 3 when the overall rate or any category's is below target (N/A is not below), for cron")
	c, err := openWindowed(ctx, env, fs, applyDB, wf, args)
	if err != nil {
		return exitCode(env, err)
	}
	defer c.store.Close()
	if *asJSON && *asCSV {
		return badUsage(env, vtr.Errorf(vtr.EINVALID, "--json and --csv: choose one"))
	}
	st, err := c.store.Status(ctx, c.market, c.window, c.cat)
	if err != nil {
		return fail(env, err)
	}
	switch {
	case *asJSON:
		if code := writeJSON(env, st); code != exitOK {
			return code
		}
	case *asCSV:
		if code := writeCSV(env, statusCSV(st)); code != exitOK {
			return code
		}
	default:
		printStatus(env.Stdout, st, isTerminal(env.Stdout))
		byShip, eligible, err := c.store.PlacedByShipDate(ctx, c.market, c.window, c.cat)
		if err != nil {
			return fail(env, err)
		}
		if note := shipDateNote(byShip, eligible); note != "" {
			fmt.Fprintf(env.Stdout, "\nNote: %s\n", note)
		}
	}
	if *failBelow {
		return belowTarget(env, "vtr status", statusBelow(st))
	}
	return exitOK
}

// shipDateNote says, once, that packages without a promised delivery date
// are in the window by ship date (docs/rules.md "Window date"), which is
// not how Amazon places them: "" when every eligible package has one.
func shipDateNote(byShip, eligible int) string {
	if byShip == 0 {
		return ""
	}
	have, them, were := "have", "them", "they were"
	if byShip == 1 {
		have, them, were = "has", "it", "it was"
	}
	return fmt.Sprintf("%d of the %d eligible packages %s no promised delivery date, so this window holds %s by ship date,\n"+
		"not by the day %s due as Amazon does; import orders with promised-delivery-date, or Amazon's Order Report\n"+
		"(bot import orders, after the All Orders report), to place %s as Amazon does.", byShip, eligible, have, them, were, them)
}

// statusBelow names the rates of a status that are below target: the
// overall rate and each category's; N/A is not below.
func statusBelow(st vtr.Status) []string {
	var out []string
	if st.Overall.Status() == vtr.StatusBelowTarget {
		name := "overall"
		if st.Category != "" {
			name = st.Category
		}
		out = append(out, fmt.Sprintf("%s %s", name, fmtRate(st.Overall.Rate())))
	}
	for _, c := range st.Categories {
		if c.Status() == vtr.StatusBelowTarget && c.Category != st.Category {
			out = append(out, fmt.Sprintf("%s %s", c.Category, fmtRate(c.Rate())))
		}
	}
	return out
}

// belowTarget is --fail-below's verdict: exit 3 with one line on stderr
// naming what is below target, or exit 0.
func belowTarget(env *Env, cmd string, below []string) int {
	if len(below) == 0 {
		return exitOK
	}
	fmt.Fprintf(env.Stderr, "bot %s: below target: %s\n", cmd, strings.Join(below, ", "))
	return exitBelow
}

func writeJSON(env *Env, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "%s\n", b)
	return exitOK
}

// printStatus writes a status as an aligned table, coloured on a terminal.
func printStatus(w io.Writer, st vtr.Status, color bool) {
	fmt.Fprintf(w, "Valid Tracking Rate, %s, %s to %s (target %.0f%%)\n\n", st.Marketplace, st.Window.From, st.Window.To, vtr.Target*100)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CATEGORY\tELIGIBLE\tVALID\tVERIFIED\tEXEMPT\tRATE\tSTATUS")
	row := func(name string, c vtr.Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\n", name, c.Eligible, c.Valid, c.Verified, c.Exempt, fmtRate(c.Rate()), paint(c.Status(), color))
	}
	for _, c := range st.Categories {
		row(c.Category, c.Counts)
	}
	overall := "All categories"
	if st.Category != "" {
		overall = "Total (" + st.Category + ")"
	}
	row(overall, st.Overall)
	tw.Flush()
	if a := st.Amazon; a != nil {
		fmt.Fprintf(w, "\nAmazon says: %s (%d of %d valid), %s to %s, status %s (report fetched %s)\n",
			fmtRate(a.Rate), a.Valid, a.Eligible, a.From, a.To, orDash(a.Status), a.FetchedAt.UTC().Format("2006-01-02 15:04Z"))
	}
	if len(st.NA) > 0 {
		fmt.Fprintln(w) // one blank line before the N/A causes, none between them
	}
	for _, s := range st.NA {
		fmt.Fprintf(w, "N/A: %s\n", s)
	}
}

// fmtRate says a Valid Tracking Rate (vtr.RatePercent: never rounded onto
// the target).
func fmtRate(r *float64) string { return vtr.RatePercent(r) }

// statusWords says a status code ("below_target") for people.
func statusWords(status string) string {
	switch status {
	case vtr.StatusBelowTarget:
		return "below target"
	case vtr.StatusNA:
		return "N/A"
	}
	return status
}

// paint says a status in words, coloured on a terminal.
func paint(status string, color bool) string {
	words := statusWords(status)
	if !color {
		return words
	}
	switch status {
	case vtr.StatusOK:
		return "\x1b[32m" + words + "\x1b[0m"
	case vtr.StatusBelowTarget:
		return "\x1b[31m" + words + "\x1b[0m"
	}
	return "\x1b[33m" + words + "\x1b[0m"
}

func vtrUntracked(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "vtr untracked", "[window flags] [--json|--csv]", "The packages of a window that do not count as valid, with their reason and what to fix.")
	applyDB := dbFlag(fs)
	wf := addWindowFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON (docs/interface.md)")
	asCSV := fs.Bool("csv", false, "print CSV for an appeal: order, carrier, tracking number, dates, reason, what to fix\n(a cell that would read as a spreadsheet formula starts with ')")
	c, err := openWindowed(ctx, env, fs, applyDB, wf, args)
	if err != nil {
		return exitCode(env, err)
	}
	defer c.store.Close()
	w, market := c.window, c.market
	list, err := c.store.Untracked(ctx, market, w, c.cat)
	if err != nil {
		return fail(env, err)
	}
	switch {
	case *asJSON:
		return writeJSON(env, untrackedJSON(w, list))
	case *asCSV:
		cw := newCSVWriter(env.Stdout) // formulas neutralised (csvout.go)
		cw.Write([]string{"order_id", "category", "carrier", "tracking_number", "ship_date", "promised_delivery_date", "reason", "what_to_fix"})
		for _, p := range list {
			cw.Write([]string{p.OrderID, p.Category, p.Carrier, p.TrackingNumber, p.ShipDate.String(), p.PromisedDelivery.String(), string(p.Reason), p.Reason.Fix()})
		}
		if err := cw.Flush(); err != nil {
			return fail(env, err)
		}
		return exitOK
	}
	fmt.Fprintf(env.Stdout, "Packages that do not count as valid, %s, %s to %s: %d\n", market, w.From, w.To, len(list))
	if len(list) == 0 {
		return exitOK
	}
	fmt.Fprintln(env.Stdout)
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ORDER\tCATEGORY\tCARRIER\tTRACKING\tSHIPPED\tDUE\tWHY IT DOES NOT COUNT")
	for _, p := range list {
		tn := p.TrackingNumber
		if tn == "" {
			tn = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.OrderID, p.Category, p.Carrier, tn, p.ShipDate, orDash(p.PromisedDelivery.String()), p.Reason.Words())
	}
	tw.Flush()
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type untrackedPackage struct {
	OrderID          string  `json:"order_id"`
	Category         string  `json:"category"`
	ShipDate         string  `json:"ship_date"`
	PromisedDelivery *string `json:"promised_delivery_date"`
	Carrier          string  `json:"carrier"`
	TrackingNumber   string  `json:"tracking_number"`
	Reason           string  `json:"reason"`
	Fix              string  `json:"what_to_fix,omitempty"`
	Hint             string  `json:"hint,omitempty"`
}

func untrackedJSON(w vtr.Window, list []store.PackageInfo) any {
	out := struct {
		From     vtr.Date           `json:"from"`
		To       vtr.Date           `json:"to"`
		Packages []untrackedPackage `json:"packages"`
	}{From: w.From, To: w.To, Packages: []untrackedPackage{}}
	for _, p := range list {
		u := untrackedPackage{OrderID: p.OrderID, Category: p.Category, ShipDate: p.ShipDate.String(), Carrier: p.Carrier,
			TrackingNumber: p.TrackingNumber, Reason: string(p.Reason), Fix: p.Reason.Fix(), Hint: p.Hint}
		if !p.PromisedDelivery.IsZero() {
			s := p.PromisedDelivery.String()
			u.PromisedDelivery = &s
		}
		out.Packages = append(out.Packages, u)
	}
	return out
}
