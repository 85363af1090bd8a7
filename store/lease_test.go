package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// The registry: add, update (created_at kept), read, list, remove.
func TestAccountRegistry(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		s.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
		a := store.Account{Name: "brand_a", Marketplaces: "US,CA", SlackChannel: "C1", IMAPSecret: "v1:x:y"}
		if err := s.PutAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		s.Now = func() time.Time { return time.Date(2026, 2, 2, 3, 4, 5, 0, time.UTC) }
		a.SlackChannel = "C2"
		if err := s.PutAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccount(ctx, store.Account{Name: "b", Marketplaces: "UK"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetAccount(ctx, "brand_a")
		if err != nil {
			t.Fatal(err)
		}
		if got.SlackChannel != "C2" || got.CreatedAt != "2026-01-02T03:04:05Z" || got.UpdatedAt != "2026-02-02T03:04:05Z" || got.IMAPSecret != "v1:x:y" {
			t.Errorf("updated account = %+v", got)
		}
		all, err := s.Accounts(ctx)
		if err != nil || len(all) != 2 || all[0].Name != "b" || all[1].Name != "brand_a" {
			t.Fatalf("Accounts = %+v, %v", all, err)
		}
		if _, err := s.RemoveAccount(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetAccount(ctx, "b"); vtr.ErrorCode(err) != vtr.ENOTFOUND {
			t.Errorf("removed account: GetAccount error %v, want not found", err)
		}
		if _, err := s.RemoveAccount(ctx, "nobody"); vtr.ErrorCode(err) != vtr.ENOTFOUND {
			t.Errorf("RemoveAccount(nobody) = %v, want not found", err)
		}
		for _, bad := range []string{"", "Brand", "a-b", "a b", "a;drop", "_x", "x123456789012345678901234567890123456789012"} {
			if err := s.PutAccount(ctx, store.Account{Name: bad}); vtr.ErrorCode(err) != vtr.EINVALID {
				t.Errorf("PutAccount(%q) = %v, want invalid", bad, err)
			}
		}
	})
}

// A rotated OAuth refresh token replaces the stored mailbox secret only
// while the row still holds the one the worker knew: an operator's new
// secret, or a newer holder's rotation, is not overwritten. The secret's
// kind is kept.
func TestReplaceIMAPSecret(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		a := store.Account{Name: "brand_o", Marketplaces: "US", SlackChannel: "C1", IMAPAuth: "xoauth2",
			IMAPSecret: "v1:k:rt0", IMAPSecretKind: store.IMAPRefreshToken}
		if err := s.PutAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			old, new string
			changed  bool
			stored   string
		}{
			{"v1:k:rt0", "v1:k:rt1", true, "v1:k:rt1"},
			{"v1:k:rt0", "v1:k:stale", false, "v1:k:rt1"}, // a paused worker's late rotation
			{"v1:k:rt1", "v1:k:rt2", true, "v1:k:rt2"},
		}
		for _, st := range steps {
			changed, err := s.ReplaceIMAPSecret(ctx, "brand_o", st.old, st.new)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.GetAccount(ctx, "brand_o")
			if err != nil {
				t.Fatal(err)
			}
			if changed != st.changed || got.IMAPSecret != st.stored || got.IMAPSecretKind != store.IMAPRefreshToken {
				t.Errorf("replace %s with %s: changed %v, stored %s (%s); want %v, %s (%s)",
					st.old, st.new, changed, got.IMAPSecret, got.IMAPSecretKind, st.changed, st.stored, store.IMAPRefreshToken)
			}
		}
	})
}

// An account's data is rows of its own: what one account holds, the
// registry's own data (account default) and other accounts do not see, and
// removing an account deletes its rows and no other's.
func TestAccountDataIsolated(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, n := range []string{"a", "b"} {
			if err := s.PutAccount(ctx, store.Account{Name: n}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.OpenAccount(ctx, "nobody", store.Options{}); vtr.ErrorCode(err) != vtr.ENOTFOUND {
			t.Fatalf("OpenAccount(nobody) = %v, want not found", err)
		}
		a, err := s.OpenAccount(ctx, "a", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := s.OpenAccount(ctx, "b", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if a.Account() != "a" || s.Account() != store.DefaultAccount {
			t.Fatalf("Account() = %q and %q", a.Account(), s.Account())
		}
		order := &vtr.Order{ID: "111-0000001-0000001", Status: "Shipped", FulfillmentChannel: "Merchant", Marketplace: "US",
			PurchaseDate: vtr.MustDate("2026-01-02"), Items: []vtr.Item{{SKU: "S1", Quantity: 1}}}
		for _, st := range []*store.Store{a, b} {
			if _, err := st.ImportOrders(ctx, []*vtr.Order{order}); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.AdvanceCheckpoint(ctx, "m", "INBOX", 1, 42); err != nil {
			t.Fatal(err)
		}
		if cp, ok, err := a.Checkpoint(ctx, "m", "INBOX"); err != nil || !ok || cp.LastUID != 42 {
			t.Fatalf("a's checkpoint = %v %v %v", cp, ok, err)
		}
		for name, other := range map[string]*store.Store{"default": s, "b": b} {
			if _, ok, err := other.Checkpoint(ctx, "m", "INBOX"); err != nil || ok {
				t.Errorf("account %s sees account a's checkpoint (ok=%v, err=%v)", name, ok, err)
			}
		}
		counts := func(st *store.Store) map[string]int {
			t.Helper()
			c, err := st.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if c := counts(s); c["orders"] != 0 {
			t.Errorf("the default account counts %d orders of other accounts", c["orders"])
		}
		a.Close() // shares the registry's connections: they stay open
		file, err := s.RemoveAccount(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if file != "" {
			t.Errorf("RemoveAccount returned a file to delete: %q", file)
		}
		if _, err := s.OpenAccount(ctx, "a", store.Options{}); vtr.ErrorCode(err) != vtr.ENOTFOUND {
			t.Errorf("OpenAccount of a removed account = %v, want not found", err)
		}
		if c := counts(b); c["orders"] != 1 {
			t.Errorf("removing account a left account b %d orders, want 1", c["orders"])
		}
		var left int
		if err := s.DB().GetContext(ctx, &left, `SELECT count(*) FROM orders WHERE account = 'a'`); err != nil || left != 0 {
			t.Errorf("account a's orders after RemoveAccount: %d (%v), want 0", left, err)
		}
		if _, err := s.RemoveAccount(ctx, store.DefaultAccount); vtr.ErrorCode(err) != vtr.EINVALID {
			t.Errorf("RemoveAccount(default) = %v, want invalid", err)
		}
	})
}

// Claim, renew, refuse, take over an expired lease, release: the epoch
// grows exactly when the lease changes hands.
func TestLeaseClaim(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		const ttl = time.Hour
		type step struct {
			holder  string
			ttl     time.Duration
			release bool
			wantOK  bool
			epoch   int64
		}
		for i, st := range []step{
			{holder: "r1", ttl: ttl, wantOK: true, epoch: 1}, // free: claimed
			{holder: "r2", ttl: ttl, wantOK: false},          // held by r1
			{holder: "r1", ttl: ttl, wantOK: true, epoch: 1}, // renewed, same epoch
			{holder: "r1", ttl: 0, wantOK: true, epoch: 1},   // renewed to end now
			{holder: "r2", ttl: ttl, wantOK: true, epoch: 2}, // expired: taken over
			{holder: "r1", ttl: ttl, wantOK: false},          // the old holder cannot come back
			{holder: "r2", release: true, epoch: 2},          // clean hand-over
			{holder: "r3", ttl: ttl, wantOK: true, epoch: 3}, // released: claimed at once
			{holder: "r3", ttl: 0, wantOK: true, epoch: 3},   // let expire...
			{holder: "r3", ttl: ttl, wantOK: true, epoch: 4}, // ...and claimed again: a new epoch
		} {
			if st.release {
				if err := s.ReleaseLease(ctx, "acct", st.holder, st.epoch); err != nil {
					t.Fatal(err)
				}
				continue
			}
			l, ok, err := s.ClaimLease(ctx, "acct", st.holder, st.ttl)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if ok != st.wantOK || (ok && (l.Epoch != st.epoch || l.Holder != st.holder)) {
				t.Fatalf("step %d: %s claims: ok=%v lease=%+v, want ok=%v epoch %d", i, st.holder, ok, l, st.wantOK, st.epoch)
			}
			if ok && l.ExpiresMS != l.NowMS+st.ttl.Milliseconds() {
				t.Errorf("step %d: expires %d, want the database's now %d + ttl", i, l.ExpiresMS, l.NowMS)
			}
		}
		ls, err := s.Leases(ctx)
		if err != nil || len(ls) != 1 || ls[0].Holder != "r3" || ls[0].Epoch != 4 || !ls[0].Live() {
			t.Fatalf("Leases = %+v, %v", ls, err)
		}
	})
}

// A replica whose own clock is ten minutes off neither steals a live lease
// nor keeps an expired one: the statements read the database's clock.
func TestLeaseIgnoresReplicaClock(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, skew := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
			s.Now = func() time.Time { return time.Now().Add(skew) }
			acct := "a" + skew.String()
			if _, ok, err := s.ClaimLease(ctx, acct, "honest", 30*time.Second); err != nil || !ok {
				t.Fatalf("claim: %v %v", ok, err)
			}
			if _, ok, err := s.ClaimLease(ctx, acct, "skewed", 30*time.Second); err != nil || ok {
				t.Errorf("skew %v: a live lease was stolen (ok=%v, err=%v)", skew, ok, err)
			}
			if _, ok, err := s.ClaimLease(ctx, acct, "honest", 0); err != nil || !ok {
				t.Fatalf("expire: %v %v", ok, err)
			}
			l, ok, err := s.ClaimLease(ctx, acct, "skewed", 30*time.Second)
			if err != nil || !ok || l.Epoch != 2 {
				t.Errorf("skew %v: an expired lease was kept from the next claimer (ok=%v, %+v, err=%v)", skew, ok, l, err)
			}
		}
	})
}

// A fenced write carrying an epoch lower than the account's fence is
// refused, and nothing of its transaction is kept.
func TestFencedWrites(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := s.PutAccount(ctx, store.Account{Name: "a"}); err != nil {
			t.Fatal(err)
		}
		old, err := s.OpenAccount(ctx, "a", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		cur, err := s.OpenAccount(ctx, "a", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer cur.Close()
		if err := old.TakeFence(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if err := old.AdvanceCheckpoint(ctx, "m", "INBOX", 1, 5); err != nil {
			t.Fatalf("write under the current epoch: %v", err)
		}
		if err := cur.TakeFence(ctx, 2); err != nil {
			t.Fatal(err)
		}
		if err := old.TakeFence(ctx, 1); !errors.Is(err, store.ErrFenced) {
			t.Errorf("TakeFence(1) after 2 = %v, want ErrFenced", err)
		}
		writes := map[string]func(*store.Store) error{
			"checkpoint advance": func(st *store.Store) error { return st.AdvanceCheckpoint(ctx, "m", "INBOX", 1, 10) },
			"stored mail's checkpoint": func(st *store.Store) error {
				_, _, err := st.SaveMail(ctx, store.Mail{MessageID: "<x@y>", Account: "m", Mailbox: "INBOX", UIDValidity: 1, UID: 11, Raw: []byte("Message-ID: <x@y>\r\n\r\nhi")})
				return err
			},
			"watermark": func(st *store.Store) error {
				return st.StartSync(ctx, "US", time.Now().Add(-time.Hour), time.Now())
			},
			"outbox insert": func(st *store.Store) error {
				return st.Enqueue(ctx, store.OutboxEntry{ID: "triage:<x@y>", Kind: "triage", Payload: "{}"})
			},
		}
		for name, w := range writes {
			if err := w(old); !errors.Is(err, store.ErrFenced) {
				t.Errorf("%s by the old epoch: %v, want ErrFenced", name, err)
			}
		}
		if cp, _, _ := cur.Checkpoint(ctx, "m", "INBOX"); cp.LastUID != 5 {
			t.Errorf("checkpoint after refused writes = %d, want 5", cp.LastUID)
		}
		if n, _ := cur.CountNotices(ctx, store.NoticeStored); n != 0 {
			t.Errorf("a refused StoreMail kept %d notices", n)
		}
		for name, w := range writes {
			if err := w(cur); err != nil {
				t.Errorf("%s by the current epoch: %v", name, err)
			}
		}
		// The registry's own data (account default, no lease): not fenced.
		if err := s.AdvanceCheckpoint(ctx, "m", "INBOX", 1, 1); err != nil {
			t.Errorf("unfenced store: %v", err)
		}
	})
}

func TestReplicaHeartbeats(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, r := range []string{"r2", "r1"} {
			if err := s.Heartbeat(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		live, err := s.LiveReplicas(ctx, time.Minute)
		if err != nil || len(live) != 2 || live[0] != "r1" {
			t.Fatalf("LiveReplicas = %v, %v", live, err)
		}
		if err := s.RemoveReplica(ctx, "r1"); err != nil {
			t.Fatal(err)
		}
		if live, _ := s.LiveReplicas(ctx, time.Minute); len(live) != 1 || live[0] != "r2" {
			t.Errorf("after RemoveReplica: %v", live)
		}
	})
}
