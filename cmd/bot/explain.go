package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/notice"
)

func cmdExplain(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "explain", "FILE [--json] [--evidence OUT.csv]",
		"Parses a notice (.eml; - for stdin) and reconciles it against the database: the local figures for its\nwindow, findings with numbers, what to do, and a drafted reply to Seller Support that states only what\nthe records support (docs/rules.md \"What the draft says\"), signed with SELLER_NAME when it is set.")
	applyDB := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON: {notice, local, findings, reply, ...}")
	evidence := fs.String("evidence", "", "write the window's packages (carrier, tracking, dates, reason, scans) as CSV to this file;\nthe draft then says the list is attached (a cell that would read as a spreadsheet formula starts with ')")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitConfig
	}
	raw, err := readInput(env, pos[0])
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", pos[0], err)
		return exitFail
	}
	cfg, code, ok := setup(env, applyDB)
	if !ok {
		return code
	}
	s, code, ok := openExisting(ctx, env, cfg)
	if !ok {
		return code
	}
	defer s.Close()
	cmds := newCommands(env, cfg, s, nil)
	n := cfg.noticeOptions().ParseBytes(raw)
	e, err := cmds.Explain(ctx, n, caseWindowFor(ctx, cmds, s, n))
	if err != nil {
		return fail(env, err)
	}
	if *evidence != "" {
		if err := writeEvidence(ctx, s, e, *evidence); err != nil {
			return fail(env, fmt.Errorf("--evidence: %w", err))
		}
		// Only now may the draft say that a list is attached.
		e = e.WithAttachment(filepath.Base(*evidence))
	}
	if *asJSON {
		return writeJSON(env, e)
	}
	fmt.Fprint(env.Stdout, commands.Render(commands.TriageReply(e, n.MessageID, nil)))
	if e.Reply != "" {
		fmt.Fprintf(env.Stdout, "\nDrafted reply to Seller Support\n-------------------------------\n%s", e.Reply)
	}
	return exitOK
}

// caseWindowFor finds, for a reply, the window of the stored notice it
// answers (by In-Reply-To, References or [CASE n]).
func caseWindowFor(ctx context.Context, cmds *commands.Commands, s *store.Store, n *vtr.Notice) *vtr.Window {
	refs := append([]string{}, n.References...)
	if n.InReplyTo != "" {
		refs = append(refs, n.InReplyTo)
	}
	key, _ := s.FindCase(ctx, refs)
	if key == "" && n.CaseID != "" {
		key, _ = s.FindCaseByRef(ctx, n.CaseID, n.MessageID)
	}
	if key == "" {
		return nil
	}
	root, err := s.StoredNotice(ctx, key)
	if err != nil || root.Notice() == nil {
		return nil
	}
	w := vtr.NoticeWindow(root.Notice(), vtr.DateOf(root.Notice().Date.UTC()))
	return &w
}

// writeEvidence writes the window's packages as CSV, atomically: a failed
// write leaves no half-written file.
func writeEvidence(ctx context.Context, s *store.Store, e vtr.Explanation, path string) error {
	pkgs, err := s.Packages(ctx, e.Local.Marketplace, e.Window, "")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".evidence-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := newCSVWriter(tmp) // formulas neutralised (csvout.go)
	w.Write([]string{"order_id", "category", "carrier", "tracking_number", "ship_method", "ship_date", "promised_delivery_date",
		"counts", "reason", "confirmed_at", "first_scan_at", "delivered_at"})
	for _, p := range pkgs {
		counts := "yes"
		switch {
		case p.Ineligible == vtr.Exempt:
			counts = "exempt (" + p.Exemption + ")"
		case p.Ineligible != vtr.Eligible:
			counts = "no (" + string(p.Ineligible) + ")"
		}
		w.Write([]string{p.OrderID, p.Category, p.Carrier, p.TrackingNumber, p.ShipMethod, p.ShipDate.String(), p.PromisedDelivery.String(),
			counts, string(p.Reason), stamp(p.ConfirmedAt), stamp(p.FirstScanAt), stamp(p.DeliveredAt)})
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func readInput(env *Env, name string) ([]byte, error) {
	if name == "-" {
		b := make([]byte, 0, 64<<10)
		buf := make([]byte, 32<<10)
		for {
			k, err := env.Stdin.Read(buf)
			b = append(b, buf[:k]...)
			if err != nil {
				return b, nil
			}
			if len(b) > notice.DefaultMaxSize {
				return nil, fmt.Errorf("larger than %d bytes", notice.DefaultMaxSize)
			}
		}
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open: %w", unwrapPath(err))
	}
	if st.Size() > notice.DefaultMaxSize {
		return nil, fmt.Errorf("larger than %d bytes", notice.DefaultMaxSize)
	}
	return os.ReadFile(name)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// newCommands builds the command table over a store.
func newCommands(env *Env, cfg *Config, s *store.Store, chart func([]vtr.HistoryPoint, string) ([]byte, error)) *commands.Commands {
	return commands.New(commands.Deps{Store: s, Marketplace: cfg.Marketplace, Now: env.Now, Logger: newLogger(env, cfg), Chart: chart,
		SellerName: cfg.SellerName})
}
