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
					// claim has expired since (a lease of 0).
					if got, err := s.ClaimOutbox(ctx, "crashed", 0, 1); err != nil || len(got) != 1 {
						t.Fatalf("claim: %d entries, %v", len(got), err)
					}
					if err := s.MarkAttempt(ctx, id, "crashed", 0); err != nil {
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

// A sender whose clock is ten minutes off posts an entry once, like the
// others: it does not take over an entry another sender is posting (fast
// clock), it does take over one whose claim has ended (slow clock), and a
// failed post of its own is retried after the backoff, not at once (slow
// clock): claims and retries run on the database's clock, never on
// Sender.Now (docs/accounts.md, "Outbox").
func TestSender_ignoresItsClock(t *testing.T) {
	errDown := errors.New("slack is down")
	tests := []struct {
		name string
		skew time.Duration
		// run drives the honest sender h and the skewed sender k; posts
		// counts their posts, fail makes k's posts fail.
		run       func(ctx context.Context, t *testing.T, s *store.Store, id string, h, k *commands.Sender)
		failK     bool
		wantPosts map[string]int
		wantState string
	}{
		{name: "fast clock: an entry another sender is posting is not taken", skew: 10 * time.Minute,
			run: func(ctx context.Context, t *testing.T, s *store.Store, id string, h, k *commands.Sender) {
				post := h.Post
				h.Post = func(ctx context.Context, channel, thread string, r commands.Reply) (string, error) {
					// While h posts, holding its claim, k looks at the outbox.
					if n, err := k.SendDue(ctx); n != 0 || err != nil {
						t.Errorf("the skewed sender sent %d (%v) while the entry was held", n, err)
					}
					return post(ctx, channel, thread, r)
				}
				h.SendDue(ctx)
			},
			wantPosts: map[string]int{"honest": 1}, wantState: "sent"},
		{name: "slow clock: an ended claim is taken over", skew: -10 * time.Minute,
			run: func(ctx context.Context, t *testing.T, s *store.Store, id string, h, k *commands.Sender) {
				// The honest sender died after counting its attempt, with a
				// claim that ends at once; its post never reached Slack.
				if got, err := s.ClaimOutbox(ctx, h.Owner, 0, 1); err != nil || len(got) != 1 {
					t.Fatalf("claim: %d entries, %v", len(got), err)
				}
				if err := s.MarkAttempt(ctx, id, h.Owner, 0); err != nil {
					t.Fatal(err)
				}
				k.SendDue(ctx)
			},
			wantPosts: map[string]int{"skewed": 1}, wantState: "sent"},
		{name: "slow clock: a failed post is not retried at once", skew: -10 * time.Minute, failK: true,
			run: func(ctx context.Context, t *testing.T, s *store.Store, id string, h, k *commands.Sender) {
				k.SendDue(ctx)
				h.SendDue(ctx)
			},
			wantPosts: map[string]int{"skewed": 1}, wantState: "pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				id := "triage:<clock>"
				if err := s.Enqueue(ctx, store.OutboxEntry{ID: id, Kind: store.OutboxTriage, Channel: "C1", Payload: `{"Text":"triage"}`}); err != nil {
					t.Fatal(err)
				}
				posts := map[string]int{}
				sender := func(owner string, skew time.Duration, fail bool) *commands.Sender {
					return commands.NewSender(&commands.Sender{Store: s, Owner: owner,
						Now: func() time.Time { return time.Now().Add(skew) },
						Post: func(context.Context, string, string, commands.Reply) (string, error) {
							posts[owner]++
							if fail {
								return "", errDown
							}
							return "1.000000", nil
						},
						Find: func(context.Context, string, string, string, time.Time) (string, error) { return "", nil }})
				}
				h, k := sender("honest", 0, false), sender("skewed", tt.skew, tt.failK)
				tt.run(ctx, t, s, id, h, k)
				e, err := s.OutboxEntry(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(posts) != fmt.Sprint(tt.wantPosts) || e.State != tt.wantState {
					t.Errorf("posts %v, entry %s; want %v, %s", posts, e.State, tt.wantPosts, tt.wantState)
				}
			})
		})
	}
}

// A replica whose clock runs ten minutes fast queues an entry; a sender
// posts it and dies before recording Slack's answer. The next sender looks
// for that post from a minute before the first attempt on the database's
// clock, finds it, and does not post again (from the queuing clock, the
// look-up started nine minutes after the post and missed it).
func TestSender_lookUpIgnoresQueuingClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		id := "triage:<fast-queuer>"
		s.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
		if err := s.Enqueue(ctx, store.OutboxEntry{ID: id, Kind: store.OutboxTriage, Channel: "C1", Payload: `{"Text":"triage"}`}); err != nil {
			t.Fatal(err)
		}
		s.Now = time.Now
		// Slack as the stand-in: posts with the time they were made; the
		// look-up returns those made since its since.
		type post struct {
			key string
			at  time.Time
		}
		var posts []post
		newSender := func(owner string) *commands.Sender {
			return commands.NewSender(&commands.Sender{Store: s, Owner: owner,
				Post: func(_ context.Context, _, _ string, r commands.Reply) (string, error) {
					posts = append(posts, post{r.Key, time.Now()})
					return fmt.Sprintf("%d.000000", len(posts)), nil
				},
				Find: func(_ context.Context, _, _, key string, since time.Time) (string, error) {
					for i, p := range posts {
						if p.key == key && !p.at.Before(since) {
							return fmt.Sprintf("%d.000000", i+1), nil
						}
					}
					return "", nil
				}})
		}
		// The first sender claims, counts its attempt, posts, and dies
		// before MarkSent; its claim ends at once.
		first := newSender("first")
		if got, err := s.ClaimOutbox(ctx, "first", 0, 1); err != nil || len(got) != 1 {
			t.Fatalf("claim: %d entries, %v", len(got), err)
		}
		if err := s.MarkAttempt(ctx, id, "first", 0); err != nil {
			t.Fatal(err)
		}
		if _, err := first.Post(ctx, "C1", "", commands.Reply{Text: "triage", Key: id}); err != nil {
			t.Fatal(err)
		}
		if _, err := newSender("next").SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		e, err := s.OutboxEntry(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(posts) != 1 || e.State != "sent" || e.SlackTS != "1.000000" {
			t.Errorf("%d posts, entry %s with ts %q; want the first post found (1 post, sent, 1.000000)", len(posts), e.State, e.SlackTS)
		}
	})
}
