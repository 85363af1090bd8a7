package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// fineInstant orders entries queued within one second; fixed width, so
// the text compares like the time.
const fineInstant = "2006-01-02T15:04:05.000000Z"

// OutboxKind says where an outbox entry is posted; the values are those of
// the outbox table's kind column.
type OutboxKind string

// The outbox kinds.
const (
	OutboxTriage OutboxKind = "triage" // a top-level triage message for a notice
	OutboxThread OutboxKind = "thread" // a reply in the thread of another entry's message
)

// OutboxEntry is one Slack post waiting to be sent, or sent. Its ID is a
// natural key ("triage:<notice>") so queuing twice is harmless.
type OutboxEntry struct {
	// Account is whose entry it is (filled by the reads; Enqueue queues
	// the entry in its Store's account, whatever this says).
	Account       string     `db:"account"`
	ID            string     `db:"outbox_id"`
	NoticeID      string     `db:"notice_id"`
	Kind          OutboxKind `db:"kind"`
	Channel       string     `db:"channel"`
	ThreadOf      string     `db:"thread_of"` // outbox ID whose message this replies to
	Payload       string     `db:"payload"`   // JSON of a commands.Reply
	State         string     `db:"state"`
	Attempts      int        `db:"attempts"`
	NextAttemptAt string     `db:"next_attempt_at"`
	LastError     string     `db:"last_error"`
	SlackTS       string     `db:"slack_ts"`
	ThreadTS      string     `db:"thread_ts"`   // filled by Due and ClaimOutbox: the parent's ts
	CreatedAt     string     `db:"created_at"`  // the queuing process's clock
	ClaimedBy     string     `db:"claimed_by"`  // the sender that may post it, until ClaimUntil
	ClaimUntil    string     `db:"claim_until"` // fineInstant; "" or past: anyone may claim it
	// FirstAttemptAt is when the entry was first attempted, on the
	// database's clock (fineInstant; "" until then): where a look-up for
	// that attempt's post starts.
	FirstAttemptAt string `db:"first_attempt_at"`
}

// Enqueue queues an entry unless one with its ID exists.
func (s *Store) Enqueue(ctx context.Context, e OutboxEntry) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return s.enqueue(ctx, tx, e) })
}

func (s *Store) enqueue(ctx context.Context, tx *sqlx.Tx, e OutboxEntry) error {
	if err := s.checkFence(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO outbox (account, outbox_id, notice_id, kind, channel, thread_of, payload, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (account, outbox_id) DO NOTHING`),
		s.account, e.ID, e.NoticeID, e.Kind, e.Channel, e.ThreadOf, e.Payload, s.Now().UTC().Format(fineInstant))
	if err != nil {
		return fmt.Errorf("queue outbox entry %s: %w", e.ID, err)
	}
	return nil
}

// dueSelect reads pending entries whose next attempt is due (the first
// argument: now), of every account; thread replies only once their parent
// (an entry of the same account) is sent (thread_ts is the parent's ts).
const dueSelect = `SELECT o.account, o.outbox_id, o.notice_id, o.kind, o.channel, o.thread_of, o.payload,
		o.state, o.attempts, o.next_attempt_at, o.last_error, o.slack_ts, COALESCE(p.slack_ts, '') AS thread_ts, o.created_at,
		o.claimed_by, o.claim_until, o.first_attempt_at
		FROM outbox o LEFT JOIN outbox p ON p.account = o.account AND p.outbox_id = o.thread_of
		WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND (o.thread_of = '' OR p.state = 'sent')`

// ErrClaimLost is returned by MarkAttempt and MarkRetry when the sender
// does not hold the entry's claim (any more): its claim expired and another
// sender took the entry, or the entry was sent meanwhile.
var ErrClaimLost = errors.New("outbox entry is not claimed by this sender")

// ClaimOutbox claims up to limit due entries (as Due) of the store's
// account for owner for lease, oldest first, and returns them. An entry is
// claimed by one sender at a time: ClaimOutbox skips entries whose claim has not expired,
// whoever holds it (owner's own too, so a sender whose write failed does not
// take the same entry again at once). On PostgreSQL the rows are locked
// with FOR UPDATE SKIP LOCKED, so concurrent claimers pass each other by;
// on SQLite the transaction holds the database's write lock from its start
// (_txlock=immediate), so claims are one at a time. A sender that dies
// holding a claim delays its entry until the claim expires; the entry's
// attempt count then tells the next sender to look for an earlier post
// first. What is due, what has expired and the claim's end are read on the
// database's clock, as the leases are (docs/accounts.md, "Outbox"): a
// sender whose own clock is off neither takes an entry another still holds
// nor holds its own past the lease.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, lease time.Duration, limit int) ([]OutboxEntry, error) {
	return s.claimOutbox(ctx, owner, lease, limit, false)
}

// ClaimOutboxAll is ClaimOutbox over every account's entries, oldest
// first whatever their account, for a sender that drains every account's
// outbox; s is the registry's Store. Each entry says its Account; the
// sender marks it (MarkAttempt, MarkSent, MarkRetry) through that
// account's Store (OpenAccount; the registry's own for DefaultAccount).
func (s *Store) ClaimOutboxAll(ctx context.Context, owner string, lease time.Duration, limit int) ([]OutboxEntry, error) {
	return s.claimOutbox(ctx, owner, lease, limit, true)
}

// claimOutbox is ClaimOutbox, of the store's account's entries or (all)
// of every account's.
func (s *Store) claimOutbox(ctx context.Context, owner string, lease time.Duration, limit int, all bool) ([]OutboxEntry, error) {
	var now, fineNow, until string
	var out []OutboxEntry
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		out = nil
		ms := s.dbNowMS()
		clock := `SELECT ` + s.dialect.instantSQL(ms, false) + `, ` + s.dialect.instantSQL(ms, true) + `, ` + s.dialect.instantSQL(ms+` + ?`, true)
		if err := tx.QueryRowxContext(ctx, s.q(clock), lease.Milliseconds()).Scan(&now, &fineNow, &until); err != nil {
			return fmt.Errorf("claim outbox entries: read the database's clock: %w", err)
		}
		q, args := dueSelect, []any{now}
		if !all {
			q, args = q+` AND o.account = ?`, append(args, s.account)
		}
		q += ` AND o.claim_until <= ? ORDER BY o.created_at, o.account, o.outbox_id LIMIT ?` + s.dialect.skipLocked()
		if err := tx.SelectContext(ctx, &out, s.q(q), append(args, fineNow, limit)...); err != nil {
			return fmt.Errorf("claim outbox entries: %w", err)
		}
		// One update per account, each a seek on (account, outbox_id).
		ids := map[string][]string{}
		var accounts []string
		for _, e := range out {
			if ids[e.Account] == nil {
				accounts = append(accounts, e.Account)
			}
			ids[e.Account] = append(ids[e.Account], e.ID)
		}
		for _, a := range accounts {
			q, args, err := sqlx.In(`UPDATE outbox SET claimed_by = ?, claim_until = ? WHERE account = ? AND outbox_id IN (?)`, owner, until, a, ids[a])
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(q), args...); err != nil {
				return fmt.Errorf("claim outbox entries: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ClaimedBy, out[i].ClaimUntil = owner, until
		out[i].Account = accountName(out[i].Account)
	}
	return out, nil
}

// MarkAttempt counts an attempt before it is made, and renews owner's
// claim for lease from now on the database's clock: should the process die
// before learning the outcome, the next sender knows that the post may
// have reached Slack, and since when (FirstAttemptAt, set by the first
// attempt on the database's clock). ErrClaimLost means owner must not post
// the entry.
func (s *Store) MarkAttempt(ctx context.Context, id, owner string, lease time.Duration) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE outbox SET attempts = attempts + 1, claim_until = `+s.dialect.instantSQL(s.dbNowMS()+` + ?`, true)+`,
			first_attempt_at = CASE WHEN first_attempt_at = '' THEN `+s.dialect.instantSQL(s.dbNowMS(), true)+` ELSE first_attempt_at END
		WHERE account = ? AND outbox_id = ? AND claimed_by = ? AND state = 'pending'`), lease.Milliseconds(), s.account, id, owner)
	return claimHeld(res, err, "count an attempt at outbox entry "+id)
}

// claimHeld is ErrClaimLost unless the update res changed a row; what
// names the update in a database error.
func claimHeld(res interface{ RowsAffected() (int64, error) }, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(ErrClaimLost, err)
	}
	return nil
}

// MarkSent records a successful post and its Slack ts, and ends the claim.
// It does not ask who holds the claim: the post exists, whoever made it.
func (s *Store) MarkSent(ctx context.Context, id, channel, ts string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE outbox SET state = 'sent', slack_ts = ?, channel = ?, sent_at = ?,
		last_error = '', claimed_by = '', claim_until = '' WHERE account = ? AND outbox_id = ?`), ts, channel, fmtTime(s.Now()), s.account, id)
	if err != nil {
		return fmt.Errorf("mark outbox entry %s sent: %w", id, err)
	}
	return nil
}

// MarkRetry records why owner's attempt failed and that the next is due
// after wait on the database's clock (rounded up to the whole second the
// column keeps, so that a Retry-After is not cut short), and ends owner's
// claim. ErrClaimLost (and no change) when owner does not hold it: the
// entry is another sender's now.
func (s *Store) MarkRetry(ctx context.Context, id, owner string, wait time.Duration, errText string) error {
	next := s.dialect.instantSQL(s.dbNowMS()+` + ? + 999`, false)
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE outbox SET next_attempt_at = `+next+`, last_error = ?, claimed_by = '', claim_until = ''
		WHERE account = ? AND outbox_id = ? AND claimed_by = ? AND state = 'pending'`), wait.Milliseconds(), errText, s.account, id, owner)
	return claimHeld(res, err, "schedule a retry of outbox entry "+id)
}

// OutboxEntries lists every entry of the store's account (for tests).
func (s *Store) OutboxEntries(ctx context.Context) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT account, outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts,
		next_attempt_at, last_error, slack_ts, '' AS thread_ts, created_at, claimed_by, claim_until, first_attempt_at FROM outbox
		WHERE account = ? ORDER BY created_at, outbox_id`), s.account)
	if err != nil {
		return out, fmt.Errorf("list outbox: %w", err)
	}
	for i := range out {
		out[i].Account = accountName(out[i].Account)
	}
	return out, nil
}

// OutboxEntry returns one entry. ENOTFOUND when unknown.
func (s *Store) OutboxEntry(ctx context.Context, id string) (*OutboxEntry, error) {
	var e OutboxEntry
	err := s.db.GetContext(ctx, &e, s.q(`SELECT account, outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts,
		next_attempt_at, last_error, slack_ts, '' AS thread_ts, created_at, claimed_by, claim_until, first_attempt_at FROM outbox
		WHERE account = ? AND outbox_id = ?`), s.account, id)
	if err != nil {
		return nil, notFound(err, "outbox entry %s not found", id)
	}
	e.Account = accountName(e.Account)
	return &e, nil
}
