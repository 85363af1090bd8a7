package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

// seeded returns commands over a store holding the demo seller, with the
// clock on the day after its last order.
func seeded(t testing.TB, s *store.Store) *commands.Commands {
	t.Helper()
	end := vtr.MustDate("2024-06-30")
	dir := t.TempDir()
	open := func(n string) *os.File {
		f, err := os.Create(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	o, sh, c := open("o.tsv"), open("s.tsv"), open("c.tsv")
	if _, err := sample.WriteStory(end, sample.Files{Orders: o, Shipments: sh, Categories: c}); err != nil {
		t.Fatal(err)
	}
	o.Close()
	sh.Close()
	c.Close()
	importFiles(t, s, dir)
	return commands.New(commands.Deps{Store: s, Marketplace: "US", Now: func() time.Time { return end.AddDays(1).Time(time.UTC).Add(9 * time.Hour) }})
}

func TestDispatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s)
		tests := []struct {
			text string
			want []string // substrings of the rendered reply
		}{
			{"status", []string{"Valid Tracking Rate · US · 2024-06-02 to 2024-07-01", "Books", "Below 95%: Books (", " not valid)"}},
			{"/vtr status 2024-06-01..2024-06-30", []string{"2024-06-01 to 2024-06-30"}},
			{"status 7d", []string{"2024-06-25 to 2024-07-01"}},
			{`status category "Movies & TV"`, []string{"in Movies & TV"}},
			{"untracked", []string{"no tracking number", "carrier typed under \"Other\""}},
			{"metrics", []string{"Late Shipment Rate", "On-Time Delivery Rate", "Order Defect Rate needs"}},
			{"forecast", []string{"VTR forecast"}},
			{"history 60d days 30", []string{"Rolling 30-day VTR"}},
			{"notices", []string{"Nothing stored yet"}},
			{"explain", []string{"No Amazon notice is stored yet"}},
			{"order 999-0000000-0000000", []string{"is not in the database"}},
			{"help", []string{"/vtr status", "/vtr untracked", "/vtr order ORDER-ID"}},
			{"", []string{"Commands:"}},
			{"frobnicate now", []string{`I don't know "frobnicate".`, "Commands:"}},
			{"stauts 30d", []string{`I don't know "stauts". Did you mean /vtr status?`, "Commands:"}},
			{"/vtr untraked", []string{"Did you mean /vtr untracked?"}},
			{"forcast", []string{"Did you mean /vtr forecast?"}},
			{"status 2024-13-01..2024-06-30", []string{"is not a window", "Usage: /vtr status"}},
			{"status marketplace XX", []string{"unknown marketplace"}},
		}
		for _, tt := range tests {
			t.Run(tt.text, func(t *testing.T) {
				out := commands.Render(c.Dispatch(context.Background(), commands.Request{User: "U1", Text: tt.text}))
				for _, w := range tt.want {
					if !strings.Contains(out, w) {
						t.Errorf("/vtr %s: output lacks %q:\n%s", tt.text, w, out)
					}
				}
				if strings.Contains(out, "goroutine") || strings.Contains(out, ".go:") {
					t.Errorf("/vtr %s: output shows a trace:\n%s", tt.text, out)
				}
			})
		}
	})
}

func TestDispatch_order(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s)
		list, err := s.Untracked(context.Background(), "US", vtr.LastDays(vtr.MustDate("2024-06-30"), 30), "")
		if err != nil || len(list) == 0 {
			t.Fatalf("untracked: %v %v", list, err)
		}
		out := commands.Render(c.Dispatch(context.Background(), commands.Request{Text: "order " + list[0].OrderID}))
		if !strings.Contains(out, "Order "+list[0].OrderID) || !strings.Contains(out, list[0].Reason.Words()) {
			t.Errorf("order reply:\n%s", out)
		}
	})
}

// A notice is hostile input: nothing in it may become a mention or a link.
func TestTriageReply_escapesMail(t *testing.T) {
	n := &vtr.Notice{Kind: vtr.KindPerformanceWarning, Authentic: true, From: "x@amazon.com",
		Subject: "<!channel> click <https://evil.example|here> & <@U123>", Metric: vtr.MetricVTR,
		OrderIDs: []string{"<!here>"}, Claims: []vtr.Claim{{Type: vtr.ClaimMetricValue, Text: "<!everyone>"}}}
	e := vtr.Explanation{Notice: n, Window: vtr.LastDays(vtr.MustDate("2024-06-30"), 30),
		Findings: []vtr.Finding{{Code: "X", Severity: vtr.SevInfo, Text: "<https://evil.example>"}}}
	r := commands.TriageReply(e, "<id>", nil)
	var all []string
	all = append(all, r.Text)
	for _, b := range r.Blocks {
		if b.Kind == commands.BlockHeader {
			continue // plain text: Slack renders no mentions or links there
		}
		all = append(all, b.Text)
		all = append(all, b.Fields...)
	}
	for _, s := range all {
		if strings.Contains(s, "<!") || strings.Contains(s, "<http") || strings.Contains(s, "<@U123>") {
			t.Errorf("unescaped mail text reached mrkdwn: %q", s)
		}
	}
}

func TestArgs_quotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s)
		out := commands.Render(c.Dispatch(context.Background(), commands.Request{Text: "status category “Movies & TV”"}))
		if !strings.Contains(out, "in Movies & TV") {
			t.Errorf("smart quotes not read as quotes:\n%s", out)
		}
	})
}
