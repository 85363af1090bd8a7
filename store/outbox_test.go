package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

func enqueue(t *testing.T, s *store.Store, id, threadOf string) {
	t.Helper()
	kind := store.OutboxTriage
	if threadOf != "" {
		kind = store.OutboxThread
	}
	if err := s.Enqueue(context.Background(), store.OutboxEntry{ID: id, Kind: kind, Channel: "C1", ThreadOf: threadOf, Payload: "{}"}); err != nil {
		t.Fatal(err)
	}
}

func claimIDs(t *testing.T, s *store.Store, owner string, now time.Time, limit int) []string {
	t.Helper()
	got, err := s.ClaimOutbox(context.Background(), owner, now, 30*time.Second, limit)
	if err != nil {
		t.Fatalf("%s claims: %v", owner, err)
	}
	var ids []string
	for _, e := range got {
		if e.ClaimedBy != owner {
			t.Errorf("%s claimed %s, which says it is %q's", owner, e.ID, e.ClaimedBy)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

// Senders claiming at the same time never get the same entry, and
// between them get every entry.
func TestClaimOutbox_eachEntryToOneSender(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const entries, senders = 90, 4
		for i := range entries {
			enqueue(t, s, fmt.Sprintf("triage:<%02d>", i), "")
		}
		now := time.Now()
		var mu sync.Mutex
		claims := map[string][]string{}
		var wg sync.WaitGroup
		for w := range senders {
			owner := fmt.Sprintf("sender-%d", w)
			wg.Go(func() {
				for {
					got, err := s.ClaimOutbox(context.Background(), owner, now, 30*time.Second, 3)
					if err != nil {
						t.Errorf("%s: %v", owner, err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, e := range got {
						claims[e.ID] = append(claims[e.ID], owner)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claims) != entries {
			t.Errorf("%d of %d entries claimed", len(claims), entries)
		}
		for id, by := range claims {
			if len(by) != 1 {
				t.Errorf("%s claimed by %v", id, by)
			}
		}
		stored, err := s.OutboxEntries(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range stored {
			if by := claims[e.ID]; len(by) != 1 || e.ClaimedBy != by[0] {
				t.Errorf("%s is stored as %q's, claimed by %v", e.ID, e.ClaimedBy, by)
			}
		}
	})
}

// A claim holds until it expires; counting an attempt renews it; once it
// has expired another sender may take the entry, and the first may then
// neither count an attempt (so it does not post) nor reschedule it.
func TestClaimOutbox_lease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		enqueue(t, s, "triage:<1>", "")
		t0 := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
		at := func(d time.Duration) time.Time { return t0.Add(d) }
		lease := 30 * time.Second

		steps := []struct {
			name  string
			do    func() ([]string, error)
			want  []string
			error error
		}{
			{"A claims", func() ([]string, error) { return claimIDs(t, s, "A", at(0), 10), nil }, []string{"triage:<1>"}, nil},
			{"B, 10 s later: held", func() ([]string, error) { return claimIDs(t, s, "B", at(10*time.Second), 10), nil }, nil, nil},
			{"A, 29 s later: its own claim is not taken again", func() ([]string, error) { return claimIDs(t, s, "A", at(29*time.Second), 10), nil }, nil, nil},
			{"A counts an attempt at 20 s: renewed to 50 s", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "A", at(20*time.Second), lease)
			}, nil, nil},
			{"B at 40 s: held", func() ([]string, error) { return claimIDs(t, s, "B", at(40*time.Second), 10), nil }, nil, nil},
			{"B at 50 s: expired, taken", func() ([]string, error) { return claimIDs(t, s, "B", at(50*time.Second), 10), nil }, []string{"triage:<1>"}, nil},
			{"A may not count an attempt", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "A", at(51*time.Second), lease)
			}, nil, store.ErrClaimLost},
			{"A may not reschedule it", func() ([]string, error) {
				return nil, s.MarkRetry(ctx, "triage:<1>", "A", at(time.Hour), "A failed")
			}, nil, store.ErrClaimLost},
			{"B counts its attempt", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "B", at(52*time.Second), lease)
			}, nil, nil},
			{"B's post fails: retry in a minute, claim ended", func() ([]string, error) {
				return nil, s.MarkRetry(ctx, "triage:<1>", "B", at(53*time.Second+time.Minute), "slack is down")
			}, nil, nil},
			{"not due before then", func() ([]string, error) { return claimIDs(t, s, "A", at(time.Minute), 10), nil }, nil, nil},
			{"then anyone's: A", func() ([]string, error) { return claimIDs(t, s, "A", at(2*time.Minute), 10), nil }, []string{"triage:<1>"}, nil},
			{"sent (ends the claim)", func() ([]string, error) { return nil, s.MarkSent(ctx, "triage:<1>", "C1", "1.000") }, nil, nil},
			{"sent: nobody's", func() ([]string, error) { return claimIDs(t, s, "B", at(time.Hour), 10), nil }, nil, nil},
			{"sent: no attempt", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "A", at(time.Hour), lease)
			}, nil, store.ErrClaimLost},
		}
		for _, st := range steps {
			got, err := st.do()
			if !errors.Is(err, st.error) || (st.error == nil && err != nil) {
				t.Fatalf("%s: error %v, want %v", st.name, err, st.error)
			}
			if fmt.Sprint(got) != fmt.Sprint(st.want) {
				t.Fatalf("%s: claimed %v, want %v", st.name, got, st.want)
			}
		}
		e, err := s.OutboxEntry(ctx, "triage:<1>")
		if err != nil {
			t.Fatal(err)
		}
		if e.Attempts != 2 || e.State != "sent" || e.ClaimedBy != "" || e.ClaimUntil != "" {
			t.Errorf("entry: %d attempts, %s, claimed by %q until %q; want 2 attempts, sent, unclaimed", e.Attempts, e.State, e.ClaimedBy, e.ClaimUntil)
		}
	})
}

// A thread reply is claimable only once its parent is sent, and then
// carries the parent's ts.
func TestClaimOutbox_threadAfterParent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		enqueue(t, s, "triage:<p>", "")
		enqueue(t, s, "thread:<r>", "triage:<p>")
		now := time.Now()
		if got := claimIDs(t, s, "A", now, 10); fmt.Sprint(got) != "[triage:<p>]" {
			t.Fatalf("claimed %v, want the parent only", got)
		}
		if err := s.MarkSent(ctx, "triage:<p>", "C1", "1700000000.000100"); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimOutbox(ctx, "B", now, time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].ID != "thread:<r>" || got[0].ThreadTS != "1700000000.000100" {
			t.Fatalf("claimed %+v (%v), want the reply with its parent's ts", got, err)
		}
	})
}
