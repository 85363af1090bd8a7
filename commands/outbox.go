package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/vtrbot/vtrbot/store"
)

// Sender delivers the outbox: every queued post is sent, retried with
// backoff while Slack fails (honouring 429 Retry-After), and marked sent with
// its message ts, so a restart never posts twice and nothing is lost.
//
// A post can reach Slack without the Sender learning it: the answer is lost
// (a timeout, a 5xx from a proxy after Slack accepted it) or the process
// dies before recording the ts. So every attempt is counted before it is
// made, every post carries its entry's ID (Reply.Key), and an entry that
// was attempted before is first looked for in the channel (Find); only if
// it is not there is it posted again.
//
// Several senders may share one outbox (a daemon and `bot import mail
// --post`, two overlapping `bot run --once` from cron): each takes one
// entry at a time with a claim that expires (store.ClaimOutbox), renews it
// when it counts the attempt, and posts only if it still holds it, so an
// entry is posted by one sender. A sender that dies holding a claim delays
// that entry by at most Lease; the next sender looks for its post first.
// Claims and retry times run on the database's clock, never on Now, so a
// sender whose clock is off neither takes over an entry another sender
// holds nor keeps its own too long (docs/accounts.md, "Outbox").
type Sender struct {
	Store *store.Store
	// AllAccounts makes the sender drain the outbox of every account, Store
	// being the registry's: entries are claimed across accounts
	// (store.ClaimOutboxAll) and each is marked in its account's rows
	// (Store.WithAccount). Each replica serving several accounts runs one,
	// so any replica drains every account's posts (docs/accounts.md,
	// "Outbox").
	AllAccounts bool
	// Post sends a reply to a channel (in a thread when threadTS is set) and
	// returns the message ts.
	Post func(ctx context.Context, channel, threadTS string, r Reply) (ts string, err error)
	// Find returns the ts of the post named key in channel (in the thread
	// of threadTS when set) made since since, or "" when there is none.
	// ErrCannotFind means it cannot look (e.g. a missing scope): the entry
	// is then posted again, at least once rather than at most once. Nil
	// means the same.
	Find func(ctx context.Context, channel, threadTS, key string, since time.Time) (ts string, err error)
	// RetryAfter extracts a server-requested wait from a Post error.
	RetryAfter func(err error) (time.Duration, bool)
	Logger     *slog.Logger
	// Now is the clock of the look-up's fallback window only: claims and
	// retries are timed by the database.
	Now func() time.Time
	// Every is how often the outbox is checked without a wake-up (default 2s).
	Every time.Duration
	// Owner names this sender in its claims (default: host, process ID and
	// a random part, unique among the senders of one database).
	Owner string
	// Lease is how long a claim holds (default DefaultLease).
	Lease time.Duration
	// Backoff is how long after a failed post, its attempts-th, the next
	// is due (default 5 s doubling per attempt to 10 minutes, with
	// jitter; a Retry-After from Slack lengthens it).
	Backoff func(attempts int) time.Duration

	// Workers is how many posts Run sends at once (default 1): each claims
	// and sends one entry at a time, side by side. A replica's sender of
	// every account's outbox runs several, so one slow post or one
	// account's backlog does not hold up the others.
	Workers int

	wake chan struct{}
}

// NewSender returns a Sender; Wake and Run may then be used.
func NewSender(s *Sender) *Sender {
	s.Workers = max(s.Workers, 1)
	s.wake = make(chan struct{}, s.Workers)
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Every <= 0 {
		s.Every = 2 * time.Second
	}
	if s.Backoff == nil {
		s.Backoff = backoff
	}
	if s.Owner == "" {
		host, _ := os.Hostname()
		s.Owner = fmt.Sprintf("%s:%d:%08x", host, os.Getpid(), rand.Uint32())
	}
	if s.Lease <= 0 {
		s.Lease = DefaultLease
	}
	return s
}

// DefaultLease is how long a sender's claim on an outbox entry holds. The
// claim is renewed just before the post, which ends within inFlightGrace
// (15 s), so 30 s leaves as much again for a slow store write; claims run
// on the database's clock, so the senders' clocks need not agree. A
// crashed sender's entry waits at most this long.
const DefaultLease = 30 * time.Second

// Wake makes Run look at the outbox now: one idle worker per call (a
// queued post wakes one; a burst of them, as many workers as there are
// posts).
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends due posts until ctx ends, with Workers side by side.
func (s *Sender) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range s.Workers {
		wg.Go(func() { s.run(ctx) })
	}
	wg.Wait()
	return nil
}

func (s *Sender) run(ctx context.Context) {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.Logger.Error("outbox", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// SendDue sends every due post that no other sender holds, once (parents
// before their thread replies), and returns how many it sent. It claims one
// entry at a time, so that concurrent senders share the work and a sender
// that dies holds up one entry at most.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		claim := s.Store.ClaimOutbox
		if s.AllAccounts {
			claim = s.Store.ClaimOutboxAll
		}
		due, err := claim(ctx, s.Owner, s.Lease, 1)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		st := s.Store
		if s.AllAccounts {
			st = s.Store.WithAccount(due[0].Account)
		}
		if s.send(ctx, st, due[0]) {
			sent++
		}
	}
	return sent, nil
}

// send posts e, claimed by this sender, and marks it in st (the rows of
// e's account).
func (s *Sender) send(ctx context.Context, st *store.Store, e store.OutboxEntry) bool {
	// A post under way when ctx ends (SIGTERM) is finished and recorded:
	// cut off half-way, Slack may have accepted it without the store
	// learning its ts, and the next run would post it again.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), inFlightGrace)
	defer cancel()
	var r Reply
	if err := json.Unmarshal([]byte(e.Payload), &r); err != nil {
		s.Logger.Error("outbox entry unreadable; dropped from sending", "outbox_id", e.ID, "account", st.Account(), "error", err)
		st.MarkRetry(ctx, e.ID, s.Owner, 24*time.Hour, "unreadable payload: "+err.Error())
		return false
	}
	r.Key = e.ID
	ts, err := s.find(ctx, e)
	if err == nil && ts == "" {
		if err = st.MarkAttempt(ctx, e.ID, s.Owner, s.Lease); err == nil {
			ts, err = s.Post(ctx, e.Channel, e.ThreadTS, r)
		} else if errors.Is(err, store.ErrClaimLost) {
			s.Logger.Info("outbox entry taken over by another sender; not posted here", "outbox_id", e.ID, "account", st.Account(), "sender", s.Owner)
			return false
		}
	}
	if err != nil {
		wait := s.Backoff(e.Attempts)
		if s.RetryAfter != nil {
			if d, ok := s.RetryAfter(err); ok && d > wait {
				wait = d
			}
		}
		s.Logger.Warn("slack post failed; will retry", "outbox_id", e.ID, "account", st.Account(), "attempt", e.Attempts+1, "wait", wait.String(), "error", err)
		// The store times the retry on the database's clock, rounded up.
		if err := st.MarkRetry(ctx, e.ID, s.Owner, wait, err.Error()); errors.Is(err, store.ErrClaimLost) {
			s.Logger.Info("outbox entry taken over by another sender meanwhile", "outbox_id", e.ID, "account", st.Account(), "sender", s.Owner)
		} else if err != nil {
			s.Logger.Error("outbox", "error", err)
		}
		return false
	}
	if err := st.MarkSent(ctx, e.ID, e.Channel, ts); err != nil {
		s.Logger.Error("outbox: posted but not recorded", "outbox_id", e.ID, "account", st.Account(), "error", err)
		return false
	}
	if e.Kind == store.OutboxTriage {
		if err := st.SetTriagePosted(ctx, e.NoticeID, e.Channel, ts); err != nil {
			s.Logger.Error("outbox", "error", err)
		}
	}
	s.Logger.Info("posted to slack", "outbox_id", e.ID, "account", st.Account(), "ts", ts)
	return true
}

// ErrCannotFind is what Sender.Find returns when it cannot look for a post.
var ErrCannotFind = errors.New("cannot look for an earlier post")

// find looks for an earlier attempt's post of e: "" when e was never
// attempted, or its post is not in Slack.
func (s *Sender) find(ctx context.Context, e store.OutboxEntry) (string, error) {
	if e.Attempts == 0 || s.Find == nil {
		return "", nil
	}
	// Look from a minute before the first attempt, on the database's
	// clock (Slack's and the database's differ a little); an entry
	// attempted before that instant was recorded (an older vtrbot) is
	// looked for from when it was queued, on the queuing process's clock.
	at := e.FirstAttemptAt
	if at == "" {
		at = e.CreatedAt
	}
	since, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		since = s.Now().Add(-7 * 24 * time.Hour)
	}
	ts, err := s.Find(ctx, e.Channel, e.ThreadTS, e.ID, since.Add(-time.Minute))
	if errors.Is(err, ErrCannotFind) {
		s.Logger.Warn("cannot look for an earlier attempt's post; posting again", "outbox_id", e.ID, "error", err)
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if ts != "" {
		s.Logger.Info("an earlier attempt had reached slack", "outbox_id", e.ID, "ts", ts)
	}
	return ts, nil
}

// inFlightGrace bounds how long a post under way may delay shutdown.
const inFlightGrace = 15 * time.Second

// backoff is 5 s doubling per attempt to at most 10 minutes, with up to 20%
// jitter so many failed posts do not retry in lockstep.
func backoff(attempts int) time.Duration {
	d := 5 * time.Second << min(attempts, 7)
	d = min(d, 10*time.Minute)
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}
