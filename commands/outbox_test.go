package commands_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// An entry that was attempted before (the process died after Slack took
// the post, or the answer was lost) is looked for first: found, it is
// recorded and not posted again; not found, or when the Sender cannot look,
// it is posted; when looking fails, it waits like a failed post.
func TestSender_looksBeforePostingAgain(t *testing.T) {
	errDown := errors.New("slack is down")
	tests := []struct {
		name      string
		attempted bool
		found     string
		findErr   error
		wantPosts int
		wantState string
		wantTS    string
		wantLooks int
	}{
		{name: "first attempt: no look", wantPosts: 1, wantState: "sent", wantTS: "2.000000"},
		{name: "attempted, found", attempted: true, found: "1.000000", wantState: "sent", wantTS: "1.000000", wantLooks: 1},
		{name: "attempted, not there", attempted: true, wantPosts: 1, wantState: "sent", wantTS: "2.000000", wantLooks: 1},
		{name: "attempted, cannot look", attempted: true, findErr: commands.ErrCannotFind, wantPosts: 1, wantState: "sent",
			wantTS: "2.000000", wantLooks: 1},
		{name: "attempted, look failed", attempted: true, findErr: errDown, wantState: "pending", wantLooks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				id := "triage:<" + tt.name + ">"
				if err := s.Enqueue(ctx, store.OutboxEntry{ID: id, Kind: store.OutboxTriage, Channel: "C1", Payload: `{"Text":"triage"}`}); err != nil {
					t.Fatal(err)
				}
				if tt.attempted {
					// A sender that died after counting its attempt; its
					// claim has expired since.
					past := time.Now().Add(-time.Hour)
					if got, err := s.ClaimOutbox(ctx, "crashed", past, time.Minute, 1); err != nil || len(got) != 1 {
						t.Fatalf("claim: %d entries, %v", len(got), err)
					}
					if err := s.MarkAttempt(ctx, id, "crashed", past, time.Minute); err != nil {
						t.Fatal(err)
					}
				}
				var posts, looks int
				snd := commands.NewSender(&commands.Sender{Store: s, Now: time.Now,
					Post: func(_ context.Context, _, _ string, r commands.Reply) (string, error) {
						if r.Key != id {
							t.Errorf("posted with key %q, want %q", r.Key, id)
						}
						posts++
						return "2.000000", nil
					},
					Find: func(_ context.Context, channel, thread, key string, since time.Time) (string, error) {
						looks++
						if channel != "C1" || thread != "" || key != id || time.Since(since) < time.Minute {
							t.Errorf("Find(%q, %q, %q, %v): want C1, top level, %q, a minute before queuing", channel, thread, key, since, id)
						}
						return tt.found, tt.findErr
					}})
				if _, err := snd.SendDue(ctx); err != nil {
					t.Fatal(err)
				}
				e, err := s.OutboxEntry(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				got := fmt.Sprintf("%d posts, %d looks, %s %q", posts, looks, e.State, e.SlackTS)
				if want := fmt.Sprintf("%d posts, %d looks, %s %q", tt.wantPosts, tt.wantLooks, tt.wantState, tt.wantTS); got != want {
					t.Errorf("got %s, want %s", got, want)
				}
			})
		})
	}
}
