package dovecot_test

import (
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/vtrbot/vtrbot/imapwatch/dovecot"
)

func TestServer(t *testing.T) {
	s := dovecot.Start(t)
	raw := []byte("From: a@example.com\r\nSubject: hi\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n")
	if uid := s.Append(t, "INBOX", raw, nil); uid != 1 {
		t.Errorf("first Append UID = %d, want 1", uid)
	}
	s.Kick(t)
	s.Restart(t)
	if uid := s.Append(t, "INBOX", raw, nil); uid != 2 {
		t.Errorf("Append after restart UID = %d, want 2", uid)
	}
	s.Do(t, func(c *imapclient.Client) error {
		if err := c.Create("Notices", nil).Wait(); err != nil {
			return err
		}
		return c.Delete("Notices").Wait()
	})
}
