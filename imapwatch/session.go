package imapwatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// cmdTimeout bounds one command round trip (DONE, SEARCH, a FETCH batch).
// go-imap has no deadline while it waits for the first byte of a response,
// so a black-holed link would otherwise hang the session forever.
const cmdTimeout = 2 * time.Minute

// session is one connection's life: login, select, catch up, then wait for
// new mail and catch up again, until an error or ctx ends it.
type session struct {
	w    *Watcher
	cfg  Config
	log  *slog.Logger
	c    *conn
	wake chan struct{}
	idle bool

	cp    Checkpoint
	since time.Time // zero: no date bound on the search
}

func (w *Watcher) session(ctx context.Context, cfg Config, once bool) error {
	s := &session{w: w, cfg: cfg, log: cfg.Logger, wake: make(chan struct{}, 1)}
	opts := &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		// Runs on the client's reader goroutine: block here and the whole
		// connection stalls. Only signal; the session goroutine fetches.
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				s.signal()
			}
		},
	}}
	c, err := dial(ctx, cfg, opts)
	if err != nil {
		return err
	}
	defer c.close()
	s.c = c
	if err := s.open(ctx); err != nil {
		return err
	}
	if w.Connected != nil {
		w.Connected(true)
		defer w.Connected(false)
	}
	for {
		if err := s.catchUp(ctx); err != nil {
			return err
		}
		if once {
			s.guard(func() error { return c.Logout().Wait() })
			return nil
		}
		if err := s.waitNew(ctx); err != nil {
			return err
		}
	}
}

// signal wakes the session without ever blocking.
func (s *session) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// guard runs one command round trip and closes the connection if it takes
// longer than cmdTimeout, which makes the command fail.
func (s *session) guard(f func() error) error {
	t := time.AfterFunc(cmdTimeout, func() { s.c.Client.Close() })
	defer t.Stop()
	return f()
}

// open selects the mailbox and works out where to start.
func (s *session) open(ctx context.Context) error {
	// EXAMINE (read-only) so the seller's mailbox is never changed, unless
	// handled mail is to be moved, which needs SELECT.
	ro := s.cfg.MoveTo == ""
	var sel *imap.SelectData
	err := s.guard(func() (err error) {
		sel, err = s.c.Select(s.cfg.Mailbox, &imap.SelectOptions{ReadOnly: ro}).Wait()
		return err
	})
	if err != nil {
		return selectError(s.cfg.Mailbox, err)
	}
	s.idle = s.c.Caps().Has(imap.CapIdle)
	cp, ok, err := s.w.checkpoint(ctx, s.cfg)
	if err != nil {
		return err
	}
	since := s.cfg.Now().Add(-s.cfg.Since)
	switch {
	case !ok:
		s.log.Info("first run: reading mail since", "since", since.Format(time.DateOnly), "uidvalidity", sel.UIDValidity)
		cp, s.since = Checkpoint{UIDValidity: sel.UIDValidity}, since
	case cp.UIDValidity != sel.UIDValidity:
		// RFC 3501 2.3.1.1: a new UIDVALIDITY means old UIDs mean nothing.
		// Read the mailbox again; Handle dedupes what it already stored.
		// Bounded by Since like a first run: older mail was either stored
		// then or deliberately skipped.
		s.log.Warn("uidvalidity changed: rescanning", "old", cp.UIDValidity, "new", sel.UIDValidity, "since", since.Format(time.DateOnly))
		cp, s.since = Checkpoint{UIDValidity: sel.UIDValidity}, since
	}
	s.cp = cp
	s.log.Info("watching", "idle", s.idle, "uidvalidity", sel.UIDValidity, "messages", sel.NumMessages, "last_uid", cp.LastUID, "read_only", ro)
	return nil
}

// errRenew ends a session whose OAuth token is about to expire: the next
// one logs in with a new token, at once and without a warning.
var errRenew = errors.New("oauth token due for renewal")

// waitNew blocks until the server reports new mail, the recheck (IDLE) or
// poll timer fires, the connection dies, or the login's OAuth token is due
// for renewal (errRenew).
func (s *session) waitNew(ctx context.Context) error {
	var renew <-chan time.Time
	if !s.c.renewAt.IsZero() {
		t := time.NewTimer(time.Until(s.c.renewAt))
		defer t.Stop()
		renew = t.C
	}
	if !s.idle {
		t := time.NewTimer(s.cfg.Poll)
		defer t.Stop()
		select {
		case <-s.wake:
		case <-t.C:
		case <-renew:
			return errRenew
		case <-s.c.Closed():
			return errors.New("connection closed")
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
	idle, err := s.c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	// go-imap re-issues IDLE every 28 minutes by itself; the recheck is
	// shorter anyway, and also covers a missed EXISTS (a server may send
	// "+ idling" before it starts tracking changes; imapmemserver does).
	t := time.NewTimer(s.cfg.Recheck)
	defer t.Stop()
	renewing := false
	select {
	case <-s.wake:
	case <-t.C:
	case <-renew:
		renewing = true
	case <-s.c.Closed():
	case <-ctx.Done():
		return ctx.Err()
	}
	err = s.guard(func() error {
		if err := idle.Close(); err != nil {
			return fmt.Errorf("idle done: %w", err)
		}
		if err := idle.Wait(); err != nil {
			return fmt.Errorf("idle: %w", err)
		}
		return nil
	})
	if err == nil && renewing {
		s.guard(func() error { return s.c.Logout().Wait() })
		return errRenew
	}
	return err
}

// newUIDs returns the UIDs above the checkpoint, ascending.
func (s *session) newUIDs() ([]imap.UID, error) {
	// Drain before searching: an EXISTS that arrives from now on wakes the
	// next round, so nothing delivered during this round is missed.
	select {
	case <-s.wake:
	default:
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(s.cp.LastUID+1), 0) // LastUID+1:*
	crit := &imap.SearchCriteria{UID: []imap.UIDSet{set}}
	if !s.since.IsZero() {
		crit.Since = s.since
	}
	var data *imap.SearchData
	err := s.guard(func() (err error) {
		data, err = s.c.UIDSearch(crit, nil).Wait()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	all, _ := data.All.(imap.UIDSet)
	nums, ok := all.Nums() // not AllUIDs: it panics on a '*' from a buggy server
	if !ok {
		return nil, fmt.Errorf("search: server answered a dynamic set %v", all)
	}
	// "N:*" always includes the highest UID, even when it is below N
	// (RFC 3501 6.4.8): drop what was already handled.
	nums = slices.DeleteFunc(nums, func(u imap.UID) bool { return uint32(u) <= s.cp.LastUID })
	slices.Sort(nums)
	return slices.Compact(nums), nil
}
