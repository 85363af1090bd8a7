package imapbench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/vtrbot/vtrbot/imapwatch"
	"github.com/vtrbot/vtrbot/imapwatch/dovecot"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

func BenchmarkLatency(b *testing.B) {
	b.Run("memserver", func(b *testing.B) {
		srv, err := memserver.Start("127.0.0.1:0", "seller", "secret")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { srv.Close() })
		latency(b, srv.Addr(), "seller", "secret")
	})
	b.Run("dovecot", func(b *testing.B) {
		srv := dovecot.Start(b)
		latency(b, srv.Addr(), dovecot.Username, srv.Password())
	})
}

// latency appends one mail per iteration and waits for the handler.
func latency(b *testing.B, addr, user, pass string) {
	handled := make(chan uint32, 16)
	w := &imapwatch.Watcher{
		// Production timings: Recheck is the default 4 minutes, so a lost
		// IDLE wake-up would show as a huge max, not be hidden.
		Config: imapwatch.Config{Addr: addr, Username: user, Password: pass, TLS: "none"},
		Handle: func(ctx context.Context, m imapwatch.Message) error {
			handled <- m.UID
			return nil
		},
	}
	ctx, cancel := context.WithCancel(b.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() { cancel(); <-done }()

	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		b.Fatal(err)
	}
	deliver := func(i int) time.Duration {
		raw := fmt.Appendf(nil, "From: Amazon <seller-performance@amazon.com>\r\nSubject: bench %d\r\nMessage-ID: <%d.%d@bench>\r\n\r\nhello\r\n", i, i, time.Now().UnixNano())
		start := time.Now()
		cmd := c.Append("INBOX", int64(len(raw)), nil)
		cmd.Write(raw)
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		select {
		case <-handled:
		case <-time.After(30 * time.Second):
			b.Fatalf("mail %d not handled after 30 s", i)
		}
		return time.Since(start)
	}
	deliver(0) // warm-up: the watcher is connected and idling after this
	var lat []time.Duration
	i := 0
	for b.Loop() {
		// Let the watcher get back into IDLE first, as mail does not arrive
		// back to back (and imapmemserver can miss an EXISTS sent in the
		// instant IDLE starts, docs/imap.md "New mail").
		time.Sleep(20 * time.Millisecond)
		i++
		lat = append(lat, deliver(i))
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*95+99)/100-1]), "p95-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}
