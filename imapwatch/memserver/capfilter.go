package memserver

import (
	"bytes"
	"net"
)

// capFilterListener hands out connections whose CAPABILITY lines lack IDLE:
// imapserver always advertises IDLE with IMAP4rev1 and has no option to
// turn it off, and poll mode needs a server without it.
type capFilterListener struct{ net.Listener }

func (l capFilterListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return capFilterConn{c}, nil
}

type capFilterConn struct{ net.Conn }

// Write drops the IDLE token from lines that carry capabilities: the
// untagged "* CAPABILITY" response and "[CAPABILITY ...]" response codes.
// imapserver flushes each response in one write, so a capability line is
// not split across writes (the buffer is 4 KiB, the line ~200 bytes).
func (c capFilterConn) Write(b []byte) (int, error) {
	if !bytes.Contains(b, []byte("CAPABILITY ")) {
		return c.Conn.Write(b)
	}
	lines := bytes.SplitAfter(b, []byte("\r\n"))
	for i, line := range lines {
		if bytes.HasPrefix(line, []byte("* CAPABILITY ")) || bytes.Contains(line, []byte(" [CAPABILITY ")) {
			line = bytes.ReplaceAll(line, []byte(" IDLE "), []byte(" "))
			line = bytes.ReplaceAll(line, []byte(" IDLE]"), []byte("]"))
			lines[i] = bytes.ReplaceAll(line, []byte(" IDLE\r\n"), []byte("\r\n"))
		}
	}
	if _, err := c.Conn.Write(bytes.Join(lines, nil)); err != nil {
		return 0, err
	}
	return len(b), nil
}
