package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// The readings /metrics takes at scrape time.
func TestStore_health(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		n, oldest, err := s.OutboxDepth(ctx)
		if err != nil || n != 0 || !oldest.IsZero() {
			t.Errorf("OutboxDepth(empty) = %d, %v, %v", n, oldest, err)
		}
		t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		for i, id := range []string{"a", "b", "c"} {
			s.Now = func() time.Time { return t0.Add(time.Duration(i) * time.Minute) }
			if err := s.Enqueue(ctx, store.OutboxEntry{ID: id, Kind: store.OutboxTriage, Channel: "C1", Payload: "{}"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MarkSent(ctx, "a", "C1", "1.2"); err != nil {
			t.Fatal(err)
		}
		n, oldest, err = s.OutboxDepth(ctx)
		if err != nil || n != 2 || !oldest.Equal(t0.Add(time.Minute)) {
			t.Errorf("OutboxDepth = %d, %v, %v; want 2 pending, the oldest queued at %v", n, oldest, err, t0.Add(time.Minute))
		}

		for i, raw := range []string{"From: a@amazon.com\r\nMessage-ID: <1@x>\r\n\r\nhi", "From: a@amazon.com\r\nMessage-ID: <2@x>\r\n\r\nhi"} {
			if _, _, err := s.SaveMail(ctx, store.Mail{Account: "acct", Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: []byte(raw), Source: "imap"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.NoticeTallies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]store.NoticeTally{{Kind: "", State: store.NoticeStored, N: 2}}, got); d != "" {
			t.Errorf("NoticeTallies (-want +got):\n%s", d)
		}
	})
}

// A replica's /metrics count every account's notices and pending posts
// (its sender drains them all); an account's own readings count its own.
func TestStore_healthAllAccounts(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, reg *store.Store) {
		ctx := t.Context()
		twin := storetest.Twin(t, reg)
		for i, s := range []*store.Store{reg, twin, twin} {
			id := string(rune('a' + i))
			if err := s.Enqueue(ctx, store.OutboxEntry{ID: id, Kind: store.OutboxTriage, Channel: "C1", Payload: "{}"}); err != nil {
				t.Fatal(err)
			}
			raw := "From: a@amazon.com\r\nMessage-ID: <" + id + "@x>\r\n\r\nhi"
			if _, _, err := s.SaveMail(ctx, store.Mail{Account: "acct", Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), Raw: []byte(raw), Source: "imap"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			name string
			read func(context.Context) (int, time.Time, error)
			want int
		}{{"OutboxDepth of default", reg.OutboxDepth, 1}, {"OutboxDepth of twin", twin.OutboxDepth, 2}, {"OutboxDepthAll", reg.OutboxDepthAll, 3}} {
			if n, _, err := c.read(ctx); err != nil || n != c.want {
				t.Errorf("%s = %d, %v; want %d", c.name, n, err, c.want)
			}
		}
		for _, c := range []struct {
			name string
			read func(context.Context) ([]store.NoticeTally, error)
			want int
		}{{"NoticeTallies of twin", twin.NoticeTallies, 2}, {"NoticeTalliesAll", reg.NoticeTalliesAll, 3}} {
			if got, err := c.read(ctx); err != nil || len(got) != 1 || got[0].N != c.want {
				t.Errorf("%s = %+v, %v; want %d stored", c.name, got, err, c.want)
			}
		}
	})
}
