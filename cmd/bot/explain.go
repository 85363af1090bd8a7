package main

import (
	"context"
	"encoding/json"
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
	asJSON := fs.Bool("json", false, "print JSON: {notice, local, findings, reply, window, window_reason, ...}")
	from := fs.String("from", "", "check this window instead of the notice's: first day, YYYY-MM-DD (with --to)")
	to := fs.String("to", "", "last day of that window, YYYY-MM-DD, included")
	days := fs.Int("days", 0, "check the N days ending the day before the notice's date instead (with --to: ending at --to)")
	evidence := fs.String("evidence", "", "write the window's packages (carrier, tracking, dates, reason, scans) as CSV to this file;\nthe draft then says the list is attached (a cell that would read as a spreadsheet formula starts with ')")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(env, err)
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
	cfg, s, err := setupStore(ctx, env, applyDB, openExisting)
	if err != nil {
		return exitCode(env, err)
	}
	defer s.Close()
	cmds := newCommands(env, cfg, s, nil)
	n := cfg.noticeOptions().ParseBytes(raw)
	w, why, err := explainWindow(ctx, env, cfg, s, n, *from, *to, *days)
	if err != nil {
		return badUsage(env, err)
	}
	e, err := cmds.ExplainOver(ctx, n, w)
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
		return writeJSON(env, withWindowReason{e, why})
	}
	fmt.Fprintf(env.Stdout, "Window checked: %s to %s, %s.\n\n", w.From, w.To, why)
	fmt.Fprint(env.Stdout, commands.Render(commands.TriageReply(e, n.MessageID, nil)))
	if e.Reply != "" {
		fmt.Fprintf(env.Stdout, "\nDrafted reply to Seller Support\n-------------------------------\n%s", e.Reply)
	}
	return exitOK
}

// withWindowReason is bot explain --json: the explanation and, beside its
// "window", why that window was checked.
type withWindowReason struct {
	vtr.Explanation
	why string
}

func (x withWindowReason) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(x.Explanation)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["window_reason"], _ = json.Marshal(x.why)
	return json.Marshal(m)
}

// explainWindow picks the window bot explain checks, and says why: the one
// asked for (--from/--to, --days), else the window of the warning a Support
// reply answers, else the period the notice names, else the calendar month
// before its date (docs/rules.md "Notices").
func explainWindow(ctx context.Context, env *Env, cfg *Config, s *store.Store, n *vtr.Notice, from, to string, days int) (vtr.Window, string, error) {
	end := cfg.today(env)
	if !n.Date.IsZero() {
		end = vtr.DateOf(n.Date.UTC()).AddDays(-1)
	}
	switch {
	case from != "":
		if to == "" {
			return vtr.Window{}, "", vtr.Errorf(vtr.EINVALID, "--from goes with --to")
		}
		if days != 0 {
			return vtr.Window{}, "", vtr.Errorf(vtr.EINVALID, "--from/--to or --days, not both")
		}
		f, err := parseDateFlag("from", from)
		if err != nil {
			return vtr.Window{}, "", err
		}
		t, err := parseDateFlag("to", to)
		if err != nil {
			return vtr.Window{}, "", err
		}
		w := vtr.Window{From: f, To: t}
		return w, "as asked (--from/--to)", w.Validate()
	case days != 0 || to != "":
		if days == 0 {
			return vtr.Window{}, "", vtr.Errorf(vtr.EINVALID, "--to goes with --from or --days")
		}
		if days < 1 || days > vtr.MaxWindowDays {
			return vtr.Window{}, "", vtr.Errorf(vtr.EINVALID, "--days: want 1 to %d, got %d", vtr.MaxWindowDays, days)
		}
		why := fmt.Sprintf("as asked (the %d days before the notice's date, --days)", days)
		if to != "" {
			t, err := parseDateFlag("to", to)
			if err != nil {
				return vtr.Window{}, "", err
			}
			end, why = t, fmt.Sprintf("as asked (%d days ending --to, --days)", days)
		}
		return vtr.LastDays(end, days), why, nil
	}
	if n.Period == nil {
		if w, why := caseWindowFor(ctx, s, n); w != nil {
			return *w, why, nil
		}
	}
	if n.Period != nil {
		return *n.Period, "the period the notice names", nil
	}
	w := vtr.NoticeWindow(n, cfg.today(env))
	return w, "the month before the notice's date (it names no period)", nil
}

// caseWindowFor finds, for a reply, the window of the stored warning it
// answers, as the pipeline links it (docs/rules.md "Cases"): by
// In-Reply-To, References or [CASE n], else, for a Support reply, the latest
// authentic warning about the same metric of the 60 days before it. The
// reason names that warning.
func caseWindowFor(ctx context.Context, s *store.Store, n *vtr.Notice) (*vtr.Window, string) {
	refs := append([]string{}, n.References...)
	if n.InReplyTo != "" {
		refs = append(refs, n.InReplyTo)
	}
	key, _ := s.FindCase(ctx, refs)
	how := "it answers"
	if key == "" && n.CaseID != "" {
		key, _ = s.FindCaseByRef(ctx, n.CaseID, n.MessageID)
		how = "of its case " + n.CaseID
	}
	if key == "" && n.Kind == vtr.KindSupportReply {
		var from, to time.Time
		if !n.Date.IsZero() {
			from, to = n.Date.Add(-60*24*time.Hour), n.Date
		}
		key, _ = s.LatestWarningCase(ctx, n.MessageID, n.Metric, from, to)
		how = "it most likely answers: the latest about the same metric in the 60 days before it"
	}
	if key == "" {
		return nil, ""
	}
	root, err := s.StoredNotice(ctx, key)
	if err != nil {
		return nil, ""
	}
	rn := root.Notice()
	if rn == nil || rn.Kind == vtr.KindCarrierUpdate {
		return nil, ""
	}
	w := vtr.NoticeWindow(rn, vtr.DateOf(rn.Date.UTC()))
	return &w, fmt.Sprintf("the window of the warning %s (%s, %s)", how, rn.Date.UTC().Format("2006-01-02"), rn.Subject)
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
