package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// A window asked for in chat is at most vtr.MaxWindowDays long: anything
// longer is a usage answer, never a result (one /vtr history over
// 0001-01-01..9999-12-31 used to take 2.5 GB).
func TestDispatch_windowBound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s)
		tests := []struct {
			text string
			want []string
		}{
			{"history 0001-01-01..9999-12-31", []string{"is 3652059 days long; at most 730 days", "Usage: `/vtr history"}},
			{"history 2000-01-01..2024-06-30 days 30", []string{"at most 730 days", "Usage: `/vtr history"}},
			{"status 0001-01-01..9999-12-31", []string{"at most 730 days", "Usage: `/vtr status"}},
			{"untracked 2000-01-01..2024-06-30", []string{"at most 730 days", "Usage: `/vtr untracked"}},
			{"metrics 2000-01-01..2024-06-30", []string{"at most 730 days", "Usage: `/vtr metrics"}},
			{"status 731d", []string{"want 1d to 730d", "Usage: `/vtr status"}},
		}
		for _, tt := range tests {
			t.Run(tt.text, func(t *testing.T) {
				r := c.Dispatch(context.Background(), commands.Request{User: "U1", Text: tt.text})
				for _, w := range tt.want {
					if !strings.Contains(r.Text, w) {
						t.Errorf("/vtr %s answered %q, want it to say %q", tt.text, r.Text, w)
					}
				}
				if len(r.Blocks) > 0 || len(r.Files) > 0 {
					t.Errorf("/vtr %s computed a result for a window it must refuse: %d blocks, %d files", tt.text, len(r.Blocks), len(r.Files))
				}
			})
		}
		// Two years is still fine.
		r := c.Dispatch(context.Background(), commands.Request{User: "U1", Text: "history 2022-07-01..2024-06-29"})
		if !strings.Contains(r.Text, "Rolling 30-day VTR") {
			t.Errorf("/vtr history over 730 days: %q", r.Text)
		}
	})
}

// The "Show untracked packages" button's window comes back from Slack and
// is checked like typed text.
func TestAct_showUntrackedWindowBound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s)
		for _, v := range []string{"0001-01-01..9999-12-31", "2024-06-30..2024-06-01", "junk"} {
			res, err := c.Act(context.Background(), commands.Action{User: "U1", ActionID: commands.ActShowUntracked, Value: v})
			if err == nil || vtr.ErrorCode(err) != vtr.EINVALID {
				t.Errorf("show untracked %q: result %+v, error %v; want an EINVALID error", v, res, err)
			}
		}
		if _, err := c.Act(context.Background(), commands.Action{User: "U1", ActionID: commands.ActShowUntracked, Value: "2024-06-01..2024-06-30"}); err != nil {
			t.Errorf("show untracked of a month: %v", err)
		}
	})
}
