// Package commands is vtrbot's chat side without the chat: a table of
// commands (status, untracked, order, notices, explain, history, metrics,
// help) that take a Request and return a Reply, plus the use cases behind
// them and behind triage (reconcile a notice, build its triage post). It
// never sends anything and imports no Slack library; Slack
// (commands/slackapp), `bot shell` and `bot demo` are front ends over it.
package commands

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/commands/suggest"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// Deps are what the commands need.
type Deps struct {
	Store       *store.Store
	Marketplace string           // default marketplace
	Now         func() time.Time // the clock; "today" is Now()'s date in Zone
	// Zone is where "today" is a date for default windows (VTR_TIMEZONE);
	// nil is the default marketplace's zone (vtr.MarketplaceZone).
	Zone   *time.Location
	Logger *slog.Logger
	// Chart draws the history chart (PNG); nil answers history as text only.
	Chart func(points []vtr.HistoryPoint, title string) ([]byte, error)
	// SellerName signs drafted replies (SELLER_NAME); "" leaves them unsigned.
	SellerName string
}

// Commands is the command table over its dependencies.
type Commands struct {
	Deps
	table []command
}

type command struct {
	name  string
	usage string
	help  string
	run   func(ctx context.Context, c *Commands, req Request, args *Args) (Reply, error)
}

// New builds the command table.
func New(d Deps) *Commands {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Marketplace == "" {
		d.Marketplace = "US"
	}
	if d.Zone == nil {
		d.Zone = vtr.MarketplaceZone(d.Marketplace)
	}
	c := &Commands{Deps: d}
	c.table = []command{
		{"status", "status [30d | FROM..TO] [category NAME] [marketplace CODE]", "the Valid Tracking Rate, overall and per category", runStatus},
		{"untracked", "untracked [window] [category NAME]", "packages that do not count as valid, and why", runUntracked},
		{"order", "order ORDER-ID", "one order: its packages and how each counts", runOrder},
		{"notices", "notices", "the latest Amazon notices and what vtrbot made of them", runNotices},
		{"explain", "explain [NOTICE-ID]", "a notice (default: the latest) against your records: findings and a drafted reply", runExplain},
		{"history", "history [window] [days N]", "the rolling rate per day, with a chart", runHistory},
		{"metrics", "metrics [window]", "late shipment, cancellation and on-time delivery rates", runMetrics},
		{"forecast", "forecast", "the windows Amazon reports next, and what can still be fixed", runForecast},
		{"help", "help", "this list", runHelp},
	}
	return c
}

// Dispatch runs one command. Unknown input gets usage; failures get one
// short line (internal details go to the log), never a trace.
func (c *Commands) Dispatch(ctx context.Context, req Request) (reply Reply) {
	defer func() {
		if p := recover(); p != nil {
			c.Logger.Error("command panicked", "command", firstWord(req.Text), "panic", p, "stack", string(debug.Stack()))
			reply = Reply{Text: "Sorry, that command failed. The details are in the bot's log.", Ephemeral: true}
		}
	}()
	words := splitArgs(req.Text)
	if len(words) == 0 {
		return c.usage("")
	}
	name := strings.ToLower(strings.TrimPrefix(words[0], "/"))
	if name == "vtr" && len(words) > 1 {
		words = words[1:]
		name = strings.ToLower(words[0])
	}
	for _, cmd := range c.table {
		if cmd.name != name {
			continue
		}
		args, err := parseArgs(words[1:], c.today())
		if err != nil {
			return Reply{Text: Escape(err.Error()) + "\nUsage: `/vtr " + cmd.usage + "`", Ephemeral: true}
		}
		r, err := cmd.run(ctx, c, req, args)
		if err != nil {
			if vtr.ErrorCode(err) == vtr.EINTERNAL {
				c.Logger.Error("command failed", "command", name, "error", err)
				return Reply{Text: "Sorry, that command failed. The details are in the bot's log.", Ephemeral: true}
			}
			return Reply{Text: Escape(vtr.ErrorMessage(err)), Ephemeral: true}
		}
		return r
	}
	prefix := fmt.Sprintf("I don't know %q.", words[0])
	if s := suggest.Closest(name, c.names()); s != "" {
		prefix = fmt.Sprintf("I don't know %q. Did you mean `/vtr %s`?", words[0], s)
	}
	return c.usage(prefix)
}

// names are the subcommands, in the table's order (the order suggestions
// prefer on a tie).
func (c *Commands) names() []string {
	out := make([]string, len(c.table))
	for i, cmd := range c.table {
		out[i] = cmd.name
	}
	return out
}

// today is the current date where the seller's marketplace is (Deps.Zone),
// not in UTC: at 17:00 in California it is still today there, while UTC
// has moved on to tomorrow (docs/rules.md "Windows").
func (c *Commands) today() vtr.Date { return vtr.DateIn(c.Now(), c.Zone) }

func (c *Commands) usage(prefix string) Reply {
	var b strings.Builder
	if prefix != "" {
		b.WriteString(Escape(prefix) + " ")
	}
	b.WriteString("Commands:\n")
	for _, cmd := range c.table {
		fmt.Fprintf(&b, "• `/vtr %s`: %s\n", cmd.usage, cmd.help)
	}
	// The example is the last 30 days, so that it shows data wherever
	// there is recent data (the demo's seller included).
	w := vtr.LastDays(c.today(), 30)
	fmt.Fprintf(&b, "A window is `30d` (the last 30 days) or `FROM..TO`, e.g. `%s..%s`, at most %d days.", w.From, w.To, vtr.MaxWindowDays)
	return Reply{Text: b.String(), Ephemeral: true}
}

func runHelp(_ context.Context, c *Commands, _ Request, _ *Args) (Reply, error) {
	return c.usage(""), nil
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
