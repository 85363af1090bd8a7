package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// Digest is the daily post nobody has to ask for (DIGEST_AT): at a time of
// day in the account's zone it queues, per marketplace, one top-level post
// with the 30-day rate per category against the target and how each moved
// since the last digest, what the forecast says about the windows Amazon
// reports next, how many packages can still be fixed before delivery, and
// Amazon's own figure when a sync brought one; the fixable packages
// themselves go in that post's thread. The post is an outbox entry keyed
// digest:<marketplace>:<date>, queued in the transaction that records the
// figures (store.QueueDigest), so a restart never posts a day twice
// (docs/slack.md "The daily digest").
type Digest struct {
	Cmds    *Commands
	Markets []string
	Channel string
	At      time.Duration  // time of day, from midnight
	Zone    *time.Location // the account's zone; "today" and At are read in it
	Now     func() time.Time
	Queued  func() // wakes the outbox sender; may be nil
	Logger  *slog.Logger
	// Every is how often Run looks at the clock (default 30 s).
	Every time.Duration
}

// Run queues each day's digest when it is due, until ctx ends.
func (d *Digest) Run(ctx context.Context) error {
	every := d.Every
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.Due(ctx); err != nil && ctx.Err() == nil {
			d.Logger.Error("digest", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Due queues today's digest of every marketplace whose digest is due (the
// local time is At or later) and not queued yet, and returns how many it
// queued. A bot started after At catches up the same day; a day the bot
// did not run at all gets no digest later.
func (d *Digest) Due(ctx context.Context) (int, error) {
	now := d.Now().In(d.Zone)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, d.Zone)
	if now.Sub(midnight) < d.At {
		return 0, nil
	}
	today := vtr.DateOf(now)
	n := 0
	for _, m := range d.Markets {
		done, err := d.Cmds.Store.DigestQueued(ctx, m, today)
		if err != nil {
			return n, err
		}
		if done {
			continue
		}
		ok, err := d.Cmds.QueueDigest(ctx, m, today, d.Channel)
		if err != nil {
			return n, fmt.Errorf("%s: %w", m, err)
		}
		if ok {
			n++
			d.Logger.Info("digest queued", "marketplace", m, "date", today.String())
		}
	}
	if n > 0 && d.Queued != nil {
		d.Queued()
	}
	return n, nil
}

// QueueDigest computes market's digest for today and queues it for channel
// unless it is queued already; it reports whether it queued it.
func (c *Commands) QueueDigest(ctx context.Context, market string, today vtr.Date, channel string) (bool, error) {
	st, err := c.Store.Status(ctx, market, vtr.LastDays(today, 30), "")
	if err != nil {
		return false, err
	}
	last, err := c.Store.LastDigest(ctx, market, today)
	if err != nil {
		return false, err
	}
	wins, urgent, err := c.Forecast(ctx, market, today, 30)
	if err != nil {
		return false, err
	}
	top, thread := DigestReplies(st, last, wins, urgent)
	key := store.DigestKey(market, today)
	entries := []store.OutboxEntry{}
	for i, r := range append([]Reply{top}, thread...) {
		r.Key = key
		e := store.OutboxEntry{ID: key, Kind: "digest", Channel: channel}
		if i > 0 {
			e.ID = fmt.Sprintf("%s:%d", key, i)
			e.Kind, e.ThreadOf = store.OutboxThread, key
			r.Key = e.ID
		}
		b, err := json.Marshal(r)
		if err != nil {
			return false, err
		}
		e.Payload = string(b)
		entries = append(entries, e)
	}
	f := store.DigestFigures{Marketplace: market, Date: today, Counts: map[string]vtr.Counts{"": st.Overall}}
	for _, cr := range st.Categories {
		f.Counts[cr.Category] = cr.Counts
	}
	return c.Store.QueueDigest(ctx, f, entries)
}

// DigestReplies renders a digest: the top-level post, and the replies for
// its thread (the fixable packages, when there are any). last is the
// previous digest's figures, nil for the first.
func DigestReplies(st vtr.Status, last *store.DigestFigures, wins []vtr.ForecastWindow, urgent []vtr.Urgent) (Reply, []Reply) {
	o := st.Overall
	title := fmt.Sprintf("📊 Daily VTR digest · %s · %s", st.Marketplace, st.Window.To)
	r := Reply{Text: fmt.Sprintf("VTR %s %s: %s (%d/%d), target %.0f%%", st.Marketplace, st.Window.To, Rate(o.Rate()), o.Valid, o.Eligible, vtr.Target*100)}
	r.Blocks = append(r.Blocks, Block{Kind: BlockHeader, Text: title})
	var prev func(cat string) (vtr.Counts, bool)
	since := ""
	if last != nil {
		prev = func(cat string) (vtr.Counts, bool) { c, ok := last.Counts[cat]; return c, ok }
		since = " since " + last.Date.String()
	}
	summary := fmt.Sprintf("%s *%s* over the 30 days %s to %s: %d of %s valid, target %.0f%%. %s%s.",
		statusIcon(o.Status()), Rate(o.Rate()), st.Window.From, st.Window.To, o.Valid, vtr.Plural(o.Eligible, "eligible package"),
		vtr.Target*100, sentence(trend(o, prev, "")), since)
	if last == nil {
		summary = strings.TrimSuffix(summary, "First digest.") + "First digest: no trend yet."
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: summary})
	var fields []string
	for _, cr := range st.Categories {
		fields = append(fields, fmt.Sprintf("%s *%s*\n%s · %d/%d valid · %s", statusIcon(cr.Status()), Escape(cr.Category),
			Rate(cr.Rate()), cr.Valid, cr.Eligible, trend(cr.Counts, prev, cr.Category)))
	}
	for len(fields) > 0 {
		n := min(len(fields), 10) // Block Kit: at most 10 fields per section
		r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Fields: fields[:n]})
		fields = fields[n:]
	}
	r.Blocks = append(r.Blocks, Block{Kind: BlockSection, Text: "*Coming days:* " + forecastWords(wins, urgent)})
	if st.Amazon != nil {
		r.Blocks = append(r.Blocks, Block{Kind: BlockContext, Text: AmazonSays(st.Amazon)})
	}
	if len(urgent) == 0 {
		return r, nil
	}
	var b strings.Builder
	for i, u := range urgent {
		if i == 20 {
			fmt.Fprintf(&b, "… and %d more (`bot vtr forecast` has them all)\n", len(urgent)-i)
			break
		}
		fmt.Fprintf(&b, "• %s left · `%s` %s · %s · *%s*: %s\n", vtr.Plural(u.DaysLeft, "day"), Escape(u.OrderID), Escape(u.Category),
			carrierTracking(u.Carrier, u.TrackingNumber), u.Reason.Words(), Escape(u.Fix))
	}
	detail := Reply{Text: fmt.Sprintf("%s to fix before delivery", vtr.Plural(len(urgent), "package")),
		Blocks: []Block{{Kind: BlockSection, Text: "*Fix before delivery (a fix after delivery never counts):*\n" + b.String()}}}
	return r, []Reply{detail}
}

// sentence starts s with a capital letter: the overall trend opens a
// sentence of the digest ("No change since 2019-10-28.").
func sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// trend says how c moved since the last digest's figures of cat: "▲ 2.3
// points", "▼ 0.5 points", "no change", or "new" for a category the last
// digest did not have; "first digest" without a last one.
func trend(c vtr.Counts, prev func(string) (vtr.Counts, bool), cat string) string {
	if prev == nil {
		return "first digest"
	}
	p, ok := prev(cat)
	now, was := c.Rate(), p.Rate()
	switch {
	case !ok || was == nil:
		return "new"
	case now == nil:
		return "nothing eligible now"
	}
	d := (*now - *was) * 100
	switch {
	case math.Abs(d) < 0.05:
		return "no change"
	case d > 0:
		return fmt.Sprintf("▲ %.1f %s", d, plural(2, "point"))
	}
	return fmt.Sprintf("▼ %.1f %s", -d, plural(2, "point"))
}

// forecastWords says what the forecast says about the windows Amazon
// reports next, and how many packages can still be fixed.
func forecastWords(wins []vtr.ForecastWindow, urgent []vtr.Urgent) string {
	var below []string
	for _, w := range wins {
		if w.Status == vtr.StatusBelowTarget {
			below = append(below, fmt.Sprintf("%s to %s at %s", w.Window.From, w.Window.To, Rate(w.Rate)))
		}
	}
	s := "no window Amazon reports next is headed below the target."
	if len(below) > 0 {
		s = "🔴 headed below the target: " + strings.Join(below, "; ") + "."
	}
	switch len(urgent) {
	case 0:
		s += " No undelivered package needs a fix."
	default:
		s += fmt.Sprintf(" 🛠 %s can still be fixed before delivery, the first within %s (in the thread).",
			vtr.Plural(len(urgent), "package"), vtr.Plural(urgent[0].DaysLeft, "day"))
	}
	return s
}
