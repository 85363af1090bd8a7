package imapwatch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Message is one mail as fetched, with where it came from.
type Message struct {
	Account     string
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	// InternalDate is when the server received the message.
	InternalDate time.Time
	// Raw is the whole RFC 5322 message as the server has it.
	Raw []byte
}

// Checkpoint is how far a mailbox has been handled: every message with a UID
// up to LastUID under this UIDVALIDITY has been given to Handle successfully.
type Checkpoint struct {
	UIDValidity uint32
	LastUID     uint32
}

// Watcher watches one mailbox. Set Config, Handle and Resume, then call Run
// (or Once). A Watcher must not run twice at the same time.
type Watcher struct {
	Config

	// Handle is called once per new message, in ascending UID order, never
	// concurrently. It must store the message AND advance the caller's
	// checkpoint to (m.UIDValidity, m.UID) in one transaction, for every
	// message, including those it decides to ignore; otherwise they come
	// back after a restart. If it returns an error, the batch stops, the
	// session ends, and the same message is offered again after a backoff.
	// Handle must also deduplicate (by Message-ID, else a hash of Raw):
	// after a UIDVALIDITY change the mailbox is read again from UID 1 (see
	// Config.Since), so stored mail comes back under new UIDs.
	Handle func(ctx context.Context, m Message) error

	// Resume returns the checkpoint stored for account and mailbox, and
	// false when there is none yet (a first run). It is called at the start
	// of every session. Nil means there is never a checkpoint.
	Resume func(ctx context.Context, account, mailbox string) (Checkpoint, bool, error)

	// MoveIf reports whether a handled message goes to Config.MoveTo. Nil
	// moves every handled message: set it when the watched mailbox also
	// holds mail that is none of the caller's business.
	MoveIf func(m Message) bool

	// Connected, when set, is told true when a session has logged in and
	// opened the mailbox, and false when that session ends (for /readyz
	// and metrics). It must not block.
	Connected func(up bool)

	mu sync.Mutex
	cp Checkpoint // advanced after each successful Handle, for this process
	ok bool
}

// Backoff between sessions: 100 ms doubling to 30 s, with jitter, reset
// once a session has lived longer than resetAfter (a good session).
const (
	backoffMin = 100 * time.Millisecond
	backoffMax = 30 * time.Second
	resetAfter = 30 * time.Second
)

// Run watches the mailbox until ctx ends, then returns nil. Connection
// losses, server restarts and handler errors end a session; Run logs one
// line with the wait, reconnects with capped exponential backoff and
// jitter, and catches up from the checkpoint. It returns an error only when
// retrying cannot help: a *ConfigError, or an error wrapping ErrAuth.
func (w *Watcher) Run(ctx context.Context) error {
	cfg, err := w.prepare()
	if err != nil {
		return err
	}
	log := cfg.Logger
	wait := backoffMin
	for {
		start := time.Now()
		err := w.session(ctx, cfg, false)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrAuth) {
			return err
		}
		if errors.Is(err, errRenew) {
			log.Info("renewing the oauth token: logging in again")
			wait = backoffMin
			continue
		}
		if time.Since(start) > resetAfter {
			wait = backoffMin
		}
		// Full jitter on the upper half: a fleet restarted together does
		// not reconnect in lockstep.
		d := wait/2 + rand.N(wait/2+1)
		wait = min(wait*2, backoffMax)
		log.Warn("imap session ended", "error", err, "retry_in", d.Round(time.Millisecond))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Once connects, hands over every message newer than the checkpoint, and
// returns (for cron users: bot run --once). Unlike Run it does not retry:
// any error, including a handler error, is returned; ctx.Err() if ctx
// ended first.
func (w *Watcher) Once(ctx context.Context) error {
	cfg, err := w.prepare()
	if err != nil {
		return err
	}
	if err := w.session(ctx, cfg, true); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // not the "use of closed connection" it caused
		}
		return err
	}
	return nil
}

func (w *Watcher) prepare() (Config, error) {
	cfg, err := w.Config.normalize()
	if err != nil {
		return cfg, err
	}
	if w.Handle == nil {
		return cfg, errors.New("imapwatch: Watcher.Handle is nil")
	}
	cfg.Logger = cfg.Logger.With("component", "imapwatch", "account", cfg.Account, "mailbox", cfg.Mailbox)
	return cfg, nil
}

// checkpoint returns where to start: the stored checkpoint, or this
// process's own if it is further along under the same UIDVALIDITY (it is
// only ahead if Handle did not persist its checkpoint, which would also
// bring those messages back after a restart).
func (w *Watcher) checkpoint(ctx context.Context, cfg Config) (Checkpoint, bool, error) {
	var cp Checkpoint
	var ok bool
	if w.Resume != nil {
		var err error
		if cp, ok, err = w.Resume(ctx, cfg.Account, cfg.Mailbox); err != nil {
			return cp, false, fmt.Errorf("resume: %w", err)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ok && (!ok || (w.cp.UIDValidity == cp.UIDValidity && w.cp.LastUID > cp.LastUID)) {
		return w.cp, true, nil
	}
	return cp, ok, nil
}

func (w *Watcher) advance(cp Checkpoint) {
	w.mu.Lock()
	w.cp, w.ok = cp, true
	w.mu.Unlock()
}
