package imapwatch

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/vtrbot/vtrbot/imapwatch/dovecot"
	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

// testServer is what a test body needs of a server; eachServer runs the
// same body on the in-memory server and on Dovecot.
type testServer struct {
	name       string
	user, pass string
	addr       func() string
	deliver    func(t *testing.T, mailbox string, raw []byte, opts *imap.AppendOptions) uint32
	restart    func(t *testing.T) // stop and start again: clients are dropped
	kick       func(t *testing.T) // drop clients, server stays up
	create     func(t *testing.T, mailbox string)
	remove     func(t *testing.T, mailbox string)
}

func eachServer(t *testing.T, body func(t *testing.T, srv *testServer)) {
	t.Run("memserver", func(t *testing.T) {
		t.Parallel()
		body(t, newMem(t, memserver.Options{}))
	})
	t.Run("dovecot", func(t *testing.T) {
		t.Parallel()
		body(t, newDovecot(t))
	})
}

func newMem(t *testing.T, opts memserver.Options) *testServer {
	t.Helper()
	opts.Username, opts.Password = "seller", "secret"
	s, err := memserver.StartWith(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	return &testServer{
		name: "memserver", user: opts.Username, pass: opts.Password, addr: s.Addr,
		deliver: func(t *testing.T, mbox string, raw []byte, o *imap.AppendOptions) uint32 {
			uid, err := s.Append(mbox, raw, o)
			must(err)
			return uid
		},
		restart: func(t *testing.T) { must(s.Restart()) },
		kick:    func(t *testing.T) { must(s.Restart()) },
		create:  func(t *testing.T, m string) { must(s.CreateMailbox(m)) },
		remove:  func(t *testing.T, m string) { must(s.DeleteMailbox(m)) },
	}
}

func newDovecot(t *testing.T) *testServer {
	t.Helper()
	s := dovecot.Start(t)
	return &testServer{
		name: "dovecot", user: dovecot.Username, pass: s.Password(), addr: s.Addr,
		deliver: func(t *testing.T, mbox string, raw []byte, o *imap.AppendOptions) uint32 {
			return s.Append(t, mbox, raw, o)
		},
		restart: func(t *testing.T) { s.Restart(t) },
		kick:    func(t *testing.T) { s.Kick(t) },
		create: func(t *testing.T, m string) {
			s.Do(t, func(c *imapclient.Client) error { return c.Create(m, nil).Wait() })
		},
		remove: func(t *testing.T, m string) {
			s.Do(t, func(c *imapclient.Client) error { return c.Delete(m).Wait() })
		},
	}
}

// config is a watcher config for srv with test timings: a 1 s recheck
// covers imapmemserver's lost IDLE wake-up (docs/imap.md "New mail").
func (srv *testServer) config(t *testing.T, logs *logRecorder) Config {
	return Config{
		Addr: srv.addr(), Username: srv.user, Password: srv.pass, TLS: "none",
		Recheck: time.Second, Poll: 100 * time.Millisecond, Logger: logs.logger(t),
	}
}

// mailN is a small message with a unique Message-ID.
func mailN(i int, from string) []byte {
	return fmt.Appendf(nil, "From: %s\r\nTo: seller@example.com\r\nSubject: Notice %d\r\n"+
		"Message-ID: <%d.notice@test.vtrbot>\r\nDate: Mon, 02 Jun 2025 10:00:00 +0000\r\n\r\nBody of notice %d.\r\n",
		from, i, i, i)
}

const amazon = "Amazon <seller-performance@amazon.com>"

func messageID(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	return m.Header.Get("Message-ID")
}

// store is the caller's side of the contract, in memory: it stores each
// message (deduplicating by Message-ID) and advances the checkpoint in one
// step under one lock, as the real store does in one transaction.
type store struct {
	mu      sync.Mutex
	ids     map[string]int // Message-ID -> times stored (must stay 1)
	order   []Message
	offers  map[uint32]int // UID -> Handle calls, failed ones included
	dups    int            // offered again and skipped by the dedupe
	cps     map[string]Checkpoint
	changed chan struct{}
	// hook runs first; n is how many are stored. An error means "not
	// stored" and is returned to the watcher.
	hook func(m Message, n int) error
}

func newStore() *store {
	return &store{ids: map[string]int{}, offers: map[uint32]int{}, cps: map[string]Checkpoint{}, changed: make(chan struct{}, 1)}
}

func (s *store) Handle(ctx context.Context, m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offers[m.UID]++
	if s.hook != nil {
		if err := s.hook(m, len(s.order)); err != nil {
			return err
		}
	}
	if id := messageID(m.Raw); s.ids[id] > 0 {
		s.dups++
	} else {
		s.ids[id]++
		s.order = append(s.order, m)
	}
	s.cps[m.Account+"/"+m.Mailbox] = Checkpoint{m.UIDValidity, m.UID}
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return nil
}

func (s *store) Resume(ctx context.Context, account, mailbox string) (Checkpoint, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp, ok := s.cps[account+"/"+mailbox]
	return cp, ok, nil
}

func (s *store) watcher(cfg Config) *Watcher {
	return &Watcher{Config: cfg, Handle: s.Handle, Resume: s.Resume}
}

func (s *store) stored() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.order...)
}

// checkpoint returns the only checkpoint stored.
func (s *store) checkpoint(t *testing.T) Checkpoint {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cps) != 1 {
		t.Fatalf("checkpoints = %v, want exactly one", s.cps)
	}
	for _, cp := range s.cps {
		return cp
	}
	return Checkpoint{}
}

// waitStored waits until n messages are stored.
func (s *store) waitStored(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if got := len(s.stored()); got >= n {
			return
		}
		select {
		case <-s.changed:
		case <-deadline:
			t.Fatalf("after %v: %d messages stored, want %d", timeout, len(s.stored()), n)
		}
	}
}

// assertExactlyOnce checks every message was stored once and none was even
// offered twice after being stored.
func (s *store) assertExactlyOnce(t *testing.T, want int) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.order) != want {
		t.Errorf("stored %d messages, want %d", len(s.order), want)
	}
	for id, n := range s.ids {
		if n != 1 {
			t.Errorf("%s stored %d times", id, n)
		}
	}
	if s.dups != 0 {
		t.Errorf("%d messages were handed over again after being stored", s.dups)
	}
	for i := 1; i < len(s.order); i++ {
		if s.order[i].UIDValidity == s.order[i-1].UIDValidity && s.order[i].UID <= s.order[i-1].UID {
			t.Errorf("UID %d handled after UID %d", s.order[i].UID, s.order[i-1].UID)
		}
	}
}

// start runs w.Run in the background; the returned stop (also run at
// cleanup) cancels it and waits, so nothing logs after the test ends.
func start(t *testing.T, w *Watcher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// logRecorder keeps log messages so tests can wait for "watching" and
// check progress lines; it also writes them to the test output.
type logRecorder struct {
	mu    sync.Mutex
	recs  []string
	added chan struct{}
}

func newLogs() *logRecorder { return &logRecorder{added: make(chan struct{}, 1)} }

func (l *logRecorder) logger(t *testing.T) *slog.Logger {
	h := slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(recordHandler{h, l})
}

// count returns how many records have msg and all attrs ("k=v").
func (l *logRecorder) count(msg string, attrs ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
next:
	for _, r := range l.recs {
		if !strings.HasPrefix(r, msg+" ") {
			continue
		}
		for _, a := range attrs {
			if !strings.Contains(r, " "+a) {
				continue next
			}
		}
		n++
	}
	return n
}

// waitFor waits until n records match.
func (l *logRecorder) waitFor(t *testing.T, n int, msg string, attrs ...string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for l.count(msg, attrs...) < n {
		select {
		case <-l.added:
		case <-deadline:
			t.Fatalf("no %d log lines %q %v", n, msg, attrs)
		}
	}
}

type recordHandler struct {
	slog.Handler
	l *logRecorder
}

func (h recordHandler) Handle(ctx context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message + " ")
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	h.l.mu.Lock()
	h.l.recs = append(h.l.recs, b.String())
	h.l.mu.Unlock()
	select {
	case h.l.added <- struct{}{}:
	default:
	}
	return h.Handler.Handle(ctx, r)
}

func (h recordHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return recordHandler{h.Handler.WithAttrs(as), h.l}
}

func (h recordHandler) WithGroup(name string) slog.Handler {
	return recordHandler{h.Handler.WithGroup(name), h.l}
}
