// Package memserver is an in-process IMAP server holding one user's mail in
// memory: go-imap's imapserver and imapmemserver, plus what tests and
// `bot demo` need around them (delivery, restart, OAuth, a server without
// IDLE or MOVE). It is not a mail server for real use: no persistence, one
// user, and plaintext login is allowed without TLS.
package memserver

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Options configures StartWith. Username and Password are required.
type Options struct {
	Addr     string // listen address; default "127.0.0.1:0"
	Username string
	Password string
	// Token, when set, is the OAuth 2 access token accepted by XOAUTH2 and
	// OAUTHBEARER for Username.
	Token string
	// TokenCheck, when set, decides XOAUTH2 and OAUTHBEARER logins
	// instead of Token: whether token is valid for username, and when it
	// expires (zero: never). A session ends with BYE when the token it
	// logged in with expires, as on Microsoft 365.
	TokenCheck func(username, token string) (expiry time.Time, ok bool)
	// Mailboxes are created besides INBOX.
	Mailboxes []string
	// NoIdle hides IDLE (RFC 2177) from CAPABILITY, as a server without it.
	NoIdle bool
	// NoMove advertises neither MOVE nor IMAP4rev2, so a client must use
	// COPY + STORE + UID EXPUNGE.
	NoMove bool
	// TLS is "" or "none" (plain), "tls" (implicit TLS) or "starttls";
	// TLSConfig must then hold a certificate.
	TLS       string
	TLSConfig *tls.Config
	// Logger receives the server's own error lines at debug; nil discards.
	Logger *slog.Logger
}

// Server is a running in-memory IMAP server.
type Server struct {
	opts Options
	mem  *imapmemserver.Server
	user *imapmemserver.User

	// ln stays open from Start to Close, so a restart keeps the port: a
	// port given back to the kernel can be taken at once by any outgoing
	// connection of the same machine.
	ln   net.Listener
	loop chan struct{} // closed when the accept loop ends

	mu   sync.Mutex
	srv  *imapserver.Server // nil while stopped
	conn *connQueue
	done chan struct{} // closed when srv.Serve returns
}

// Start starts a server on addr ("127.0.0.1:0" picks a free port) with one
// user and an empty INBOX.
func Start(addr, username, password string) (*Server, error) {
	return StartWith(Options{Addr: addr, Username: username, Password: password})
}

// StartWith starts a server with opts.
func StartWith(opts Options) (*Server, error) {
	if opts.Username == "" || opts.Password == "" {
		return nil, errors.New("memserver: username and password are required")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.TLS != "" && opts.TLS != "none" && opts.TLSConfig == nil {
		return nil, fmt.Errorf("memserver: TLS %q needs a TLSConfig", opts.TLS)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, mem: imapmemserver.New()}
	s.user = imapmemserver.NewUser(opts.Username, opts.Password)
	for _, name := range append([]string{"INBOX"}, opts.Mailboxes...) {
		if err := s.user.Create(name, nil); err != nil {
			return nil, fmt.Errorf("memserver: create %s: %w", name, err)
		}
	}
	s.mem.AddUser(s.user)
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("memserver: %w", err)
	}
	if opts.TLS == "tls" {
		ln = tls.NewListener(ln, opts.TLSConfig)
	}
	if opts.NoIdle {
		// Over the TLS layer: the filter must see plaintext. (Not after
		// STARTTLS, which upgrades the raw connection underneath.)
		ln = capFilterListener{ln}
	}
	s.ln, s.loop = ln, make(chan struct{})
	go s.accept()
	s.serve()
	return s, nil
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Deliver appends raw to mailbox as new mail (no flags, received now) and
// returns its UID. It works in-process, also while the server is stopped,
// and wakes clients idling on that mailbox.
func (s *Server) Deliver(mailbox string, raw []byte) (uint32, error) {
	return s.Append(mailbox, raw, nil)
}

// Append is Deliver with flags and an internal date (opts may be nil).
func (s *Server) Append(mailbox string, raw []byte, opts *imap.AppendOptions) (uint32, error) {
	if opts == nil {
		opts = &imap.AppendOptions{} // imapmemserver panics on nil
	}
	data, err := s.user.Append(mailbox, bytes.NewReader(raw), opts)
	if err != nil {
		return 0, err
	}
	return uint32(data.UID), nil
}

// CreateMailbox creates a folder. Deleting and creating one again gives it
// a new UIDVALIDITY, as on a real server.
func (s *Server) CreateMailbox(name string) error { return s.user.Create(name, nil) }

// DeleteMailbox deletes a folder and its mail.
func (s *Server) DeleteMailbox(name string) error { return s.user.Delete(name) }

// Status returns the message count, unseen count and UIDVALIDITY of a
// mailbox.
func (s *Server) Status(mailbox string) (*imap.StatusData, error) {
	return s.user.Status(mailbox, &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDValidity: true, UIDNext: true})
}

// Stop disconnects every client and turns new ones away (they are
// accepted and closed at once); the mail stays. Restart serves again.
func (s *Server) Stop() error {
	s.mu.Lock()
	srv, q, done := s.srv, s.conn, s.done
	s.srv, s.conn = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	// Serve must have returned before Close: imapserver's Serve adds to a
	// WaitGroup that Close waits on, a race when a server is stopped right
	// after it started. Closing the queue ends Serve; Close then drops the
	// clients.
	q.Close()
	<-done
	return srv.Close()
}

// Restart stops the server if it runs and serves again on the same
// address, as a real server restart: clients are disconnected.
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	s.serve()
	return nil
}

// Close stops the server for good and releases the port.
func (s *Server) Close() error {
	err := s.Stop()
	s.ln.Close()
	<-s.loop
	return err
}

// accept hands connections to the imapserver of the moment.
func (s *Server) accept() {
	defer close(s.loop)
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		s.mu.Lock()
		q := s.conn
		s.mu.Unlock()
		if q == nil || !q.put(c) {
			c.Close()
		}
	}
}

// serve starts a new imapserver.Server (a closed one cannot be reused).
func (s *Server) serve() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if s.opts.NoIdle || s.opts.NoMove {
		// IMAP4rev2 implies IDLE and MOVE; list the rev1 extensions instead.
		caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}, imap.CapESearch: {}, imap.CapNamespace: {}}
		if !s.opts.NoMove {
			caps[imap.CapMove] = struct{}{}
		}
	}
	srvOpts := &imapserver.Options{
		NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{srv: s, conn: c}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: true, // plaintext LOGIN on loopback, for tests and the demo
		Logger:       logger{s.opts.Logger},
	}
	if s.opts.TLS == "starttls" {
		srvOpts.TLSConfig = s.opts.TLSConfig
	}
	srv := imapserver.New(srvOpts)
	q := &connQueue{addr: s.ln.Addr(), c: make(chan net.Conn), closed: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(q)
	}()
	s.srv, s.conn, s.done = srv, q, done
}

// connQueue is the net.Listener an imapserver.Server serves: connections
// come from the accept loop, and closing it leaves the real listener open.
type connQueue struct {
	addr   net.Addr
	c      chan net.Conn
	once   sync.Once
	closed chan struct{}
}

func (q *connQueue) put(c net.Conn) bool {
	select {
	case q.c <- c:
		return true
	case <-q.closed:
		return false
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.c:
		return c, nil
	case <-q.closed:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.once.Do(func() { close(q.closed) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }

// logger routes imapserver's Printf lines (mostly "connection reset" noise
// during restarts) to slog at debug.
type logger struct{ l *slog.Logger }

func (l logger) Printf(format string, args ...any) {
	l.l.Debug(fmt.Sprintf(format, args...), "component", "memserver")
}
