package imapwatch

import (
	"context"
	"testing"
	"time"
)

// TestWatcher_scenario is the must-pass scenario at this package's
// level: 50 mails arrive while the bot is stopped; the bot starts and is
// killed in the middle of its first batch; a new bot resumes from the
// stored checkpoint; 10 more mails arrive while it idles, with a server
// restart in the middle. All 60 must be stored exactly once, in UID order,
// and the checkpoint must end at the last UID.
func TestWatcher_scenario(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, srv *testServer) {
		for i := 1; i <= 50; i++ {
			srv.deliver(t, "INBOX", mailN(i, amazon), nil)
		}
		st, logs := newStore(), newLogs()

		// First bot: killed after storing 23 of the 50 (one batch of 50).
		ctx, kill := context.WithCancel(t.Context())
		st.hook = func(m Message, n int) error {
			if n == 23 {
				st.hook = nil
				kill()
				return context.Canceled // died before this one was stored
			}
			return nil
		}
		if err := st.watcher(srv.config(t, logs)).Run(ctx); err != nil {
			t.Fatalf("first bot: Run = %v", err)
		}
		if n := len(st.stored()); n != 23 {
			t.Fatalf("first bot stored %d, want 23 (killed mid-batch)", n)
		}

		// Second bot, same store: catches up, then idles.
		start(t, st.watcher(srv.config(t, logs)))
		st.waitStored(t, 50, wait)
		logs.waitFor(t, 2, "watching")
		for i := 51; i <= 60; i++ {
			if i == 56 {
				srv.restart(t)
			}
			srv.deliver(t, "INBOX", mailN(i, amazon), nil)
		}
		st.waitStored(t, 60, 30*time.Second)
		st.assertExactlyOnce(t, 60)
		if cp := st.checkpoint(t); cp.LastUID != 60 {
			t.Errorf("checkpoint at UID %d, want 60", cp.LastUID)
		}
		if n := logs.count("catching up", "done=27", "total=27"); n != 1 {
			t.Errorf("%d progress lines for the 27-mail catch-up, want 1", n)
		}
	})
}
