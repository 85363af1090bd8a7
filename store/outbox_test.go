package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
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

func claimIDs(t *testing.T, s *store.Store, owner string, lease time.Duration, limit int) []string {
	t.Helper()
	got, err := s.ClaimOutbox(context.Background(), owner, lease, limit)
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
		var mu sync.Mutex
		claims := map[string][]string{}
		var wg sync.WaitGroup
		for w := range senders {
			owner := fmt.Sprintf("sender-%d", w)
			wg.Go(func() {
				for {
					got, err := s.ClaimOutbox(context.Background(), owner, 30*time.Second, 3)
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
// neither count an attempt (so it does not post) nor reschedule it. Times
// are the database's: a lease of an hour holds, a lease of 0 has expired
// at once.
func TestClaimOutbox_lease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		enqueue(t, s, "triage:<1>", "")
		const long = time.Hour

		steps := []struct {
			name  string
			do    func() ([]string, error)
			want  []string
			error error
		}{
			{"A claims", func() ([]string, error) { return claimIDs(t, s, "A", long, 10), nil }, []string{"triage:<1>"}, nil},
			{"B: held", func() ([]string, error) { return claimIDs(t, s, "B", long, 10), nil }, nil, nil},
			{"A: its own claim is not taken again", func() ([]string, error) { return claimIDs(t, s, "A", long, 10), nil }, nil, nil},
			{"A counts an attempt, renewing its claim for 0: expired", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "A", 0)
			}, nil, nil},
			{"B: expired, taken", func() ([]string, error) { return claimIDs(t, s, "B", 0, 10), nil }, []string{"triage:<1>"}, nil},
			{"A may not count an attempt", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "A", long)
			}, nil, store.ErrClaimLost},
			{"A may not reschedule it", func() ([]string, error) {
				return nil, s.MarkRetry(ctx, "triage:<1>", "A", time.Second, "A failed")
			}, nil, store.ErrClaimLost},
			{"B counts its attempt: renewed for an hour", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "B", long)
			}, nil, nil},
			{"A: held again", func() ([]string, error) { return claimIDs(t, s, "A", long, 10), nil }, nil, nil},
			{"B's post fails: retry in an hour, claim ended", func() ([]string, error) {
				return nil, s.MarkRetry(ctx, "triage:<1>", "B", time.Hour, "slack is down")
			}, nil, nil},
			{"not due before then", func() ([]string, error) { return claimIDs(t, s, "A", long, 10), nil }, nil, nil},
			{"sent (ends the claim)", func() ([]string, error) { return nil, s.MarkSent(ctx, "triage:<1>", "C1", "1.000") }, nil, nil},
			{"sent: nobody's", func() ([]string, error) { return claimIDs(t, s, "B", long, 10), nil }, nil, nil},
			{"sent: no attempt", func() ([]string, error) {
				return nil, s.MarkAttempt(ctx, "triage:<1>", "A", long)
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

// A sender whose process clock is ten minutes off, either way, can neither
// take an entry another sender still holds nor hold one past its lease,
// and its retries are timed from the database's now: claims run on the
// database's clock as the leases do (docs/accounts.md, "Outbox"). The
// store's own clock (Store.Now) is skewed too, and not read.
func TestClaimOutbox_ignoresSenderClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// The database runs on this host: its clock is time.Now, give or
		// take a loaded machine.
		near := func(what, text string, want time.Time) {
			t.Helper()
			got, err := time.Parse(time.RFC3339Nano, text)
			if err != nil || got.Sub(want).Abs() > 5*time.Second {
				t.Errorf("%s %q (%v), want about %v", what, text, err, want.UTC())
			}
		}
		for _, skew := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
			t.Run(skew.String(), func(t *testing.T) {
				s.Now = func() time.Time { return time.Now().Add(skew) }
				id := "triage:<" + skew.String() + ">"
				enqueue(t, s, id, "")
				if got := claimIDs(t, s, "honest", 30*time.Second, 1); fmt.Sprint(got) != "["+id+"]" {
					t.Fatalf("honest claims %v, want %s", got, id)
				}
				e, err := s.OutboxEntry(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				near("claim_until", e.ClaimUntil, time.Now().Add(30*time.Second))
				if got := claimIDs(t, s, "skewed", 30*time.Second, 1); got != nil {
					t.Errorf("a held claim was stolen: %v", got)
				}
				// The honest sender's claim ends now (it died after
				// counting its attempt): the skewed sender takes over.
				if err := s.MarkAttempt(ctx, id, "honest", 0); err != nil {
					t.Fatal(err)
				}
				if e, err = s.OutboxEntry(ctx, id); err != nil {
					t.Fatal(err)
				}
				near("first_attempt_at", e.FirstAttemptAt, time.Now())
				first := e.FirstAttemptAt
				if got := claimIDs(t, s, "skewed", 30*time.Second, 1); fmt.Sprint(got) != "["+id+"]" {
					t.Fatalf("an expired claim was kept from the next sender: claimed %v", got)
				}
				if err := s.MarkAttempt(ctx, id, "skewed", 30*time.Second); err != nil {
					t.Fatal(err)
				}
				if e, err = s.OutboxEntry(ctx, id); err != nil {
					t.Fatal(err)
				}
				near("renewed claim_until", e.ClaimUntil, time.Now().Add(30*time.Second))
				if e.FirstAttemptAt != first {
					t.Errorf("first_attempt_at %q after the second attempt, want the first's %q", e.FirstAttemptAt, first)
				}
				if err := s.MarkRetry(ctx, id, "skewed", time.Minute, "slack is down"); err != nil {
					t.Fatal(err)
				}
				if e, err = s.OutboxEntry(ctx, id); err != nil {
					t.Fatal(err)
				}
				near("next_attempt_at", e.NextAttemptAt, time.Now().Add(time.Minute))
				if got := claimIDs(t, s, "honest", 30*time.Second, 1); got != nil {
					t.Errorf("the retry is due early: claimed %v", got)
				}
				if err := s.MarkSent(ctx, id, "C1", "1.000"); err != nil {
					t.Fatal(err)
				}
			})
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
		if got := claimIDs(t, s, "A", 30*time.Second, 10); fmt.Sprint(got) != "[triage:<p>]" {
			t.Fatalf("claimed %v, want the parent only", got)
		}
		if err := s.MarkSent(ctx, "triage:<p>", "C1", "1700000000.000100"); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimOutbox(ctx, "B", time.Minute, 10)
		if err != nil || len(got) != 1 || got[0].ID != "thread:<r>" || got[0].ThreadTS != "1700000000.000100" {
			t.Fatalf("claimed %+v (%v), want the reply with its parent's ts", got, err)
		}
	})
}

// ClaimOutboxAll claims the due entries of every account, each saying
// whose it is (an ID may be in two accounts), and holds them as ClaimOutbox
// does; a thread reply waits for its parent in its own account and carries
// that parent's ts. It reads across accounts, so it runs once per database
// (EachDB) on the registry's Store and a second account's.
func TestClaimOutboxAll_everyAccount(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, reg *store.Store) {
		ctx := context.Background()
		twin := storetest.Twin(t, reg)
		enqueue(t, reg, "triage:<1>", "")
		enqueue(t, twin, "triage:<1>", "")
		enqueue(t, twin, "thread:<r>", "triage:<1>")

		claim := func(owner string) []string {
			t.Helper()
			got, err := reg.ClaimOutboxAll(ctx, owner, time.Hour, 10)
			if err != nil {
				t.Fatalf("%s claims: %v", owner, err)
			}
			var ids []string
			for _, e := range got {
				if e.ClaimedBy != owner {
					t.Errorf("%s claimed %s of %s, which says it is %q's", owner, e.ID, e.Account, e.ClaimedBy)
				}
				ids = append(ids, e.Account+" "+e.ID+" "+e.ThreadTS)
			}
			sort.Strings(ids)
			return ids
		}
		if got, want := claim("A"), []string{store.DefaultAccount + " triage:<1> ", storetest.TwinAccount + " triage:<1> "}; !reflect.DeepEqual(got, want) {
			t.Fatalf("A claimed %q, want %q (both accounts' parents, not the reply)", got, want)
		}
		for _, s := range []*store.Store{reg, twin} {
			if e, err := s.OutboxEntry(ctx, "triage:<1>"); err != nil || e.ClaimedBy != "A" || e.Account != s.Account() {
				t.Errorf("%s's entry after the claim: %+v, %v; want A's", s.Account(), e, err)
			}
		}
		if got := claim("B"); got != nil {
			t.Fatalf("B claimed %q while A's claims hold, want none", got)
		}
		if got := claimIDs(t, twin, "B", time.Hour, 10); got != nil {
			t.Fatalf("B claimed %q of the twin's while A's claims hold, want none", got)
		}
		// The sender marks each entry through its account's Store.
		if err := twin.MarkAttempt(ctx, "triage:<1>", "A", time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := twin.MarkSent(ctx, "triage:<1>", "C1", "2.000"); err != nil {
			t.Fatal(err)
		}
		if got, want := claim("B"), []string{storetest.TwinAccount + " thread:<r> 2.000"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("B claimed %q once the twin's parent was sent, want %q", got, want)
		}
		if e, err := reg.OutboxEntry(ctx, "triage:<1>"); err != nil || e.State != "pending" || e.Attempts != 0 || e.ClaimedBy != "A" {
			t.Errorf("the default's entry after the twin's was sent: %+v, %v; want pending, A's, no attempt", e, err)
		}
	})
}
