package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vtrbot/vtrbot/vtr/tracking"
)

const trackingAbout = `Tracking numbers and carriers, checked against the carriers' published formats
and check digits (docs/tracking.md). Nothing is looked up online.

Subcommands:
  check CARRIER NUMBER   can NUMBER belong to CARRIER? exit 0 yes, 1 no, one line of why
  detect NUMBER          every carrier whose formats NUMBER fits (exit 1 when none)
  carriers               the carriers vtrbot knows: codes, names, formats, integrated lists

CARRIER is any name a seller types (U.S.P.S., "US Postal Service", Fed Ex) or a
code (usps, canada_post, s10 = any post's UPU S10 number). NUMBER may contain
spaces and dashes; quote it or not.`

func cmdTracking(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintf(helpOut(env, args), "Usage: bot tracking check|detect|carriers [flags]\n\n%s\n", trackingAbout)
		if len(args) == 0 {
			return exitConfig
		}
		return exitOK
	}
	switch args[0] {
	case "check":
		return trackingCheck(env, args[1:])
	case "detect":
		return trackingDetect(env, args[1:])
	case "carriers":
		return trackingCarriers(env, args[1:])
	}
	return unknownSubcommand(env, "tracking", args[0], []string{"check", "detect", "carriers"})
}

// trackingCarrier is a carrier in JSON output.
type trackingCarrier struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func trackingCarriersOf(s tracking.Set) []trackingCarrier {
	out := []trackingCarrier{}
	for c := range s.All() {
		out = append(out, trackingCarrier{c.Code, c.Name})
	}
	return out
}

func trackingCheck(env *Env, args []string) int {
	fs := newFlags(env, "tracking check", "CARRIER NUMBER [--json]",
		"Whether NUMBER can belong to CARRIER: exit 0 if it can (or the carrier's formats are\n"+
			"unknown, so it cannot be ruled out), 1 if not, with one line of why.")
	asJSON := fs.Bool("json", false, "print a JSON object: carrier, number, normalized, valid, checked, why, detected")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) < 2 {
		fs.Usage()
		return exitConfig
	}
	c, ok := tracking.Lookup(pos[0])
	if !ok {
		fmt.Fprintf(env.Stderr, "bot tracking check: unknown carrier %q (bot tracking carriers lists the names)\n", pos[0])
		return exitConfig
	}
	number := strings.Join(pos[1:], " ")
	r := tracking.Check(c.Code, number)
	exit := exitOK
	if !r.OK {
		exit = exitFail
	}
	if *asJSON {
		out := struct {
			Carrier    trackingCarrier   `json:"carrier"`
			Number     string            `json:"number"`
			Normalized string            `json:"normalized"`
			Valid      bool              `json:"valid"`
			Checked    bool              `json:"checked"`
			Format     string            `json:"format,omitempty"`
			Why        string            `json:"why"`
			Detected   []trackingCarrier `json:"detected"`
		}{trackingCarrier{c.Code, c.Name}, number, tracking.Normalize(number), r.OK, r.Checked, r.Format, r.Why(),
			trackingCarriersOf(tracking.Detect(number))}
		if code := trackingJSON(env, out); code != exitOK {
			return code
		}
		return exit
	}
	switch {
	case !r.Checked && r.OK:
		fmt.Fprintln(env.Stdout, r.Why()) // "not checked: ..."
	case r.OK:
		fmt.Fprintf(env.Stdout, "valid: %s\n", r.Why())
	default:
		fmt.Fprintf(env.Stdout, "invalid: %s\n", r.Why())
	}
	return exit
}

func trackingDetect(env *Env, args []string) int {
	fs := newFlags(env, "tracking detect", "NUMBER [--json]",
		"Every carrier whose formats NUMBER fits; exit 1 when it fits none.")
	asJSON := fs.Bool("json", false, "print a JSON object: number, normalized, carriers")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) == 0 {
		fs.Usage()
		return exitConfig
	}
	number := strings.Join(pos, " ")
	set := tracking.Detect(number)
	exit := exitOK
	if set.Len() == 0 {
		exit = exitFail
	}
	if *asJSON {
		out := struct {
			Number     string            `json:"number"`
			Normalized string            `json:"normalized"`
			Carriers   []trackingCarrier `json:"carriers"`
		}{number, tracking.Normalize(number), trackingCarriersOf(set)}
		if code := trackingJSON(env, out); code != exitOK {
			return code
		}
		return exit
	}
	if set.Len() == 0 {
		fmt.Fprintf(env.Stdout, "%s: fits no carrier format known\n", tracking.Normalize(number))
		return exit
	}
	var names []string
	for c := range set.All() {
		names = append(names, c.Name)
	}
	fmt.Fprintf(env.Stdout, "%s: %s\n", tracking.Normalize(number), strings.Join(names, ", "))
	return exit
}

func trackingCarriers(env *Env, args []string) int {
	fs := newFlags(env, "tracking carriers", "[--marketplace M [--on YYYY-MM-DD]] [--json]",
		"The carriers vtrbot knows, with their codes, names and number formats. With\n"+
			"--marketplace, only those on that marketplace's integrated list (a default;\n"+
			"docs/tracking.md gives its source).")
	market := fs.String("marketplace", "", "only carriers integrated in this marketplace (US, UK, DE, ...)")
	onFlag := fs.String("on", "", "the day the integrated list applies to (default today, UTC)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) > 0 {
		fs.Usage()
		return exitConfig
	}
	on := env.Now().UTC()
	if *onFlag != "" {
		t, err := time.Parse(time.DateOnly, *onFlag)
		if err != nil {
			fmt.Fprintf(env.Stderr, "--on: %q is not a date (want YYYY-MM-DD)\n", *onFlag)
			return exitConfig
		}
		on = t
	}
	lists := tracking.DefaultLists()
	var list tracking.List
	if *market != "" {
		var ok bool
		if list, ok = lists.In(*market, on); !ok {
			fmt.Fprintf(env.Stderr, "--marketplace: no integrated-carrier list for %q (lists: US, UK, DE, FR, IT, ES, JP)\n", *market)
			return exitConfig
		}
	}
	type row struct {
		Code    string   `json:"code"`
		Name    string   `json:"name"`
		Aliases []string `json:"aliases"`
		Formats []string `json:"formats"`
		Checked bool     `json:"checked"`
	}
	rows := []row{}
	for _, c := range tracking.Carriers() {
		if *market != "" && !lists.Integrated(*market, c.Code, on) {
			continue
		}
		rows = append(rows, row{c.Code, c.Name, append([]string{}, c.Aliases()...), append([]string{}, c.Formats()...), c.Checked()})
	}
	if *asJSON {
		return trackingJSON(env, rows)
	}
	if *market != "" {
		fmt.Fprintf(env.Stdout, "Integrated in %s on %s: %s\n", list.Marketplace, on.Format(time.DateOnly), list.Source)
		if list.Note != "" {
			fmt.Fprintf(env.Stdout, "Note: %s\n", list.Note)
		}
		fmt.Fprintln(env.Stdout)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tFORMATS")
	for _, r := range rows {
		formats := strings.Join(r.Formats, ", ")
		switch {
		case formats == "":
			formats = "-"
		case !r.Checked:
			formats += " (partial)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Code, r.Name, formats)
	}
	tw.Flush()
	return exitOK
}

// trackingJSON writes v as one line of JSON.
func trackingJSON(env *Env, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintln(env.Stderr, "error:", err)
		return exitFail
	}
	fmt.Fprintf(env.Stdout, "%s\n", b)
	return exitOK
}
