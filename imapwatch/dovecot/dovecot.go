// Package dovecot runs a real Dovecot IMAP server for tests: a private
// instance in a temporary folder, plaintext on 127.0.0.1, one user. It
// touches no system configuration and works as root (CI) and as an
// ordinary user.
//
// Tests run only when VTRBOT_TEST_DOVECOT is set; otherwise Start skips,
// except when CI is set, where it fails so CI cannot go green without
// Dovecot. It is a test helper: it reports problems through testing.TB.
package dovecot

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// EnvVar enables the Dovecot tests when non-empty.
const EnvVar = "VTRBOT_TEST_DOVECOT"

// Username is the one user of every test server; its password differs per
// server (Password), so a test can never log in to another test's Dovecot
// that took over its port.
const Username = "seller"

// errAddrInUse is Dovecot failing to bind its port.
var errAddrInUse = errors.New("address already in use")

// Server is a running Dovecot.
type Server struct {
	dir, conf string
	port      int
	pass      string
	bin       string
	doveadm   string
	cmd       *exec.Cmd
	exited    chan struct{}
	stderr    bytes.Buffer

	mu    sync.Mutex
	admin *imapclient.Client // for Append
}

// Start starts a Dovecot for the test and stops it at cleanup. It skips the
// test unless VTRBOT_TEST_DOVECOT is set (fails instead when CI is set),
// and fails if the variable is set but dovecot is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	if os.Getenv(EnvVar) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is empty: install dovecot-imapd and set %s=1 (Dovecot tests must run in CI)", EnvVar, EnvVar)
		}
		t.Skipf("Dovecot tests skipped: set %s=1 (needs apt-get install dovecot-imapd)", EnvVar)
	}
	bin, doveadm := find("dovecot"), find("doveadm")
	if bin == "" || doveadm == "" {
		t.Fatalf("%s is set but dovecot/doveadm are not installed (apt-get install -y dovecot-imapd)", EnvVar)
	}
	// A short path of our own, not t.TempDir(): Dovecot's unix sockets live
	// under base_dir and a socket path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "dovecot")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{dir: dir, conf: filepath.Join(dir, "dovecot.conf"), bin: bin, doveadm: doveadm}
	t.Cleanup(func() {
		s.dropAdmin()
		s.stop()
		if t.Failed() {
			if b, err := os.ReadFile(filepath.Join(dir, "dovecot.log")); err == nil {
				t.Logf("dovecot.log:\n%s", tail(b, 30))
			}
		}
		os.RemoveAll(dir)
	})
	// The free port is given back before Dovecot binds it, and any process
	// may take it in between (another test's server, an outgoing
	// connection): then try another port.
	for attempt := 1; ; attempt++ {
		err = s.configure()
		if err == nil {
			err = s.start()
		}
		if err == nil {
			return s
		}
		if !errors.Is(err, errAddrInUse) || attempt == 5 {
			t.Fatalf("dovecot: %v", err)
		}
	}
}

// Password is the user's password on this server.
func (s *Server) Password() string { return s.pass }

// Addr is the host:port of the plaintext IMAP listener.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Restart stops Dovecot (clients are disconnected) and starts it again on
// the same port, with the same mail.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.dropAdmin()
	s.stop()
	// Same port, so no other choice than waiting if someone took it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := s.start()
		if err == nil {
			return
		}
		if !errors.Is(err, errAddrInUse) || time.Now().After(deadline) {
			t.Fatalf("dovecot restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Kick drops the user's connections (doveadm kick), as a network failure
// would, without stopping the server. No connection to drop is fine.
func (s *Server) Kick(t testing.TB) {
	t.Helper()
	s.dropAdmin()
	out, err := exec.Command(s.doveadm, "-c", s.conf, "kick", Username).CombinedOutput()
	if err != nil && !bytes.Contains(out, []byte("no users kicked")) {
		t.Fatalf("doveadm kick: %v: %s", err, out)
	}
}

// Append delivers raw into mailbox over a second IMAP connection (kept
// open between calls: a login costs more than the APPEND) and returns its
// UID. opts may set flags and the internal date.
func (s *Server) Append(t testing.TB, mailbox string, raw []byte, opts *imap.AppendOptions) uint32 {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admin == nil {
		s.admin = s.login(t)
	}
	var uid uint32
	err := func(c *imapclient.Client) error {
		cmd := c.Append(mailbox, int64(len(raw)), opts)
		if _, err := cmd.Write(raw); err != nil {
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		data, err := cmd.Wait()
		if err != nil {
			return err
		}
		uid = uint32(data.UID)
		return nil
	}(s.admin)
	if err != nil {
		s.admin.Close()
		s.admin = nil
		t.Fatalf("dovecot: append: %v", err)
	}
	return uid
}

// Do runs f on a fresh logged-in connection (to create or delete folders,
// look at flags) and logs out.
func (s *Server) Do(t testing.TB, f func(c *imapclient.Client) error) {
	t.Helper()
	c := s.login(t)
	defer c.Close()
	if err := f(c); err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	c.Logout().Wait()
}

func (s *Server) login(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatalf("dovecot: dial: %v", err)
	}
	if err := c.Login(Username, s.pass).Wait(); err != nil {
		c.Close()
		t.Fatalf("dovecot: login: %v", err)
	}
	return c
}

// dropAdmin forgets the Append connection, which a kick or a restart ends.
func (s *Server) dropAdmin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admin != nil {
		s.admin.Close()
		s.admin = nil
	}
}

func (s *Server) configure() error {
	uid, gid, login, internal, group, err := identities()
	if err != nil {
		return err
	}
	for _, d := range []string{"run", "state", "mail", "home"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			return err
		}
	}
	if os.Geteuid() == 0 {
		// Mail is written as the dovecot user, which must also be able to
		// traverse the (0700) temp dir.
		for _, d := range []string{"mail", "home"} {
			if err := os.Chown(filepath.Join(s.dir, d), uid, gid); err != nil {
				return err
			}
		}
		if err := os.Chmod(s.dir, 0o755); err != nil {
			return err
		}
	}
	s.pass = "secret-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36) + strconv.Itoa(os.Getpid())
	users := Username + ":{PLAIN}" + s.pass + "::::::\n"
	if err := os.WriteFile(filepath.Join(s.dir, "users"), []byte(users), 0o644); err != nil {
		return err
	}
	if s.port, err = freePort(); err != nil {
		return err
	}
	conf := strings.NewReplacer(
		"{{DIR}}", s.dir, "{{PORT}}", strconv.Itoa(s.port),
		"{{UID}}", strconv.Itoa(uid), "{{GID}}", strconv.Itoa(gid),
		"{{LOGINUSER}}", login, "{{INTERNALUSER}}", internal, "{{INTERNALGROUP}}", group,
	).Replace(configTemplate)
	return os.WriteFile(s.conf, []byte(conf), 0o644)
}

// identities picks the users Dovecot runs as: its own system users as root,
// else the current user in every role, so tests run as any user.
func identities() (uid, gid int, login, internal, group string, err error) {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("dovecot")
		if err != nil {
			return 0, 0, "", "", "", fmt.Errorf("running as root needs the dovecot user: %w", err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		return uid, gid, "dovenull", "dovecot", "dovecot", nil
	}
	u, err := user.Current()
	if err != nil {
		return 0, 0, "", "", "", err
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return 0, 0, "", "", "", err
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, u.Username, u.Username, g.Name, nil
}

// start runs Dovecot and waits until it answers a login with this
// server's password: a mere TCP connect could reach another process that
// holds the port.
func (s *Server) start() error {
	s.stderr.Reset()
	cmd := exec.Command(s.bin, "-F", "-c", s.conf) // -F: foreground, so we own the process
	cmd.Stdout, cmd.Stderr = &s.stderr, &s.stderr
	// Its own process group, so stop can signal every Dovecot process at
	// once, as systemd does (KillMode=control-group).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			s.cmd = nil
			log, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
			msg := s.stderr.String() + tail(log, 10)
			if strings.Contains(msg, "Address already in use") {
				return fmt.Errorf("port %d: %w", s.port, errAddrInUse)
			}
			return fmt.Errorf("exited at start: %s", msg)
		default:
		}
		if s.ours() {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return errors.New("not answering after 10s")
}

// ours reports whether the server on the port accepts this server's
// password.
func (s *Server) ours() bool {
	conn, err := net.DialTimeout("tcp", s.Addr(), time.Second)
	if err != nil {
		return false
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	c := imapclient.New(conn, nil)
	defer c.Close()
	return c.Login(Username, s.pass).Wait() == nil
}

// stop sends SIGTERM to every Dovecot process and waits (about 1 s).
// Signalling only the master is not enough: an imap process in IDLE then
// lingers for 10-30 s before it notices the shutdown.
func (s *Server) stop() {
	if s.cmd == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.exited
	}
	s.cmd = nil
}

func find(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
