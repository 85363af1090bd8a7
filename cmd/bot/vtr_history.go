package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/chart"
	"github.com/vtrbot/vtrbot/vtr"
)

func vtrHistory(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "vtr history", "--from YYYY-MM-DD --to YYYY-MM-DD [--days 30] [--json] [--png FILE]",
		"The rolling N-day Valid Tracking Rate for every day of a range, overall and per category (the series a\nchart is drawn from). One scan of the store, whatever the range.")
	applyDB := dbFlag(fs)
	from := fs.String("from", "", "first day of the range (default: 90 days before --to)")
	to := fs.String("to", "", fmt.Sprintf("last day of the range (default today in VTR_TIMEZONE or the marketplace's zone); a range is at most %d days", vtr.MaxWindowDays))
	days := fs.Int("days", 30, "length of the rolling window in days")
	market := fs.String("marketplace", "", "marketplace code (default VTR_MARKETPLACE)")
	cat := fs.String("category", "", "only this category")
	asJSON := fs.Bool("json", false, "print JSON")
	pngFile := fs.String("png", "", "also write the chart Slack gets to this PNG file")
	if _, err := parseFlags(fs, args); err != nil {
		return exitCode(env, err)
	}
	cfg, err := setup(env, applyDB)
	if err != nil {
		return exitCode(env, err)
	}
	wf := &windowFlags{from: from, to: to, asOf: new(string), days: new(int), market: market, cat: cat}
	*wf.days = 90
	if *from == "" && *to != "" {
		*wf.asOf, *wf.to = *to, ""
	}
	r, mkt, err := wf.window(env, cfg)
	if err != nil {
		return badUsage(env, err)
	}
	if *days < 1 || *days > 365 {
		return badUsage(env, vtr.Errorf(vtr.EINVALID, "--days: want 1 to 365, got %d", *days))
	}
	s, err := openExisting(ctx, cfg)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	pts, err := newCommands(env, cfg, s, nil).History(ctx, mkt, r, *days, *cat)
	if err != nil {
		return fail(env, err)
	}
	if *pngFile != "" {
		if err := writePNG(*pngFile, pts, commands.HistoryTitle(*days, mkt, r, *cat)); err != nil {
			return fail(env, err)
		}
	}
	if *asJSON {
		return writeJSON(env, struct {
			Marketplace string             `json:"marketplace"`
			From        vtr.Date           `json:"from"`
			To          vtr.Date           `json:"to"`
			Days        int                `json:"days"`
			Target      float64            `json:"target"`
			Series      []vtr.HistoryPoint `json:"series"`
		}{mkt, r.From, r.To, *days, vtr.Target, pts})
	}
	of := ""
	if *cat != "" {
		of = ", category " + *cat
	}
	fmt.Fprintf(env.Stdout, "Rolling %d-day Valid Tracking Rate, %s%s, %s to %s\n\n", *days, mkt, of, r.From, r.To)
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	// With --category the rows are that category's own: a BELOW TARGET
	// column would only repeat it.
	if *cat != "" {
		fmt.Fprintln(tw, "DATE\tELIGIBLE\tVALID\tRATE\tSTATUS")
	} else {
		fmt.Fprintln(tw, "DATE\tELIGIBLE\tVALID\tRATE\tSTATUS\tBELOW TARGET")
	}
	color := isTerminal(env.Stdout)
	for _, p := range pts {
		if *cat != "" {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", p.Date, p.Overall.Eligible, p.Overall.Valid, fmtRate(p.Overall.Rate()), paint(p.Overall.Status(), color))
			continue
		}
		var below []string
		for _, c := range p.Categories {
			if c.Status() == vtr.StatusBelowTarget {
				below = append(below, c.Category+" "+commands.Rate(c.Rate()))
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", p.Date, p.Overall.Eligible, p.Overall.Valid, fmtRate(p.Overall.Rate()), paint(p.Overall.Status(), color), strings.Join(below, "  "))
	}
	tw.Flush()
	return exitOK
}

func vtrForecast(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "vtr forecast", "[--as-of YYYY-MM-DD] [--json]",
		"Early warning: projects the 30-day windows Amazon reports next (today's verdicts applied to packages\nalready shipped whose promised delivery is still ahead) and lists the invalid packages that can still be\nfixed before delivery, most urgent first (a fix uploaded after delivery never counts).")
	applyDB := dbFlag(fs)
	asOf := fs.String("as-of", "", "today (default: today in VTR_TIMEZONE or the marketplace's zone)")
	market := fs.String("marketplace", "", "marketplace code (default VTR_MARKETPLACE)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return exitCode(env, err)
	}
	cfg, err := setup(env, applyDB)
	if err != nil {
		return exitCode(env, err)
	}
	wf := &windowFlags{from: new(string), to: new(string), asOf: asOf, days: new(int), market: market, cat: new(string)}
	*wf.days = 1
	w, mkt, err := wf.window(env, cfg)
	if err != nil {
		return badUsage(env, err)
	}
	today := w.To
	s, err := openExisting(ctx, cfg)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	wins, urgent, err := newCommands(env, cfg, s, nil).Forecast(ctx, mkt, today, 30)
	if err != nil {
		return fail(env, err)
	}
	if *asJSON {
		if urgent == nil {
			urgent = []vtr.Urgent{}
		}
		return writeJSON(env, struct {
			Marketplace string               `json:"marketplace"`
			AsOf        vtr.Date             `json:"as_of"`
			Windows     []vtr.ForecastWindow `json:"windows"`
			Fixable     []vtr.Urgent         `json:"fixable"`
		}{mkt, today, wins, urgent})
	}
	printForecast(env.Stdout, mkt, today, wins, urgent, isTerminal(env.Stdout))
	return exitOK
}

// writePNG writes the history chart to file: to a temporary file beside it
// first, renamed into place, so a failure leaves no half-written PNG.
func writePNG(file string, pts []vtr.HistoryPoint, title string) error {
	b, err := chart.History(pts, title)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".vtr-history-*.png")
	if err != nil {
		return fmt.Errorf("--png: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("--png: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--png: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("--png: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("--png: %w", err)
	}
	return nil
}

// printForecast writes a forecast as tables, like a status: the windows
// Amazon reports next, then the packages that can still be fixed.
func printForecast(w io.Writer, market string, today vtr.Date, wins []vtr.ForecastWindow, urgent []vtr.Urgent, color bool) {
	fmt.Fprintf(w, "Valid Tracking Rate forecast, %s, as of %s (target %.0f%%)\n\n", market, today, vtr.Target*100)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WINDOW\tELIGIBLE\tVALID\tNOT DELIVERED\tRATE\tSTATUS")
	for _, f := range wins {
		fmt.Fprintf(tw, "%s to %s\t%d\t%d\t%d\t%s\t%s\n", f.Window.From, f.Window.To, f.Counts.Eligible, f.Counts.Valid, f.Pending, fmtRate(f.Rate), paint(f.Status, color))
	}
	tw.Flush()
	if len(urgent) == 0 {
		fmt.Fprintln(w, "\nNothing to fix: no undelivered package is invalid.")
		return
	}
	fmt.Fprintf(w, "\n%s to fix before delivery (a fix after delivery never counts):\n\n", vtr.Plural(len(urgent), "package"))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DAYS LEFT\tDUE\tORDER\tCATEGORY\tCARRIER\tTRACKING\tWHY IT DOES NOT COUNT\tWHAT TO DO")
	for _, u := range urgent {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.DaysLeft, u.PromisedDelivery, u.OrderID, u.Category, orDash(u.Carrier),
			orDash(u.TrackingNumber), u.Reason.Words(), u.Fix)
	}
	tw.Flush()
}
