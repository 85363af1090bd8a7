package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
)

const importAbout = `Imports Amazon files, one transaction per file: a bad row stops the import with
FILE:LINE: what is wrong, exit status 1, and nothing of that file kept. Importing
the same file twice changes nothing.

Kinds:
  orders FILE...      All Orders report (TSV); optional columns promised-delivery-date,
                      latest-ship-date, category. The Order Report (order-id,
                      latest-ship-date, latest-delivery-date) fills those dates
                      of orders already imported
  shipments FILE...   shipping confirmations (TSV); optional columns confirmed-at,
                      delivered-at, first-scan-at
  categories FILE...  sku and category columns (TSV or CSV)
  vtr-report FILE...  Amazon's Valid Tracking report (CSV or TSV) as scan evidence
  mail FILE...        old mail (.eml, mbox) through the watcher's store, parse and
                      reconcile path (--post also queues Slack triage posts); a
                      forward counts only from TRUSTED_FORWARDERS or IMAP_USERNAME's domain

Text: UTF-8, or UTF-16 with a byte-order mark (Excel's "Unicode text"), is read as
it is. A file in another encoding (Amazon's European reports often come in
Windows-1252, Japanese ones in Shift_JIS) needs --encoding; without it, the first
byte that is not UTF-8 stops the import at its line. A NUL byte is never text.
CSV values may be quoted, each on one line. See docs/files.md.`

func cmdImport(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "import", "orders|shipments|categories|vtr-report|mail FILE...", importAbout)
	applyDB := dbFlag(fs)
	post := fs.Bool("post", false, "mail: also queue triage posts to Slack for the imported notices")
	encodingName := fs.String("encoding", "", "the encoding of files that are neither UTF-8 nor start with a byte-order mark:\nwindows-1252, shift_jis, iso-8859-15, utf-16le, ... (each file is still read as UTF-8 when it is)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
	}
	if len(pos) < 2 {
		fs.Usage()
		return exitConfig
	}
	kind, files := pos[0], pos[1:]
	cs, err := flatfile.LookupCharset(*encodingName)
	switch {
	case *encodingName == "":
	case err != nil:
		fmt.Fprintf(env.Stderr, "--encoding: %v\n", err)
		return exitConfig
	case kind == "mail":
		fmt.Fprintln(env.Stderr, "--encoding: not for mail (a message names its own charsets)")
		return exitConfig
	}
	var one func(ctx context.Context, s *store.Store, cfg *Config, name string, r io.Reader, cs *flatfile.Charset) (string, error)
	switch kind {
	case "orders":
		one = importOrders
	case "shipments":
		one = importShipments
	case "categories":
		one = importCategories
	case "vtr-report":
		one = importVTRReport
	case "mail":
		return importMail(ctx, env, applyDB, files, *post)
	default:
		return unknownSubcommand(env, "import", kind, []string{"orders", "shipments", "categories", "vtr-report", "mail"})
	}
	cfg, s, err := setupStore(ctx, env, applyDB, openStore)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: cannot open: %v\n", name, errors.Unwrap(err))
			return exitFail
		}
		r, done := withProgress(env, f, name)
		msg, err := one(ctx, s, cfg, name, r, cs)
		done()
		f.Close()
		if err != nil {
			var fe *flatfile.Error
			var refused *flatfile.Refused
			if errors.As(err, &refused) {
				fmt.Fprintln(env.Stderr, refused.Error())
				return exitConfig
			}
			if errors.As(err, &fe) {
				fmt.Fprintln(env.Stderr, fe.Error())
				return exitFail
			}
			return fail(env, fmt.Errorf("%s: %w", name, err))
		}
		fmt.Fprintf(env.Stdout, "%s: %s\n", name, msg)
	}
	return exitOK
}

// withProgress wraps a big file in a progress bar when stderr is a terminal.
func withProgress(env *Env, f *os.File, name string) (io.Reader, func()) {
	st, err := f.Stat()
	if err != nil || !isTerminal(env.Stderr) || st.Size() < 4<<20 {
		return f, func() {}
	}
	bar := progressbar.DefaultBytes(st.Size(), "importing "+name)
	r := progressbar.NewReader(f, bar)
	return &r, func() { bar.Finish() }
}

func importOrders(ctx context.Context, s *store.Store, cfg *Config, name string, r io.Reader, cs *flatfile.Charset) (string, error) {
	fr, err := flatfile.NewReaderCharset(name, r, cs)
	if err != nil {
		return "", err
	}
	kind, err := flatfile.KindOfOrders(fr)
	if err != nil {
		return "", err
	}
	if kind == flatfile.OrderReport {
		return importOrderDates(ctx, s, cfg, fr)
	}
	next, err := flatfile.OrderRows(fr, cfg.Marketplace)
	if err != nil {
		return "", err
	}
	sum, err := s.ImportOrderRows(ctx, next)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("imported %d orders, %d items (%d new orders)", sum.Orders, sum.Items, sum.New) + missingNotes(fr, flatfile.OrderOptionals), nil
}

// importOrderDates reads an Order Report (Orders → Order Reports) into the
// dates of orders already imported: its latest-delivery-date is the
// promised delivery date, its latest-ship-date the ship-by date
// (docs/files.md "Other Amazon reports with the same dates").
func importOrderDates(ctx context.Context, s *store.Store, cfg *Config, fr *flatfile.Reader) (string, error) {
	rows, err := flatfile.ReadOrderDates(fr, vtr.MarketplaceZone(cfg.Marketplace))
	if err != nil {
		return "", err
	}
	dates := make([]store.OrderDates, len(rows))
	for i, r := range rows {
		dates[i] = store.OrderDates{OrderID: r.OrderID, PromisedDelivery: r.PromisedDelivery, LatestShipDate: r.LatestShipDate, LatestShipAt: r.LatestShipAt}
	}
	sum, err := s.SetOrderDates(ctx, dates)
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("Order Report: dates of %s, %d changed", vtr.Plural(sum.Orders, "order"), sum.Changed)
	if sum.Unknown > 0 {
		msg += fmt.Sprintf("\n  %s not imported yet: import the All Orders report first, then this file again", vtr.Plural(sum.Unknown, "order"))
	}
	return msg + missingNotes(fr, flatfile.OrderReportDates), nil
}

// missingNotes says, once per file, what each absent optional column means
// for the numbers: "  without promised-delivery-date: ...".
func missingNotes(fr *flatfile.Reader, opts []flatfile.Optional) string {
	var b strings.Builder
	for _, o := range fr.Missing(opts) {
		fmt.Fprintf(&b, "\n  without %s: %s", strings.Join(o.Columns, " or "), o.Without)
	}
	return b.String()
}

func importShipments(ctx context.Context, s *store.Store, cfg *Config, name string, r io.Reader, cs *flatfile.Charset) (string, error) {
	fr, err := flatfile.NewReaderCharset(name, r, cs)
	if err != nil {
		return "", err
	}
	next, err := flatfile.Packages(fr)
	if err != nil {
		return "", err
	}
	sum, err := s.ImportShipments(ctx, next)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("imported %d shipment rows (%d new packages)", sum.Rows, sum.New) + missingNotes(fr, flatfile.ShipmentOptionals), nil
}

func importCategories(ctx context.Context, s *store.Store, cfg *Config, name string, r io.Reader, cs *flatfile.Charset) (string, error) {
	fr, err := flatfile.NewReaderCharset(name, r, cs)
	if err != nil {
		return "", err
	}
	cats := map[string]string{}
	if err := flatfile.ReadCategories(fr, func(_ int, sku, cat string) error { cats[sku] = cat; return nil }); err != nil {
		return "", err
	}
	sum, err := s.ImportCategories(ctx, cats)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("imported %d categories (%d new)", sum.Rows, sum.New), nil
}

func importVTRReport(ctx context.Context, s *store.Store, cfg *Config, name string, r io.Reader, cs *flatfile.Charset) (string, error) {
	fr, err := flatfile.NewReaderCharset(name, r, cs)
	if err != nil {
		return "", err
	}
	var rows []flatfile.ReportRow
	if err := flatfile.ReadVTRReport(fr, func(rr flatfile.ReportRow) error { rows = append(rows, rr); return nil }); err != nil {
		return "", err
	}
	sum, err := s.ImportVTRReport(ctx, name, rows)
	if err != nil {
		return "", err
	}
	invalid := 0
	for _, r := range rows {
		if !r.Valid {
			invalid++
		}
	}
	return fmt.Sprintf("imported %d report rows, %d without valid tracking (%d new)", sum.Rows, invalid, sum.New), nil
}
