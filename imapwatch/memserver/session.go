package memserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

// session is imapmemserver's user session plus the login methods: LOGIN,
// and AUTHENTICATE PLAIN, XOAUTH2 and OAUTHBEARER.
type session struct {
	*imapmemserver.UserSession // nil until logged in

	srv    *Server
	conn   *imapserver.Conn
	expire *time.Timer // ends the session when its OAuth token expires
}

var (
	_ imapserver.SessionIMAP4rev2 = (*session)(nil)
	_ imapserver.SessionSASL      = (*session)(nil)
)

func (sess *session) Login(username, password string) error {
	if err := sess.srv.user.Login(username, password); err != nil {
		return err
	}
	sess.UserSession = imapmemserver.NewUserSession(sess.srv.user)
	return nil
}

// oauth reports whether XOAUTH2 and OAUTHBEARER are offered.
func (sess *session) oauth() bool {
	return sess.srv.opts.Token != "" || sess.srv.opts.TokenCheck != nil
}

func (sess *session) AuthenticateMechanisms() []string {
	if !sess.oauth() {
		return []string{sasl.Plain}
	}
	return []string{sasl.Plain, "XOAUTH2", sasl.OAuthBearer}
}

func (sess *session) Authenticate(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return imapserver.ErrAuthFailed
			}
			return sess.Login(username, password)
		}), nil
	case "XOAUTH2":
		if sess.oauth() {
			return &xoauth2Server{check: sess.token}, nil
		}
	case sasl.OAuthBearer:
		if sess.oauth() {
			return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
				if sess.token(o.Username, o.Token) != nil {
					return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
				}
				return nil
			}), nil
		}
	}
	return nil, errors.New("SASL mechanism not supported")
}

// token logs in username if token is the configured one, or TokenCheck
// accepts it.
func (sess *session) token(username, token string) error {
	o := sess.srv.opts
	if o.TokenCheck != nil {
		exp, ok := o.TokenCheck(username, token)
		if !ok || username != o.Username {
			return imapserver.ErrAuthFailed
		}
		if !exp.IsZero() {
			c := sess.conn
			sess.expire = time.AfterFunc(time.Until(exp), func() { c.Bye("Session invalidated - AccessTokenExpired") })
		}
	} else if username != o.Username || subtle.ConstantTimeCompare([]byte(token), []byte(o.Token)) != 1 {
		return imapserver.ErrAuthFailed
	}
	sess.UserSession = imapmemserver.NewUserSession(sess.srv.user)
	return nil
}

// Close ends the session (and its expiry timer).
func (sess *session) Close() error {
	if sess.expire != nil {
		sess.expire.Stop()
	}
	if sess.UserSession == nil {
		return nil
	}
	return sess.UserSession.Close()
}

// xoauth2Server is the server side of XOAUTH2: one initial response
// "user=U\x01auth=Bearer T\x01\x01"; a bad token gets a JSON error
// challenge, then the client's (empty) answer ends with NO, as Gmail does.
type xoauth2Server struct {
	check  func(user, token string) error
	failed error
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed != nil {
		return nil, true, x.failed
	}
	if resp == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	var user, token string
	for _, kv := range bytes.Split(resp, []byte{1}) {
		if k, v, ok := bytes.Cut(kv, []byte("=")); ok {
			switch string(k) {
			case "user":
				user = string(v)
			case "auth":
				token = string(bytes.TrimPrefix(v, []byte("Bearer ")))
			}
		}
	}
	if err := x.check(user, token); err != nil {
		x.failed = err
		msg, _ := json.Marshal(map[string]string{"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"})
		return msg, false, nil
	}
	return nil, true, nil
}
