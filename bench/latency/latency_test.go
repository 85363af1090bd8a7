package latencybench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/imapwatch"
	"github.com/vtrbot/vtrbot/imapwatch/dovecot"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
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

// latency appends one mail per iteration and waits until the pipeline has
// stored it and queued its post.
func latency(b *testing.B, addr, user, pass string) {
	ctx, cancel := context.WithCancel(b.Context())
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "vtrbot.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	importTraxtar(b, ctx, s)

	// As cmd/bot/run.go wires them (newDaemon, newWatcher), minus Slack:
	// the outbox sender is not started, the post stays queued.
	queued := make(chan struct{}, 16)
	cmds := commands.New(commands.Deps{Store: s, Marketplace: "US", Now: time.Now})
	p := &commands.Pipeline{Cmds: cmds, Channel: "C123", Queued: func() { queued <- struct{}{} }}
	w := &imapwatch.Watcher{
		// Production timings: Recheck is the default 4 minutes, so a lost
		// IDLE wake-up would show as a huge max, not be hidden.
		Config: imapwatch.Config{Addr: addr, Username: user, Password: pass, TLS: "none"},
		Handle: func(ctx context.Context, m imapwatch.Message) error {
			_, _, err := p.Receive(ctx, store.Mail{Account: m.Account, Mailbox: m.Mailbox, UIDValidity: m.UIDValidity,
				UID: m.UID, Raw: m.Raw, Source: "imap"})
			return err
		},
		Resume: func(ctx context.Context, account, mailbox string) (imapwatch.Checkpoint, bool, error) {
			cp, ok, err := s.Checkpoint(ctx, account, mailbox)
			return imapwatch.Checkpoint{UIDValidity: cp.UIDValidity, LastUID: cp.LastUID}, ok, err
		},
		MoveIf: func(m imapwatch.Message) bool { return commands.Relevant(m.Raw) },
	}
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
	run := time.Now().UnixNano()
	deliver := func(i int) time.Duration {
		id := fmt.Sprintf("<bench-%d-%d@email.amazonses.com>", run, i)
		raw := warning(id, i)
		start := time.Now()
		cmd := c.Append("INBOX", int64(len(raw)), nil)
		cmd.Write(raw)
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		select {
		case <-queued:
		case <-time.After(30 * time.Second):
			b.Fatalf("mail %d not stored and queued after 30 s", i)
		}
		d := time.Since(start)
		if e, err := s.OutboxEntry(ctx, "triage:"+id); err != nil || e.State != "pending" {
			b.Fatalf("mail %d: outbox entry %+v, %v; want one queued", i, e, err)
		}
		return d
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

// warning is a Valid Tracking Rate warning from Amazon with Message-ID id.
func warning(id string, i int) []byte {
	return fmt.Appendf(nil, "Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com\r\n"+
		"From: \"Amazon Seller Performance\" <seller-performance@amazon.com>\r\nTo: orders@traxtar.example\r\n"+
		"Subject: Your Valid Tracking Rate is Below 95%%\r\nDate: Fri, 15 Nov 2019 09:12:44 +0000\r\nMessage-ID: %s\r\n"+
		"Content-Type: text/plain; charset=UTF-8\r\n\r\nHello,\r\n\r\nYour Valid Tracking Rate for merchant-fulfilled orders is below "+
		"the 95%% requirement (notice %d).\r\n\r\nSeller Performance Team\r\n", id, i)
}

// importTraxtar loads ../shared/testdata/traxtar, when present, so each
// notice is reconciled against a real seller (as cmd/bot/import.go).
func importTraxtar(b *testing.B, ctx context.Context, s *store.Store) {
	dir := filepath.Join("..", "..", "..", "shared", "testdata", "traxtar")
	open := func(name string) *flatfile.Reader {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		r, err := flatfile.NewReader(name, f)
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	if _, err := os.Stat(dir); err != nil {
		b.Logf("%s missing: the notices are reconciled against an empty store", dir)
		return
	}
	cats := map[string]string{}
	if err := flatfile.ReadCategories(open("categories.tsv"), func(_ int, sku, cat string) error { cats[sku] = cat; return nil }); err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportCategories(ctx, cats); err != nil {
		b.Fatal(err)
	}
	list, err := flatfile.Orders(open("orders.tsv"), "US")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.ImportOrders(ctx, list); err != nil {
		b.Fatal(err)
	}
	fr := open("shipments.tsv")
	var pkg vtr.Package
	_, err = s.ImportShipments(ctx, func() (*vtr.Package, error) {
		row, err := fr.Next()
		if err != nil {
			return nil, err // io.EOF ends the import
		}
		sr, err := flatfile.DecodeShipment(row)
		if err != nil {
			return nil, err
		}
		pkg = sr.Package
		return &pkg, nil
	})
	if err != nil && err != io.EOF {
		b.Fatal(err)
	}
}
