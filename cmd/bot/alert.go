package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
)

// outboxAlert is the outbox kind of an operator alert: a top-level post
// with no notice.
const outboxAlert = "alert"

// alertTimeout bounds the post of an alert on the way out of bot run.
const alertTimeout = 15 * time.Second

// alertLoginRefused tells the triage channel that bot run stopped because
// the mailbox (or its OAuth token endpoint) refused the credentials. It
// goes through the outbox under a key made from the credentials, so a
// restart loop (systemd, Docker) posts it once, and new credentials that
// fail again post again. It is sent before bot run exits; if Slack is
// down it stays queued for the next start.
func (d *daemon) alertLoginRefused(ctx context.Context, line string) {
	if d.app == nil {
		return
	}
	h := sha256.New()
	for _, s := range []string{d.cfg.IMAPAddr, d.cfg.IMAPUsername, string(d.cfg.IMAPPassword), string(d.cfg.IMAPToken), string(d.cfg.IMAPOAuthRefreshToken)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	key := "alert:mailbox-login:" + hex.EncodeToString(h.Sum(nil))[:16]
	payload, err := json.Marshal(commands.Reply{Text: ":warning: vtrbot stopped: the mailbox " + d.cfg.IMAPUsername +
		" refused its login, so no notice is read until this is fixed and vtrbot restarted.\n" + line})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), alertTimeout)
	defer cancel()
	if err := d.store.Enqueue(ctx, store.OutboxEntry{ID: key, Kind: outboxAlert, Channel: d.cfg.SlackChannel, Payload: string(payload)}); err != nil {
		d.log.Error("queue the login alert", "error", err)
		return
	}
	if _, err := d.sender.SendDue(ctx); err != nil {
		d.log.Warn("post the login alert", "error", err)
	}
}
