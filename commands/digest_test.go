package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// posted collects what a Sender posts, as Slack would thread it.
type posted struct {
	mu    sync.Mutex
	posts []string // "TOP: text" or "THREAD ts: text"
	n     int
}

func (p *posted) post(_ context.Context, channel, threadTS string, r commands.Reply) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	ts := time.Unix(int64(1700000000+p.n), 0).Format("1136239445") + ".0001"
	text := channel + " " + commands.Render(r)
	if threadTS != "" {
		p.posts = append(p.posts, "THREAD "+threadTS+": "+text)
	} else {
		p.posts = append(p.posts, "TOP "+ts+": "+text)
	}
	return ts, nil
}

// TestDigest_oncePerDayAtDigestAt: the digest fires at DIGEST_AT in the
// account's zone (09:00 in Los Angeles is 16:00 UTC in July), once per
// day, not again after a restart; the next day's says how the rate moved.
func TestDigest_oncePerDayAtDigestAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s) // sample seller up to 2024-06-30
		la := vtr.MarketplaceZone("US")
		var clock time.Time
		now := func() time.Time { return clock }
		out := &posted{}
		sender := commands.NewSender(&commands.Sender{Store: s, Post: out.post, Now: now})
		newDigest := func() *commands.Digest { // a (re)started bot
			return &commands.Digest{Cmds: c, Markets: []string{"US"}, Channel: "CDIGEST", At: 9 * time.Hour, Zone: la, Now: now, Logger: c.Logger}
		}
		ctx := context.Background()
		step := func(d *commands.Digest, at string, want int) {
			t.Helper()
			var err error
			clock, err = time.Parse(time.RFC3339, at)
			if err != nil {
				t.Fatal(err)
			}
			n, err := d.Due(ctx)
			if err != nil {
				t.Fatalf("Due at %s: %v", at, err)
			}
			if n != want {
				t.Fatalf("Due at %s queued %d digests, want %d", at, n, want)
			}
			if _, err := sender.SendDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		d := newDigest()
		step(d, "2024-07-01T15:59:00Z", 0) // 08:59 in Los Angeles (PDT, UTC-7)
		step(d, "2024-07-01T16:00:00Z", 1) // 09:00
		step(d, "2024-07-01T18:00:00Z", 0)
		step(newDigest(), "2024-07-01T23:00:00Z", 0) // restarted the same day
		step(newDigest(), "2024-07-02T06:59:00Z", 0) // 23:59 on the 1st in Los Angeles, the 2nd in UTC
		step(newDigest(), "2024-07-02T09:30:00Z", 0) // 09:30 in UTC, 02:30 in Los Angeles
		step(d, "2024-07-02T16:05:00Z", 1)

		var tops []string
		for _, p := range out.posts {
			if strings.HasPrefix(p, "TOP ") {
				tops = append(tops, p)
			}
		}
		if len(tops) != 2 {
			t.Fatalf("top-level posts = %d, want 2 (one per day):\n%s", len(tops), strings.Join(out.posts, "\n"))
		}
		for i, w := range [][]string{
			{"CDIGEST", "Daily VTR digest · US · 2024-07-01", "First digest: no trend yet", "Books", "target 95%", "Coming days:"},
			{"Daily VTR digest · US · 2024-07-02", "since 2024-07-01"},
		} {
			for _, s := range w {
				if !strings.Contains(tops[i], s) {
					t.Errorf("digest %d lacks %q:\n%s", i+1, s, tops[i])
				}
			}
		}
		for _, code := range []string{"NO_TRACKING", "below_target", "(s)"} {
			if strings.Contains(strings.Join(out.posts, "\n"), code) {
				t.Errorf("digest shows %q; want words", code)
			}
		}
		entries, err := s.OutboxEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.State != "sent" {
				t.Errorf("outbox %s is %s, want sent", e.ID, e.State)
			}
			if e.Kind == store.OutboxThread && !strings.HasPrefix(e.ThreadOf, "digest:US:") {
				t.Errorf("thread entry %s replies to %q, want a digest", e.ID, e.ThreadOf)
			}
		}
	})
}

// TestDigestReplies_trend: the trend per category against the last digest.
func TestDigestReplies_trend(t *testing.T) {
	st := vtr.Status{Marketplace: "US", Window: vtr.LastDays(vtr.MustDate("2024-07-02"), 30),
		Overall: vtr.Counts{Eligible: 100, Valid: 96},
		Categories: []vtr.CategoryRate{
			{Category: "Books", Counts: vtr.Counts{Eligible: 10, Valid: 8}},
			{Category: "Music", Counts: vtr.Counts{Eligible: 90, Valid: 88}},
			{Category: "Toys", Counts: vtr.Counts{Eligible: 1, Valid: 1}},
		}}
	last := &store.DigestFigures{Marketplace: "US", Date: vtr.MustDate("2024-07-01"), Counts: map[string]vtr.Counts{
		"": {Eligible: 100, Valid: 95}, "Books": {Eligible: 10, Valid: 9}, "Music": {Eligible: 90, Valid: 88}}}
	wins := []vtr.ForecastWindow{{Window: vtr.LastDays(vtr.MustDate("2024-07-09"), 30), Status: vtr.StatusBelowTarget, Rate: ptr(0.93)}}
	urgent := []vtr.Urgent{{OrderID: "111-1", DaysLeft: 1, Reason: vtr.NoTracking, Fix: vtr.NoTracking.Fix()}}
	top, thread := commands.DigestReplies(st, last, wins, urgent)
	text := commands.Render(top)
	for _, w := range []string{"96.0%", "▲ 1.0 points since 2024-07-01", "Books: 80.0% · 8/10 valid · ▼ 10.0 points",
		"Music: 97.8% · 88/90 valid · no change", "Toys: 100.0% · 1/1 valid · new",
		"headed below the target: 2024-06-10 to 2024-07-09 at 93.0%", "1 package can still be fixed before delivery, the first within 1 day"} {
		if !strings.Contains(text, w) {
			t.Errorf("digest lacks %q:\n%s", w, text)
		}
	}
	if len(thread) != 1 || !strings.Contains(commands.Render(thread[0]), "1 day left · 111-1") || !strings.Contains(commands.Render(thread[0]), "no tracking number") {
		t.Errorf("thread = %+v, want the fixable package in words", thread)
	}
}

func ptr(f float64) *float64 { return &f }
