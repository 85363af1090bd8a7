package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/vtrbot/vtrbot/vtr"
)

func cmdMetrics(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "metrics", "[window flags] [--json|--csv]",
		"Sibling metrics from the same data (docs/rules.md): Late Shipment Rate over 10 and 30 days, Pre-fulfillment\nCancel Rate over 7 days and On-Time Delivery Rate over 14 days, ending at --as-of (default today), each with\nits target, status and the offending orders. --from/--to compute every metric over that window instead.\nEach is computed as of its window's last day, whatever day it is run; ship-by and promised dates end at\n23:59:59 in the marketplace's time zone. On-Time Delivery Rate leaves out packages not delivered yet and\nsays how many (not_delivered in --json).")
	applyDB := dbFlag(fs)
	wf := addWindowFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "print CSV: one row per metric and window length")
	failBelow := fs.Bool("fail-below", false, "exit 3 when any metric misses its target (N/A does not), for cron")
	c, err := openWindowed(ctx, env, fs, applyDB, wf, args)
	if err != nil {
		return exitCode(env, err)
	}
	defer c.store.Close()
	if *asJSON && *asCSV {
		return badUsage(env, vtr.Errorf(vtr.EINVALID, "--json and --csv: choose one"))
	}
	w, market := c.window, c.market
	var custom *vtr.Window
	if *wf.from != "" {
		custom = &w
	}
	ms, err := newCommands(env, c.cfg, c.store, nil).Metrics(ctx, market, w.To, custom)
	if err != nil {
		return fail(env, err)
	}
	var below []string
	for _, m := range ms {
		if m.Status() == vtr.StatusBelowTarget {
			below = append(below, fmt.Sprintf("%s (%dd) %s", m.Name, m.Window.Days(), vtr.Percent(m.Rate(), m.Target)))
		}
	}
	verdict := func() int {
		if *failBelow {
			return belowTarget(env, "metrics", below)
		}
		return exitOK
	}
	if *asJSON {
		if code := writeJSON(env, struct {
			Marketplace string             `json:"marketplace"`
			AsOf        vtr.Date           `json:"as_of"`
			Metrics     []vtr.MetricResult `json:"metrics"`
		}{market, w.To, ms}); code != exitOK {
			return code
		}
		return verdict()
	}
	if *asCSV {
		if code := writeCSV(env, metricsCSV(market, ms)); code != exitOK {
			return code
		}
		return verdict()
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METRIC\tWINDOW\tCOUNT\tRATE\tTARGET\tSTATUS")
	color := isTerminal(env.Stdout)
	for _, m := range ms {
		cmp := "< "
		if !m.AtMost {
			cmp = ">= "
		}
		fmt.Fprintf(tw, "%s\t%s..%s (%dd)\t%d/%d\t%s\t%s%.1f%%\t%s\n", m.Name, m.Window.From, m.Window.To, m.Window.Days(),
			m.Numerator, m.Denominator, vtr.Percent(m.Rate(), m.Target), cmp, m.Target*100, paint(m.Status(), color))
	}
	tw.Flush()
	for _, m := range ms {
		for _, o := range m.Offenders {
			fmt.Fprintf(env.Stdout, "  %s: %s %s\n", m.Name, o.OrderID, o.Why)
		}
		if m.Note != "" {
			fmt.Fprintf(env.Stdout, "  %s: %s\n", m.Name, m.Note)
		}
	}
	fmt.Fprintln(env.Stdout, "Order Defect Rate needs feedback, A-to-z claim and chargeback data, which vtrbot does not have.")
	return verdict()
}
