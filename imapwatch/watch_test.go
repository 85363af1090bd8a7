package imapwatch

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

const wait = 15 * time.Second

func TestWatcher_deliveryWhileIdling(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		st, logs := newStore(), newLogs()
		cfg := srv.config(t, logs)
		start(t, st.watcher(cfg))
		logs.waitFor(t, 1, "watching", "idle=true")
		for i := 1; i <= 3; i++ {
			srv.deliver(t, "INBOX", mailN(i, amazon), nil)
			st.waitStored(t, i, wait)
		}
		st.assertExactlyOnce(t, 3)
		got := st.stored()
		for i, m := range got {
			if m.UID != uint32(i+1) || m.Mailbox != "INBOX" || m.InternalDate.IsZero() || m.Account != "seller@"+cfg.Addr {
				t.Errorf("message %d = uid %d mailbox %q date %v account %q", i, m.UID, m.Mailbox, m.InternalDate, m.Account)
			}
			if !strings.Contains(string(m.Raw), "Body of notice") {
				t.Errorf("uid %d: raw message lacks its body: %q", m.UID, m.Raw)
			}
		}
		info, err := Check(t.Context(), cfg, "amazon")
		if err != nil {
			t.Fatal(err)
		}
		if cp := st.checkpoint(t); cp != (Checkpoint{info.UIDValidity, 3}) {
			t.Errorf("checkpoint = %+v, want {%d 3}", cp, info.UIDValidity)
		}
		if info.Unseen != 3 { // BODY.PEEK[] and EXAMINE leave mail unread
			t.Errorf("unseen after handling = %d, want 3", info.Unseen)
		}
	})
}

func TestWatcher_catchUp(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		old := &imap.AppendOptions{Time: time.Now().AddDate(0, 0, -200)}
		srv.deliver(t, "INBOX", mailN(1, amazon), old)
		srv.deliver(t, "INBOX", mailN(2, amazon), old)
		for i := 3; i <= 5; i++ {
			srv.deliver(t, "INBOX", mailN(i, amazon), nil)
		}
		st, logs := newStore(), newLogs()
		cfg := srv.config(t, logs)
		// First run: no checkpoint, so only mail of the last 90 days.
		stop := start(t, st.watcher(cfg))
		st.waitStored(t, 3, wait)
		logs.waitFor(t, 1, "catching up", "done=3", "total=3")
		stop()
		if got := st.checkpoint(t).LastUID; got != 5 {
			t.Errorf("after first run: checkpoint at %d, want 5", got)
		}
		// Mail arriving while stopped, even with an old date (a checkpoint
		// exists now, so no date bound), is caught up by a new watcher.
		srv.deliver(t, "INBOX", mailN(6, amazon), nil)
		srv.deliver(t, "INBOX", mailN(7, amazon), old)
		start(t, st.watcher(srv.config(t, logs)))
		st.waitStored(t, 5, wait)
		st.assertExactlyOnce(t, 5)
		var uids []uint32
		for _, m := range st.stored() {
			uids = append(uids, m.UID)
		}
		if want := []uint32{3, 4, 5, 6, 7}; !slices.Equal(uids, want) {
			t.Errorf("handled UIDs %v, want %v", uids, want)
		}
	})
}

func TestWatcher_reconnect(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		st, logs := newStore(), newLogs()
		start(t, st.watcher(srv.config(t, logs)))
		logs.waitFor(t, 1, "watching")
		srv.deliver(t, "INBOX", mailN(1, amazon), nil)
		st.waitStored(t, 1, wait)

		srv.restart(t)
		srv.deliver(t, "INBOX", mailN(2, amazon), nil)
		st.waitStored(t, 2, wait)
		logs.waitFor(t, 2, "watching")

		srv.kick(t)
		logs.waitFor(t, 3, "watching") // back before the next mail: IDLE, not catch-up
		srv.deliver(t, "INBOX", mailN(3, amazon), nil)
		st.waitStored(t, 3, wait)
		st.assertExactlyOnce(t, 3)
		if n := logs.count("imap session ended", "retry_in="); n < 2 {
			t.Errorf("%d session-ended lines with the wait, want one per failure (>= 2)", n)
		}
	})
}

func TestWatcher_handlerError(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		for i := 1; i <= 3; i++ {
			srv.deliver(t, "INBOX", mailN(i, amazon), nil)
		}
		st, logs := newStore(), newLogs()
		failed := false
		st.hook = func(m Message, n int) error {
			if m.UID == 2 && !failed {
				failed = true
				return errors.New("database is locked")
			}
			return nil
		}
		start(t, st.watcher(srv.config(t, logs)))
		st.waitStored(t, 3, wait)
		st.assertExactlyOnce(t, 3)
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.offers[1] != 1 || st.offers[2] != 2 || st.offers[3] != 1 {
			t.Errorf("Handle calls per UID = %v, want 1:1 2:2 3:1 (UID 3 not offered before 2 succeeded)", st.offers)
		}
		if n := logs.count("imap session ended", "retry_in="); n != 1 {
			t.Errorf("%d session-ended lines, want 1", n)
		}
	})
}

func TestWatcher_crashMidBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		commit bool // the 3rd message is stored before the "crash"
		want   int  // stored by the first watcher
	}{
		{"after commit", true, 3},
		{"before commit", false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachServer(t, func(t *testing.T, srv *testServer) {
				for i := 1; i <= 6; i++ {
					srv.deliver(t, "INBOX", mailN(i, amazon), nil)
				}
				st, logs := newStore(), newLogs()
				ctx, kill := context.WithCancel(t.Context())
				st.hook = func(m Message, n int) error {
					if n == 2 {
						st.hook = nil
						kill()
						if !tt.commit {
							return context.Canceled
						}
					}
					return nil
				}
				if err := st.watcher(srv.config(t, logs)).Run(ctx); err != nil {
					t.Fatalf("Run = %v", err)
				}
				if got := len(st.stored()); got != tt.want {
					t.Fatalf("first watcher stored %d, want %d (it must stop mid-batch)", got, tt.want)
				}
				start(t, st.watcher(srv.config(t, logs)))
				st.waitStored(t, 6, wait)
				st.assertExactlyOnce(t, 6)
				if got := st.checkpoint(t).LastUID; got != 6 {
					t.Errorf("checkpoint at %d, want 6", got)
				}
			})
		})
	}
}

func TestWatcher_uidValidityChange(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		srv.create(t, "Notices")
		srv.deliver(t, "Notices", mailN(1, amazon), nil)
		srv.deliver(t, "Notices", mailN(2, amazon), nil)
		st, logs := newStore(), newLogs()
		cfg := srv.config(t, logs)
		cfg.Mailbox = "Notices"
		stop := start(t, st.watcher(cfg))
		st.waitStored(t, 2, wait)
		before := st.checkpoint(t)
		// Stopped first: Dovecot can answer an APPEND racing with a
		// watcher's re-SELECT of a re-created folder with "NO Mailbox was
		// deleted under us".
		stop()

		// The folder is replaced: same old mail, new UIDVALIDITY, one new.
		srv.remove(t, "Notices")
		srv.create(t, "Notices")
		for i := 1; i <= 3; i++ {
			srv.deliver(t, "Notices", mailN(i, amazon), nil)
		}
		start(t, st.watcher(cfg))
		st.waitStored(t, 3, wait)
		logs.waitFor(t, 1, "uidvalidity changed: rescanning")
		after := st.checkpoint(t)
		if after.UIDValidity == before.UIDValidity || after.LastUID != 3 {
			t.Errorf("checkpoint %+v -> %+v, want a new UIDVALIDITY and UID 3", before, after)
		}
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.dups != 2 {
			t.Errorf("dedupe skipped %d messages, want the 2 seen before", st.dups)
		}
	})
}

// TestWatcher_uidRangeTrap: "N:*" matches the highest UID even when it is
// below N, so a watcher at the last UID must not hand it over again.
func TestWatcher_uidRangeTrap(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		for i := 1; i <= 3; i++ {
			srv.deliver(t, "INBOX", mailN(i, amazon), nil)
		}
		st, logs := newStore(), newLogs()
		cfg := srv.config(t, logs)
		info, err := Check(t.Context(), cfg, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, last := range []uint32{3, 2} {
			st.cps["seller@"+cfg.Addr+"/INBOX"] = Checkpoint{info.UIDValidity, last}
			if err := st.watcher(cfg).Once(t.Context()); err != nil {
				t.Fatalf("Once = %v", err)
			}
		}
		st.assertExactlyOnce(t, 1)
		if got := st.stored(); len(got) == 1 && got[0].UID != 3 {
			t.Errorf("handled UID %d, want 3", got[0].UID)
		}
	})
}

func TestWatcher_pollWithoutIdle(t *testing.T) {
	t.Parallel()
	srv := newMem(t, memserver.Options{NoIdle: true})
	st, logs := newStore(), newLogs()
	cfg := srv.config(t, logs)
	cfg.Recheck = time.Hour // only polling may find the mail
	start(t, st.watcher(cfg))
	logs.waitFor(t, 1, "watching", "idle=false")
	for i := 1; i <= 2; i++ {
		srv.deliver(t, "INBOX", mailN(i, amazon), nil)
		st.waitStored(t, i, wait)
	}
	st.assertExactlyOnce(t, 2)
}

func TestWatcher_moveTo(t *testing.T) {
	t.Parallel()
	body := func(t *testing.T, srv *testServer) {
		srv.create(t, "Done")
		srv.deliver(t, "INBOX", mailN(1, amazon), nil)
		srv.deliver(t, "INBOX", mailN(2, "Friend <friend@example.com>"), nil)
		srv.deliver(t, "INBOX", mailN(3, amazon), nil)
		st, logs := newStore(), newLogs()
		cfg := srv.config(t, logs)
		cfg.MoveTo = "Done"
		w := st.watcher(cfg)
		w.MoveIf = func(m Message) bool { return strings.Contains(string(m.Raw), "amazon.com") }
		start(t, w)
		st.waitStored(t, 3, wait)
		st.assertExactlyOnce(t, 3)
		deadline := time.Now().Add(wait)
		look := srv.config(t, logs)
		for {
			inbox, err1 := Check(t.Context(), look, "")
			look.Mailbox = "Done"
			done, err2 := Check(t.Context(), look, "")
			look.Mailbox = ""
			if err := errors.Join(err1, err2); err != nil {
				t.Fatal(err)
			}
			if inbox.Messages == 1 && done.Messages == 2 && done.Unseen == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("INBOX %d messages, Done %d (%d unseen); want 1, 2 (2 unseen)", inbox.Messages, done.Messages, done.Unseen)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	eachServer(t, body)
	t.Run("memserver without MOVE", func(t *testing.T) {
		t.Parallel()
		body(t, newMem(t, memserver.Options{NoMove: true, Logger: newLogs().logger(t)}))
	})
}
