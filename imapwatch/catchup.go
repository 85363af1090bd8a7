package imapwatch

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// A batch is at most batchMax messages and, unless it is a single message,
// at most batchBytes: the batch is held in memory before Handle sees it.
const (
	batchMax   = 50
	batchBytes = 32 << 20
)

// catchUp hands every message above the checkpoint to Handle, in batches.
func (s *session) catchUp(ctx context.Context) error {
	uids, err := s.newUIDs()
	if err != nil || len(uids) == 0 {
		return err
	}
	// One new mail is the everyday case (debug); a backlog gets progress
	// lines at info, one per batch.
	backlog := len(uids) > 1
	batches := [][]imap.UID{uids}
	if backlog {
		if batches, err = s.plan(uids); err != nil {
			return err
		}
		s.log.Info("catching up", "total", len(uids), "from_uid", uids[0])
	}
	done := 0
	for _, b := range batches {
		n, err := s.batch(ctx, b)
		done += n
		if err != nil {
			return err
		}
		if backlog {
			s.log.Info("catching up", "done", done, "total", len(uids))
		}
	}
	return nil
}

// plan splits uids into batches by count and by size (RFC822.SIZE), so a
// backlog of large mails is not held in memory at once.
func (s *session) plan(uids []imap.UID) ([][]imap.UID, error) {
	sizes := make(map[imap.UID]int64, len(uids))
	// One range, not the list: thousands of scattered UIDs would make a
	// command line longer than servers accept (Dovecot: 64 KiB).
	var span imap.UIDSet
	span.AddRange(uids[0], uids[len(uids)-1])
	err := s.guard(func() error {
		fc := s.c.Fetch(span, &imap.FetchOptions{UID: true, RFC822Size: true})
		for m := fc.Next(); m != nil; m = fc.Next() {
			buf, err := m.Collect()
			if err != nil {
				fc.Close()
				return err
			}
			sizes[buf.UID] = buf.RFC822Size
		}
		return fc.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("fetch sizes: %w", err)
	}
	var out [][]imap.UID
	var cur []imap.UID
	var bytes int64
	for _, u := range uids {
		if len(cur) > 0 && (len(cur) == batchMax || bytes+sizes[u] > batchBytes) {
			out = append(out, cur)
			cur, bytes = nil, 0
		}
		cur = append(cur, u)
		bytes += sizes[u]
	}
	return append(out, cur), nil
}

// batch fetches uids and hands them to Handle in ascending order; it
// returns how many were handled. The whole batch is read before the first
// Handle call: go-imap's read deadline keeps running while a slow handler
// would block its reader in the middle of a response.
func (s *session) batch(ctx context.Context, uids []imap.UID) (int, error) {
	body := &imap.FetchItemBodySection{Peek: true} // BODY.PEEK[]: the mail stays unread
	var msgs []Message
	err := s.guard(func() error {
		fc := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
			UID: true, InternalDate: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{body},
		})
		for m := fc.Next(); m != nil; m = fc.Next() {
			buf, err := m.Collect()
			if err != nil {
				fc.Close()
				return err
			}
			if buf.UID == 0 || uint32(buf.UID) <= s.cp.LastUID {
				continue // unsolicited, or the "N:*" trap again
			}
			msgs = append(msgs, Message{
				Account: s.cfg.Account, Mailbox: s.cfg.Mailbox,
				UIDValidity: s.cp.UIDValidity, UID: uint32(buf.UID),
				InternalDate: buf.InternalDate, Raw: buf.FindBodySection(body),
			})
		}
		return fc.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("fetch: %w", err)
	}
	// Servers may answer in any order; Handle sees ascending UIDs. A UID
	// missing from the answer was expunged in between: it is gone.
	slices.SortFunc(msgs, func(a, b Message) int { return cmp.Compare(a.UID, b.UID) })
	var move []imap.UID
	n := 0
	for _, m := range msgs {
		// A cancelled ctx (shutdown) stops between messages, not after the
		// batch: what is not handled is fetched again next time.
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if err := s.handle(ctx, m); err != nil {
			s.moveTo(move)
			return n, fmt.Errorf("handle uid %d: %w", m.UID, err)
		}
		s.log.Debug("handled", "uid", m.UID, "size", len(m.Raw))
		s.cp.LastUID = m.UID
		s.w.advance(s.cp)
		n++
		if s.cfg.MoveTo != "" && (s.w.MoveIf == nil || s.w.MoveIf(m)) {
			move = append(move, imap.UID(m.UID))
		}
	}
	return n, s.moveTo(move)
}

// handle calls Handle, turning a panic into an error so one bad message
// does not take the process down.
func (s *session) handle(ctx context.Context, m Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("handler panic", "uid", m.UID, "size", len(m.Raw), "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("handler panic: %v", r)
		}
	}()
	return s.w.Handle(ctx, m)
}

// moveTo moves handled messages to MoveTo. They are already stored and
// checkpointed, so a failure is logged and the mail just stays where it is.
// Only a broken connection is returned, to end the session.
func (s *session) moveTo(uids []imap.UID) error {
	if len(uids) == 0 {
		return nil
	}
	set := imap.UIDSetNum(uids...)
	caps := s.c.Caps()
	err := s.guard(func() error {
		if caps.Has(imap.CapMove) || caps.Has(imap.CapUIDPlus) {
			// MOVE (RFC 6851), or go-imap's fallback COPY + STORE \Deleted +
			// UID EXPUNGE (RFC 4315), which only expunges these UIDs.
			_, err := s.c.Move(set, s.cfg.MoveTo).Wait()
			return err
		}
		// Without UIDPLUS, a plain EXPUNGE would also remove whatever else
		// the user flagged \Deleted: copy and flag, leave the expunge to the
		// user's client.
		if _, err := s.c.Copy(set, s.cfg.MoveTo).Wait(); err != nil {
			return err
		}
		return s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	})
	if err != nil {
		s.log.Warn("move failed; mail left in place", "to", s.cfg.MoveTo, "count", len(uids), "error", err)
		select {
		case <-s.c.Closed():
			return fmt.Errorf("move: %w", err)
		default:
		}
		return nil
	}
	s.log.Debug("moved", "to", s.cfg.MoveTo, "count", len(uids))
	return nil
}
