package slackapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// maxBody bounds what a Slack request may send; real payloads are a few KB.
const maxBody = 1 << 20

// maxSkew is Slack's replay window: a request whose timestamp is more than
// five minutes from now is refused (docs.slack.dev "Verifying requests from
// Slack").
const maxSkew = 5 * time.Minute

// readBody reads at most maxBody bytes; a longer body is an error.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
}

// verify checks X-Slack-Signature and X-Slack-Request-Timestamp against the
// signing secret: "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" +
// body)), compared in constant time, with the timestamp within maxSkew of
// a.now().
//
// This is slack.NewSecretsVerifier's algorithm (slack-go security.go), done
// here because that function reads the wall clock (time.Since) and cannot
// take Config.Now; TestVerify_agreesWithSlackGo (verify_test.go) checks both agree. Its error values are
// reused.
func (a *App) verify(h http.Header, body []byte) error {
	secret := a.cfg.SigningSecret
	if secret == "" {
		return slack.ErrInvalidConfiguration
	}
	sig, stamp := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || stamp == "" {
		return slack.ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if d := a.now().Sub(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return slack.ErrExpiredTimestamp
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return slack.ErrInvalidSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return slack.ErrInvalidSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", stamp)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return slack.ErrInvalidSignature
	}
	return nil
}

// slackRequest wraps a /slack/* handler: it reads the body (1 MB at most),
// verifies the signature before anything else, and on failure answers 401
// and does nothing more.
func (a *App) slackRequest(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(w, r)
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request", http.StatusBadRequest)
			return
		}
		if err := a.verify(r.Header, body); err != nil {
			a.metrics.signatureFailures.Inc()
			a.log.Warn("slack request refused", "path", r.URL.Path, "reason", err.Error(), "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	}
}
