package imapwatch

import "github.com/emersion/go-sasl"

// xoauth2Client is the XOAUTH2 SASL mechanism of Gmail and Microsoft 365,
// which go-sasl does not have. The initial response is
// "user=" USER ^A "auth=Bearer " TOKEN ^A ^A
// (https://developers.google.com/gmail/imap/xoauth2-protocol).
type xoauth2Client struct {
	user, token string
}

var _ sasl.Client = (*xoauth2Client)(nil)

func (c *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next is only called when the server refuses the token: it then sends a
// JSON error as a challenge. Failing here ends the exchange; the connection
// is dropped, which the server treats as the client's cancel.
func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	return nil, &xoauth2Error{detail: string(challenge)}
}

// xoauth2Error is the server's refusal of an XOAUTH2 token.
type xoauth2Error struct{ detail string }

func (e *xoauth2Error) Error() string {
	if e.detail == "" {
		return "XOAUTH2 token refused"
	}
	return "XOAUTH2 token refused: " + e.detail
}
