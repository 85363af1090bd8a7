package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

// History computes the rolling days-long VTR for every day of r, overall and
// per category, with one scan of the store.
func (c *Commands) History(ctx context.Context, market string, r vtr.Window, days int, category string) ([]vtr.HistoryPoint, error) {
	span := vtr.Window{From: r.From.AddDays(-(days - 1)), To: r.To}
	t, err := c.Store.DayTallies(ctx, market, span, category)
	if err != nil {
		return nil, err
	}
	return vtr.History(days, r, t), nil
}

// Forecast projects the windows Amazon reports next and lists what can
// still be fixed, most urgent first.
func (c *Commands) Forecast(ctx context.Context, market string, today vtr.Date, days int) ([]vtr.ForecastWindow, []vtr.Urgent, error) {
	wins := vtr.ForecastHorizons(today, days)
	span := vtr.Window{From: wins[0].From, To: wins[len(wins)-1].To}
	t, err := c.Store.DayTallies(ctx, market, span, "")
	if err != nil {
		return nil, nil, err
	}
	pend, err := c.Store.Pending(ctx, market, span)
	if err != nil {
		return nil, nil, err
	}
	fix, err := c.Store.Fixable(ctx, market, today)
	if err != nil {
		return nil, nil, err
	}
	f, u := vtr.Forecast(today, wins, t, pend, fix)
	return f, u, nil
}

func runHistory(ctx context.Context, c *Commands, _ Request, a *Args) (Reply, error) {
	r := a.Window
	if !a.WindowSet {
		r = vtr.LastDays(c.today(), 90)
	}
	pts, err := c.History(ctx, c.market(a), r, a.Days, a.Category)
	if err != nil {
		return Reply{}, err
	}
	title := HistoryTitle(a.Days, c.market(a), r, a.Category)
	rep := Reply{Text: title}
	rep.Blocks = append(rep.Blocks, Block{Kind: BlockHeader, Text: title})
	var b strings.Builder
	step := max(len(pts)/12, 1)
	for i := 0; i < len(pts); i += step {
		p := pts[i]
		fmt.Fprintf(&b, "`%s` %s %s\n", p.Date, bar(p.Overall.Rate()), Rate(p.Overall.Rate()))
	}
	if n := len(pts); n > 0 && (n-1)%step != 0 {
		p := pts[n-1]
		fmt.Fprintf(&b, "`%s` %s %s\n", p.Date, bar(p.Overall.Rate()), Rate(p.Overall.Rate()))
	}
	rep.Blocks = append(rep.Blocks, Block{Kind: BlockSection, Text: b.String()})
	if c.Chart != nil {
		png, err := c.Chart(pts, title)
		if err != nil {
			c.Logger.Warn("history chart failed", "error", err)
		} else {
			rep.Files = append(rep.Files, File{Name: "vtr-history.png", Title: title, Data: png})
		}
	}
	return rep, nil
}

// HistoryTitle is the title of a history chart and its message: the
// rolling window, marketplace, category (when one) and range.
func HistoryTitle(days int, market string, r vtr.Window, category string) string {
	of := ""
	if category != "" {
		of = " · category " + category
	}
	return fmt.Sprintf("Rolling %d-day VTR · %s%s · %s to %s", days, market, of, r.From, r.To)
}

// bar draws a rate as a small text bar (for text-only front ends).
func bar(r *float64) string {
	if r == nil {
		return "··········"
	}
	n := int(*r*10 + 0.5)
	return strings.Repeat("█", n) + strings.Repeat("░", 10-n)
}

func runMetrics(ctx context.Context, c *Commands, _ Request, a *Args) (Reply, error) {
	var custom *vtr.Window
	if a.WindowSet {
		custom = &a.Window
	}
	ms, err := c.Metrics(ctx, c.market(a), c.today(), custom)
	if err != nil {
		return Reply{}, err
	}
	return MetricsReply(c.market(a), ms), nil
}

// MetricsReply renders sibling metrics.
func MetricsReply(market string, ms []vtr.MetricResult) Reply {
	r := Reply{Text: "Seller metrics " + market}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: "Seller metrics · " + market})
	var b strings.Builder
	for _, m := range ms {
		cmp := "under"
		if !m.AtMost {
			cmp = "at least"
		}
		fmt.Fprintf(&b, "%s *%s* (%d days, %s to %s): %s, %d of %d (target %s %s)\n", statusIcon(m.Status()), m.Name, m.Window.Days(),
			m.Window.From, m.Window.To, vtr.Percent(m.Rate(), m.Target), m.Numerator, m.Denominator, cmp, strings.TrimSuffix(fmt.Sprintf("%.1f", m.Target*100), ".0")+"%")
		for i, o := range m.Offenders {
			if i == 5 {
				fmt.Fprintf(&b, "   … and %d more\n", len(m.Offenders)-i)
				break
			}
			fmt.Fprintf(&b, "   • `%s` %s\n", Escape(o.OrderID), Escape(o.Why))
		}
		if m.Note != "" {
			fmt.Fprintf(&b, "   _%s_\n", Escape(m.Note))
		}
	}
	b.WriteString("Order Defect Rate needs feedback, A-to-z and chargeback data that vtrbot does not have: check it in Seller Central.")
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: b.String()})
	return r
}

func runForecast(ctx context.Context, c *Commands, _ Request, a *Args) (Reply, error) {
	wins, urgent, err := c.Forecast(ctx, c.market(a), c.today(), 30)
	if err != nil {
		return Reply{}, err
	}
	return ForecastReply(c.market(a), wins, urgent), nil
}

// ForecastReply renders a forecast.
func ForecastReply(market string, wins []vtr.ForecastWindow, urgent []vtr.Urgent) Reply {
	r := Reply{Text: "VTR forecast " + market}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: "VTR forecast · " + market})
	var b strings.Builder
	for _, w := range wins {
		fmt.Fprintf(&b, "%s %s to %s: %s (%d of %d valid so far, %d not delivered yet)\n", statusIcon(w.Status), w.Window.From, w.Window.To,
			Rate(w.Rate), w.Counts.Valid, w.Counts.Eligible, w.Pending)
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: b.String()})
	b.Reset()
	if len(urgent) == 0 {
		b.WriteString("Nothing to fix: no undelivered package is invalid.")
	}
	for i, u := range urgent {
		if i == 20 {
			fmt.Fprintf(&b, "… and %d more\n", len(urgent)-i)
			break
		}
		tn := u.TrackingNumber
		if tn == "" {
			tn = "no tracking number"
		}
		fmt.Fprintf(&b, "• %s left · `%s` %s `%s` · *%s*: %s\n", vtr.Plural(u.DaysLeft, "day"), Escape(u.OrderID), Escape(u.Carrier), Escape(tn), u.Reason.Words(), Escape(u.Fix))
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*Fix before delivery (fixes after delivery never count):*\n" + b.String()})
	return r
}
