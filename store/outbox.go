package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// fineInstant orders entries queued within one second; fixed width, so
// the text compares like the time.
const fineInstant = "2006-01-02T15:04:05.000000Z"

// Outbox kinds.
const (
	OutboxTriage = "triage" // a top-level triage message for a notice
	OutboxThread = "thread" // a reply in the thread of another entry's message
)

// OutboxEntry is one Slack post waiting to be sent, or sent. Its ID is a
// natural key ("triage:<notice>") so queuing twice is harmless.
type OutboxEntry struct {
	ID            string `db:"outbox_id"`
	NoticeID      string `db:"notice_id"`
	Kind          string `db:"kind"`
	Channel       string `db:"channel"`
	ThreadOf      string `db:"thread_of"` // outbox ID whose message this replies to
	Payload       string `db:"payload"`   // JSON of a commands.Reply
	State         string `db:"state"`
	Attempts      int    `db:"attempts"`
	NextAttemptAt string `db:"next_attempt_at"`
	LastError     string `db:"last_error"`
	SlackTS       string `db:"slack_ts"`
	ThreadTS      string `db:"thread_ts"` // filled by Due: the parent's ts
	CreatedAt     string `db:"created_at"`
}

// Enqueue queues an entry unless one with its ID exists.
func (s *Store) Enqueue(ctx context.Context, e OutboxEntry) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return s.enqueue(ctx, tx, e) })
}

func (s *Store) enqueue(ctx context.Context, tx *sqlx.Tx, e OutboxEntry) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO outbox (outbox_id, notice_id, kind, channel, thread_of, payload, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (outbox_id) DO NOTHING`),
		e.ID, e.NoticeID, e.Kind, e.Channel, e.ThreadOf, e.Payload, s.Now().UTC().Format(fineInstant))
	return err
}

// Due returns pending entries whose next attempt is due, oldest first;
// thread replies only once their parent is sent (ThreadTS is the parent's ts).
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT o.outbox_id, o.notice_id, o.kind, o.channel, o.thread_of, o.payload,
		o.state, o.attempts, o.next_attempt_at, o.last_error, o.slack_ts, COALESCE(p.slack_ts, '') AS thread_ts, o.created_at
		FROM outbox o LEFT JOIN outbox p ON p.outbox_id = o.thread_of
		WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND (o.thread_of = '' OR p.state = 'sent')
		ORDER BY o.created_at, o.outbox_id LIMIT ?`), fmtTime(now), limit)
	return out, err
}

// MarkAttempt counts an attempt before it is made: should the process die
// before learning the outcome, the next run knows that the post may have
// reached Slack.
func (s *Store) MarkAttempt(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE outbox SET attempts = attempts + 1 WHERE outbox_id = ?`), id)
	return err
}

// MarkSent records a successful post and its Slack ts.
func (s *Store) MarkSent(ctx context.Context, id, channel, ts string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE outbox SET state = 'sent', slack_ts = ?, channel = ?, sent_at = ?,
		last_error = '' WHERE outbox_id = ?`), ts, channel, fmtTime(s.Now()), id)
	return err
}

// MarkRetry records why an attempt failed and when to try again.
func (s *Store) MarkRetry(ctx context.Context, id string, next time.Time, errText string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE outbox_id = ?`),
		fmtTime(next), errText, id)
	return err
}

// OutboxEntries lists every entry (for tests and `bot demo`).
func (s *Store) OutboxEntries(ctx context.Context) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.db.SelectContext(ctx, &out, `SELECT outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts,
		next_attempt_at, last_error, slack_ts, '' AS thread_ts, created_at FROM outbox ORDER BY created_at, outbox_id`)
	return out, err
}

// OutboxEntry returns one entry. ENOTFOUND when unknown.
func (s *Store) OutboxEntry(ctx context.Context, id string) (*OutboxEntry, error) {
	var e OutboxEntry
	err := s.db.GetContext(ctx, &e, s.q(`SELECT outbox_id, notice_id, kind, channel, thread_of, payload, state, attempts,
		next_attempt_at, last_error, slack_ts, '' AS thread_ts, created_at FROM outbox WHERE outbox_id = ?`), id)
	if err != nil {
		return nil, notFound(err, "outbox entry %s not found", id)
	}
	return &e, nil
}
